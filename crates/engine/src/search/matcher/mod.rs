//! Questions → ranked articles and flows, each with a confidence.
//!
//! Customer text is never parsed as a query language: it is analysed into terms and the
//! query is built from those terms, so quotes, colons, `AND` or brackets are just words.
//!
//! A question goes through: [`expand`] (its terms and what they stand for), [`sentence`]
//! (its meaning as a vector), [`learned`] (the classifier's opinion), [`score`] (the
//! ranking), then [`confidence`]. [`open`] builds what they read once per page view.

mod completion;
mod confidence;
mod expand;
mod explain;
mod learned;
mod open;
mod score;
mod sentence;
mod stats;
mod typos;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use tantivy::tokenizer::TextAnalyzer;

use self::completion::{completion_term, completions, unfinished_word};
use self::confidence::TopHit;
use self::expand::Phrase;
use self::stats::TermStats;
use super::classifier::Classifier;
use super::entries::{Entry, EntryKind};
use super::expansion::Expansion;
use super::postings::Segment;
use super::vectors::Vectors;
use crate::analysis;
use crate::bundle::Bundle;
use crate::error::Result;
use crate::model::Kb;

pub use self::explain::{Explanation, WordMatch};

/// A search hit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Match {
    pub kind: EntryKind,
    pub id: String,
    pub title: String,
    /// Relevance score (BM25-based, plus sentence-vector similarity for English),
    /// comparable only within one query.
    pub score: f32,
    /// 0–1: for the first match, the chance that it is the right answer (calibrated);
    /// lower matches scale it by their score.
    pub confidence: f32,
}

/// The index opened for reading, with what the matcher derives from the KB.
pub struct SearchIndex {
    segment: Segment,
    entries: Vec<Entry>,
    /// Which entry each document of the index belongs to, by document id.
    doc_entries: Vec<usize>,
    /// Per language: how many entries use each term, and the terms, sorted.
    stats: TermStats,
    /// Per language: groups of phrases that mean the same.
    synonyms: HashMap<String, Vec<Vec<Phrase>>>,
    /// Per language: the KB's words for the customer's, by meaning.
    expansion: Expansion,
    /// English KB words' sentence vectors.
    vectors: Vectors,
    /// Per entry: its example questions' sentence vectors (none if not English).
    example_vectors: Vec<Vec<Vec<f32>>>,
    /// Per language: which words tell the KB's entries apart, learned from their
    /// example questions when the bundle was written.
    classifier: Classifier,
    analyzers: RefCell<HashMap<String, TextAnalyzer>>,
    default_lang: String,
    features: Features,
}

/// The parts of matching beyond plain term scoring, each on by default; turned off
/// one by one only to measure what each is worth (`deflect-eval`'s banking77 example).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// Also score each entry by its best-matching example questions.
    pub nearest_question: bool,
    /// Search the synonyms of `kb/synonyms.toml` phrases.
    pub synonyms: bool,
    /// Search the KB's nearest word for a word it does not know.
    pub typos: bool,
    /// Search the KB's words of similar meaning (`data/word-neighbours.tsv.gz`).
    pub meaning: bool,
    /// Rerank by sentence-vector similarity to example questions (English).
    pub vectors: bool,
    /// Add the scores of the classifier learned from the example questions.
    pub classifier: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            nearest_question: true,
            synonyms: true,
            typos: true,
            meaning: true,
            vectors: true,
            classifier: true,
        }
    }
}

impl SearchIndex {
    /// Opens the matcher of a bundle the caller keeps (tools, training, tests).
    pub fn open(bundle: &Bundle) -> Result<Self> {
        Self::from_parts(
            &bundle.kb,
            bundle.index.clone(),
            bundle.expansion.clone(),
            &bundle.vectors,
            bundle.classifier.clone(),
        )
    }

