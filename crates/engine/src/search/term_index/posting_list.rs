//! One term's posting list in one field: how many documents have the term (BM25 needs
//! it before any score), then per document the gap from the previous one shifted left
//! by a bit that says "the term occurs once", followed by the term frequency only when
//! it does not (most do occur once), all as LEB128 varints, as Lucene writes its
//! postings.

use super::{read_varint, write_varint};
use crate::error::{Error, Result};

/// Appends the posting list of `(document, term frequency)` pairs to `out`.
pub(super) fn write(out: &mut Vec<u8>, postings: &[(u32, u32)]) -> Result<(), String> {
    if postings.is_empty() {
        return Err("a term without documents".into());
    }
    write_varint(out, postings.len() as u64);
    let mut next = 0;
    for &(doc, freq) in postings {
        if doc < next || freq == 0 {
            return Err(format!(
                "document {doc} (frequency {freq}) after document {next} - 1"
            ));
        }
        let gap = u64::from(doc - next);
        write_varint(out, gap << 1 | u64::from(freq == 1));
        if freq != 1 {
            write_varint(out, u64::from(freq));
        }
        next = doc + 1;
    }
    Ok(())
}

/// Reads a posting list, checking each document against the field's document count.
pub struct PostingList<'a> {
    bytes: &'a [u8],
    pos: usize,
    left: u32,
    next: u64,
    documents: u32,
}

impl<'a> PostingList<'a> {
    /// The posting list in `bytes`, in a field of `documents` documents.
    pub fn new(bytes: &'a [u8], documents: u32) -> Result<Self> {
        let mut pos = 0;
        let left = read_varint(bytes, &mut pos)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|&n| n <= documents)
            .ok_or_else(|| corrupt("a posting list's length"))?;
        Ok(PostingList {
            bytes,
            pos,
            left,
            next: 0,
            documents,
        })
    }

    /// How many documents have the term (BM25's document frequency) and are still to
    /// be read.
    pub fn len(&self) -> u32 {
        self.left
    }

    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    #[inline]
    fn read_one(&mut self) -> Result<(u32, u32)> {
        let code = read_varint(self.bytes, &mut self.pos).ok_or_else(|| corrupt("a posting"))?;
        let doc = self
            .next
            .checked_add(code >> 1)
            .and_then(|d| u32::try_from(d).ok())
            .filter(|&d| d < self.documents)
            .ok_or_else(|| corrupt("a document number"))?;
        let freq = if code & 1 == 1 {
            1
        } else {
            read_varint(self.bytes, &mut self.pos)
                .and_then(|f| u32::try_from(f).ok())
                .ok_or_else(|| corrupt("a term frequency"))?
        };
        self.next = u64::from(doc) + 1;
        Ok((doc, freq))
    }
}

impl Iterator for PostingList<'_> {
    type Item = Result<(u32, u32)>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let read = self.read_one();
        if read.is_err() {
            // Nothing after a damaged posting can be trusted.
            self.left = 0;
        }
        Some(read)
    }
}

/// Checks that `bytes` are whole posting lists one after the other, every document
/// within the field's `documents`: what a shard of postings must hold.
pub(super) fn check_lists(bytes: &[u8], documents: u32) -> Result<()> {
    let mut pos = 0;
    while pos < bytes.len() {
        let mut list = PostingList::new(&bytes[pos..], documents)?;
        for posting in list.by_ref() {
            posting?;
        }
        pos += list.pos;
    }
    Ok(())
}

fn corrupt(what: &str) -> Error {
    Error::CorruptBundle(format!("term index: {what} is damaged"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], documents: u32) -> Result<Vec<(u32, u32)>> {
        PostingList::new(bytes, documents)?.collect()
    }

    #[test]
    fn postings_round_trip() {
        let postings = [(0, 1), (1, 3), (7, 1), (300, 1), (100_000, 70_000)];
        let mut bytes = Vec::new();
        write(&mut bytes, &postings).unwrap();
        assert_eq!(PostingList::new(&bytes, 100_001).unwrap().len(), 5);
        assert_eq!(read(&bytes, 100_001).unwrap(), postings);
        // One byte each for the length, the first three documents and the frequency 3.
        assert_eq!(&bytes[..5], &[5, 1, 0, 3, 11]);
    }

    #[test]
    fn documents_out_of_order_or_without_the_term_are_refused() {
        assert!(write(&mut Vec::new(), &[(3, 1), (3, 1)]).is_err());
        assert!(write(&mut Vec::new(), &[(3, 1), (2, 1)]).is_err());
        assert!(write(&mut Vec::new(), &[(3, 0)]).is_err());
        assert!(write(&mut Vec::new(), &[]).is_err());
    }

    #[test]
    fn lists_one_after_the_other_are_checked_whole() {
        let mut bytes = Vec::new();
        write(&mut bytes, &[(2, 1), (5, 4)]).unwrap();
        write(&mut bytes, &[(0, 2)]).unwrap();
        assert!(check_lists(&bytes, 6).is_ok());
        assert!(check_lists(&[], 6).is_ok());
        assert!(check_lists(&bytes, 5).is_err());
        assert!(check_lists(&bytes[..bytes.len() - 1], 6).is_err());
    }

    #[test]
    fn a_damaged_list_is_an_error_not_a_panic() {
        let mut bytes = Vec::new();
        write(&mut bytes, &[(2, 1), (5, 4)]).unwrap();
        // A document past the field's end.
        assert!(read(&bytes, 5).is_err());
        // More documents than the field has.
        assert!(PostingList::new(&bytes, 1).is_err());
        // Cut short: the frequency is missing.
        assert!(read(&bytes[..bytes.len() - 1], 10).is_err());
        assert!(read(&[1, 0x80], 10).is_err());
        assert!(PostingList::new(&[], 10).is_err());
    }
}
