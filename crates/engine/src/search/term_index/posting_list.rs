//! One term's posting list: how many documents have it, then per document the gap from
//! the previous one shifted left by a bit that says "the term occurs once", followed by
//! the term frequency only when it does not (most do occur once), all as LEB128
//! varints. Lucene writes its postings the same way.

use super::{read_varint, write_varint};
use crate::error::{Error, Result};

/// Appends the posting list of `(document, term frequency)` pairs to `out`.
pub(super) fn write(out: &mut Vec<u8>, postings: &[(u32, u32)]) -> Result<(), String> {
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

/// Reads a posting list, checking each document against the index's document count.
pub struct PostingList<'a> {
    bytes: &'a [u8],
    pos: usize,
    left: u32,
    next: u64,
    doc_count: u32,
}

impl<'a> PostingList<'a> {
    /// The posting list in `bytes`, of an index of `doc_count` documents.
    pub fn new(bytes: &'a [u8], doc_count: u32) -> Result<Self> {
        let mut pos = 0;
        let len = read_varint(bytes, &mut pos)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|&n| n <= doc_count)
            .ok_or_else(|| corrupt("a posting list's length"))?;
        Ok(PostingList {
            bytes,
            pos,
            left: len,
            next: 0,
            doc_count,
        })
    }

    /// How many documents have the term: BM25's document frequency.
    pub fn len(&self) -> u32 {
        self.left
    }

    pub fn is_empty(&self) -> bool {
        self.left == 0
    }
}

impl Iterator for PostingList<'_> {
    type Item = Result<(u32, u32)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(self.read_one())
    }
}

impl PostingList<'_> {
    fn read_one(&mut self) -> Result<(u32, u32)> {
        let code = read_varint(self.bytes, &mut self.pos).ok_or_else(|| corrupt("a posting"))?;
        let doc = self
            .next
            .checked_add(code >> 1)
            .and_then(|d| u32::try_from(d).ok())
            .filter(|&d| d < self.doc_count)
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

fn corrupt(what: &str) -> Error {
    Error::CorruptBundle(format!("term index: {what} is damaged"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], doc_count: u32) -> Result<Vec<(u32, u32)>> {
        PostingList::new(bytes, doc_count)?.collect()
    }

    #[test]
    fn postings_round_trip() {
        let postings = [(0, 1), (1, 3), (7, 1), (300, 1), (100_000, 70_000)];
        let mut bytes = Vec::new();
        write(&mut bytes, &postings).unwrap();
        assert_eq!(PostingList::new(&bytes, 100_001).unwrap().len(), 5);
        assert_eq!(read(&bytes, 100_001).unwrap(), postings);
        // One byte each for the length and the first three documents.
        assert_eq!(&bytes[..4], &[5, 1, 0, 3]);
    }

    #[test]
    fn documents_out_of_order_or_without_the_term_are_refused() {
        assert!(write(&mut Vec::new(), &[(3, 1), (3, 1)]).is_err());
        assert!(write(&mut Vec::new(), &[(3, 1), (2, 1)]).is_err());
        assert!(write(&mut Vec::new(), &[(3, 0)]).is_err());
    }

    #[test]
    fn a_damaged_list_is_an_error_not_a_panic() {
        let mut bytes = Vec::new();
        write(&mut bytes, &[(2, 1), (5, 4)]).unwrap();
        // A document past the index's end.
        assert!(read(&bytes, 5).is_err());
        // More documents than the index has.
        assert!(PostingList::new(&bytes, 1).is_err());
        // Cut short.
        assert!(read(&bytes[..bytes.len() - 1], 10).is_err());
        assert!(PostingList::new(&[], 10).is_err());
    }
}
