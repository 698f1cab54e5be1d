//! After the handoff: what a person needs to answer without asking again. First a way
//! to reply (unless the page identified the visitor, or they gave one already), then
//! the issue type's checklist; one form at a time, each skippable. Every answer goes to
//! the ticket already sent, as a follow-up, and the promise ("we'll reply to …") comes
//! once it can be kept.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::details::{self, Empty};
use super::flows::checklist_of;
use super::reply::{Asking, ChecklistView};
use super::{Conversation, Reply};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{EscalationRule, FieldKind, StepInput};
use crate::ticket::{Contact, is_email};

/// A name longer than this is cut (it is shown in the inbox and in email headers).
const MAX_NAME_CHARS: usize = 200;

/// A question still to ask after the handoff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Ask {
    /// A way to reply.
    Contact,
    /// The checklist of this id.
    Details(String),
}

impl Conversation {
    /// What to ask after a handoff (fired by `rule`, if a rule fired it).
    pub(super) fn asks_after_handoff(
        &self,
        engine: &Engine,
        rule: Option<&EscalationRule>,
    ) -> Vec<Ask> {
        let contact = (!self.has_contact()).then_some(Ask::Contact);
        let details = self
            .issue_type(engine, rule)
            .filter(|id| !self.answered_in_flow(engine, id))
            .map(Ask::Details);
        contact.into_iter().chain(details).collect()
    }

    /// Whether a flow step already asked checklist `id`: the visitor never answers the
    /// same questions twice.
    fn answered_in_flow(&self, engine: &Engine, id: &str) -> bool {
        self.flow_path.iter().any(|record| {
            let step = engine
                .kb()
                .flow(&record.flow_id)
                .and_then(|f| f.step(&record.step_id));
            step.is_some_and(
                |s| matches!(&s.input, StepInput::Checklist { checklist, .. } if checklist == id),
            )
        })
    }

    /// The address a person can reply to, if the visitor has one on record.
    fn reply_address(&self) -> Option<&str> {
        self.customer
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
    }

    pub(super) fn has_contact(&self) -> bool {
        self.reply_address().is_some()
    }

    /// An email the visitor already gave in a flow's checklist (e.g. the one they signed
    /// up with) becomes the way to reply, so they are not asked for it again.
    pub(super) fn adopt_email_from_details(&mut self, engine: &Engine) {
        if self.has_contact() {
            return;
        }
        let email_fields = engine
            .kb()
            .checklists
            .iter()
            .flat_map(|c| &c.fields)
            .filter(|f| f.kind == FieldKind::Email);
        let given = email_fields
            .filter_map(|f| self.details.get(&f.id))
            .find(|e| is_email(e));
        if let Some(email) = given {
            self.customer.email = Some(email.clone());
        }
    }

    /// The checklist a handoff asks: the rule's own issue type (a chargeback is billing,
    /// whatever was read before), else the conversation's ([`Self::conversation_issue_type`]),
    /// none when the rule says to ask nothing but the contact.
    pub(super) fn issue_type(
        &self,
        engine: &Engine,
        rule: Option<&EscalationRule>,
    ) -> Option<String> {
        let from_conversation = || self.conversation_issue_type(engine);
        let id = match rule {
            Some(rule) => rule.checklist(from_conversation),
            None => from_conversation(),
        };
        id.filter(|id| engine.kb().checklist(id).is_some())
    }

    /// The issue type of what the conversation went through: the flow last walked, else
    /// the latest article opened, else the best of the latest offered, else the route of
    /// its tags.
    fn conversation_issue_type(&self, engine: &Engine) -> Option<String> {
        let kb = engine.kb();
        let flow = self
            .position
            .as_ref()
            .map(|p| p.flow_id())
            .or(self.flow_path.last().map(|s| s.flow_id.as_str()));
        let from_flow = flow.and_then(|id| kb.flow(id)?.issue_type.clone());
        // Opened ones first, latest first; among those offered together, the best first.
        let by_recency = |opened: bool| {
            let mut shown: Vec<_> = self
                .articles_shown
                .iter()
                .enumerate()
                .filter(|(_, a)| a.opened || !opened)
                .collect();
            shown.sort_by_key(|(i, a)| (std::cmp::Reverse(a.at_ms), *i));
            shown.into_iter().map(|(_, a)| a)
        };
        let from_articles = || {
            by_recency(true)
                .chain(by_recency(false))
                .find_map(|a| kb.article(&a.id)?.issue_type.clone())
        };
        let from_route = || {
            let route = engine.rules().route(&self.tags, false, std::iter::empty());
            route.issue_type
        };
        from_flow.or_else(from_articles).or_else(from_route)
    }

    /// Asks the first question still open, or makes the promise once none is left.
    pub(super) fn ask_next(&mut self, engine: &Engine, reply: &mut Reply, now: u64) {
        let brand = &engine.kb().settings.brand_name;
        match self.asking.first() {
            Some(Ask::Contact) => {
                let line = self.strings().ask_contact(brand);
                self.bot(reply, line, now);
            }
            Some(Ask::Details(_)) => {
                let line = self.strings().ask_details.to_string();
                self.bot(reply, line, now);
            }
            None => return self.promise(engine, reply, now),
        }
        reply.asking = self.asking_view(engine);
    }

