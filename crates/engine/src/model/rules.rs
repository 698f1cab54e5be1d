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
    /// What the handoff asks after the visitor's contact: this checklist (an issue type
    /// of `kb/checklists.toml`; a chargeback is billing whatever was read before) …
    #[serde(default)]
    pub issue_type: Option<String>,
    /// … or, when there is no `issue_type`, what else.
    #[serde(default)]
    pub ask: HandoffAsk,
}

impl EscalationRule {
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
