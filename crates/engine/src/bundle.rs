//! The bundle: one file holding the compiled KB and everything the matcher reads,
//! shipped next to the engine's `.wasm` under a content-hashed name so a KB edit never
//! invalidates the cached engine. `deflect-compile` writes it; the engine only reads it.
//!
//! Layout: 8 magic bytes, the format version (u32, little endian), then the postcard
//! encoding of [`Bundle`]. The version is checked on open, so an engine never misreads
//! a bundle written by another release (see `tests/compat.rs`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::escalation::meaning::RuleMeaning;
use crate::model::Kb;
use crate::search::classifier::Classifier;
use crate::search::expansion::Expansion;
use crate::search::term_index::TermIndex;
use crate::search::vectors::VectorTable;

const MAGIC: &[u8; 8] = b"DEFLECT\0";

/// Bump when [`Bundle`] or anything inside it changes shape, including the index's
/// layout (3: one segment in entry order, no `ord` field; 4: per-language settings;
/// 5: the article classifier among the index files; 6: the matcher's tables as typed
/// fields instead of files found by name; 7: escalation rules' examples, languages and
/// thresholds, and their word weights and calibration; 8: the classifier's features
/// hashed into 18 bits; 9: article bodies left out, each article naming its body's
/// fragment file; 10: Deflect's compact term index instead of tantivy's files; 11: the
/// expansion table column by column; 12: each term group's shard table, its postings
/// possibly in shard files; 13: the classifier's sparse weights at square-root levels,
/// its sentence-vector weights with their own scale; 14: the classifier's escalation
/// rule classes, its features hashed into 17 bits; 15: the expansion table's
/// words front-coded).
pub const FORMAT_VERSION: u32 = 15;

/// What a bundle holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bundle {
    pub kb: Kb,
    /// The terms, postings and lengths BM25 reads, written from tantivy's index.
    pub index: TermIndex,
    /// The KB's words for a visitor's words, by meaning.
    pub expansion: Expansion,
    /// Sentence vectors of the KB's English words.
    pub vectors: VectorTable,
    /// The article classifier learned from the example questions.
    pub classifier: Classifier,
    /// Word weights and calibration for escalation rules' examples.
    pub rule_meaning: RuleMeaning,
}

impl Bundle {
    /// The bundle as bytes, as the browser downloads it.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::from(&MAGIC[..]);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        postcard::to_extend(self, out).map_err(|e| Error::CorruptBundle(e.to_string()))
    }

    /// Unpacks bundle bytes, refusing anything of another format version.
    pub fn decode(bytes: &[u8]) -> Result<Bundle> {
        let rest = bytes.strip_prefix(&MAGIC[..]).ok_or(Error::NotABundle)?;
        let (version, body) = rest.split_at_checked(4).ok_or(Error::NotABundle)?;
        let found = u32::from_le_bytes(version.try_into().expect("four bytes"));
        if found != FORMAT_VERSION {
            return Err(Error::BundleFormat {
                found,
                expected: FORMAT_VERSION,
            });
        }
        postcard::from_bytes(body).map_err(|e| Error::CorruptBundle(e.to_string()))
    }
}
