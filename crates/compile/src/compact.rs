//! tantivy's segment rewritten as Deflect's compact term index
//! (`deflect_engine::search::term_index`): what the engine reads in the browser
//! instead of tantivy's own files.

use std::collections::BTreeMap;

use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Index, InvertedIndexReader, SegmentReader, TERMINATED};

use deflect_engine::search::term_index::{FieldIndex, TermGroup, TermGroupWriter, TermIndex};
use deflect_engine::{Error, Result};

/// `(document, term frequency)` pairs, documents ascending.
type PostingPairs = Vec<(u32, u32)>;

/// A term's postings per field slot of its group.
type TermPostings = Vec<(usize, PostingPairs)>;

/// The term index of `index`'s single segment: its indexed fields grouped by language
/// (the name's end after its last `_`, as `title_en`), each group's terms once, and
/// per field every term's documents and frequencies, each document's fieldnorm id and
/// the field's tokens.
pub fn compact_index(index: &Index) -> Result<TermIndex> {
    let segments = index.searchable_segments().map_err(tantivy_error)?;
    let reader = match segments.as_slice() {
        [] => return Ok(TermIndex::default()),
        [segment] => SegmentReader::open(segment).map_err(tantivy_error)?,
        _ => {
            return Err(Error::Index(format!(
                "the index has {} segments; Deflect needs one",
                segments.len()
            )));
        }
    };
    let schema = index.schema();
    let mut by_lang: BTreeMap<&str, Vec<(Field, &str)>> = BTreeMap::new();
    for (field, entry) in schema.fields().filter(|(_, entry)| entry.is_indexed()) {
        let lang = entry.name().rsplit_once('_').map_or("", |(_, lang)| lang);
        by_lang.entry(lang).or_default().push((field, entry.name()));
    }
    let groups = by_lang
        .into_values()
        .map(|fields| compact_group(&reader, &fields))
        .collect::<Result<_>>()?;
    Ok(TermIndex {
        doc_count: reader.max_doc(),
        groups,
    })
}

/// One group of fields: their lengths, then the union of their terms in byte order.
fn compact_group(reader: &SegmentReader, fields: &[(Field, &str)]) -> Result<TermGroup> {
    let mut lengths = Vec::new();
    let mut terms: BTreeMap<Vec<u8>, TermPostings> = BTreeMap::new();
    for (slot, &(field, name)) in fields.iter().enumerate() {
        let inverted = reader.inverted_index(field).map_err(tantivy_error)?;
        let norms = reader.get_fieldnorms_reader(field).map_err(tantivy_error)?;
        lengths.push(FieldIndex {
            name: name.to_string(),
            total_tokens: inverted.total_num_tokens(),
            fieldnorms: (0..reader.max_doc())
                .map(|d| norms.fieldnorm_id(d))
                .collect(),
            ..Default::default()
        });
        for (term, postings) in field_postings(&inverted, name)? {
            terms.entry(term).or_default().push((slot, postings));
        }
    }
    let mut writer = TermGroupWriter::new(lengths)?;
    for (term, postings) in &terms {
        writer.add_term(term, postings)?;
    }
    Ok(writer.finish())
}

/// Every term of a field with its `(document, term frequency)` pairs.
fn field_postings(
    inverted: &InvertedIndexReader,
    name: &str,
) -> Result<Vec<(Vec<u8>, PostingPairs)>> {
    let mut out = Vec::new();
    let mut terms = inverted.terms().stream().map_err(io_error)?;
    while let Some((term, info)) = terms.next() {
        let mut postings = inverted
            .read_postings_from_terminfo(info, IndexRecordOption::WithFreqs)
            .map_err(io_error)?;
        let mut list = Vec::new();
        let mut doc = postings.doc();
        while doc != TERMINATED {
            list.push((doc, postings.term_freq()));
            doc = postings.advance();
        }
        // BM25 takes the document frequency from the term's info: it must be the
        // list's length (a segment without deletions), as the engine reads it.
        if list.len() != info.doc_freq as usize {
            return Err(Error::Index(format!(
                "field {name}: {} documents listed for a term in {}",
                list.len(),
                info.doc_freq
            )));
        }
        out.push((term.to_vec(), list));
    }
    Ok(out)
}

/// tantivy's errors, as the engine's: the index could not be written.
pub(crate) fn tantivy_error(e: tantivy::TantivyError) -> Error {
    Error::Index(e.to_string())
}

fn io_error(e: std::io::Error) -> Error {
    Error::Index(e.to_string())
}

