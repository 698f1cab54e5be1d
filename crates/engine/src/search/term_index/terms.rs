//! A group's terms (the union of its fields' terms), sorted and front-coded: each term
//! as how many bytes it shares with the term before, the rest of its bytes, a bit mask
//! of the fields that have it, then its posting list's byte length in each of those.
//! Every [`BLOCK`]th term is written whole, so a lookup binary-searches those and
//! decodes at most one block; opening needs one pass to find where the blocks start.
//!
//! A word is stored once for all the fields of its language (title, questions,
//! keywords, body, question) instead of once per field.

use std::ops::Range;

use super::{read_varint, write_varint};
use crate::error::{Error, Result};

/// Terms per block; a block starts with a whole term. Sixteen keeps a lookup to a few
/// hundred bytes decoded, and costs one whole term per sixteen in size.
pub(super) const BLOCK: usize = 16;

/// At most this many fields share one list of terms: one bit each in a term's mask.
pub const MAX_FIELDS: usize = 64;

/// Writes terms, ascending.
#[derive(Default)]
pub(super) struct TermsWriter {
    bytes: Vec<u8>,
    previous: Vec<u8>,
    count: usize,
}

impl TermsWriter {
    /// Adds `term` with its posting lists' byte lengths per field slot, slots ascending.
    pub(super) fn push(&mut self, term: &[u8], lengths: &[(usize, usize)]) -> Result<(), String> {
        if self.count > 0 && term <= self.previous.as_slice() {
            return Err(format!(
                "term {:?} does not come after {:?}",
                String::from_utf8_lossy(term),
                String::from_utf8_lossy(&self.previous)
            ));
        }
        let mut mask = 0u64;
        for &(slot, _) in lengths {
            let bit = 1u64.checked_shl(slot as u32).filter(|&b| b > mask);
            mask |=
                bit.ok_or_else(|| format!("field slot {slot} out of order or past {MAX_FIELDS}"))?;
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
        write_varint(&mut self.bytes, mask);
        for &(_, len) in lengths {
            write_varint(&mut self.bytes, len as u64);
        }
        self.previous.clear();
        self.previous.extend_from_slice(term);
        self.count += 1;
        Ok(())
    }

    pub(super) fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

/// One decoded term: shared prefix length, its own bytes, the mask of its fields; the
/// lengths follow at `lengths_at`, one varint per bit of the mask.
struct Item<'a> {
    shared: usize,
    suffix: &'a [u8],
    mask: u64,
}

/// Reads the term at `*pos` up to its lengths; `None` if it runs past the bytes.
fn item<'a>(terms: &'a [u8], pos: &mut usize) -> Option<Item<'a>> {
    let shared = usize::try_from(read_varint(terms, pos)?).ok()?;
    let len = usize::try_from(read_varint(terms, pos)?).ok()?;
    let suffix = terms.get(*pos..pos.checked_add(len)?)?;
    *pos += len;
    let mask = read_varint(terms, pos)?;
    Some(Item {
        shared,
        suffix,
        mask,
    })
}

/// Reads the lengths of an item's fields, calling `each(slot, length)`.
fn lengths(
    terms: &[u8],
    pos: &mut usize,
    mask: u64,
    mut each: impl FnMut(usize, usize),
) -> Option<()> {
    let mut bits = mask;
    while bits != 0 {
        let slot = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        each(slot, usize::try_from(read_varint(terms, pos)?).ok()?);
    }
    Some(())
}

/// Where each block of a group's terms starts, found by one pass over them when the
/// index opens; the pass also checks that the terms decode and add up their lengths.
#[derive(Debug, Default)]
pub struct TermBlocks {
    /// Per block: where it starts in the terms.
    starts: Vec<usize>,
    /// Per block, per field: where its postings start in that field's postings; then,
    /// one row more, each field's postings' total length.
    postings_at: Vec<usize>,
    fields: usize,
}

/// Where one term's posting list is in one field: its term block (which says the
/// shard that holds it) and its byte range in the field's postings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListAt {
    pub block: usize,
    pub range: Range<usize>,
}

impl TermBlocks {
    /// Finds the blocks of `terms`, written for a group of `fields` fields.
    pub fn open(terms: &[u8], fields: usize) -> Result<Self> {
        let corrupt = |what: &str| Error::CorruptBundle(format!("term index: {what}"));
        if fields > MAX_FIELDS {
            return Err(corrupt("more fields share the terms than a mask holds"));
        }
        // One bit per field of the group.
        let allowed = match fields {
            0 => 0,
            n => u64::MAX >> (MAX_FIELDS - n),
        };
        let mut blocks = TermBlocks {
            fields,
            ..Default::default()
        };
        let mut at = vec![0usize; fields];
        let (mut pos, mut count, mut previous_len) = (0, 0usize, 0);
        while pos < terms.len() {
            let start = pos;
            let item = item(terms, &mut pos).ok_or_else(|| corrupt("a term runs past the end"))?;
            let whole = count.is_multiple_of(BLOCK);
            if (whole && item.shared != 0) || item.shared > previous_len {
                return Err(corrupt("a term shares more than the term before it has"));
            }
            if item.mask & !allowed != 0 {
                return Err(corrupt("a term is in a field the group does not have"));
            }
            if whole {
                blocks.starts.push(start);
                blocks.postings_at.extend_from_slice(&at);
            }
            lengths(terms, &mut pos, item.mask, |slot, len| {
                at[slot] = at[slot].saturating_add(len);
            })
            .ok_or_else(|| corrupt("a term's lengths run past the end"))?;
            previous_len = item.shared + item.suffix.len();
            count += 1;
        }
        blocks.postings_at.extend_from_slice(&at);
        Ok(blocks)
    }

