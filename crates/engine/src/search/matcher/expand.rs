//! Query expansion: the question's own terms plus what they stand for in this KB
//! (synonyms from `kb/synonyms.toml`, words of like meaning, typo fixes), each weighted
//! and labelled with where it came from.

use std::collections::HashMap;

use super::SearchIndex;
use super::typos::nearest_words;
use crate::analysis;
use crate::model::Kb;

/// How much a synonym counts next to the word the visitor typed.
pub(super) const SYNONYM_WEIGHT: f32 = 0.6;
/// How much a word of similar meaning counts (times its similarity).
const MEANING_WEIGHT: f32 = 0.7;
/// How much the KB's word for a misspelt one counts.
const TYPO_WEIGHT: f32 = 0.8;
/// Added words (synonyms, typo fixes, similar meanings) used by more than this share
/// of entries are not searched: they tell little and cost the most to search.
const COMMON_SHARE: f32 = 0.25;
/// At most this many added words per question: beyond a few, added words only slow a
/// long question down.
const MAX_ADDED_TERMS: usize = 8;

/// A query term and why it is searched.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Weighted {
    pub(super) term: String,
    pub(super) weight: f32,
    pub(super) via: Via,
}

impl Weighted {
    /// A term the visitor wrote, at full weight.
    pub(super) fn asked(term: &str) -> Self {
        Weighted {
            term: term.to_string(),
            weight: 1.0,
            via: Via::Asked,
        }
    }

    /// Whether this added term was searched in place of the asked word `asked`.
    pub(super) fn stands_for(&self, asked: &str) -> bool {
        match &self.via {
            Via::Typo(original) | Via::Meaning(original) => original == asked,
            Via::Synonym(phrase) => phrase.split(' ').any(|w| w == asked),
            _ => false,
        }
    }
}

/// Where a query term comes from.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Via {
    /// The visitor wrote it.
    Asked,
    /// A synonym of the phrase the visitor wrote (kb/synonyms.toml).
    Synonym(String),
    /// A KB word close in meaning to this one (data/word-neighbours.tsv.gz).
    Meaning(String),
    /// The KB's word closest to one the KB does not know (probably misspelt).
    Typo(String),
    /// A completion of the last, unfinished word.
    Completion,
}

/// A synonym phrase, as analysed terms and as plain lower-cased words.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Phrase {
    terms: Vec<String>,
    words: Vec<String>,
}

impl Phrase {
    /// A phrase of one word matches its stem ("refunds" → "refund"); a longer one
    /// matches its words in order ("sign in", never "sign up").
    fn occurs_in(&self, terms: &[String], words: &[String]) -> bool {
        if self.words.len() == 1 && self.terms.len() == 1 {
            terms.contains(&self.terms[0])
        } else {
            !self.words.is_empty() && words.windows(self.words.len()).any(|w| w == self.words)
        }
    }
}

/// The KB's synonym groups per language, each phrase analysed into terms.
pub(super) fn analysed_synonyms(kb: &Kb) -> HashMap<String, Vec<Vec<Phrase>>> {
    let mut out: HashMap<String, Vec<Vec<Phrase>>> = HashMap::new();
    for group in &kb.synonyms {
        let mut analyzer = analysis::analyzer(&group.lang);
        let phrases: Vec<Phrase> = group
            .phrases
            .iter()
            .map(|p| Phrase {
                terms: analysis::terms(&mut analyzer, p, &group.lang),
                words: analysis::plain_words(p, &group.lang),
            })
            .filter(|p| !p.terms.is_empty())
            .collect();
        out.entry(group.lang.clone()).or_default().push(phrases);
    }
    out
}

/// Adds `candidate` unless a term already searched is the same word.
fn add_new(out: &mut Vec<Weighted>, candidate: Weighted) {
    if !out.iter().any(|w| w.term == candidate.term) {
        out.push(candidate);
    }
}

