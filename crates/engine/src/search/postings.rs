//! BM25 scores read straight from the index's posting lists.
//!
//! A question is a handful of weighted terms over a few fields, and every matching
//! document is wanted anyway (scores are summed per entry), so the matcher walks each
//! posting list once and adds up BM25 itself instead of going through tantivy's query
//! and collector machinery. That keeps the browser engine small: no query objects, no
//! collectors, no fast fields, no searcher threads.
//!
//! The index has exactly one segment whose documents are in the order they were added
//! (see [`super::build`]), so a document's id says which entry it belongs to.

use tantivy::postings::Postings;
use tantivy::query::Bm25Weight;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Index, SegmentReader, TERMINATED, Term};

use crate::error::{Error, Result};

/// The index's single segment, opened for scoring.
pub struct Segment {
    reader: Option<SegmentReader>,
}

/// One term to look for in one field, and how much a match counts.
pub struct FieldTerm<'a> {
    pub field: Field,
    pub text: &'a str,
    pub weight: f32,
}

impl Segment {
    /// Opens the index's segment; an index with no documents has none.
    pub fn open(index: &Index) -> Result<Self> {
        let segments = index.searchable_segments()?;
        let reader = match segments.as_slice() {
            [] => None,
            [segment] => Some(SegmentReader::open(segment)?),
            _ => {
                return Err(Error::CorruptBundle(format!(
                    "the index has {} segments; Deflect writes exactly one",
                    segments.len()
                )));
            }
        };
        Ok(Segment { reader })
    }

