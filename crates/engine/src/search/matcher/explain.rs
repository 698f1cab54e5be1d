//! Why an entry was found: which of the question's words (or their synonyms and typo
//! fixes) occur in which of its fields, its best-matching example question, and the
//! one closest in meaning. For
//! KB authors (`deflect ask`); the widget never needs it.

use std::collections::HashSet;

use super::SearchIndex;
use super::expand::Via;
use crate::analysis;
use crate::search::vectors;

/// One searched word and where the entry has it.
#[derive(Debug, Clone)]
pub struct WordMatch {
    pub term: String,
    /// "asked", "synonym of …", "typo of …" or "completion".
    pub via: String,
    /// Fields of the entry that contain it: title, questions, keywords, body.
    pub fields: Vec<&'static str>,
}

/// Why one entry matched a question.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub words: Vec<WordMatch>,
    /// The example question sharing most (weighted) words, with the shared words.
    pub best_question: Option<(String, Vec<String>)>,
    /// The example question closest in meaning (sentence vectors, English), with its
    /// cosine similarity: why an entry sharing few words can still rank high.
    pub closest_in_meaning: Option<(String, f32)>,
    /// What the classifier learned from the example questions says: its probability
    /// for this entry and what that rests on.
    pub learned: Option<(f32, crate::search::classifier::Parts)>,
}

impl SearchIndex {
    /// Explains the match of entry `id` for `text` (None if there is no such entry).
    pub fn explain(&self, text: &str, lang: &str, id: &str) -> Option<Explanation> {
        let lang = self.resolve_lang(lang);
        let entry = self.entries().iter().find(|e| e.id == id)?;
        let mut analyzer = analysis::analyzer(&entry.lang);
        let mut terms_of = |s: &str| -> HashSet<String> {
            analysis::terms(&mut analyzer, s, &entry.lang)
                .into_iter()
                .collect()
        };
        let fields: [(&'static str, HashSet<String>); 4] = [
            ("title", terms_of(&entry.title)),
            ("questions", terms_of(&entry.questions.join("\n"))),
            ("keywords", terms_of(&entry.keywords.join("\n"))),
            ("body", terms_of(&entry.body)),
        ];
        let questions: Vec<(String, HashSet<String>)> = entry
            .questions
            .iter()
            .map(|q| (q.clone(), terms_of(q)))
            .collect();
        let terms = self.query_terms(text, &lang);
        let weighted = self.expand(text, &terms, &lang);
        let words = weighted
            .iter()
            .map(|w| WordMatch {
                term: w.term.clone(),
                via: match &w.via {
                    Via::Asked => "asked".to_string(),
                    Via::Synonym(phrase) => format!("synonym of \"{phrase}\""),
                    Via::Typo(word) => format!("typo of \"{word}\""),
                    Via::Meaning(word) => format!("like \"{word}\""),
                    Via::Completion => "completion".to_string(),
                },
                fields: fields
                    .iter()
                    .filter(|(_, set)| set.contains(&w.term))
                    .map(|(name, _)| *name)
                    .collect(),
            })
            .collect();
        let best_question = questions
            .iter()
            .map(|(q, set)| {
                let shared: Vec<String> = weighted
                    .iter()
                    .filter(|w| set.contains(&w.term))
                    .map(|w| w.term.clone())
                    .collect();
                let weight: f32 = shared.iter().map(|t| self.stats.idf(t, &lang)).sum();
                (weight, q, shared)
            })
            .filter(|(weight, _, _)| *weight > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, q, shared)| (q.clone(), shared));
        let asked = self.question_vector(&weighted, &lang);
        let closest_in_meaning = asked.and_then(|asked| {
            entry
                .questions
                .iter()
                .filter_map(|q| {
                    let example = self.example_vector(q)?;
                    Some((q.clone(), vectors::cosine(&asked, &example)))
                })
                .max_by(|a, b| a.1.total_cmp(&b.1))
        });
        let learned = self.learned_view(text, &weighted, &lang, id);
        Some(Explanation {
            words,
            best_question,
            closest_in_meaning,
            learned,
        })
    }
}
