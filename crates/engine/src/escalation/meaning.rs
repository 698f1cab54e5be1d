//! Escalation by meaning: a rule's example messages fire it for messages that say the
//! same in other words ("I opened a PayPal dispute" for a chargeback rule whose phrases
//! say "filed a dispute"), the way articles are matched to questions.
//!
//! A message is compared with each example by two closenesses: the words they share,
//! each weighted by how rare it is among the KB's questions and the rule examples (a
//! shared "dispute" says more than a shared "payment"), and, in English, their sentence
//! vectors, which relate words that differ ("attorney", "lawyer"). What counts is how
//! much nearer the message is to the rule's nearest example than to the KB's nearest
//! answer (an example question of its top search hits): "Where do I download my
//! files?" shares a word with "I filed a dispute", but the download article is nearer.
//! That margin becomes the chance that the message means the rule by Platt scaling
//! ([`Calibration`]), set on the sample KB's tuning cases
//! (`kb/rule-tests/paraphrases-tuning.toml`; `paraphrases-checked.toml` only checks).
//! The article classifier learns each rule's examples as a class too, against every
//! article's questions (`deflect-compile`'s training), and gives a second chance; the
//! rule's chance is that either is right (`1 - (1 - a)(1 - b)`): the classifier
//! catches wording that points to the rule and away from every answer ("an actual
//! human being") where the nearest example shares too few words.
//! Rules compete like articles: only the rule most likely meant may fire, when that
//! chance reaches its threshold.
//!
//! Words a negation takes back and quoted text are left out first, as for phrases, and
//! everything is computed, never sampled: the same message always gives the same
//! answer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What the bundle carries for rule examples, per language.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RuleMeaning {
    pub languages: Vec<LanguageMeaning>,
}

impl RuleMeaning {
    pub fn for_lang(&self, lang: &str) -> Option<&LanguageMeaning> {
        self.languages.iter().find(|l| l.lang == lang)
    }
}

/// One language's word weights and calibration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LanguageMeaning {
    pub lang: String,
    /// How rare each analysed word of the rule examples is among the KB's questions
    /// and rule examples (BM25's inverse document frequency).
    pub rarity: BTreeMap<String, f32>,
    /// The rarity of a word that no question or example uses.
    pub unseen_rarity: f32,
    pub calibration: Calibration,
}

impl LanguageMeaning {
    /// For a language the bundle has nothing on: every word equally rare.
    pub fn untrained(lang: &str, with_vectors: bool) -> Self {
        LanguageMeaning {
            lang: lang.to_string(),
            rarity: BTreeMap::new(),
            unseen_rarity: 1.0,
            calibration: if with_vectors {
                Calibration::default()
            } else {
                Calibration::words_only()
            },
        }
    }

    fn rarity(&self, term: &str) -> f32 {
        self.rarity.get(term).copied().unwrap_or(self.unseen_rarity)
    }
}

/// Platt scaling of how much nearer a message is to a rule's example than to the KB's
/// nearest answer (a [`Closeness`] difference) into the chance that it means the rule:
/// `1 / (1 + e^-(words·margin.words + meaning·margin.meaning + bias))`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Calibration {
    pub words: f32,
    pub meaning: f32,
    /// Weights of the example's own closeness, words and meaning: a margin over a KB
    /// with no close answer is not enough alone.
    pub near_words: f32,
    pub near_meaning: f32,
    pub bias: f32,
}

impl Default for Calibration {
    /// For English, with sentence vectors. Set on the sample KB's tuning cases, where
    /// a fit on each KB's own examples did worse: a good example is often also an
    /// article's question, so examples make a poor picture of what the rule alone
    /// means. "I filed a claim with PayPal to get the money back" against "I contacted
    /// PayPal to get my money back through a claim" (nearest answer "I want my money
    /// back"): 0.98; "Please connect me with a support agent" against "Do you have an
    /// agent programme for affiliates?": 0.81, under that rule's 0.85.
    fn default() -> Self {
        Calibration {
            words: 8.0,
            meaning: 8.0,
            near_words: 4.0,
            near_meaning: 4.0,
            bias: -5.5,
        }
    }
}

impl Calibration {
    /// For a language without sentence vectors (all but English), where shared words
    /// are all there is: half the words shared is not enough alone ("¿Aceptan PayPal?"
    /// against "Puse una disputa en PayPal": 0.27), two thirds is (0.96).
    pub fn words_only() -> Self {
        Calibration {
            words: 12.0,
            meaning: 0.0,
            near_words: 6.0,
            near_meaning: 0.0,
            bias: -7.5,
        }
    }

