//! Why a message fired a rule or did not, for authors (`deflect rules "…"`) and for
//! the rule tests' reports.

use super::meaning::Closeness;
use super::{AnswerMatch, Context, RuleMatcher};
use crate::search::SearchIndex;

/// The example of a rule nearest to a message.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleMatch {
    pub example: String,
    pub lang: String,
    pub closeness: Closeness,
    /// How much nearer the example is than the KB's nearest answer.
    pub margin: Closeness,
    /// The classifier's chance that the message means the rule (0 without one).
    pub learned: f32,
    /// The chance that the message means the rule: that the nearest example's
    /// calibrated chance or the classifier's is right, `1 - (1 - a)(1 - b)`.
    pub chance: f32,
}

/// One rule's verdict on one message.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleExplanation {
    pub rule_id: String,
    pub fired: bool,
    /// Why the rule was not considered, if it was not ("needs troubleshooting first").
    pub skipped: Option<String>,
    /// The phrase found in the message, if any.
    pub phrase: Option<String>,
    /// The nearest example, if the rule has examples in a language the message was read in.
    pub nearest: Option<ExampleMatch>,
    /// The KB's answer nearest to the message in the example's language: the chance
    /// rests on how much nearer the example is.
    pub nearest_answer: Option<AnswerMatch>,
    pub threshold: f32,
}

impl RuleMatcher {
    /// Every rule's verdict on `text`, and why.
    pub fn explain(
        &self,
        text: &str,
        ctx: Context<'_>,
        index: Option<&SearchIndex>,
    ) -> Vec<RuleExplanation> {
        let readings = self.read(text, ctx.lang, index);
        let fired: Vec<String> = self
            .evaluate(text, ctx, index)
            .into_iter()
            .map(|f| f.fired.rule_id)
            .collect();
        self.rules
            .iter()
            .enumerate()
            .map(|(position, compiled)| {
                let rule = &compiled.rule;
                let skipped = if !rule.tiers.is_empty()
                    && compiled.phrases.is_empty()
                    && compiled.examples.is_empty()
                {
                    Some("fires on the customer's tier only".to_string())
                } else if rule.after_troubleshooting && !ctx.troubleshooting_suggested {
                    Some("fires only after troubleshooting was suggested".to_string())
                } else {
                    None
                };
                let nearest = self.nearest_example(position, compiled, &readings);
                let nearest_answer = nearest.as_ref().and_then(|n| {
                    let position = self.languages.iter().position(|l| l.words.lang == n.lang)?;
                    readings[position].as_ref()?.answer.clone()
                });
                RuleExplanation {
                    rule_id: rule.id.clone(),
                    fired: fired.contains(&rule.id),
                    skipped,
                    phrase: self
                        .phrase_found(compiled, &readings)
                        .map(|p| p.text.clone()),
                    nearest,
                    nearest_answer,
                    threshold: rule.threshold(),
                }
            })
            .collect()
    }

    /// Each language's calibration, as fitted when the bundle was written.
    pub fn calibrations(&self) -> Vec<(String, super::meaning::Calibration)> {
        self.languages
            .iter()
            .map(|l| (l.words.lang.clone(), l.meaning.calibration))
            .collect()
    }

    /// The words each language read in `text` and would compare with examples: what
    /// is left once quotations and negated words are taken out.
    pub fn affirmed_words(&self, text: &str, lang: &str) -> Vec<(String, Vec<String>)> {
        self.languages
            .iter()
            .enumerate()
            .filter(|(i, l)| *i == 0 || l.words.lang == lang)
            .map(|(_, l)| (l.words.lang.clone(), l.words.affirmed(text)))
            .collect()
    }
}