    /// How many blocks of [`BLOCK`] terms there are (the last may hold fewer).
    pub fn block_count(&self) -> usize {
        self.starts.len()
    }

    /// Per field, where block `block`'s postings start; at `block_count()`, each
    /// field's postings' total length.
    pub fn postings_at(&self, block: usize) -> &[usize] {
        let start = (block * self.fields).min(self.postings_at.len() - self.fields);
        &self.postings_at[start..start + self.fields]
    }

    /// Where `term`'s posting list is in the postings of the field in `slot`, if that
    /// field has the term.
    pub fn find(&self, terms: &[u8], term: &[u8], slot: usize) -> Option<ListAt> {
        let first_term = |start: &usize| {
            let mut pos = *start;
            item(terms, &mut pos).map_or(&[][..], |item| item.suffix)
        };
        let block = self
            .starts
            .partition_point(|s| first_term(s) <= term)
            .checked_sub(1)?;
        let mut pos = self.starts[block];
        let mut at = *self.postings_at.get(block * self.fields + slot)?;
        let mut current: Vec<u8> = Vec::with_capacity(term.len() + 8);
        for _ in 0..BLOCK {
            let item = item(terms, &mut pos)?;
            current.truncate(item.shared);
            current.extend_from_slice(item.suffix);
            let mut len = None;
            lengths(terms, &mut pos, item.mask, |s, l| {
                if s == slot {
                    len = Some(l);
                }
            })?;
            match current.as_slice().cmp(term) {
                std::cmp::Ordering::Less => at += len.unwrap_or(0),
                std::cmp::Ordering::Equal => {
                    return len.map(|len| ListAt {
                        block,
                        range: at..at + len,
                    });
                }
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Terms written in two fields: term i has a posting list of i + 1 bytes in field
    /// 0, and of 1 byte in field 1 when i is even.
    fn written(words: &[&str]) -> (Vec<u8>, Vec<usize>) {
        let mut writer = TermsWriter::default();
        let mut totals = vec![0, 0];
        for (i, word) in words.iter().enumerate() {
            let mut lengths = vec![(0, i + 1)];
            if i % 2 == 0 {
                lengths.push((1, 1));
            }
            for &(slot, len) in &lengths {
                totals[slot] += len;
            }
            writer.push(word.as_bytes(), &lengths).unwrap();
        }
        (writer.finish(), totals)
    }

    #[test]
    fn every_term_is_found_in_its_fields_with_its_postings() {
        let mut words: Vec<String> = (0..100).map(|i| format!("refund{i:03}")).collect();
        words.extend(["a", "b", "card", "cards", "caf\u{e9}"].map(String::from));
        words.sort();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let (terms, totals) = written(&words);
        let blocks = TermBlocks::open(&terms, 2).unwrap();
        assert_eq!(blocks.postings_at(blocks.block_count()), totals);
        let range = |word: &str, slot| blocks.find(&terms, word.as_bytes(), slot).map(|l| l.range);
        let (mut at, mut at_second) = (0, 0);
        for (i, word) in words.iter().enumerate() {
            let found = blocks.find(&terms, word.as_bytes(), 0).unwrap();
            assert_eq!(found.range, at..at + i + 1);
            assert_eq!(found.block, i / BLOCK);
            assert!(blocks.postings_at(found.block)[0] <= at);
            at += i + 1;
            let second = range(word, 1);
            if i % 2 == 0 {
                assert_eq!(second, Some(at_second..at_second + 1), "{word}");
                at_second += 1;
            } else {
                assert_eq!(second, None, "{word}");
            }
        }
        for absent in ["", "0", "car", "refund", "refund0999", "zzz", "cardss"] {
            assert_eq!(range(absent, 0), None, "{absent}");
        }
        assert_eq!(range("card", 2), None);
    }

    #[test]
    fn an_empty_group_finds_nothing() {
        let blocks = TermBlocks::open(&[], 2).unwrap();
        assert_eq!(blocks.postings_at(0), [0, 0]);
        assert_eq!(blocks.find(&[], b"card", 0), None);
    }

    #[test]
    fn terms_or_fields_out_of_order_are_refused() {
        let mut writer = TermsWriter::default();
        writer.push(b"card", &[(0, 1)]).unwrap();
        assert!(writer.push(b"card", &[(0, 1)]).is_err());
        assert!(writer.push(b"bank", &[(0, 1)]).is_err());
        assert!(writer.push(b"cash", &[(1, 1), (0, 1)]).is_err());
        assert!(writer.push(b"cash", &[(MAX_FIELDS, 1)]).is_err());
    }

    #[test]
    fn damaged_terms_are_an_error_not_a_panic() {
        let (terms, _) = written(&["card", "cards", "cash"]);
        assert!(TermBlocks::open(&terms[..terms.len() - 2], 2).is_err());
        // A field the group does not have.
        assert!(TermBlocks::open(&terms, 1).is_err());
        // "card" is 0, 4, "card", mask 0b11, 1, 1: the second term claims to share 9
        // bytes with it.
        let mut shares_too_much = terms.clone();
        shares_too_much[9] = 9;
        assert!(TermBlocks::open(&shares_too_much, 2).is_err());
    }
}
