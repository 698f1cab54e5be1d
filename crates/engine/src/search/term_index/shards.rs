//! Postings in shards, for very large KBs: a group's posting lists cut into runs of
//! consecutive term blocks, each run (with all fields' lists for its terms) a file of
//! its own that the browser fetches when a question needs it. The terms and the
//! fieldnorms stay in the bundle: typo correction and completion read every term, and
//! the shard table ([`ShardRef`]) says which file holds which terms.
//!
//! A bundle that is not split reads as one shard per group, always loaded, so the
//! matcher has one way to reach a posting list and a split bundle with every shard
//! loaded reads the very same bytes.
//!
//! File layout: [`SHARD_MAGIC`], the bundle's format version (u32, little endian), then
//! the postcard encoding of the shard: its group, its first term and per field the
//! posting lists of its terms.

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use super::posting_list::check_lists;
use super::terms::{BLOCK, ListAt, TermBlocks};
use super::{TermGroup, TermIndex};
use crate::bundle::FORMAT_VERSION;
use crate::error::{Error, Result};

/// The first bytes of a shard file.
pub const SHARD_MAGIC: &[u8; 8] = b"DFLSHRD\0";

/// One shard of a group's postings, as the bundle lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardRef {
    /// The ordinal of its first term in the group (a block's first, so a multiple of
    /// the block size); it holds the terms up to the next shard's first.
    pub first_term: u32,
    /// Its file name under the site's postings folder (content-hashed).
    pub name: String,
}

/// What a shard file holds.
#[derive(Serialize, Deserialize)]
struct ShardFile {
    group: u32,
    first_term: u32,
    /// Per field of the group, the posting lists of the shard's terms, in term order.
    fields: Vec<ByteBuf>,
}

/// Moves every group's postings into shards of about `target` bytes (whole term
/// blocks, at least one each), naming each file by `name` of its bytes; returns the
/// files, named, and leaves the shard table in `index`.
pub fn split(
    index: &mut TermIndex,
    target: usize,
    mut name: impl FnMut(&[u8]) -> String,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for (group_number, group) in (0u32..).zip(&mut index.groups) {
        let blocks = TermBlocks::open(&group.terms, group.fields.len())?;
        check_totals(group, &blocks)?;
        let mut first = 0;
        for block in 0..blocks.block_count() {
            let end = block + 1;
            let bytes: usize = blocks.postings_at(end).iter().sum::<usize>()
                - blocks.postings_at(first).iter().sum::<usize>();
            if bytes < target && end < blocks.block_count() {
                continue;
            }
            let (from, to) = (blocks.postings_at(first), blocks.postings_at(end));
            let file = ShardFile {
                group: group_number,
                first_term: term_ordinal(first)?,
                fields: (group.fields.iter().enumerate())
                    .map(|(slot, f)| ByteBuf::from(&f.postings[from[slot]..to[slot]]))
                    .collect(),
            };
            let bytes = encode(&file)?;
            let file_name = name(&bytes);
            group.shards.push(ShardRef {
                first_term: file.first_term,
                name: file_name.clone(),
            });
            files.push((file_name, bytes));
            first = end;
        }
        for field in &mut group.fields {
            field.postings = Vec::new();
        }
    }
    Ok(files)
}

fn term_ordinal(block: usize) -> Result<u32> {
    u32::try_from(block * BLOCK).map_err(|_| Error::Index("too many terms to shard".into()))
}

fn encode(file: &ShardFile) -> Result<Vec<u8>> {
    let mut out = Vec::from(&SHARD_MAGIC[..]);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    postcard::to_extend(file, out).map_err(|e| Error::Index(e.to_string()))
}

/// The postings of a group not split must be exactly what its terms say.
fn check_totals(group: &TermGroup, blocks: &TermBlocks) -> Result<()> {
    let lens = group.fields.iter().map(|f| f.postings.len());
    if !lens.eq(blocks.postings_at(blocks.block_count()).iter().copied()) {
        return Err(Error::CorruptBundle(
            "term index: the postings are not the length the terms give".into(),
        ));
    }
    Ok(())
}