#[cfg(test)]
mod tests {
    use deflect_engine::search::bm25::Bm25Field;
    use deflect_engine::search::postings::{DocId, FieldTerm, Segment};
    use tantivy::collector::TopDocs;
    use tantivy::query::{Bm25Weight, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{TantivyDocument, Term, doc};

    use super::*;

    type Hits = Vec<(DocId, f32)>;

    /// `(title, body)` documents indexed by tantivy, and their compact term index.
    fn indexed(docs: &[(String, String)]) -> (Index, Segment) {
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
        let segment = Segment::open(compact_index(&index).unwrap()).unwrap();
        (index, segment)
    }

    /// Scores `(in_title, word, weight)` terms both ways: the engine's, over the
    /// compact index, and tantivy's boosted term queries summed by a boolean query.
    fn both_ways(docs: &[(String, String)], terms: &[(bool, String, f32)]) -> (Hits, Hits) {
        let (index, segment) = indexed(docs);
        let schema = index.schema();
        let field_name = |in_title: bool| if in_title { "title" } else { "body" };
        let ours: Vec<FieldTerm> = terms
            .iter()
            .map(|(in_title, text, weight)| FieldTerm {
                field: segment.field(field_name(*in_title)).unwrap(),
                text,
                weight: *weight,
            })
            .collect();
        let ours = segment.top_docs(&ours, 1000).unwrap();
        let query = BooleanQuery::new(
            terms
                .iter()
                .map(|(in_title, text, weight)| {
                    let field = schema.get_field(field_name(*in_title)).unwrap();
                    let term = TermQuery::new(
                        Term::from_field_text(field, text),
                        IndexRecordOption::WithFreqs,
                    );
                    let boosted: Box<dyn Query> =
                        Box::new(BoostQuery::new(Box::new(term), *weight));
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

    /// The same documents; scores equal up to the order tantivy applies boosts and
    /// sums clauses in.
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

    fn owned(docs: &[(&str, &str)]) -> Vec<(String, String)> {
        docs.iter()
            .map(|(t, b)| (t.to_string(), b.to_string()))
            .collect()
    }

    /// The scores must be the ones tantivy's own term queries give, so that matching
    /// quality measured natively holds in the browser.
    #[test]
    fn scores_equal_tantivys_boosted_term_queries() {
        let docs = owned(&[
            ("refund", "money back money"),
            ("password reset", "reset the password from the login page"),
            ("download", "the zip file and the download link"),
            ("refund policy", "a refund within 30 days, money back"),
        ]);
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

    /// One term, unboosted: not just close but the very same float as tantivy's.
    #[test]
    fn one_terms_scores_are_tantivys_to_the_bit() {
        let docs = owned(&[
            ("card", "card declined at checkout"),
            (
                "cash",
                "card card card and a long body of words about the card",
            ),
            ("card card", ""),
        ]);
        let (ours, theirs) = both_ways(&docs, &[(false, "card".to_string(), 1.0)]);
        let bits = |hits: Hits| -> Vec<(DocId, u32)> {
            let mut bits: Vec<_> = hits.into_iter().map(|(d, s)| (d, s.to_bits())).collect();
            bits.sort();
            bits
        };
        assert_eq!(bits(ours), bits(theirs));
    }

    /// A language's fields share one list of terms; each language has its own.
    #[test]
    fn fields_are_grouped_by_language() {
        let mut builder = Schema::builder();
        let title_en = builder.add_text_field("title_en", TEXT);
        let body_en = builder.add_text_field("body_en", TEXT);
        let title_es = builder.add_text_field("title_es", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let docs: [TantivyDocument; 2] = [
            doc!(title_en => "refund", body_en => "refund money"),
            doc!(title_es => "reembolso"),
        ];
        for doc in docs {
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let compact = compact_index(&index).unwrap();
        let names: Vec<Vec<&str>> = compact
            .groups
            .iter()
            .map(|g| g.fields.iter().map(|f| f.name.as_str()).collect())
            .collect();
        assert_eq!(names, [vec!["title_en", "body_en"], vec!["title_es"]]);
        // "refund" once for both English fields, then "money".
        let terms = &compact.groups[0].terms;
        assert_eq!(terms.windows(6).filter(|w| w == b"refund").count(), 1);
        let segment = Segment::open(compact).unwrap();
        let refund_in = |field: &str| FieldTerm {
            field: segment.field(field).unwrap(),
            text: "refund",
            weight: 1.0,
        };
        for field in ["title_en", "body_en"] {
            let hits = segment.top_docs(&[refund_in(field)], 5).unwrap();
            assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), [0], "{field}");
        }
        assert!(
            segment
                .top_docs(&[refund_in("title_es")], 5)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn an_index_without_documents_has_no_fields_to_score() {
        let mut builder = Schema::builder();
        builder.add_text_field("text", TEXT);
        let index = Index::create_in_ram(builder.build());
        let compact = compact_index(&index).unwrap();
        assert_eq!(compact, TermIndex::default());
        assert!(
            Segment::open(compact)
                .unwrap()
                .top_docs(&[], 5)
                .unwrap()
                .is_empty()
        );
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

        /// The engine's BM25 is tantivy's, bit for bit, at any statistics.
        #[test]
        fn bm25_is_tantivys_to_the_bit(
            doc_count in 1u64..100_000,
            share in 0.0f64..=1.0,
            average_length in 0.5f32..500.0,
            fieldnorm_id: u8,
            term_freq in 1u32..1_000,
        ) {
            let doc_freq = ((doc_count as f64 * share) as u64).max(1);
            let total_tokens = (average_length * doc_count as f32) as u64;
            let field = Bm25Field::new(total_tokens, doc_count);
            let ours = field.score(field.term_weight(doc_freq), fieldnorm_id, term_freq);
            let theirs = Bm25Weight::for_one_term_without_explain(
                doc_freq,
                doc_count,
                total_tokens as f32 / doc_count as f32,
            )
            .score(fieldnorm_id, term_freq);
            proptest::prop_assert_eq!(ours.to_bits(), theirs.to_bits());
        }
    }
}
