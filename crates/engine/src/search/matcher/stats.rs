//! Per-language term statistics over the KB's entries: what term weights, typo fixes
//! and completions are computed from.

use std::collections::HashMap;

use crate::search::Entry;

/// How many entries of each language use each term, and the terms themselves, sorted.
pub(super) struct TermStats {
    /// Per language: how many entries use each term.
    doc_freq: HashMap<String, HashMap<String, u32>>,
    /// Per language: how many entries there are.
    entry_counts: HashMap<String, u32>,
    /// Per language: all terms, sorted, for prefix completion and typo fixes.
    vocabulary: HashMap<String, Vec<String>>,
}

impl TermStats {
    /// Counts the analysed terms of `entries` (`Entry::terms`, filled in when opening).
    pub(super) fn of(entries: &[Entry]) -> Self {
        let mut doc_freq: HashMap<String, HashMap<String, u32>> = HashMap::new();
        let mut entry_counts: HashMap<String, u32> = HashMap::new();
        for entry in entries {
            *entry_counts.entry(entry.lang.clone()).or_default() += 1;
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
        TermStats {
            doc_freq,
            entry_counts,
            vocabulary,
        }
    }

    /// Whether the KB has entries in `lang`.
    pub(super) fn has_lang(&self, lang: &str) -> bool {
        self.doc_freq.contains_key(lang)
    }

    /// Whether some entry of `lang` uses `term`.
    pub(super) fn knows(&self, lang: &str, term: &str) -> bool {
        self.doc_freq
            .get(lang)
            .is_some_and(|df| df.contains_key(term))
    }

    /// How many entries of `lang` use `term`.
    pub(super) fn doc_freq(&self, lang: &str, term: &str) -> u32 {
        self.doc_freq
            .get(lang)
            .and_then(|df| df.get(term))
            .copied()
            .unwrap_or(0)
    }

    /// How many entries of `lang` there are.
    pub(super) fn entry_count(&self, lang: &str) -> u32 {
        *self.entry_counts.get(lang).unwrap_or(&0)
    }

    /// The sorted terms of `lang`'s entries.
    pub(super) fn vocabulary(&self, lang: &str) -> Option<&[String]> {
        self.vocabulary.get(lang).map(Vec::as_slice)
    }

    /// How much a word tells entries of `lang` apart (BM25's idf over entries).
    pub(super) fn idf(&self, term: &str, lang: &str) -> f32 {
        let n = self.entry_count(lang) as f32;
        let d = self.doc_freq(lang, term) as f32;
        (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
    }
}
