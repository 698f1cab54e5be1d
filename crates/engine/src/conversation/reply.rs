//! What the engine answers after each visitor action, for the widget to render.
//! Everything here is plain text or data; the widget never receives HTML from a reply.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Checklist, Field, Priority};
use crate::ticket::FollowUp;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Reply {
    /// Bot lines to show, in order.
    pub messages: Vec<String>,
    /// Suggested articles, best first.
    pub articles: Vec<Suggestion>,
    /// False when the engine is not confident: show articles as "maybe" and offer a person.
    pub sure: bool,
    /// Flows worth offering.
    pub flows: Vec<FlowOffer>,
    /// The current flow step, while a flow runs.
    pub step: Option<StepView>,
    /// Checklist validation messages by field id.
    pub errors: BTreeMap<String, String>,
    /// The conversation was marked deflected: the visitor's problem is solved.
    pub solved: bool,
    pub handoff: Option<HandoffView>,
    /// After the handoff: what the visitor added (a message, a contact, answers), for
    /// the widget to deliver to the ticket already sent.
    pub follow_up: Option<FollowUp>,
    /// After the handoff: what the widget asks next (a way to reply, then the issue
    /// type's checklist), until the visitor has answered or skipped it.
    pub asking: Option<Asking>,
}

/// A question the handoff asks, for the widget to show as a form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Asking {
    /// Where a person should reply: an email (required to send, though the visitor may
    /// skip) and a name (optional); prefilled with what is known.
    Contact {
        email: Option<String>,
        name: Option<String>,
    },
    /// The issue type's checklist; every question may be left empty.
    Details { checklist: ChecklistView },
}

impl Reply {
    /// An empty reply the engine is sure of, for an action to fill in.
    pub(super) fn sure() -> Self {
        Reply {
            sure: true,
            ..Reply::default()
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Suggestion {
    pub id: String,
    pub title: String,
    pub confidence: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FlowOffer {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StepView {
    pub flow_id: String,
    pub step_id: String,
    pub prompt: String,
    /// The prompt as sanitised HTML (rendered at build time).
    pub prompt_html: String,
    /// Answer buttons, by their text.
    pub choices: Vec<String>,
    pub checklist: Option<ChecklistView>,
    /// Whether "Back" can go anywhere.
    pub can_go_back: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChecklistView {
    pub id: String,
    pub title: String,
    pub fields: Vec<Field>,
}

impl ChecklistView {
    /// `checklist` as a visitor reading `lang` sees it.
    pub(super) fn of(checklist: &Checklist, lang: &str) -> Self {
        let shown = checklist.in_lang(lang);
        ChecklistView {
            id: shown.id,
            title: shown.title,
            fields: shown.fields,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HandoffView {
    pub ticket_id: String,
    /// Short reference the visitor can quote.
    pub reference: String,
    pub reason: String,
    pub queue: String,
    pub priority: Priority,
    pub response_time: String,
}

/// An article as the widget shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ArticleView {
    pub id: String,
    pub title: String,
    /// The body's fragment file (sanitised at build time), which the widget fetches.
    pub fragment: String,
    pub url: Option<String>,
}
