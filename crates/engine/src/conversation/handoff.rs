//! Handing off to a person: "Talk to a person", self-service offered first where the
//! route asks for it, the handoff itself, and the ticket and follow-ups it produces.

use serde::{Deserialize, Serialize};

use super::reply::HandoffView;
use super::{Conversation, FlowOffer, Reply, Status, strings};
use crate::engine::Engine;
use crate::model::{EscalationRule, Priority};
use crate::ticket::{self, Author, FollowUp, Ticket};

/// Flows offered in place of a person, at most.
const SELF_SERVICE_FLOWS: usize = 2;

/// Why and where the conversation was handed off.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Handoff {
    reason: String,
    queue: String,
    priority: Priority,
    needs_review: bool,
    at_ms: u64,
}

impl Conversation {
    /// The visitor pressed "Talk to a person".
    pub fn request_human(&mut self, engine: &Engine, now: u64) -> Reply {
        let mut reply = Reply::sure();
        if self.status == Status::HandedOff {
            self.remind_handed_off(engine, &mut reply, now);
        } else if let Some(flows) = self.self_service_to_offer(engine) {
            self.self_service_offered = true;
            reply.flows = flows;
            let line = self.strings().self_service_first.to_string();
            self.bot(&mut reply, line, now);
        } else {
            let reason = strings::HUMAN_REQUESTED.to_string();
            self.hand_off(engine, &mut reply, reason, None, None, now);
        }
        reply
    }

    /// The ticket for a handed-off conversation; `None` while the bot still helps.
    pub fn ticket(&self, engine: &Engine) -> Option<Ticket> {
        let handoff = self.handoff.as_ref()?;
        Some(Ticket {
            schema_version: ticket::SCHEMA_VERSION,
            id: self.id.clone(),
            created_at_ms: handoff.at_ms,
            conversation_started_at_ms: self.started_at_ms,
            kb_version: engine.kb().version.clone(),
            customer: self.customer.clone(),
            page: self.page.clone(),
            lang: self.lang.clone(),
            transcript: self.transcript.clone(),
            articles_shown: self.articles_shown.clone(),
            flow_path: self.flow_path.clone(),
            details: self.details.clone(),
            tags: self.tags.iter().cloned().collect(),
            queue: handoff.queue.clone(),
            priority: handoff.priority,
            reason: handoff.reason.clone(),
            needs_review: handoff.needs_review,
            rules_fired: self.rules_fired.clone(),
            redactions: self.redactions,
        })
    }

    /// The visitor's latest message, addressed to the ticket already sent. Its id is
    /// fixed by its place in the transcript, so a repeat delivery is recognised.
    pub(super) fn latest_follow_up(&self) -> FollowUp {
        let (at_ms, text) = self
            .transcript
            .last()
            .map(|m| (m.at_ms, m.text.clone()))
            .unwrap_or_default();
        FollowUp {
            schema_version: ticket::FOLLOW_UP_SCHEMA_VERSION,
            id: format!("{}-{}", self.id, self.transcript.len()),
            ticket_id: self.id.clone(),
            at_ms,
            text,
            contact: None,
            details: Default::default(),
        }
    }

    /// After the handoff: a person already has it, and when they answer; the question
    /// still open, if any, is asked again.
    pub(super) fn remind_handed_off(&mut self, engine: &Engine, reply: &mut Reply, now: u64) {
        let response_time = engine.kb().settings.response_time_in(&self.lang);
        let line = self
            .strings()
            .already_handed_off(response_time, &self.reference());
        self.bot(reply, line, now);
        reply.asking = self.asking_view(engine);
    }

    /// The flows to try before a person when the conversation's route says
    /// `self_service_first` and the visitor has not tried anything yet; offered once.
    fn self_service_to_offer(&self, engine: &Engine) -> Option<Vec<FlowOffer>> {
        let tried = !self.flow_path.is_empty() || self.articles_shown.iter().any(|a| a.opened);
        if self.self_service_offered || tried {
            return None;
        }
        let route = engine.rules().route(&self.tags, false, std::iter::empty());
        if !route.self_service_first {
            return None;
        }
        let flows: Vec<FlowOffer> = engine
            .kb()
            .flows
            .iter()
            .filter(|f| f.tags.iter().any(|t| self.tags.contains(t)))
            .take(SELF_SERVICE_FLOWS)
            .map(|f| FlowOffer {
                id: f.id.clone(),
                title: f.title.clone(),
            })
            .collect();
        (!flows.is_empty()).then_some(flows)
    }

    /// Hands the conversation to a person: routes it to a queue (the rules' routing over
    /// its tags and what the visitor wrote), at `priority` or the route's, gives the
    /// widget the ticket to send at once, then asks what a person needs to answer (see
    /// `asking`) before promising when and where the answer comes.
    pub(super) fn hand_off(
        &mut self,
        engine: &Engine,
        reply: &mut Reply,
        reason: String,
        priority: Option<Priority>,
        rule: Option<&EscalationRule>,
        now: u64,
    ) {
        let escalated = !self.rules_fired.is_empty();
        let texts: Vec<&str> = self
            .transcript
            .iter()
            .filter(|m| m.from == Author::Customer)
            .map(|m| m.text.as_str())
            .collect();
        let route = engine.rules().route(&self.tags, escalated, texts);
        let priority = route.priority(priority);
        self.status = Status::HandedOff;
        self.position = None;
        self.handoff = Some(Handoff {
            reason: reason.clone(),
            queue: route.queue.clone(),
            priority,
            needs_review: route.needs_review,
            at_ms: now,
        });
        reply.handoff = Some(HandoffView {
            ticket_id: self.id.clone(),
            reference: self.reference(),
            reason,
            queue: route.queue,
            priority,
            response_time: engine.kb().settings.response_time.clone(),
        });
        self.adopt_email_from_details(engine);
        self.asking = self.asks_after_handoff(engine, rule);
        self.ask_next(engine, reply, now);
    }
}
