//! Where a bundle's bytes go: each part as the bundle encodes it, raw and gzipped on
//! its own (`deflect sizes --parts`), so an author or a change to the format sees what
//! each part costs a visitor.

use deflect_engine::bundle::Bundle;
use deflect_engine::search::term_index::FieldIndex;
use serde::Serialize;

use crate::gzip::gzip;

/// One part of a bundle and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartSize {
    pub name: &'static str,
    pub bytes: usize,
    pub gzip: usize,
}

/// The sizes of `bundle`'s parts: the KB, the matcher's and the rules' tables, and the term index's
/// terms, postings and fieldnorms (each over all groups and fields).
pub fn part_sizes(bundle: &Bundle) -> std::io::Result<Vec<PartSize>> {
    let groups = &bundle.index.groups;
    let terms: Vec<u8> = groups.iter().flat_map(|g| &g.terms).copied().collect();
    let joined = |part: fn(&FieldIndex) -> &[u8]| -> Vec<u8> {
        let fields = groups.iter().flat_map(|g| &g.fields);
        fields.flat_map(part).copied().collect()
    };
    let parts = [
        ("kb", encoded(&bundle.kb)?),
        ("classifier", encoded(&bundle.classifier)?),
        ("vectors", encoded(&bundle.vectors)?),
        ("expansion", encoded(&bundle.expansion)?),
        ("rule meaning", encoded(&bundle.rule_meaning)?),
        ("terms", terms),
        ("postings", joined(|f| &f.postings)),
        ("fieldnorms", joined(|f| &f.fieldnorms)),
    ];
    parts
        .into_iter()
        .map(|(name, bytes)| {
            Ok(PartSize {
                name,
                bytes: bytes.len(),
                gzip: gzip(&bytes)?.len(),
            })
        })
        .collect()
}

fn encoded<T: Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    postcard::to_allocvec(value).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_add_up_to_about_the_bundle() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb");
        let kb = crate::compile_dir(&dir).unwrap().kb;
        let bundle = crate::bundle(&kb).unwrap();
        let parts = part_sizes(&bundle).unwrap();
        let names: Vec<&str> = parts.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "kb",
                "classifier",
                "vectors",
                "expansion",
                "rule meaning",
                "terms",
                "postings",
                "fieldnorms"
            ]
        );
        assert!(parts.iter().all(|p| p.bytes > 0 && p.gzip > 0), "{parts:?}");
        // What is not counted is framing: field names, lengths, the header.
        let total: usize = parts.iter().map(|p| p.bytes).sum();
        let whole = bundle.encode().unwrap().len();
        assert!(total <= whole && whole - total < 1024, "{total} of {whole}");
    }
}
