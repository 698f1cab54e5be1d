//! The index as the engine reads it: Deflect's own compact format, written from
//! tantivy's segment when a bundle is built (`deflect-compile`'s `compact` module).
//!
//! tantivy stays the indexer (its analysers, its fieldnorms, its statistics), but its
//! reader (term dictionaries, bitpacked postings, `meta.json` through serde_json) would
//! be most of what the browser engine carries just to look up a handful of terms. Per
//! field this keeps only what BM25 reads: the terms ([`terms`]), each term's documents
//! and frequencies ([`posting_list`]), each document's length as tantivy's fieldnorm
//! id, and the field's total tokens; the document count is shared. Each part is a byte
//! string, read from the bundle with one copy.

mod posting_list;
mod terms;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use posting_list::PostingList;
pub use terms::TermBlocks;

/// Every field's terms, postings and lengths over one run of documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TermIndex {
    /// Documents, numbered from 0 in the order they were indexed.
    pub doc_count: u32,
    pub fields: Vec<FieldIndex>,
}

/// One field: its terms, their posting lists and each document's length in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldIndex {
    /// The field's name in the schema (`title_en`, see `search::schema`).
    pub name: String,
    /// Tokens in this field over all documents: over `doc_count`, BM25's average length.
    pub total_tokens: u64,
    /// The terms, sorted and front-coded, each with its posting list's byte length.
    #[serde(with = "serde_bytes")]
    pub terms: Vec<u8>,
    /// The terms' posting lists, one after the other in term order.
    #[serde(with = "serde_bytes")]
    pub postings: Vec<u8>,
    /// Per document, its length in this field as tantivy's one-byte fieldnorm id.
    #[serde(with = "serde_bytes")]
    pub fieldnorms: Vec<u8>,
}

/// Writes one field, its terms given in ascending byte order.
#[derive(Default)]
pub struct FieldIndexWriter {
    name: String,
    terms: terms::TermsWriter,
    postings: Vec<u8>,
}

impl FieldIndexWriter {
    pub fn new(name: &str) -> Self {
        FieldIndexWriter {
            name: name.to_string(),
            ..Default::default()
        }
    }

    /// Adds `term` with its `(document, term frequency)` pairs, documents ascending.
    pub fn add_term(&mut self, term: &[u8], postings: &[(u32, u32)]) -> Result<()> {
        let start = self.postings.len();
        posting_list::write(&mut self.postings, postings)
            .map_err(|e| Error::Index(format!("field {}: {e}", self.name)))?;
        self.terms
            .push(term, self.postings.len() - start)
            .map_err(|e| Error::Index(format!("field {}: {e}", self.name)))
    }

    /// The field, with its total tokens and per-document fieldnorm ids.
    pub fn finish(self, total_tokens: u64, fieldnorms: Vec<u8>) -> FieldIndex {
        FieldIndex {
            name: self.name,
            total_tokens,
            terms: self.terms.finish(),
            postings: self.postings,
            fieldnorms,
        }
    }
}

/// Appends `value` as an unsigned LEB128 varint.
fn write_varint(out: &mut Vec<u8>, value: u64) {
    let (bytes, len) = leb128fmt::encode_u64(value).expect("any u64 fits in 64 bits");
    out.extend_from_slice(&bytes[..len]);
}

/// Reads the varint at `*pos`, moving past it; `None` if the bytes end first.
fn read_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    leb128fmt::decode_uint_slice::<u64, 64>(bytes, pos).ok()
}
