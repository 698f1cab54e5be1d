//! The classifier learned from the example questions (`search::classifier`), as the
//! matcher asks it: a question described the same way at training and at asking time.

use super::SearchIndex;
use super::expand::{Via, Weighted};
use crate::analysis;
use crate::search::classifier::{self, Features as ClassifierFeatures};

impl SearchIndex {
    /// Per entry of `lang`, the classifier's logit for the question.
    pub(super) fn classifier_scores(
        &self,
        text: &str,
        weighted: &[Weighted],
        question: Option<&[f32]>,
        lang: &str,
    ) -> Vec<(usize, f32)> {
        let Some(model) = self
            .classifier
            .models
            .iter()
            .find(|m| m.lang == lang)
            .filter(|_| self.features.classifier)
        else {
            return Vec::new();
        };
        let features =
            self.classifier_features(text, weighted, question.map(<[f32]>::to_vec), lang);
        model
            .entries
            .iter()
            .zip(model.logits(&features))
            .map(|(ord, logit)| (*ord as usize, logit))
            .collect()
    }

    /// Per escalation rule the classifier learned in `lang`, the chance that `text`
    /// means it (none without a classifier or rule classes).
    pub fn rule_chances(&self, text: &str, lang: &str) -> Vec<(usize, f32)> {
        match self.classifier.models.iter().find(|m| m.lang == lang) {
            Some(model) if !model.rules.is_empty() => {
                model.rule_chances(&self.classifier_features_of(text, lang))
            }
            _ => Vec::new(),
        }
    }

    /// The classifier's probability for entry `id` and the parts of its logit.
    pub(super) fn learned_view(
        &self,
        text: &str,
        weighted: &[Weighted],
        lang: &str,
        id: &str,
    ) -> Option<(f32, classifier::Parts)> {
        let model = self.classifier.models.iter().find(|m| m.lang == lang)?;
        let ord = self.entries.iter().position(|e| e.id == id)?;
        let class = model.entries.iter().position(|&o| o as usize == ord)?;
        let question = self.question_vector(weighted, lang);
        let logits = self.classifier_scores(text, weighted, question.as_deref(), lang);
        let probability = classifier::probability(&logits, ord)?;
        let features = self.classifier_features(text, weighted, question, lang);
        Some((probability, model.parts(&features, class)))
    }

    /// A question as the classifier sees it: its words and what the matcher took them
    /// for (the KB's synonyms, typo fixes, words of like meaning, at their weights),
    /// weighted by rarity; its plain words, for character n-grams and word pairs; its
    /// sentence vector.
    fn classifier_features(
        &self,
        text: &str,
        weighted: &[Weighted],
        question: Option<Vec<f32>>,
        lang: &str,
    ) -> ClassifierFeatures {
        let terms: Vec<(String, f32)> = weighted
            .iter()
            .filter(|w| w.via != Via::Completion)
            .map(|w| (w.term.clone(), w.weight * self.stats.idf(&w.term, lang)))
            .collect();
        ClassifierFeatures::new(&terms, &analysis::plain_words(text, lang), question)
    }

    /// An example question as the classifier sees it when the visitor asks it: what
    /// `deflect-compile` trains on, so that training and asking describe a question the
    /// same way.
    pub fn classifier_features_of(&self, question: &str, lang: &str) -> ClassifierFeatures {
        let terms = self.query_terms(question, lang);
        let weighted = self.expand(question, &terms, lang);
        let vector = self.question_vector(&weighted, lang);
        self.classifier_features(question, &weighted, vector, lang)
    }
}
