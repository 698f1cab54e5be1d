//! Ranking: each entry scored by the whole entry and by its best example questions
//! (BM25 over the index, each relative to the best of its kind for this question),
//! plus closeness in meaning and the classifier's opinion.

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;

use super::SearchIndex;
use super::expand::{Via, Weighted};
use crate::error::{Error, Result};
use crate::search::postings::{FieldId, FieldTerm};
use crate::search::{schema, vectors};

/// Weight of the best example question next to the whole entry.
const QUESTION_SHARE: f32 = 1.0;
/// How much an entry's second-best example question adds to its best one.
const SECOND_QUESTION_SHARE: f32 = 0.3;
/// How many entries and question documents each half of the scoring looks at.
const WHOLE_DEPTH: usize = 20;
const QUESTION_DEPTH: usize = 40;
/// Weight of sentence-vector similarity next to term scores relative to the best
/// (tuned on half of BANKING77's test questions).
const VECTOR_SHARE: f32 = 1.5;
/// Weight of the classifier's logits next to the other scores (tuned on BANKING77's
/// dev protocol, docs/benchmarks.md "Matching quality").
pub(super) const CLASSIFIER_SHARE: f32 = 0.3;
/// How many of the classifier's best entries are scored even when no word matched.
const CLASSIFIER_CANDIDATES: usize = 10;

/// Entries by score, for one question: (entry ordinal, score), best first.
pub(super) type Ranked = Vec<(usize, f32)>;

impl SearchIndex {
    /// Entries ranked by how well the whole entry matches plus how well its two best
    /// example questions do, by meaning, and by the classifier's logits (`learned`).
    pub(super) fn score(
        &self,
        weighted: &[Weighted],
        question: Option<&[f32]>,
        learned: &[(usize, f32)],
        lang: &str,
    ) -> Result<Ranked> {
        let Some(mut combined) = self.term_scores(weighted, lang)? else {
            return Ok(Vec::new());
        };
        if let Some(question) = question {
            self.add_closeness(&mut combined, question);
        }
        add_classifier(&mut combined, learned);
        let mut ranked: Ranked = combined.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(ranked)
    }

    /// Each entry's whole-entry score plus its example-question score, each relative to
    /// the best; `None` when there is nothing to search.
    fn term_scores(
        &self,
        weighted: &[Weighted],
        lang: &str,
    ) -> Result<Option<HashMap<usize, f32>>> {
        if weighted.is_empty() {
            return Ok(None);
        }
        let (Some(fields), Some(question_field)) = (
            schema::text_fields(&self.segment, lang),
            schema::question_field(&self.segment, lang),
        ) else {
            return Ok(None);
        };
        let whole = self.whole_entry_terms(weighted, &fields, lang);
        let nearest: Vec<FieldTerm> = weighted
            .iter()
            .map(|w| FieldTerm {
                field: question_field,
                text: &w.term,
                weight: w.weight,
            })
            .collect();
        let question_share = if self.features.nearest_question {
            QUESTION_SHARE
        } else {
            0.0
        };
        let mut combined: HashMap<usize, f32> = HashMap::new();
        let whole = self.add_relative_scores(&mut combined, &whole, 1.0, WHOLE_DEPTH);
        // Run even when the first half needs shards, to name all the question needs.
        let nearest = match question_share {
            0.0 => Ok(()),
            share => self.add_relative_scores(&mut combined, &nearest, share, QUESTION_DEPTH),
        };
        Error::both(whole, nearest)?;
        Ok(Some(combined))
    }

    /// The terms searched in every text field of the entry documents, at the field's
    /// boost.
    fn whole_entry_terms<'w>(
        &self,
        weighted: &'w [Weighted],
        fields: &[(FieldId, f32)],
        lang: &str,
    ) -> Vec<FieldTerm<'w>> {
        let body = self.segment.field(&schema::field_name("body", lang));
        weighted
            .iter()
            .flat_map(|w| {
                // Added words are looked for where authors put customer wording, not in
                // bodies: as good a signal and far fewer postings to walk.
                let asked = w.via == Via::Asked;
                fields
                    .iter()
                    .filter(move |(f, _)| asked || Some(*f) != body)
                    .map(move |(field, boost)| FieldTerm {
                        field: *field,
                        text: &w.term,
                        weight: boost * w.weight,
                    })
            })
            .collect()
    }

    /// Adds `share` times each entry's evidence relative to the best entry's. Evidence
    /// is an entry's best hit plus a discounted second (hits come best first): a second
    /// question that also matches is extra evidence. The whole-entry half has one
    /// document per entry, so there it is just the entry's score.
    fn add_relative_scores(
        &self,
        combined: &mut HashMap<usize, f32>,
        terms: &[FieldTerm],
        share: f32,
        depth: usize,
    ) -> Result<()> {
        let hits = self.segment.top_docs(terms, depth)?;
        let mut per_entry: HashMap<usize, (f32, f32)> = HashMap::new();
        for (doc, score) in &hits {
            let Some(&ord) = self.doc_entries.get(*doc as usize) else {
                continue;
            };
            match per_entry.entry(ord) {
                Slot::Vacant(slot) => {
                    slot.insert((*score, 0.0));
                }
                Slot::Occupied(mut slot) if slot.get().1 == 0.0 => slot.get_mut().1 = *score,
                Slot::Occupied(_) => {}
            }
        }
        let evidence = |(first, second): (f32, f32)| first + SECOND_QUESTION_SHARE * second;
        let best = per_entry.values().map(|s| evidence(*s)).fold(0.0, f32::max);
        for (ord, scores) in per_entry {
            *combined.entry(ord).or_default() += share * evidence(scores) / best;
        }
        Ok(())
    }

    /// Term scores relative to the best, plus how close the question's meaning is to
    /// each candidate's example questions.
    fn add_closeness(&self, combined: &mut HashMap<usize, f32>, question: &[f32]) {
        let best = combined.values().copied().fold(0.0, f32::max);
        for (ord, score) in combined.iter_mut() {
            let similarity = vectors::entry_similarity(question, &self.example_vectors[*ord]);
            *score = *score / best + VECTOR_SHARE * similarity;
        }
    }
}

/// The classifier's opinion of every entry; its best few are candidates even when no
/// word matched them.
fn add_classifier(combined: &mut HashMap<usize, f32>, learned: &[(usize, f32)]) {
    let mut candidates: Vec<&(usize, f32)> = learned.iter().collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (ord, _) in candidates.into_iter().take(CLASSIFIER_CANDIDATES) {
        combined.entry(*ord).or_insert(0.0);
    }
    for (ord, logit) in learned {
        if let Some(score) = combined.get_mut(ord) {
            *score += CLASSIFIER_SHARE * logit;
        }
    }
}
