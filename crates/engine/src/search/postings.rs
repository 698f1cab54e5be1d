//! BM25 scores read straight from the term index's posting lists.
//!
//! A question is a handful of weighted terms over a few fields, and every matching
//! document is wanted anyway (scores are summed per entry), so the matcher walks each
//! posting list once and adds up BM25 itself: no query objects, no collectors.
//!
//! The documents are in the order they were indexed (see `deflect-compile`'s `index`),
//! so a document's number says which entry it belongs to.

use crate::error::{Error, Result};
use crate::search::bm25::Bm25Field;
use crate::search::term_index::{
    FieldIndex, GroupPostings, ListBytes, PostingList, TermBlocks, TermGroup, TermIndex,
};

/// A document's number in the index.
pub type DocId = u32;

/// The term index, opened for scoring.
#[derive(Debug)]
pub struct Segment {
    doc_count: u32,
    groups: Vec<OpenGroup>,
}

/// A group of fields sharing their terms, with where the term blocks start.
#[derive(Debug)]
struct OpenGroup {
    terms: Vec<u8>,
    blocks: TermBlocks,
    fields: Vec<OpenField>,
    /// The fields' posting lists, whole or in shards (see `term_index::shards`).
    postings: GroupPostings,
}

/// A field of the term index (its postings moved to the group's), with its documents'
/// numbers and its BM25.
#[derive(Debug)]
struct OpenField {
    index: FieldIndex,
    /// Per number within the field, the document's number in the index.
    documents: Vec<DocId>,
    bm25: Bm25Field,
}

/// A field of an opened [`Segment`], found by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldId {
    group: usize,
    slot: usize,
}

/// One term to look for in one field, and how much a match counts.
pub struct FieldTerm<'a> {
    pub field: FieldId,
    pub text: &'a str,
    pub weight: f32,
}

impl Segment {
    /// Opens a term index: one pass over each group's terms, checking its lengths.
    pub fn open(index: TermIndex) -> Result<Self> {
        let doc_count = index.doc_count;
        let groups = index
            .groups
            .into_iter()
            .map(|group| open_group(group, doc_count))
            .collect::<Result<_>>()?;
        Ok(Segment { doc_count, groups })
    }

    /// The field named `name` (`title_en`), if the index has it.
    pub fn field(&self, name: &str) -> Option<FieldId> {
        self.groups.iter().enumerate().find_map(|(group, g)| {
            let slot = g.fields.iter().position(|f| f.index.name == name)?;
            Some(FieldId { group, slot })
        })
    }

    /// Documents with a positive BM25 score summed over `terms`, best first (ties by
    /// document order), at most `limit`.
    pub fn top_docs(&self, terms: &[FieldTerm], limit: usize) -> Result<Vec<(DocId, f32)>> {
        if self.doc_count == 0 {
            return Ok(Vec::new());
        }
        let mut scores = Scores::new(self.doc_count);
        for term in terms {
            self.add_term_scores(term, &mut scores)?;
        }
        if !scores.missing.is_empty() {
            scores.missing.sort();
            scores.missing.dedup();
            return Err(Error::NeedsShards(scores.missing));
        }
        let mut ranked: Vec<(DocId, f32)> = scores
            .touched
            .iter()
            .map(|&doc| (doc, scores.by_doc[doc as usize]))
            .filter(|(_, score)| *score > 0.0)
            .collect();
        let order = |a: &(DocId, f32), b: &(DocId, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if ranked.len() > limit && limit > 0 {
            ranked.select_nth_unstable_by(limit - 1, order);
        }
        ranked.truncate(limit);
        ranked.sort_by(order);
        Ok(ranked)
    }

    /// Adds `term`'s BM25 score (as tantivy's `TermQuery` computes it) to each document
    /// that contains it. This is the one place a posting list is read: a list in a
    /// shard not loaded yet is noted in `scores.missing` instead.
    fn add_term_scores(&self, term: &FieldTerm, scores: &mut Scores) -> Result<()> {
        let FieldId { group, slot } = term.field;
        let (group, field) = self
            .groups
            .get(group)
            .and_then(|g| Some((g, g.fields.get(slot)?)))
            .ok_or_else(|| Error::Index(format!("no field {:?} in the index", term.field)))?;
        let Some(at) = group.blocks.find(&group.terms, term.text.as_bytes(), slot) else {
            return Ok(());
        };
        let bytes = match group.postings.list(&at, slot)? {
            ListBytes::Loaded(bytes) => bytes,
            ListBytes::NotLoaded(shard) => {
                scores.missing.push(shard.to_string());
                return Ok(());
            }
        };
        let numbers = u32::try_from(field.documents.len()).unwrap_or(u32::MAX);
        let postings = PostingList::new(bytes, numbers)?;
        let weight = field.bm25.term_weight(u64::from(postings.len()));
        for posting in postings {
            let (number, freq) = posting?;
            let doc = field.documents[number as usize];
            let length = field.index.fieldnorms[doc as usize];
            scores.add(doc, term.weight * field.bm25.score(weight, length, freq));
        }
        Ok(())
    }

    /// The shards of postings not loaded yet, by file name (none if the index is not
    /// split).
    pub fn missing_shards(&self) -> Vec<String> {
        let groups = self.groups.iter();
        groups
            .flat_map(|g| g.postings.missing().map(str::to_string))
            .collect()
    }

    /// Loads the shard of postings named `name` from its file's bytes; a shard the
    /// index does not list, or damaged bytes, are an error and change nothing.
    pub fn add_shard(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let (number, group) = (self.groups.iter_mut().enumerate())
            .find(|(_, g)| g.postings.has(name))
            .ok_or_else(|| Error::UnknownShard(name.to_string()))?;
        let documents: Vec<u32> = (group.fields.iter())
            .map(|f| u32::try_from(f.documents.len()).unwrap_or(u32::MAX))
            .collect();
        group.postings.add(number, name, bytes, &documents)
    }
}

/// A group opened: its term blocks found, its postings checked against them (or its
/// shard table read), each field's documents numbered.
fn open_group(mut group: TermGroup, doc_count: u32) -> Result<OpenGroup> {
    let blocks = TermBlocks::open(&group.terms, group.fields.len())?;
    let postings = GroupPostings::open(&mut group, &blocks)?;
    let fields = group
        .fields
        .into_iter()
        .map(|field| {
            if field.fieldnorms.len() != doc_count as usize {
                return Err(Error::CorruptBundle(format!(
                    "term index: field {} has {} lengths for {doc_count} documents",
                    field.name,
                    field.fieldnorms.len()
                )));
            }
            Ok(OpenField {
                documents: field.documents(),
                bm25: Bm25Field::new(field.total_tokens, u64::from(doc_count)),
                index: field,
            })
        })
        .collect::<Result<_>>()?;
    Ok(OpenGroup {
        terms: group.terms,
        blocks,
        fields,
        postings,
    })
}

/// Score per document, dense: a large KB's common words reach thousands of documents,
/// where adding into an array is several times faster than into a hash map.
struct Scores {
    by_doc: Vec<f32>,
    /// The documents with a score, each once.
    touched: Vec<DocId>,
    /// Shards holding lists the question needs that are not loaded yet.
    missing: Vec<String>,
}

impl Scores {
    fn new(docs: DocId) -> Self {
        Scores {
            by_doc: vec![0.0; docs as usize],
            touched: Vec::new(),
            missing: Vec::new(),
        }
    }

