use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Escalation rules and routing, as authored in `kb/rules.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RuleSet {
    pub escalate: Vec<EscalationRule>,
    pub routing: Routing,
}

/// A condition under which a human must take over at once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EscalationRule {
    pub id: String,
    pub reason: String,
    /// Whole-word phrases in the KB's default language, matched after stemming; any
    /// one fires the rule.
    pub phrases: Vec<String>,
    /// Example messages in the KB's default language: a message close enough in
    /// meaning to them fires the rule, whatever its words (`escalation::meaning`).
    #[serde(default)]
    pub examples: Vec<String>,
    /// The calibrated chance of meaning the rule above which an example match fires
    /// it; `None`: [`DEFAULT_RULE_THRESHOLD`].
    #[serde(default)]
    pub threshold: Option<f32>,
    /// Phrases and examples in the KB's other languages, by language code.
    #[serde(default)]
    pub languages: BTreeMap<String, RuleWords>,
    /// Customer tiers that fire the rule on their first message.
    pub tiers: Vec<String>,
    /// Fire only once troubleshooting (an article or a flow) was already suggested.
    pub after_troubleshooting: bool,
    pub priority: Priority,
    /// What the handoff asks after the visitor's contact: this checklist (an issue type
    /// of `kb/checklists.toml`; a chargeback is billing whatever was read before) …
    #[serde(default)]
    pub issue_type: Option<String>,
    /// … or, when there is no `issue_type`, what else.
    #[serde(default)]
    pub ask: HandoffAsk,
}

/// A rule's threshold when its author gives none: more likely meant than not.
pub const DEFAULT_RULE_THRESHOLD: f32 = 0.5;

/// What fires a rule in one language.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RuleWords {
    pub phrases: Vec<String>,
    pub examples: Vec<String>,
}

impl EscalationRule {
    /// The threshold an example match must reach.
    pub fn threshold(&self) -> f32 {
        self.threshold.unwrap_or(DEFAULT_RULE_THRESHOLD)
    }

    /// Phrases and examples per language, the default language's first.
    pub fn words_by_language<'a>(
        &'a self,
        default_lang: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a [String], &'a [String])> + 'a {
        std::iter::once((default_lang, &self.phrases[..], &self.examples[..])).chain(
            self.languages
                .iter()
                .map(|(lang, words)| (lang.as_str(), &words.phrases[..], &words.examples[..])),
        )
    }

    /// The checklist a handoff fired by this rule asks, `conversation` giving the
    /// conversation's own issue type when the rule defers to it.
    pub fn checklist(&self, conversation: impl FnOnce() -> Option<String>) -> Option<String> {
        match (&self.issue_type, self.ask) {
            (Some(id), _) => Some(id.clone()),
            (None, HandoffAsk::Contact) => None,
            (None, _) => conversation(),
        }
    }
}

/// What a handoff asks besides the visitor's contact, for a rule without an issue type.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum HandoffAsk {
    /// The checklist of the rule's `issue_type` (which must then be set).
    #[default]
    Checklist,
    /// The conversation's issue type: its flow's, else its articles', else its route's.
    Conversation,
    /// Nothing but a way to reply: for urgent cases, where speed beats detail.
    Contact,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Routing {
    pub escalation_queue: String,
    pub default_queue: String,
    pub routes: Vec<Route>,
}

/// Tags → queue; the first route whose tag the conversation carries wins.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Route {
    pub tags: Vec<String>,
    pub queue: String,
    /// Phrases that make a ticket in this queue need human review.
    pub review_phrases: Vec<String>,
    /// Offer articles and flows before any handoff.
    pub self_service_first: bool,
    /// The checklist of conversations in this route, when no flow or article set one.
    #[serde(default)]
    pub issue_type: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}
