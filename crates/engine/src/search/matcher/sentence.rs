//! Sentence vectors of questions (English): the average of their words' vectors, for
//! closeness in meaning to the entries' example questions.

use super::SearchIndex;
use super::expand::{Via, Weighted};
use crate::analysis;

impl SearchIndex {
    /// An English example question's sentence vector, as opening computes them.
    pub(super) fn example_vector(&self, question: &str) -> Option<Vec<f32>> {
        self.vectors
            .of_text(&mut analysis::analyzer("en"), question)
    }

    /// The question's sentence vector, from the words it asked.
    pub(super) fn question_vector(&self, weighted: &[Weighted], lang: &str) -> Option<Vec<f32>> {
        let asked: Vec<String> = weighted
            .iter()
            .filter(|w| w.via == Via::Asked)
            .map(|w| w.term.clone())
            .collect();
        self.meaning_vector(&asked, lang)
    }

    /// The sentence vector of analysed terms: their own vectors, or for a word the KB
    /// does not use, the KB words of similar meaning standing in for it. Questions and
    /// escalation rules' examples alike; `None` where the language has no vectors.
    pub fn meaning_vector(&self, terms: &[String], lang: &str) -> Option<Vec<f32>> {
        if !self.features.vectors || lang != "en" {
            return None;
        }
        let words = terms.iter().flat_map(|term| {
            let own = self.vectors.contains(term);
            let stand_ins = self.expansion.neighbours(lang, term).filter(move |_| !own);
            own.then_some((term.as_str(), 1.0))
                .into_iter()
                .chain(stand_ins)
        });
        self.vectors.sentence(words)
    }
}
