//! A field's terms, sorted and front-coded: each term as how many bytes it shares with
//! the term before, the rest of its bytes, then its posting list's byte length. Every
//! [`BLOCK`]th term is written whole, so a lookup binary-searches those and decodes at
//! most one block; opening needs one pass to find where the blocks start.

use std::ops::Range;

use super::{read_varint, write_varint};
use crate::error::{Error, Result};

/// Terms per block; a block starts with a whole term. Sixteen keeps a lookup to a few
/// hundred bytes decoded, and costs one whole term per sixteen in size.
const BLOCK: usize = 16;

/// Writes terms, ascending.
#[derive(Default)]
pub(super) struct TermsWriter {
    bytes: Vec<u8>,
    previous: Vec<u8>,
    count: usize,
}

impl TermsWriter {
    pub(super) fn push(&mut self, term: &[u8], postings_len: usize) -> Result<(), String> {
        if self.count > 0 && term <= self.previous.as_slice() {
            return Err(format!(
                "term {:?} does not come after {:?}",
                String::from_utf8_lossy(term),
                String::from_utf8_lossy(&self.previous)
            ));
        }
        let shared = if self.count.is_multiple_of(BLOCK) {
            0
        } else {
            term.iter()
                .zip(&self.previous)
                .take_while(|(a, b)| a == b)
                .count()
        };
        write_varint(&mut self.bytes, shared as u64);
        write_varint(&mut self.bytes, (term.len() - shared) as u64);
        self.bytes.extend_from_slice(&term[shared..]);
        write_varint(&mut self.bytes, postings_len as u64);
        self.previous.clear();
        self.previous.extend_from_slice(term);
        self.count += 1;
        Ok(())
    }

    pub(super) fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

/// One decoded term: shared prefix length, its own bytes, its posting list's length.
struct Item<'a> {
    shared: usize,
    suffix: &'a [u8],
    postings_len: usize,
}

/// Reads the term at `*pos`, moving past it; `None` if it runs past the bytes.
fn item<'a>(terms: &'a [u8], pos: &mut usize) -> Option<Item<'a>> {
    let shared = usize::try_from(read_varint(terms, pos)?).ok()?;
    let len = usize::try_from(read_varint(terms, pos)?).ok()?;
    let suffix = terms.get(*pos..pos.checked_add(len)?)?;
    *pos += len;
    let postings_len = usize::try_from(read_varint(terms, pos)?).ok()?;
    Some(Item {
        shared,
        suffix,
        postings_len,
    })
}

/// Where a block starts: in the terms, and in the postings.
#[derive(Debug, Clone, Copy)]
struct Block {
    terms_at: usize,
    postings_at: usize,
}

/// Where each block of a field's terms starts, found by one pass over them when the
/// index opens; the pass also checks that every length stays within the bytes.
#[derive(Debug, Default)]
pub struct TermBlocks {
    blocks: Vec<Block>,
}

impl TermBlocks {
    /// Finds the blocks of `terms`, whose posting lists fill `postings_len` bytes.
    pub fn open(terms: &[u8], postings_len: usize) -> Result<Self> {
        let corrupt = |what: &str| Error::CorruptBundle(format!("term index: {what}"));
        let (mut pos, mut postings_at, mut count) = (0, 0usize, 0usize);
        let mut previous_len = 0;
        let mut blocks = Vec::new();
        while pos < terms.len() {
            let terms_at = pos;
            let item = item(terms, &mut pos).ok_or_else(|| corrupt("a term runs past the end"))?;
            let whole = count.is_multiple_of(BLOCK);
            if (whole && item.shared != 0) || item.shared > previous_len {
                return Err(corrupt("a term shares more than the term before it has"));
            }
            if whole {
                blocks.push(Block {
                    terms_at,
                    postings_at,
                });
            }
            previous_len = item.shared + item.suffix.len();
            postings_at = postings_at
                .checked_add(item.postings_len)
                .filter(|&end| end <= postings_len)
                .ok_or_else(|| corrupt("a posting list runs past the end"))?;
            count += 1;
        }
        if postings_at != postings_len {
            return Err(corrupt("postings left over after the last term"));
        }
        Ok(TermBlocks { blocks })
    }

    /// The byte range of `term`'s posting list in the field's postings, if the field
    /// has the term.
    pub fn find(&self, terms: &[u8], term: &[u8]) -> Option<Range<usize>> {
        let first_term = |block: &Block| {
            let mut pos = block.terms_at;
            item(terms, &mut pos).map_or(&[][..], |item| item.suffix)
        };
        let after = self.blocks.partition_point(|b| first_term(b) <= term);
        let block = self.blocks.get(after.checked_sub(1)?)?;
        let (mut pos, mut postings_at) = (block.terms_at, block.postings_at);
        let mut current: Vec<u8> = Vec::with_capacity(term.len() + 8);
        for _ in 0..BLOCK {
            let item = item(terms, &mut pos)?;
            current.truncate(item.shared);
            current.extend_from_slice(item.suffix);
            let range = postings_at..postings_at + item.postings_len;
            match current.as_slice().cmp(term) {
                std::cmp::Ordering::Less => postings_at = range.end,
                std::cmp::Ordering::Equal => return Some(range),
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Terms written with posting lists of lengths 1, 2, 3…, then each looked up.
    fn written(words: &[&str]) -> (Vec<u8>, usize) {
        let mut writer = TermsWriter::default();
        for (i, word) in words.iter().enumerate() {
            writer.push(word.as_bytes(), i + 1).unwrap();
        }
        (writer.finish(), words.len() * (words.len() + 1) / 2)
    }

    #[test]
    fn every_term_is_found_with_its_postings_and_no_other() {
        let mut words: Vec<String> = (0..100).map(|i| format!("refund{i:03}")).collect();
        words.extend(["a", "b", "card", "cards", "caf\u{e9}"].map(String::from));
        words.sort();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let (terms, postings_len) = written(&words);
        let blocks = TermBlocks::open(&terms, postings_len).unwrap();
        let mut at = 0;
        for (i, word) in words.iter().enumerate() {
            assert_eq!(blocks.find(&terms, word.as_bytes()), Some(at..at + i + 1));
            at += i + 1;
        }
        for absent in ["", "0", "car", "refund", "refund0999", "zzz", "cardss"] {
            assert_eq!(blocks.find(&terms, absent.as_bytes()), None, "{absent}");
        }
    }

    #[test]
    fn an_empty_field_finds_nothing() {
        let blocks = TermBlocks::open(&[], 0).unwrap();
        assert_eq!(blocks.find(&[], b"card"), None);
    }

    #[test]
    fn terms_out_of_order_are_refused() {
        let mut writer = TermsWriter::default();
        writer.push(b"card", 1).unwrap();
        assert!(writer.push(b"card", 1).is_err());
        assert!(writer.push(b"bank", 1).is_err());
    }

    #[test]
    fn damaged_terms_are_an_error_not_a_panic() {
        let (terms, postings_len) = written(&["card", "cards", "cash"]);
        assert!(TermBlocks::open(&terms, postings_len + 1).is_err());
        assert!(TermBlocks::open(&terms[..terms.len() - 2], postings_len).is_err());
        // The second term claims to share 9 bytes with "card".
        let mut shares_too_much = terms.clone();
        shares_too_much[7] = 9;
        assert!(TermBlocks::open(&shares_too_much, postings_len).is_err());
    }
}