    /// Documents with a positive BM25 score summed over `terms`, best first (ties by
    /// document order), at most `limit`.
    pub fn top_docs(&self, terms: &[FieldTerm], limit: usize) -> Result<Vec<(DocId, f32)>> {
        let Some(reader) = &self.reader else {
            return Ok(Vec::new());
        };
        let mut scores = Scores::new(reader.max_doc());
        for term in terms {
            add_term_scores(reader, term, &mut scores)?;
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
}

/// Score per document, dense: a large KB's common words reach thousands of documents,
/// where adding into an array is several times faster than into a hash map.
struct Scores {
    by_doc: Vec<f32>,
    /// The documents with a score, each once.
    touched: Vec<DocId>,
}

impl Scores {
    fn new(docs: DocId) -> Self {
        Scores {
            by_doc: vec![0.0; docs as usize],
            touched: Vec::new(),
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

/// Adds `term`'s BM25 score (as tantivy's `TermQuery` computes it) to each document
/// that contains it.
fn add_term_scores(reader: &SegmentReader, term: &FieldTerm, scores: &mut Scores) -> Result<()> {
    let inverted = reader.inverted_index(term.field)?;
    let key = Term::from_field_text(term.field, term.text);
    let Some(mut postings) = inverted
        .read_postings(&key, IndexRecordOption::WithFreqs)
        .map_err(tantivy::TantivyError::from)?
    else {
        return Ok(());
    };
    let docs = u64::from(reader.max_doc());
    let average_length = inverted.total_num_tokens() as f32 / docs as f32;
    let bm25 = Bm25Weight::for_one_term_without_explain(
        u64::from(postings.doc_freq()),
        docs,
        average_length,
    );
    let lengths = reader.get_fieldnorms_reader(term.field)?;
    let mut doc = postings.doc();
    while doc != TERMINATED {
        let score = bm25.score(lengths.fieldnorm_id(doc), postings.term_freq());
        scores.add(doc, term.weight * score);
        doc = postings.advance();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{TantivyDocument, doc};

    use super::*;

    type Hits = Vec<(DocId, f32)>;

    /// Indexes `(title, body)` documents, then scores `(in_title, word, weight)` terms
    /// both ways: ours, and tantivy's boosted term queries summed by a boolean query.
    fn both_ways(docs: &[(String, String)], terms: &[(bool, String, f32)]) -> (Hits, Hits) {
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", TEXT);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (t, b) in docs {
            let doc: TantivyDocument = doc!(title => t.as_str(), body => b.as_str());
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let terms: Vec<FieldTerm> = terms
            .iter()
            .map(|(in_title, text, weight)| FieldTerm {
                field: if *in_title { title } else { body },
                text,
                weight: *weight,
            })
            .collect();
        let ours = Segment::open(&index)
            .unwrap()
            .top_docs(&terms, 1000)
            .unwrap();
        let query = BooleanQuery::new(
            terms
                .iter()
                .map(|t| {
                    let term = TermQuery::new(
                        Term::from_field_text(t.field, t.text),
                        IndexRecordOption::WithFreqs,
                    );
                    let boosted: Box<dyn Query> =
                        Box::new(BoostQuery::new(Box::new(term), t.weight));
                    (Occur::Should, boosted)
                })
                .collect(),
        );
        let searcher = index.reader().unwrap().searcher();
        let theirs = searcher
            .search(&query, &TopDocs::with_limit(1000).order_by_score())
            .unwrap()
            .into_iter()
            .map(|(score, address)| (address.doc_id, score))
            .collect();
        (ours, theirs)
    }

    fn assert_same_scores(mut ours: Hits, mut theirs: Hits) {
        ours.sort_by_key(|(doc, _)| *doc);
        theirs.sort_by_key(|(doc, _)| *doc);
        assert_eq!(ours.len(), theirs.len(), "{ours:?} vs {theirs:?}");
        for ((doc, score), (their_doc, their_score)) in ours.iter().zip(&theirs) {
            assert_eq!(doc, their_doc);
            assert!(
                (score - their_score).abs() <= 1e-4 * their_score.max(1.0),
                "doc {doc}: {score} vs {their_score}"
            );
        }
    }

    /// The scores must be the ones tantivy's own term queries give, so that matching
    /// quality measured natively holds in the browser.
    #[test]
    fn scores_equal_tantivys_boosted_term_queries() {
        let docs: Vec<(String, String)> = [
            ("refund", "money back money"),
            ("password reset", "reset the password from the login page"),
            ("download", "the zip file and the download link"),
            ("refund policy", "a refund within 30 days, money back"),
        ]
        .iter()
        .map(|(t, b)| (t.to_string(), b.to_string()))
        .collect();
        let terms = [
            (true, "refund".to_string(), 2.0),
            (false, "money".to_string(), 0.4),
            (false, "the".to_string(), 0.7),
        ];
        let (ours, theirs) = both_ways(&docs, &terms);
        assert_eq!(ours.len(), 4);
        assert!(
            ours.windows(2).all(|w| w[0].1 >= w[1].1),
            "best first: {ours:?}"
        );
        assert_same_scores(ours, theirs);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any documents, any terms and weights: the same documents with the same scores.
        #[test]
        fn any_index_and_question_score_as_in_tantivy(
            docs in proptest::collection::vec(
                ("(card|cash|refund|money) ?(card|back|link)?", "((the|card|cash|money|back|reset|link|zip) ){0,12}"),
                1..30,
            ),
            terms in proptest::collection::vec(
                (proptest::bool::ANY, "card|cash|refund|money|back|the|reset|link|zip|absent", 0.1f32..3.0),
                1..6,
            ),
        ) {
            let (ours, theirs) = both_ways(&docs, &terms);
            assert_same_scores(ours, theirs);
        }
    }

    #[test]
    fn limit_keeps_the_best_and_an_empty_index_has_no_hits() {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT);
        let index = Index::create_in_ram(builder.build());
        assert!(
            Segment::open(&index)
                .unwrap()
                .top_docs(&[], 5)
                .unwrap()
                .is_empty()
        );
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for body in ["card", "card card card", "card card", "cash"] {
            let doc: TantivyDocument = doc!(text => body);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let card = [FieldTerm {
            field: text,
            text: "card",
            weight: 1.0,
        }];
        let top = Segment::open(&index).unwrap().top_docs(&card, 2).unwrap();
        assert_eq!(top.iter().map(|(d, _)| *d).collect::<Vec<_>>(), vec![1, 2]);
    }
}