/// Where a posting list's bytes are: loaded, or in a shard not loaded yet.
pub enum ListBytes<'a> {
    Loaded(&'a [u8]),
    NotLoaded(&'a str),
}

/// A group's postings: whole, or its shards as far as they are loaded.
#[derive(Debug)]
pub struct GroupPostings {
    shards: Vec<OpenShard>,
}

#[derive(Debug)]
struct OpenShard {
    first_block: usize,
    /// Empty for the one shard of a group that is not split.
    name: String,
    /// Per field: where the shard's postings start in the field's postings, and how
    /// many bytes they take.
    base: Vec<usize>,
    lens: Vec<usize>,
    /// Per field, once loaded.
    postings: Option<Vec<Vec<u8>>>,
}

impl GroupPostings {
    /// A group's postings: taken from its fields if it is not split (checked against
    /// its terms), else its shard table with nothing loaded.
    pub fn open(group: &mut TermGroup, blocks: &TermBlocks) -> Result<Self> {
        if group.shards.is_empty() {
            check_totals(group, blocks)?;
            let postings = group.fields.iter_mut();
            let postings = postings.map(|f| std::mem::take(&mut f.postings)).collect();
            let lens = blocks.postings_at(blocks.block_count()).to_vec();
            let whole = OpenShard {
                first_block: 0,
                name: String::new(),
                base: vec![0; lens.len()],
                lens,
                postings: Some(postings),
            };
            return Ok(GroupPostings {
                shards: vec![whole],
            });
        }
        let corrupt = |what: &str| Error::CorruptBundle(format!("shard table: {what}"));
        if group.fields.iter().any(|f| !f.postings.is_empty()) {
            return Err(corrupt("a split group still has postings"));
        }
        let mut shards: Vec<OpenShard> = Vec::with_capacity(group.shards.len());
        for (i, shard) in group.shards.iter().enumerate() {
            let first_block = shard.first_term as usize / BLOCK;
            let end_block = match group.shards.get(i + 1) {
                Some(next) => next.first_term as usize / BLOCK,
                None => blocks.block_count(),
            };
            let aligned = (shard.first_term as usize).is_multiple_of(BLOCK);
            let starts_right = (i == 0) == (first_block == 0);
            if !aligned || !starts_right || end_block <= first_block {
                return Err(corrupt("shards out of order or not on term blocks"));
            }
            if end_block > blocks.block_count() {
                return Err(corrupt("a shard starts past the last term"));
            }
            let (from, to) = (
                blocks.postings_at(first_block),
                blocks.postings_at(end_block),
            );
            shards.push(OpenShard {
                first_block,
                name: shard.name.clone(),
                base: from.to_vec(),
                lens: to.iter().zip(from).map(|(t, f)| t - f).collect(),
                postings: None,
            });
        }
        Ok(GroupPostings { shards })
    }

    /// The bytes of the posting list at `at` in the field in `slot`, or the shard to
    /// load first.
    #[inline]
    pub fn list(&self, at: &ListAt, slot: usize) -> Result<ListBytes<'_>> {
        let shard = self
            .shards
            .partition_point(|s| s.first_block <= at.block)
            .checked_sub(1)
            .and_then(|k| self.shards.get(k));
        let Some(shard) = shard else {
            return Err(Error::CorruptBundle(
                "term index: a term before any shard".into(),
            ));
        };
        let Some(postings) = &shard.postings else {
            return Ok(ListBytes::NotLoaded(&shard.name));
        };
        let base = shard.base.get(slot).copied().unwrap_or(usize::MAX);
        let start = at.range.start.checked_sub(base);
        let end = at.range.end.checked_sub(base);
        start
            .zip(end)
            .and_then(|(start, end)| postings.get(slot)?.get(start..end))
            .map(ListBytes::Loaded)
            .ok_or_else(|| Error::CorruptBundle("term index: a list outside its shard".into()))
    }

    /// The shards not loaded yet, by file name.
    pub fn missing(&self) -> impl Iterator<Item = &str> {
        self.shards
            .iter()
            .filter(|s| s.postings.is_none())
            .map(|s| s.name.as_str())
    }

    /// Whether a shard of this group is named `name`.
    pub fn has(&self, name: &str) -> bool {
        self.shards
            .iter()
            .any(|s| !s.name.is_empty() && s.name == name)
    }

    /// Loads shard `name` of this group (the `group`th) from its file's `bytes`,
    /// checking it is the shard the table names and that its lists are whole, each
    /// document within its field's `documents`.
    pub fn add(&mut self, group: usize, name: &str, bytes: &[u8], documents: &[u32]) -> Result<()> {
        let damaged = |why: &str| Error::DamagedShard {
            name: name.to_string(),
            why: why.to_string(),
        };
        let shard = (self.shards.iter_mut())
            .find(|s| !s.name.is_empty() && s.name == name)
            .ok_or_else(|| Error::UnknownShard(name.to_string()))?;
        let file = decode(bytes).map_err(|why| damaged(&why))?;
        if file.group as usize != group || file.first_term as usize != shard.first_block * BLOCK {
            return Err(damaged("it holds other terms than the table says"));
        }
        let lens = file.fields.iter().map(|f| f.len());
        if file.fields.len() != documents.len() || !lens.eq(shard.lens.iter().copied()) {
            return Err(damaged("its postings are not the length the terms give"));
        }
        for (field, &documents) in file.fields.iter().zip(documents) {
            check_lists(field, documents).map_err(|e| damaged(&e.to_string()))?;
        }
        shard.postings = Some(file.fields.into_iter().map(ByteBuf::into_vec).collect());
        Ok(())
    }
}

