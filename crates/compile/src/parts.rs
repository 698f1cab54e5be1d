//! Where a bundle's bytes go: each part as the bundle encodes it, raw and gzipped on
//! its own (`deflect sizes --parts`), so an author or a change to the format sees what
//! each part costs a visitor.

use deflect_engine::bundle::Bundle;
use serde::Serialize;

use crate::gzip::gzip;

/// One part of a bundle and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartSize {
    pub name: &'static str,
    pub bytes: usize,
    pub gzip: usize,
}

/// The sizes of `bundle`'s parts: the KB, the matcher's tables, and the term index's
/// terms, postings and fieldnorms (each over all fields).
pub fn part_sizes(bundle: &Bundle) -> std::io::Result<Vec<PartSize>> {
    // Every field named, so that a new part cannot go unmeasured.
    let Bundle {
        kb,
        index,
        expansion,
        vectors,
        classifier,
    } = bundle;
    let joined = |part: fn(&deflect_engine::search::term_index::FieldIndex) -> &[u8]| {
        index
            .fields
            .iter()
            .flat_map(part)
            .copied()
            .collect::<Vec<u8>>()
    };
    let parts = [
        ("kb", encoded(kb)?),
        ("classifier", encoded(classifier)?),
        ("vectors", encoded(vectors)?),
        ("expansion", encoded(expansion)?),
        ("terms", joined(|f| &f.terms)),
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