    /// The chance of meaning the rule, from the message's `margin` over the KB's
    /// nearest answer and its `closeness` to the example.
    pub fn chance(&self, margin: Closeness, closeness: Closeness) -> f32 {
        let z = self.words * margin.words
            + self.meaning * margin.meaning
            + self.near_words * closeness.words
            + self.near_meaning * closeness.meaning
            + self.bias;
        1.0 / (1.0 + (-z).exp())
    }
}

/// How close a message is to one example (each 0–1).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Closeness {
    /// The cosine of their rarity-weighted words.
    pub words: f32,
    /// The cosine of their sentence vectors (0 without vectors).
    pub meaning: f32,
}

impl Closeness {
    /// For picking the nearest example or answer: both count alike.
    pub fn sum(&self) -> f32 {
        self.words + self.meaning
    }

    /// How much closer this is than `other` (nothing when there is no other).
    pub fn minus(&self, other: Option<Closeness>) -> Closeness {
        let other = other.unwrap_or_default();
        Closeness {
            words: self.words - other.words,
            meaning: self.meaning - other.meaning,
        }
    }
}

/// A message or example as compared: its distinct words with unit-length weights,
/// sorted, and its sentence vector.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    words: Vec<(String, f32)>,
    vector: Option<Vec<f32>>,
}

impl Profile {
    pub fn new(terms: &[String], meaning: &LanguageMeaning, vector: Option<Vec<f32>>) -> Self {
        let mut words: Vec<(String, f32)> = terms
            .iter()
            .map(|t| (t.clone(), meaning.rarity(t)))
            .collect();
        words.sort_by(|a, b| a.0.cmp(&b.0));
        words.dedup_by(|a, b| a.0 == b.0);
        let norm = words.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            words.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        Profile { words, vector }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn closeness(&self, other: &Profile) -> Closeness {
        let (mut i, mut j, mut words) = (0, 0, 0.0);
        while let (Some(a), Some(b)) = (self.words.get(i), other.words.get(j)) {
            match a.0.cmp(&b.0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    words += a.1 * b.1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let meaning = match (&self.vector, &other.vector) {
            (Some(a), Some(b)) => crate::search::vectors::cosine(a, b).max(0.0),
            _ => 0.0,
        };
        Closeness { words, meaning }
    }
}

/// BM25's inverse document frequency of a word in `documents` of `docs`.
pub fn rarity(documents_with_word: usize, docs: usize) -> f32 {
    let (n, df) = (docs as f32, documents_with_word as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meaning(rare: &[(&str, f32)]) -> LanguageMeaning {
        LanguageMeaning {
            lang: "en".into(),
            rarity: rare.iter().map(|(w, r)| (w.to_string(), *r)).collect(),
            unseen_rarity: 5.0,
            calibration: Calibration::default(),
        }
    }

    fn profile(words: &[&str], m: &LanguageMeaning) -> Profile {
        let terms: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        Profile::new(&terms, m, None)
    }

    #[test]
    fn rare_shared_words_count_more_than_common_ones() {
        let m = meaning(&[("disput", 4.0), ("payment", 1.0), ("open", 1.0)]);
        let example = profile(&["open", "disput", "payment"], &m);
        let rare = profile(&["disput"], &m).closeness(&example).words;
        let common = profile(&["payment"], &m).closeness(&example).words;
        assert!(rare > 3.0 * common, "{rare} vs {common}");
        assert!(
            (profile(&["open", "disput", "payment"], &m)
                .closeness(&example)
                .words
                - 1.0)
                .abs()
                < 1e-6
        );
        assert_eq!(profile(&["zebra"], &m).closeness(&example).words, 0.0);
    }

    #[test]
    fn calibration_is_monotonic_in_the_margin() {
        let c = Calibration::default();
        let near = Closeness {
            words: 0.5,
            meaning: 0.8,
        };
        let low = c.chance(
            Closeness {
                words: 0.0,
                meaning: 0.0,
            },
            near,
        );
        let high = c.chance(
            Closeness {
                words: 0.3,
                meaning: 0.2,
            },
            near,
        );
        assert!(low < 0.5 && high > 0.5, "{low} {high}");
    }

    #[test]
    fn rarity_falls_as_more_documents_use_a_word() {
        assert!(rarity(1, 100) > rarity(10, 100));
        assert!(rarity(100, 100) > 0.0);
    }
}
