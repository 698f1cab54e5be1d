//! Questions → ranked articles and flows, each with a confidence.
//!
//! Customer text is never parsed as a query language: it is analysed into terms and the
//! query is built from those terms, so quotes, colons, `AND` or brackets are just words.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use tantivy::collector::TopDocs;
use tantivy::directory::{Directory, RamDirectory};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, ReloadPolicy, Term};

use super::entries::{Entry, EntryKind, entries};
use super::schema;
use crate::analysis;
use crate::error::{Error, Result};
use crate::model::Kb;

/// A search hit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Match {
    pub kind: EntryKind,
    pub id: String,
    pub title: String,
    /// Raw BM25 score, comparable only within one query.
    pub score: f32,
    /// 0–1: how sure the engine is that this answers the question.
    pub confidence: f32,
}

/// The index opened for reading, with what the matcher derives from the KB.
pub struct SearchIndex {
    reader: IndexReader,
    schema: tantivy::schema::Schema,
    entries: Vec<Entry>,
    /// Per language: how many entries use each term, for term weights.
    doc_freq: HashMap<String, HashMap<String, u32>>,
    /// Per language: all terms, sorted, for prefix completion while typing.
    vocabulary: HashMap<String, Vec<String>>,
    analyzers: RefCell<HashMap<String, TextAnalyzer>>,
    default_lang: String,
}

impl SearchIndex {
    /// Opens index files (from a bundle) in memory, read-only, without threads.
    pub fn open(kb: &Kb, files: &[(String, Vec<u8>)]) -> Result<Self> {
        let directory = RamDirectory::create();
        for (path, bytes) in files {
            directory
                .atomic_write(Path::new(path), bytes)
                .map_err(|e| Error::CorruptBundle(format!("cannot load index file {path}: {e}")))?;
        }
        let index = Index::open(directory)?;
        analysis::register(index.tokenizers());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let schema = index.schema();
        let mut analyzers: HashMap<String, TextAnalyzer> = HashMap::new();
        let mut entries = entries(kb);
        let mut doc_freq: HashMap<String, HashMap<String, u32>> = HashMap::new();
        for entry in &mut entries {
            let analyzer = analyzers
                .entry(entry.lang.clone())
                .or_insert_with(|| analysis::analyzer(&entry.lang));
            entry.terms = analysis::terms(analyzer, &entry.summary, &entry.lang)
                .into_iter()
                .collect();
            let df = doc_freq.entry(entry.lang.clone()).or_default();
            for term in &entry.terms {
                *df.entry(term.clone()).or_default() += 1;
            }
        }
        let vocabulary = doc_freq
            .iter()
            .map(|(lang, df)| {
                let mut words: Vec<String> = df.keys().cloned().collect();
                words.sort();
                (lang.clone(), words)
            })
            .collect();
        Ok(SearchIndex {
            reader,
            schema,
            entries,
            doc_freq,
            vocabulary,
            analyzers: RefCell::new(analyzers),
            default_lang: kb.settings.default_lang.clone(),
        })
    }

    /// The language searched for a visitor asking in `lang` ("es-MX" → "es"), falling
    /// back to the KB's default language.
    pub fn resolve_lang(&self, lang: &str) -> String {
        let primary = lang.split(['-', '_']).next().unwrap_or("").to_lowercase();
        if self.doc_freq.contains_key(&primary) {
            primary
        } else {
            self.default_lang.clone()
        }
    }

    /// The best entries for a question.
    pub fn search(&self, text: &str, lang: &str, limit: usize) -> Result<Vec<Match>> {
        let lang = self.resolve_lang(lang);
        let terms = self.query_terms(text, &lang);
        self.run(&terms, &[], &lang, limit)
    }