    fn add(&mut self, doc: DocId, score: f32) {
        let slot = &mut self.by_doc[doc as usize];
        if *slot == 0.0 {
            self.touched.push(doc);
        }
        *slot += score;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::term_index::TermGroupWriter;

    /// One field "text" over documents of the given words (each word's length 1; an
    /// empty document has no words).
    fn index_of(docs: &[&str]) -> TermIndex {
        fn words_of<'a>(doc: &&'a str) -> Vec<&'a str> {
            doc.split(' ').filter(|w| !w.is_empty()).collect()
        }
        let mut words: Vec<&str> = docs.iter().flat_map(words_of).collect();
        words.sort();
        words.dedup();
        let fieldnorms: Vec<u8> = docs.iter().map(|d| words_of(d).len() as u8).collect();
        let field = FieldIndex {
            name: "text".into(),
            total_tokens: fieldnorms.iter().map(|&l| u64::from(l)).sum(),
            fieldnorms,
            ..Default::default()
        };
        let mut writer = TermGroupWriter::new(vec![field]).unwrap();
        for word in words {
            let postings: Vec<(u32, u32)> = (0..)
                .zip(docs)
                .map(|(doc, text)| {
                    (
                        doc,
                        words_of(text).iter().filter(|w| **w == word).count() as u32,
                    )
                })
                .filter(|(_, freq)| *freq > 0)
                .collect();
            writer.add_term(word.as_bytes(), &[(0, postings)]).unwrap();
        }
        TermIndex {
            doc_count: docs.len() as u32,
            groups: vec![writer.finish()],
        }
    }

    #[test]
    fn limit_keeps_the_best_and_an_empty_index_has_no_hits() {
        let empty = Segment::open(TermIndex::default()).unwrap();
        assert!(empty.top_docs(&[], 5).unwrap().is_empty());
        let segment = Segment::open(index_of(&[
            "card",
            "",
            "card card card",
            "card card",
            "cash",
        ]))
        .unwrap();
        let card = [FieldTerm {
            field: segment.field("text").unwrap(),
            text: "card",
            weight: 1.0,
        }];
        let top = segment.top_docs(&card, 2).unwrap();
        assert_eq!(top.iter().map(|(d, _)| *d).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(segment.top_docs(&card, 10).unwrap().len(), 3);
        assert_eq!(segment.field("title"), None);
    }

    #[test]
    fn a_field_without_a_length_per_document_is_refused() {
        let mut index = index_of(&["card", "cash"]);
        index.groups[0].fields[0].fieldnorms.pop();
        assert!(matches!(Segment::open(index), Err(Error::CorruptBundle(_))));
    }
}