impl SearchIndex {
    /// The question's terms with what they stand for in this KB: synonyms of the KB's
    /// support vocabulary, and the KB's own words for misspelt ones.
    pub(super) fn expand(&self, text: &str, terms: &[String], lang: &str) -> Vec<Weighted> {
        let mut out: Vec<Weighted> = terms.iter().map(|t| Weighted::asked(t)).collect();
        if self.features.synonyms {
            self.add_synonyms(&mut out, text, terms, lang);
        }
        if self.features.meaning {
            self.add_meanings(&mut out, terms, lang);
        }
        if self.features.typos {
            self.add_typo_fixes(&mut out, terms, lang);
        }
        self.keep_telling_added_terms(out, lang)
    }

    /// The other phrases of each synonym group the question uses a phrase of.
    fn add_synonyms(&self, out: &mut Vec<Weighted>, text: &str, terms: &[String], lang: &str) {
        let words = analysis::plain_words(text, lang);
        for group in self.synonyms.get(lang).into_iter().flatten() {
            let Some(found) = group.iter().find(|phrase| phrase.occurs_in(terms, &words)) else {
                continue;
            };
            for phrase in group.iter().filter(|p| *p != found) {
                for term in phrase.terms.iter().filter(|t| self.stats.knows(lang, t)) {
                    add_new(
                        out,
                        Weighted {
                            term: term.clone(),
                            weight: SYNONYM_WEIGHT,
                            via: Via::Synonym(found.words.join(" ")),
                        },
                    );
                }
            }
        }
    }

    /// The KB's words of similar meaning to each asked term.
    fn add_meanings(&self, out: &mut Vec<Weighted>, terms: &[String], lang: &str) {
        for term in terms {
            for (near, similarity) in self.expansion.neighbours(lang, term) {
                add_new(
                    out,
                    Weighted {
                        term: near.to_string(),
                        weight: MEANING_WEIGHT * similarity,
                        via: Via::Meaning(term.clone()),
                    },
                );
            }
        }
    }

    /// The KB's nearest words for each asked term it does not know.
    fn add_typo_fixes(&self, out: &mut Vec<Weighted>, terms: &[String], lang: &str) {
        let Some(vocabulary) = self.stats.vocabulary(lang) else {
            return;
        };
        for term in terms.iter().filter(|t| !self.stats.knows(lang, t)) {
            for near in nearest_words(term, vocabulary) {
                add_new(
                    out,
                    Weighted {
                        term: near,
                        weight: TYPO_WEIGHT,
                        via: Via::Typo(term.clone()),
                    },
                );
            }
        }
    }

    /// Asked terms, then the heaviest few added ones that are not too common.
    fn keep_telling_added_terms(&self, out: Vec<Weighted>, lang: &str) -> Vec<Weighted> {
        let common = self.stats.entry_count(lang) as f32 * COMMON_SHARE;
        let (asked, mut added): (Vec<Weighted>, Vec<Weighted>) =
            out.into_iter().partition(|w| w.via == Via::Asked);
        added.retain(|w| self.stats.doc_freq(lang, &w.term) as f32 <= common);
        added.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        added.truncate(MAX_ADDED_TERMS);
        asked.into_iter().chain(added).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_word_synonym_matches_its_words_in_order_only() {
        let phrase = |text: &str| Phrase {
            terms: analysis::terms(&mut analysis::analyzer("en"), text, "en"),
            words: analysis::plain_words(text, "en"),
        };
        let asked = |text: &str| {
            (
                analysis::terms(&mut analysis::analyzer("en"), text, "en"),
                analysis::plain_words(text, "en"),
            )
        };
        let sign_in = phrase("sign in");
        let (terms, words) = asked("I can't sign in to the app");
        assert!(sign_in.occurs_in(&terms, &words));
        let (terms, words) = asked("how do I sign up");
        assert!(!sign_in.occurs_in(&terms, &words));
        let refund = phrase("refund");
        let (terms, words) = asked("Refunds?");
        assert!(refund.occurs_in(&terms, &words));
    }
}