    /// Suggestions while typing: the last word may be unfinished, so it also matches
    /// the KB's words that start with it.
    pub fn suggest(&self, text: &str, lang: &str, limit: usize) -> Result<Vec<Match>> {
        let lang = self.resolve_lang(lang);
        let mut terms = self.query_terms(text, &lang);
        let typing_a_word = text.chars().last().is_some_and(|c| c.is_alphanumeric());
        let mut completions = Vec::new();
        if typing_a_word {
            let partial: String = text
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
                .to_lowercase();
            if let Some(words) = self.vocabulary.get(&lang)
                && partial.chars().count() >= 2
            {
                let from = words.partition_point(|w| w.as_str() < partial.as_str());
                completions = words[from..]
                    .iter()
                    .take_while(|w| w.starts_with(&partial))
                    .take(8)
                    .cloned()
                    .collect();
            }
            if !completions.is_empty() {
                terms.pop();
            }
        }
        self.run(&terms, &completions, &lang, limit)
    }

    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

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

    fn run(
        &self,
        terms: &[String],
        alternatives: &[String],
        lang: &str,
        limit: usize,
    ) -> Result<Vec<Match>> {
        if (terms.is_empty() && alternatives.is_empty()) || limit == 0 {
            return Ok(Vec::new());
        }
        let Some(fields) = schema::text_fields(&self.schema, lang) else {
            return Ok(Vec::new());
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (term, weight) in terms
            .iter()
            .map(|t| (t, 1.0))
            .chain(alternatives.iter().map(|t| (t, 0.6)))
        {
            for (field, boost) in &fields {
                let query = TermQuery::new(
                    Term::from_field_text(*field, term),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(query), boost * weight)),
                ));
            }
        }
        let searcher = self.reader.searcher();
        let hits = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit.max(2)).order_by_score(),
        )?;
        let mut matches = Vec::with_capacity(hits.len());
        for (score, address) in &hits {
            let column = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64(schema::ORD)?;
            let Some(ord) = column.first(address.doc_id) else {
                continue;
            };
            let entry = &self.entries[ord as usize];
            matches.push(Match {
                kind: entry.kind,
                id: entry.id.clone(),
                title: entry.title.clone(),
                score: *score,
                confidence: 0.0,
            });
        }
        self.assign_confidence(&mut matches, terms, !alternatives.is_empty(), lang);
        matches.truncate(limit);
        Ok(matches)
    }

    /// Confidence of the top hit: the share of the question's weight (rarer words weigh
    /// more; words the KB never uses weigh most) that the hit's own wording covers,
    /// tempered when the runner-up scores almost as well. Lower hits scale by score.
    fn assign_confidence(
        &self,
        matches: &mut [Match],
        terms: &[String],
        completing: bool,
        lang: &str,
    ) {
        let Some(top) = matches.first() else { return };
        let df = &self.doc_freq[lang];
        let n = self.entries.iter().filter(|e| e.lang == lang).count() as f32;
        let idf = |t: &String| {
            let d = *df.get(t).unwrap_or(&0) as f32;
            (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
        };
        let entry_terms = &self
            .entries
            .iter()
            .find(|e| e.id == top.id && e.kind == top.kind)
            .map(|e| &e.terms);
        let total: f32 = terms.iter().map(idf).sum();
        let covered: f32 = terms
            .iter()
            .filter(|t| entry_terms.is_some_and(|s| s.contains(*t)))
            .map(idf)
            .sum();
        let coverage = if total > 0.0 {
            covered / total
        } else if completing {
            0.6
        } else {
            0.0
        };
        let top_score = top.score;
        let margin = match matches.get(1) {
            Some(second) if top_score > 0.0 => {
                ((top_score - second.score) / top_score * 3.0).min(1.0)
            }
            _ => 1.0,
        };
        let confidence = (coverage * (0.7 + 0.3 * margin)).clamp(0.0, 1.0);
        for m in matches.iter_mut() {
            m.confidence = if top_score > 0.0 {
                confidence * m.score / top_score
            } else {
                0.0
            };
        }
    }
}
