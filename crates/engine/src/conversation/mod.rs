//! A support conversation: the visitor's messages, what the bot offered, the flow being
//! walked, the rules that fired — everything a human needs if the bot hands off.
//!
//! The state is plain data (serde), so the widget can keep it across page views, and
//! every action returns a [`Reply`] for the widget to render. The actions are grouped
//! by what they are about: [`answers`] (questions and articles), [`flows`] (walking a
//! troubleshooting flow), [`handoff`] (a person takes over, the ticket) and
//! [`transcript`] (what is recorded, masked).

mod answers;
mod asking;
mod bot_lines;
mod details;
mod flows;
mod handoff;
mod personal_data;
mod redact;
mod replay;
mod reply;
mod saved;
mod strings;
mod transcript;

pub use bot_lines::{BotLine, BotLines};
pub use personal_data::{PersonalData, find_personal_data};
pub use redact::mask_card_numbers;
pub use replay::{Verdict, replay};
pub use reply::{
    ArticleView, Asking, ChecklistView, FlowOffer, HandoffView, Reply, StepView, Suggestion,
};
pub use saved::STATE_VERSION;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use self::asking::Ask;
use self::flows::Position;
use self::handoff::Handoff;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::escalation::Context;
use crate::ticket::{ArticleShown, Customer, FiredRule, FlowStepRecord, Message, Page, Redactions};

/// Who is asking, and where; given by the widget when the chat opens.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Start {
    /// Becomes the ticket id: one conversation, at most one ticket.
    pub id: String,
    pub lang: String,
    #[serde(default)]
    pub customer: Customer,
    #[serde(default)]
    pub page: Page,
    pub now: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    /// The visitor said their problem is solved.
    Solved,
    /// A person takes over; the bot no longer tries to deflect.
    HandedOff,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Conversation {
    id: String,
    lang: String,
    customer: Customer,
    page: Page,
    started_at_ms: u64,
    transcript: Vec<Message>,
    articles_shown: Vec<ArticleShown>,
    flow_path: Vec<FlowStepRecord>,
    details: BTreeMap<String, String>,
    tags: BTreeSet<String>,
    rules_fired: Vec<FiredRule>,
    troubleshooting_suggested: bool,
    position: Option<Position>,
    misses: u32,
    customer_messages: u32,
    status: Status,
    handoff: Option<Handoff>,
    /// What was masked in the visitor's text before it was recorded.
    #[serde(default)]
    redactions: Redactions,
    /// Self-service was offered once in place of a person (routes with
    /// `self_service_first`); asking again hands off.
    #[serde(default)]
    self_service_offered: bool,
    /// The tier changed after the chat started (`Deflect('identify')`): tier rules look
    /// at the next message as if it were the first.
    #[serde(default)]
    tier_changed: bool,
    /// After the handoff: what is still to ask (a way to reply, the checklist).
    #[serde(default)]
    asking: Vec<Ask>,
}

impl Conversation {
    /// Opens a conversation with the greeting.
    pub fn start(engine: &Engine, start: Start) -> (Conversation, Reply) {
        let mut conversation = Conversation {
            id: start.id,
            lang: engine.resolve_lang(&start.lang),
            customer: start.customer,
            page: start.page,
            started_at_ms: start.now,
            transcript: Vec::new(),
            articles_shown: Vec::new(),
            flow_path: Vec::new(),
            details: BTreeMap::new(),
            tags: BTreeSet::new(),
            rules_fired: Vec::new(),
            troubleshooting_suggested: false,
            position: None,
            misses: 0,
            customer_messages: 0,
            status: Status::Open,
            handoff: None,
            redactions: Redactions::default(),
            self_service_offered: false,
            tier_changed: false,
            asking: Vec::new(),
        };
        let mut reply = Reply::sure();
        conversation.bot(&mut reply, engine.kb().settings.greeting.clone(), start.now);
        (conversation, reply)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The KB language the conversation is held in.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// What the bot says, in the conversation's language.
    fn strings(&self) -> &'static strings::Strings {
        strings::for_lang(&self.lang)
    }

    pub fn status(&self) -> Status {
        self.status
    }

    /// Identifies the visitor after the chat started (`Deflect('identify', …)`).
    pub fn identify(&mut self, customer: Customer) {
        self.tier_changed |= customer.tier != self.customer.tier;
        self.customer = customer;
        if self.has_contact() {
            self.asking.retain(|ask| *ask != Ask::Contact); // the page told us where to reply
        }
    }

    /// A message typed by the visitor: a follow-up once handed off, else checked
    /// against the escalation rules, else answered from the KB.
    pub fn say(&mut self, engine: &Engine, text: &str, now: u64) -> Result<Reply> {
        let trimmed = text.trim();
        if self.status != Status::HandedOff {
            // Before anything changes: a retry once the shards are in starts afresh.
            engine.require_shards(&mask_card_numbers(trimmed).0, &self.lang)?;
        }
        let text = self.redact(trimmed);
        let mut reply = Reply::sure();
        if text.is_empty() {
            return Ok(reply);
        }
        self.customer_said(&text, now);
        if self.status == Status::HandedOff {
            reply.follow_up = Some(self.latest_follow_up());
            self.remind_handed_off(engine, &mut reply, now);
            return Ok(reply);
        }
        if self.escalate(engine, &mut reply, &text, now) {
            return Ok(reply);
        }
        self.answer(engine, reply, &text, now)
    }

    /// Hands off if an escalation rule fires on `text`; tells whether one did.
    fn escalate(&mut self, engine: &Engine, reply: &mut Reply, text: &str, now: u64) -> bool {
        let ctx = Context {
            tier: self.customer.tier.as_deref(),
            troubleshooting_suggested: self.troubleshooting_suggested,
            first_message: self.customer_messages == 1 || self.tier_changed,
            lang: &self.lang,
        };
        self.tier_changed = false;
        let firings = engine.escalations(text, ctx);
        let Some(first) = firings.first() else {
            return false;
        };
        let reason = first.fired.reason.clone();
        let rule_id = first.fired.rule_id.clone();
        let priority = firings.iter().map(|f| f.priority).max().unwrap_or_default();
        self.rules_fired
            .extend(firings.into_iter().map(|f| f.fired));
        let rule = engine.kb().rules.escalate.iter().find(|r| r.id == rule_id);
        self.hand_off(engine, reply, reason, Some(priority), rule, now);
        true
    }
}

/// What the KB has under `id`, or the error naming the `kind` of thing that is missing.
fn known<'a, T>(found: Option<&'a T>, kind: &'static str, id: &str) -> Result<&'a T> {
    found.ok_or_else(|| Error::Unknown {
        kind,
        id: id.to_string(),
    })
}
