//! The ticket: what a handoff sends to the creator's endpoint.
//!
//! This is a wire format with a published schema (`schema/ticket.v1.json`); change it
//! only together with [`SCHEMA_VERSION`] and the schema file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Priority;

/// Version of the ticket JSON; receivers can reject versions they do not know.
pub const SCHEMA_VERSION: u32 = 1;
/// Version of the follow-up JSON (`schema/follow-up.v2.json`): 2 adds the contact and
/// checklist answers given after the handoff; version 1 (text only) is still accepted.
pub const FOLLOW_UP_SCHEMA_VERSION: u32 = 2;

/// The longest address SMTP carries (RFC 5321's path limit).
const MAX_EMAIL_BYTES: usize = 254;
/// Characters of the ticket id in the reference the visitor is given.
const REFERENCE_CHARS: usize = 8;

/// Whether `value` could be an email address to reply to: one `@`, a dot inside the
/// domain, no spaces or control characters. The widget, the engine and the inbox all
/// apply this one rule, so an address one side accepts the other never refuses.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    value.len() <= MAX_EMAIL_BYTES
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The short reference the visitor is given for ticket `id` (its first letters and
/// digits, upper-cased): what they quote and what the inbox shows.
pub fn reference(id: &str) -> String {
    id.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(REFERENCE_CHARS)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The id in a checklist answer `attachment:<id>` (a screenshot the inbox stored), if
/// the answer is one.
pub fn attachment_id(answer: &str) -> Option<&str> {
    answer.strip_prefix("attachment:").filter(|id| {
        (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// A conversation handed to a human, with all the context the bot gathered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    pub schema_version: u32,
    /// Unique per conversation; receivers use it as the idempotency key.
    pub id: String,
    /// Unix time in milliseconds.
    pub created_at_ms: u64,
    pub conversation_started_at_ms: u64,
    /// Content hash of the knowledge base the bot answered from.
    pub kb_version: String,
    pub customer: Customer,
    pub page: Page,
    /// Language the conversation was held in.
    pub lang: String,
    pub transcript: Vec<Message>,
    pub articles_shown: Vec<ArticleShown>,
    pub flow_path: Vec<FlowStepRecord>,
    /// Checklist answers, by field id.
    pub details: BTreeMap<String, String>,
    pub tags: Vec<String>,
    pub queue: String,
    pub priority: Priority,
    /// Why a human is needed, in one line.
    pub reason: String,
    /// The customer's text asked for a human review (e.g. a refund in the Billing queue).
    pub needs_review: bool,
    pub rules_fired: Vec<FiredRule>,
    /// What was masked in the browser before the ticket was sent.
    pub redactions: Redactions,
}

/// What the visitor added after the ticket was created, so nothing they add is lost
/// (`schema/follow-up.v2.json`): a message, a way to reply, checklist answers. Posted to
/// `<ticket endpoint>/<ticket_id>/messages` once the ticket itself was accepted; `id`
/// is the idempotency key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub schema_version: u32,
    /// `<ticket_id>-<n>`: the ticket id and the message's place in the transcript.
    pub id: String,
    pub ticket_id: String,
    /// Unix time in milliseconds.
    pub at_ms: u64,
    /// As typed, with card numbers masked (for a contact or answers: what the visitor
    /// saw recorded, e.g. "Email: maya@example.com").
    pub text: String,
    /// The way to reply the visitor gave after the handoff; it supersedes the ticket's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Checklist answers given after the handoff, added to the ticket's `details`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, String>,
}

/// How to reach the visitor, as they typed it after the handoff.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Counts of sensitive values masked before the ticket left the browser, so an agent
/// knows why a number reads `**** **** **** 1111` and that nothing was lost by mistake.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Redactions {
    /// Payment card numbers (Luhn-valid, 13–19 digits) masked to their last four digits
    /// in the transcript, the flow answers and the checklist details.
    pub card_numbers: u32,
}

/// Who the visitor is, as far as the page told us.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    pub email: Option<String>,
    pub name: Option<String>,
    /// e.g. "standard", "vip", "partner".
    pub tier: Option<String>,
    /// The creator's server's HMAC-SHA256 of the email and tier (hex), which
    /// `deflect serve` checks before it believes either: without a valid one the
    /// customer is unverified and the tier earns no priority. See README, "Who the
    /// visitor is". Always written (`null` without one): a saved conversation
    /// (`conversation::saved`) has no field names, so no field may be left out.
    #[serde(default)]
    pub signature: Option<String>,
}

/// Where and in what browser the conversation happened.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub url: String,
    pub title: String,
    pub referrer: String,
    pub user_agent: String,
    /// The browser's preferred language, e.g. "en-GB".
    pub language: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Author {
    Customer,
    Bot,
}

/// One line of the transcript.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub at_ms: u64,
    pub from: Author,
    pub text: String,
}

/// An article the bot offered, and what the visitor did with it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ArticleShown {
    pub id: String,
    pub title: String,
    pub at_ms: u64,
    pub confidence: f32,
    pub opened: bool,
    /// The visitor's answer to "Did this help?", if given.
    pub helped: Option<bool>,
}