    /// Opens a bundle's matcher without copying its tables, handing back the KB it
    /// does not keep: what the engine does on every page view.
    pub fn open_owned(bundle: Bundle) -> Result<(Self, Kb)> {
        let Bundle {
            kb,
            index,
            expansion,
            vectors,
            classifier,
            ..
        } = bundle;
        let opened = Self::from_parts(&kb, index, expansion, &vectors, classifier)?;
        Ok((opened, kb))
    }

    /// The language searched for a visitor asking in `lang` ("es-MX" → "es"), falling
    /// back to the KB's default language.
    pub fn resolve_lang(&self, lang: &str) -> String {
        let primary = lang.split(['-', '_']).next().unwrap_or("").to_lowercase();
        if self.stats.has_lang(&primary) {
            primary
        } else {
            self.default_lang.clone()
        }
    }

    /// The best entries for a question.
    pub fn search(&self, text: &str, lang: &str, limit: usize) -> Result<Vec<Match>> {
        let lang = self.resolve_lang(lang);
        let terms = self.query_terms(text, &lang);
        self.run(text, &terms, &[], &lang, limit)
    }

    /// Suggestions while typing: the last word may be unfinished, so it also matches
    /// the KB's words that start with it.
    pub fn suggest(&self, text: &str, lang: &str, limit: usize) -> Result<Vec<Match>> {
        let lang = self.resolve_lang(lang);
        let mut terms = self.query_terms(text, &lang);
        let completions = match (unfinished_word(text), self.stats.vocabulary(&lang)) {
            (Some(partial), Some(vocabulary)) => completions(&partial, vocabulary),
            _ => Vec::new(),
        };
        if !completions.is_empty() {
            terms.pop();
        }
        self.run(text, &terms, &completions, &lang, limit)
    }

    /// The shards of postings not loaded yet (none if the index is not split).
    pub fn missing_shards(&self) -> Vec<String> {
        self.segment.missing_shards()
    }

    /// Loads a shard of postings (see [`crate::Engine::add_shard`]).
    pub fn add_shard(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.segment.add_shard(name, bytes)
    }

    /// Turns parts of matching on or off (for measuring them).
    pub fn set_features(&mut self, features: Features) {
        self.features = features;
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// The question's analysed terms, distinct, in order, bounded.
    fn query_terms(&self, text: &str, lang: &str) -> Vec<String> {
        let mut analyzers = self.analyzers.borrow_mut();
        let analyzer = analyzers
            .entry(lang.to_string())
            .or_insert_with(|| analysis::analyzer(lang));
        let mut seen = HashSet::new();
        analysis::terms(analyzer, text, lang)
            .into_iter()
            .filter(|t| seen.insert(t.clone()))
            .take(analysis::MAX_TERMS)
            .collect()
    }

    /// Ranks the entries for the question's `terms` (plus `completions` of a half-typed
    /// word) and gives the top `limit` their confidence.
    fn run(
        &self,
        text: &str,
        terms: &[String],
        completions: &[String],
        lang: &str,
        limit: usize,
    ) -> Result<Vec<Match>> {
        let mut weighted = self.expand(text, terms, lang);
        weighted.extend(completions.iter().map(|t| completion_term(t)));
        let question = self.question_vector(&weighted, lang);
        let learned = self.classifier_scores(text, &weighted, question.as_deref(), lang);
        let ranked = self.score(&weighted, question.as_deref(), &learned, lang)?;
        // Two at least: the runner-up tells how far ahead the top hit is.
        let mut matches: Vec<Match> = ranked
            .iter()
            .take(limit.max(2))
            .map(|&(ord, score)| self.hit(ord, score))
            .collect();
        self.assign_confidence(
            &mut matches,
            TopHit::of(&ranked, &learned),
            &weighted,
            question.as_deref(),
            !completions.is_empty(),
            lang,
        );
        matches.truncate(limit);
        Ok(matches)
    }

    /// Entry `ord` as a hit, before its confidence is known.
    fn hit(&self, ord: usize, score: f32) -> Match {
        let entry = &self.entries[ord];
        Match {
            kind: entry.kind,
            id: entry.id.clone(),
            title: entry.title.clone(),
            score,
            confidence: 0.0,
        }
    }
}
