//! Confidence: for the top hit, the calibrated chance that it is the right answer;
//! lower hits scale it by their score.

use std::collections::HashSet;

use super::expand::{SYNONYM_WEIGHT, Via, Weighted};
use super::score::{CLASSIFIER_SHARE, Ranked};
use super::{Match, SearchIndex};
use crate::search::{classifier, vectors};

/// Coverage given to a question that is only a half-typed word: some evidence, never
/// enough alone to be sure.
const COMPLETING_COVERAGE: f32 = 0.6;
/// Sentence-vector similarity to the top entry's example questions (best cosine plus a
/// share of the second best, so up to 1.3) at which its closeness counts from nothing to
/// fully. On BANKING77 half the out-of-scope questions score below 0.7, right answers
/// about 1.1.
const CLOSE_FROM: f32 = 0.7;
const CLOSE_AT: f32 = 1.2;
/// Share of the classifier's probability in the top hit's confidence. On BANKING77 at
/// the default threshold, a quarter kept as many right answers confident while fewer
/// wrong and out-of-scope ones were (0: 75.3% / 13.0% / 6%; 0.25: 75.5% / 12.4% / 4%;
/// 0.5: 74.7% / 11.6% / 8%); more makes short or misspelt questions unsure, as the
/// classifier spreads its probability over many articles for them.
const PROBABILITY_SHARE: f32 = 0.25;
/// Platt scaling of the top hit's evidence (0–1) into the chance that it is the right
/// answer to a question the KB covers: `1 / (1 + e^-(A·evidence + B))`. Fitted by
/// logistic regression on BANKING77's dev protocol; fitted on either half of its
/// questions, it is off by 0.010–0.016 on the other (expected calibration error over
/// ten bands, against 0.152 for the evidence itself, which under-states: of answers at
/// 0.35, 55% were right). docs/benchmarks.md "Matching quality".
const CALIBRATION_A: f32 = 6.41;
const CALIBRATION_B: f32 = -2.15;

/// The chance that the top hit is right, from its evidence; see [`CALIBRATION_A`].
fn calibrated(evidence: f32) -> f32 {
    1.0 / (1.0 + (-(CALIBRATION_A * evidence + CALIBRATION_B)).exp())
}

/// What the top hit's confidence rests on besides its wording.
pub(super) struct TopHit {
    /// The top entry's ordinal.
    ord: usize,
    /// The classifier's probability for it, where there is a classifier.
    probability: Option<f32>,
    /// Its lead over the runner-up (0–1) by the evidence before the classifier's: the
    /// lead was measured on that, and the classifier's say is its probability.
    lead: f32,
}

impl TopHit {
    /// The top of `ranked`, given the classifier's logits (`learned`) that went into it.
    pub(super) fn of(ranked: &Ranked, learned: &[(usize, f32)]) -> Option<Self> {
        let learned_part = |ord: usize| {
            learned
                .iter()
                .find(|(o, _)| *o == ord)
                .map_or(0.0, |(_, logit)| CLASSIFIER_SHARE * logit)
        };
        let &(ord, score) = ranked.first()?;
        let before = score - learned_part(ord);
        let lead = match ranked.get(1) {
            Some(&(second, score)) if before > 0.0 => {
                ((before - (score - learned_part(second))) / before).max(0.0)
            }
            _ => 1.0,
        };
        Some(TopHit {
            ord,
            probability: classifier::probability(learned, ord),
            lead,
        })
    }
}

impl SearchIndex {
    /// Confidence of the top hit: the share of the question's weight that the hit's own
    /// wording covers ([`Self::coverage`]), tempered when the runner-up scores almost as
    /// well. Where the hit has sentence vectors (English), coverage is averaged with how
    /// close the question's meaning is to the hit's example questions, which tells
    /// out-of-scope questions apart better than words alone, and the margin counts more,
    /// as it best tells right from wrong (measured on BANKING77 with CLINC150
    /// out-of-scope questions; docs/benchmarks.md "Matching quality"). A quarter of it is
    /// the classifier's probability, where there is one. That evidence is then calibrated
    /// into the chance that the top hit is right ([`calibrated`]). Lower hits scale by
    /// score.
    pub(super) fn assign_confidence(
        &self,
        matches: &mut [Match],
        top: Option<TopHit>,
        weighted: &[Weighted],
        question: Option<&[f32]>,
        completing: bool,
        lang: &str,
    ) {
        let (Some(first), Some(top)) = (matches.first(), top) else {
            return;
        };
        let top_score = first.score;
        let coverage = self.coverage(weighted, &self.entries[top.ord].terms, lang);
        let coverage = coverage.unwrap_or(if completing { COMPLETING_COVERAGE } else { 0.0 });
        let examples = &self.example_vectors[top.ord];
        let lead = top.lead;
        // Without vectors (Spanish, or no word of the question has one: a typo) the
        // words alone decide.
        let confidence = match question.filter(|_| !examples.is_empty()) {
            Some(question) => {
                let similarity = vectors::entry_similarity(question, examples);
                let closeness =
                    ((similarity - CLOSE_FROM) / (CLOSE_AT - CLOSE_FROM)).clamp(0.0, 1.0);
                (coverage + closeness) / 2.0 * (0.5 + 0.5 * (lead * 6.0).min(1.0))
            }
            None => coverage * (0.7 + 0.3 * (lead * 3.0).min(1.0)),
        }
        .clamp(0.0, 1.0);
        let evidence = match top.probability {
            Some(p) => (1.0 - PROBABILITY_SHARE) * confidence + PROBABILITY_SHARE * p,
            None => confidence,
        };
        let confidence = calibrated(evidence);
        for m in matches.iter_mut() {
            m.confidence = if top_score > 0.0 {
                confidence * m.score / top_score
            } else {
                0.0
            };
        }
    }

    /// The share (0–1) of the asked words' weight (rarer words weigh more; words the KB
    /// never uses weigh most) that an entry's `terms` cover; a word stands for itself or,
    /// at a discount, through a synonym or a typo fix. `None` if no word has weight.
    fn coverage(&self, weighted: &[Weighted], terms: &HashSet<String>, lang: &str) -> Option<f32> {
        let idf = |t: &str| self.stats.idf(t, lang);
        let asked: Vec<&Weighted> = weighted.iter().filter(|w| w.via == Via::Asked).collect();
        let total: f32 = asked.iter().map(|w| idf(&w.term)).sum();
        if total <= 0.0 {
            return None;
        }
        let stands_in = |asked: &str| {
            weighted
                .iter()
                .any(|o| o.weight < 1.0 && o.stands_for(asked) && terms.contains(&o.term))
        };
        let covered: f32 = asked
            .iter()
            .map(|w| {
                if terms.contains(&w.term) {
                    idf(&w.term)
                } else if stands_in(&w.term) {
                    idf(&w.term) * SYNONYM_WEIGHT
                } else {
                    0.0
                }
            })
            .sum();
        Some(covered / total)
    }
}
