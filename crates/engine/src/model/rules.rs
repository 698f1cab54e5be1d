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
    /// Whole-word phrases, matched after stemming; any one fires the rule.
    pub phrases: Vec<String>,
    /// Customer tiers that fire the rule on their first message.
    pub tiers: Vec<String>,
    /// Fire only once troubleshooting (an article or a flow) was already suggested.
    pub after_troubleshooting: bool,
    pub priority: Priority,
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