    /// The form of the question still open, if any (shown again after a reload or a
    /// message typed instead).
    pub(super) fn asking_view(&self, engine: &Engine) -> Option<Asking> {
        match self.asking.first()? {
            Ask::Contact => Some(Asking::Contact {
                email: self.customer.email.clone(),
                name: self.customer.name.clone(),
            }),
            Ask::Details(id) => {
                let checklist = engine.kb().checklist(id)?;
                Some(Asking::Details {
                    checklist: ChecklistView::of(checklist, &self.lang),
                })
            }
        }
    }

    /// Where and when the reply will come, with the reference; or, with no way to reply,
    /// that the visitor should keep the reference.
    fn promise(&mut self, engine: &Engine, reply: &mut Reply, now: u64) {
        let settings = &engine.kb().settings;
        let reference = self.reference();
        let strings = self.strings();
        let line = match self.reply_address() {
            Some(email) => strings.will_reply(
                &settings.brand_name,
                email,
                settings.response_time_in(&self.lang),
                &reference,
            ),
            None => strings.no_way_to_reply(&settings.brand_name, &reference),
        };
        self.bot(reply, line, now);
    }

    /// The visitor's way to reply after the handoff (`email: None`: they skipped it). A
    /// valid email is recorded, becomes the ticket's, and is delivered to it.
    pub fn give_contact(
        &mut self,
        engine: &Engine,
        email: Option<&str>,
        name: Option<&str>,
        now: u64,
    ) -> Result<Reply> {
        if self.asking.first() != Some(&Ask::Contact) {
            return Err(Error::State("no contact is being asked for".into()));
        }
        let mut reply = Reply::sure();
        if let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) {
            if !is_email(email) {
                reply.messages = vec![self.strings().details_invalid.to_string()];
                let problem = self.strings().invalid.email(email);
                reply.errors = BTreeMap::from([("email".to_string(), problem)]);
                reply.asking = self.asking_view(engine);
                return Ok(reply);
            }
            // A name field is free text like any other: a card number typed into it is
            // masked before it reaches the ticket (and before it is cut to length, so a
            // cut cannot leave a number too short to recognise).
            let name: Option<String> = name
                .map(|n| self.redact(n.trim()))
                .map(|n| n.chars().take(MAX_NAME_CHARS).collect::<String>())
                .filter(|n| !n.is_empty());
            self.customer.email = Some(email.to_string());
            self.customer.name = name.clone().or(self.customer.name.take());
            let line = self.strings().contact_given(email);
            self.customer_said(&line, now);
            let mut follow_up = self.latest_follow_up();
            follow_up.contact = Some(Contact {
                email: email.to_string(),
                name,
            });
            reply.follow_up = Some(follow_up);
        }
        self.asking.remove(0);
        self.ask_next(engine, &mut reply, now);
        Ok(reply)
    }

    /// Checklist answers after the handoff: every question may be left empty, but what
    /// is answered must be valid; the answers are delivered to the ticket.
    pub(super) fn answer_handoff_details(
        &mut self,
        engine: &Engine,
        values: &BTreeMap<String, String>,
        now: u64,
    ) -> Result<Reply> {
        let Some(Ask::Details(id)) = self.asking.first() else {
            return Err(Error::State("no details are being asked for".into()));
        };
        let checklist = checklist_of(engine, id)?.in_lang(&self.lang);
        let values: BTreeMap<String, String> = values
            .iter()
            .map(|(k, v)| (k.clone(), self.redact(v)))
            .collect();
        let mut reply = Reply::sure();
        let invalid = &self.strings().invalid;
        let clean = match details::validate(&checklist, &values, Empty::Allowed, invalid) {
            Ok(clean) => clean,
            Err(errors) => {
                reply.messages = vec![self.strings().details_invalid.to_string()];
                reply.errors = errors;
                reply.asking = self.asking_view(engine);
                return Ok(reply);
            }
        };
        if !clean.is_empty() {
            let summary = checklist.summary(&clean);
            self.customer_said(&summary, now);
            let mut follow_up = self.latest_follow_up();
            follow_up.details = clean.clone();
            reply.follow_up = Some(follow_up);
            self.details.extend(clean);
        }
        self.asking.remove(0);
        self.ask_next(engine, &mut reply, now);
        Ok(reply)
    }

    /// The visitor skipped the checklist after the handoff.
    pub fn skip_details(&mut self, engine: &Engine, now: u64) -> Result<Reply> {
        if !matches!(self.asking.first(), Some(Ask::Details(_))) {
            return Err(Error::State("no details are being asked for".into()));
        }
        self.asking.remove(0);
        let mut reply = Reply::sure();
        self.ask_next(engine, &mut reply, now);
        Ok(reply)
    }

    /// Whether the handoff still has a question open.
    pub(super) fn is_asking_details(&self) -> bool {
        matches!(self.asking.first(), Some(Ask::Details(_)))
    }
}