/// One answered step of a troubleshooting flow.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FlowStepRecord {
    pub flow_id: String,
    pub step_id: String,
    pub prompt: String,
    pub answer: String,
    pub at_ms: u64,
}

/// An escalation rule that fired, and the customer text that fired it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FiredRule {
    pub rule_id: String,
    pub reason: String,
    /// The message (or tier) that fired the rule.
    pub text: String,
    /// The phrase of the rule that matched, if any.
    pub phrase: Option<String>,
}

impl Ticket {
    /// A complete, valid ticket exercising every field of the wire format: the one
    /// fixture of the server's tests, load tests and benchmarks.
    pub fn example(id: &str) -> Ticket {
        let start = 1_767_000_000_000;
        Ticket {
            schema_version: SCHEMA_VERSION,
            id: id.to_owned(),
            created_at_ms: start + 90_000,
            conversation_started_at_ms: start,
            kb_version: "sha256-3f2a9c".to_owned(),
            customer: Customer {
                email: Some("ada@example.com".to_owned()),
                name: Some("Ada".to_owned()),
                tier: Some("vip".to_owned()),
                signature: None,
            },
            page: Page {
                url: "https://shop.example/orders/42".to_owned(),
                title: "Order 42".to_owned(),
                referrer: "https://shop.example/".to_owned(),
                user_agent: "Mozilla/5.0 (X11; Linux x86_64)".to_owned(),
                language: "en-GB".to_owned(),
            },
            lang: "en".to_owned(),
            transcript: vec![
                Message {
                    at_ms: start,
                    from: Author::Customer,
                    text: "I was charged twice, I want a refund".to_owned(),
                },
                Message {
                    at_ms: start + 2_000,
                    from: Author::Bot,
                    text: "Sorry about that. Let me get you to a person.".to_owned(),
                },
            ],
            articles_shown: vec![ArticleShown {
                id: "refunds".to_owned(),
                title: "How refunds work".to_owned(),
                at_ms: start + 1_000,
                confidence: 0.82,
                opened: true,
                helped: Some(false),
            }],
            flow_path: vec![FlowStepRecord {
                flow_id: "billing".to_owned(),
                step_id: "which-charge".to_owned(),
                prompt: "Which charge looks wrong?".to_owned(),
                answer: "The second one".to_owned(),
                at_ms: start + 30_000,
            }],
            details: BTreeMap::from([("order_id".to_owned(), "42".to_owned())]),
            tags: vec!["billing".to_owned(), "refund".to_owned()],
            queue: "Billing".to_owned(),
            priority: Priority::High,
            reason: "Customer asked for a refund".to_owned(),
            needs_review: true,
            rules_fired: vec![FiredRule {
                rule_id: "refund-request".to_owned(),
                reason: "Refunds need a human".to_owned(),
                text: "I was charged twice, I want a refund".to_owned(),
                phrase: Some("refund".to_owned()),
            }],
            redactions: Redactions { card_numbers: 1 },
        }
    }
}
