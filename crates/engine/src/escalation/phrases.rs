//! Phrases: a rule's exact words, matched as whole analysed words, in order and
//! adjacent, not right after a negation.

use super::language::RuleLanguage;

pub(super) struct Phrase {
    pub text: String,
    terms: Vec<String>,
    /// Written `^…$`: the message must say nothing else.
    whole_message: bool,
}

impl Phrase {
    /// `text` analysed in `language`; `None` if no word is left to match.
    pub fn new(text: &str, language: &RuleLanguage) -> Option<Self> {
        let anchored = text
            .trim()
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix('$'));
        let terms = language.terms(anchored.unwrap_or(text));
        (!terms.is_empty()).then(|| Phrase {
            text: text.to_string(),
            terms,
            whole_message: anchored.is_some(),
        })
    }

    /// Whether the phrase occurs in a segment's `terms`.
    pub fn occurs_in(&self, terms: &[String], language: &RuleLanguage) -> bool {
        if self.whole_message {
            return terms == self.terms;
        }
        let n = self.terms.len();
        n <= terms.len()
            && (0..=terms.len() - n).any(|start| {
                terms[start..start + n] == self.terms && !language.negated_at(terms, start)
            })
    }
}