fn decode(bytes: &[u8]) -> Result<ShardFile, String> {
    let rest = bytes
        .strip_prefix(&SHARD_MAGIC[..])
        .ok_or("not a Deflect postings shard")?;
    let (version, body) = rest.split_at_checked(4).ok_or("cut short")?;
    let found = u32::from_le_bytes(version.try_into().expect("four bytes"));
    if found != FORMAT_VERSION {
        return Err(format!(
            "format {found}, this engine reads {FORMAT_VERSION}"
        ));
    }
    postcard::from_bytes(body).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::postings::{FieldTerm, Segment};
    use crate::search::term_index::{FieldIndex, TermGroupWriter};

    const DOCS: u32 = 40;

    /// Two fields over [`DOCS`] documents and `terms` words; word i is in document
    /// i % DOCS of the first field (i + 1 times), and of the second when i is even.
    fn index(terms: usize) -> TermIndex {
        let field = |name: &str| FieldIndex {
            name: name.into(),
            total_tokens: 400,
            fieldnorms: vec![10; DOCS as usize],
            ..Default::default()
        };
        let mut writer = TermGroupWriter::new(vec![field("title"), field("body")]).unwrap();
        for i in 0..terms {
            let doc = i as u32 % DOCS;
            let mut lists = vec![(0, vec![(doc, i as u32 + 1)])];
            if i % 2 == 0 {
                let mut docs = vec![doc, (doc + 1) % DOCS];
                docs.sort();
                lists.push((1, docs.into_iter().map(|d| (d, 1)).collect()));
            }
            writer.add_term(word(i).as_bytes(), &lists).unwrap();
        }
        TermIndex {
            doc_count: DOCS,
            groups: vec![writer.finish()],
        }
    }

    fn word(i: usize) -> String {
        format!("w{i:04}")
    }

    fn split_index(terms: usize, target: usize) -> (TermIndex, Vec<(String, Vec<u8>)>) {
        let mut split_index = index(terms);
        let files = split(&mut split_index, target, |bytes| {
            format!("s{}", bytes.len())
        })
        .unwrap();
        let files = files
            .into_iter()
            .enumerate()
            .map(|(i, (_, bytes))| (format!("shard{i}"), bytes))
            .collect::<Vec<_>>();
        for (shard, (name, _)) in split_index.groups[0].shards.iter_mut().zip(&files) {
            shard.name = name.clone();
        }
        (split_index, files)
    }

    fn hits(segment: &Segment, words: &[String], field: &str) -> Result<Vec<(u32, u32)>> {
        let terms: Vec<FieldTerm> = words
            .iter()
            .map(|text| FieldTerm {
                field: segment.field(field).unwrap(),
                text,
                weight: 1.0,
            })
            .collect();
        let hits = segment.top_docs(&terms, 100)?;
        Ok(hits.into_iter().map(|(d, s)| (d, s.to_bits())).collect())
    }

    #[test]
    fn shards_are_runs_of_whole_blocks_of_about_the_target_size() {
        let (split_index, files) = split_index(500, 300);
        let whole = index(500);
        let group = &split_index.groups[0];
        assert!(group.fields.iter().all(|f| f.postings.is_empty()));
        assert_eq!(group.terms, whole.groups[0].terms, "the terms stay");
        assert!(files.len() > 3, "{} shards", files.len());
        let firsts: Vec<u32> = group.shards.iter().map(|s| s.first_term).collect();
        assert_eq!(firsts[0], 0);
        assert!(firsts.windows(2).all(|w| w[0] < w[1]));
        assert!(firsts.iter().all(|f| (*f as usize).is_multiple_of(BLOCK)));
        // Every shard but the last reaches the target; together they are the postings.
        let sizes: Vec<usize> = files
            .iter()
            .map(|(_, bytes)| decode(bytes).unwrap().fields.iter().map(|f| f.len()).sum())
            .collect();
        assert!(
            sizes[..sizes.len() - 1].iter().all(|s| *s >= 300),
            "{sizes:?}"
        );
        let total: usize = whole.groups[0]
            .fields
            .iter()
            .map(|f| f.postings.len())
            .sum();
        assert_eq!(sizes.iter().sum::<usize>(), total);
    }

    #[test]
    fn a_list_in_a_shard_not_loaded_names_it_and_loaded_reads_as_whole() {
        let (split_index, files) = split_index(500, 300);
        let whole = Segment::open(index(500)).unwrap();
        let mut split = Segment::open(split_index).unwrap();
        assert_eq!(split.missing_shards().len(), files.len());
        assert!(whole.missing_shards().is_empty());
        let asked = [word(3), word(498), "absent".to_string()];
        let needed = match hits(&split, &asked, "title") {
            Err(Error::NeedsShards(needed)) => needed,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            needed,
            [files[0].0.clone(), files.last().unwrap().0.clone()]
        );
        // A word no shard holds needs none.
        assert_eq!(hits(&split, &["absent".into()], "title").unwrap(), []);
        for name in &needed {
            let bytes = &files.iter().find(|(n, _)| n == name).unwrap().1;
            split.add_shard(name, bytes).unwrap();
        }
        for field in ["title", "body"] {
            let split_hits = hits(&split, &asked, field).unwrap();
            assert_eq!(split_hits, hits(&whole, &asked, field).unwrap(), "{field}");
        }
        assert_eq!(split.missing_shards().len(), files.len() - 2);
        for (name, bytes) in &files {
            split.add_shard(name, bytes).unwrap();
        }
        let every: Vec<String> = (0..500).map(word).collect();
        for field in ["title", "body"] {
            assert_eq!(
                hits(&split, &every, field).unwrap(),
                hits(&whole, &every, field).unwrap()
            );
        }
        assert!(split.missing_shards().is_empty());
    }

    #[test]
    fn an_unknown_or_damaged_shard_is_an_error_and_changes_nothing() {
        let (split_index, files) = split_index(500, 300);
        let mut split = Segment::open(split_index).unwrap();
        let (name, bytes) = &files[1];
        assert!(matches!(
            split.add_shard("nope.bin", bytes),
            Err(Error::UnknownShard(n)) if n == "nope.bin"
        ));
        // Another shard's bytes, cut short, not a shard, a document past the field.
        let mut past_the_field = bytes.clone();
        let last = past_the_field.len() - 1;
        past_the_field[last] = 0x7e;
        for damaged in [
            files[2].1.clone(),
            bytes[..bytes.len() - 3].to_vec(),
            b"<html>not found</html>".to_vec(),
            Vec::new(),
            past_the_field,
        ] {
            let result = split.add_shard(name, &damaged);
            assert!(
                matches!(result, Err(Error::DamagedShard { .. })),
                "{result:?}"
            );
        }
        assert_eq!(split.missing_shards().len(), files.len());
        split.add_shard(name, bytes).unwrap();
        assert_eq!(split.missing_shards().len(), files.len() - 1);
    }

    #[test]
    fn a_damaged_shard_table_is_refused_on_open() {
        let (split_index, _) = split_index(500, 300);
        let mut unaligned = split_index.clone();
        unaligned.groups[0].shards[1].first_term += 1;
        let mut past_the_end = split_index.clone();
        past_the_end.groups[0].shards.last_mut().unwrap().first_term = 10_000;
        let mut not_from_the_start = split_index.clone();
        not_from_the_start.groups[0].shards.remove(0);
        let mut postings_left = split_index;
        postings_left.groups[0].fields[0].postings = vec![1, 0, 1];
        for index in [unaligned, past_the_end, not_from_the_start, postings_left] {
            assert!(matches!(Segment::open(index), Err(Error::CorruptBundle(_))));
        }
    }
}
