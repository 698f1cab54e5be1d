//! Opening a bundle's matcher: the index read from memory, and what the matcher
//! derives from the KB (analysed entries, statistics, sentence vectors, synonyms).

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::tokenizer::TextAnalyzer;

use super::expand::analysed_synonyms;
use super::stats::TermStats;
use super::{Features, SearchIndex};
use crate::analysis;
use crate::error::Result;
use crate::model::Kb;
use crate::search::classifier::Classifier;
use crate::search::expansion::Expansion;
use crate::search::postings::Segment;
use crate::search::term_index::TermIndex;
use crate::search::vectors::{VectorTable, Vectors};
use crate::search::{Entry, entries};

impl SearchIndex {
    /// Opens the term index, read-only.
    pub(super) fn from_parts(
        kb: &Kb,
        term_index: TermIndex,
        expansion: Expansion,
        vector_table: &VectorTable,
        classifier: Classifier,
    ) -> Result<Self> {
        let segment = Segment::open(term_index)?;
        let vectors = Vectors::decode(vector_table);
        let mut analyzers: HashMap<String, TextAnalyzer> = HashMap::new();
        let mut entries = entries(kb);
        let example_vectors = entries
            .iter_mut()
            .map(|entry| analyse_entry(entry, &mut analyzers, &vectors))
            .collect();
        Ok(SearchIndex {
            segment,
            stats: TermStats::of(&entries),
            doc_entries: document_owners(&entries),
            entries,
            synonyms: analysed_synonyms(kb),
            expansion,
            vectors,
            example_vectors,
            classifier,
            analyzers: RefCell::new(analyzers),
            default_lang: kb.settings.default_lang.clone(),
            features: Features::default(),
        })
    }
}

/// Fills in `entry.terms` and returns its example questions' sentence vectors (none if
/// it is not English). Each example question is analysed once, for both: analysis is
/// most of the time the engine takes to open.
fn analyse_entry(
    entry: &mut Entry,
    analyzers: &mut HashMap<String, TextAnalyzer>,
    vectors: &Vectors,
) -> Vec<Vec<f32>> {
    let analyzer = analyzers
        .entry(entry.lang.clone())
        .or_insert_with(|| analysis::analyzer(&entry.lang));
    let questions: Vec<Vec<String>> = entry
        .questions
        .iter()
        .map(|q| analysis::terms(analyzer, q, &entry.lang))
        .collect();
    let example_vectors = if entry.lang == "en" {
        questions
            .iter()
            .filter_map(|t| vectors.of_terms(t))
            .collect()
    } else {
        Vec::new()
    };
    let keywords: Vec<String> = entry
        .keywords
        .iter()
        .flat_map(|k| analysis::terms(analyzer, k, &entry.lang))
        .collect();
    entry.terms = questions.into_iter().flatten().chain(keywords).collect();
    example_vectors
}

/// Which entry each document of the index belongs to, by document id: the order
/// `deflect-compile` adds documents in, each entry then its example questions.
fn document_owners(entries: &[Entry]) -> Vec<usize> {
    entries
        .iter()
        .enumerate()
        .flat_map(|(ord, entry)| std::iter::repeat_n(ord, 1 + entry.questions.len()))
        .collect()
}
