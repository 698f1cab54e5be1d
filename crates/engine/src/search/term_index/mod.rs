//! The index as the engine reads it: Deflect's own compact format, written from
//! tantivy's segment when a bundle is built (`deflect-compile`'s `compact` module).
//!
//! tantivy stays the indexer (its analysers, its fieldnorms, its statistics), but its
//! reader (term dictionaries, bitpacked postings, `meta.json` through serde_json) would
//! be most of what the browser engine carries just to look up a handful of terms. This
//! keeps only what BM25 reads: per group of fields (a language's), the terms once
//! ([`terms`]); per field, each term's documents and frequencies ([`posting_list`]),
//! each document's length as tantivy's fieldnorm id, and the field's total tokens; the
//! document count is shared. Each part is a byte string, read with one copy.
//!
//! A posting list numbers documents within its field: the n-th document that has words
//! in the field (a fieldnorm id above 0). An entry's fields skip the documents of its
//! example questions and those the other way round, so the gaps stay small.

mod posting_list;
mod shards;
mod terms;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use posting_list::PostingList;
pub use shards::{GroupPostings, ListBytes, SHARD_MAGIC, ShardRef, split};
pub use terms::{ListAt, MAX_FIELDS, TermBlocks};

/// Every field's terms, postings and lengths over one run of documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TermIndex {
    /// Documents, numbered from 0 in the order they were indexed.
    pub doc_count: u32,
    pub groups: Vec<TermGroup>,
}

/// Fields whose terms are stored once, together: a language's fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TermGroup {
    /// The terms of all the group's fields, sorted and front-coded, each with which
    /// fields have it and its posting list's byte length in each.
    #[serde(with = "serde_bytes")]
    pub terms: Vec<u8>,
    pub fields: Vec<FieldIndex>,
    /// Empty when the fields hold their postings; else the shards that hold them, in
    /// term order (see [`shards`]).
    pub shards: Vec<ShardRef>,
}

/// One field: its terms' posting lists and each document's length in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldIndex {
    /// The field's name in the schema (`title_en`, see `search::schema`).
    pub name: String,
    /// Tokens in this field over all documents: over `doc_count`, BM25's average length.
    pub total_tokens: u64,
    /// The posting lists of the terms the field has, one after the other in term order
    /// (empty when the group is split into shards).
    #[serde(with = "serde_bytes")]
    pub postings: Vec<u8>,
    /// Per document, its length in this field as tantivy's one-byte fieldnorm id.
    #[serde(with = "serde_bytes")]
    pub fieldnorms: Vec<u8>,
}

impl FieldIndex {
    /// The documents with words in the field, by their number within it.
    pub fn documents(&self) -> Vec<u32> {
        (0..)
            .zip(&self.fieldnorms)
            .filter(|(_, length)| **length != 0)
            .map(|(doc, _)| doc)
            .collect()
    }
}

/// Writes a group of fields, terms given in ascending byte order.
pub struct TermGroupWriter {
    terms: terms::TermsWriter,
    fields: Vec<FieldIndex>,
    /// Per field, per document: its number within the field (`u32::MAX`: no words).
    numbers: Vec<Vec<u32>>,
}

impl TermGroupWriter {
    /// A group of `fields`, given with their lengths and no postings yet.
    pub fn new(fields: Vec<FieldIndex>) -> Result<Self> {
        if fields.len() > MAX_FIELDS {
            return Err(Error::Index(format!(
                "{} fields in one group; at most {MAX_FIELDS}",
                fields.len()
            )));
        }
        let numbers = fields
            .iter()
            .map(|field| {
                let mut numbers = vec![u32::MAX; field.fieldnorms.len()];
                for (number, doc) in (0..).zip(field.documents()) {
                    numbers[doc as usize] = number;
                }
                numbers
            })
            .collect();
        Ok(TermGroupWriter {
            terms: terms::TermsWriter::default(),
            fields,
            numbers,
        })
    }

    /// Adds `term` with, for each field that has it (slots ascending), its
    /// `(document, term frequency)` pairs, documents ascending.
    pub fn add_term(&mut self, term: &[u8], postings: &[(usize, Vec<(u32, u32)>)]) -> Result<()> {
        let mut lengths = Vec::with_capacity(postings.len());
        for (slot, list) in postings {
            let (field, numbers) = match (self.fields.get_mut(*slot), self.numbers.get(*slot)) {
                (Some(field), Some(numbers)) => (field, numbers),
                _ => return Err(Error::Index(format!("no field in slot {slot}"))),
            };
            let numbered = list
                .iter()
                .map(|&(doc, freq)| match numbers.get(doc as usize) {
                    Some(&n) if n != u32::MAX => Ok((n, freq)),
                    _ => Err(format!("document {doc} has no words in it")),
                })
                .collect::<Result<Vec<_>, String>>();
            let start = field.postings.len();
            numbered
                .and_then(|list| posting_list::write(&mut field.postings, &list))
                .map_err(|e| Error::Index(format!("field {}: {e}", field.name)))?;
            lengths.push((*slot, field.postings.len() - start));
        }
        self.terms
            .push(term, &lengths)
            .map_err(|e| Error::Index(format!("terms: {e}")))
    }

    pub fn finish(self) -> TermGroup {
        TermGroup {
            terms: self.terms.finish(),
            fields: self.fields,
            shards: Vec::new(),
        }
    }
}

/// Appends `value` as an unsigned LEB128 varint.
fn write_varint(out: &mut Vec<u8>, value: u64) {
    let (bytes, len) = leb128fmt::encode_u64(value).expect("any u64 fits in 64 bits");
    out.extend_from_slice(&bytes[..len]);
}

/// Reads the varint at `*pos`, moving past it; `None` if the bytes end first.
#[inline]
fn read_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    // Most are one byte (small gaps, lengths, frequencies): read inline.
    let first = *bytes.get(*pos)?;
    if first < 0x80 {
        *pos += 1;
        return Some(u64::from(first));
    }
    leb128fmt::decode_uint_slice::<u64, 64>(bytes, pos).ok()
}
