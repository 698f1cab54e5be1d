//! A support conversation: the visitor's messages, what the bot offered, the flow being
//! walked, the rules that fired — everything a human needs if the bot hands off.
//!
//! The state is plain data (serde), so the widget can keep it across page views, and
//! every action returns a [`Reply`] for the widget to render.

mod details;
mod redact;
mod reply;
mod strings;

pub use redact::mask_card_numbers;
pub use reply::{ArticleView, ChecklistView, FlowOffer, HandoffView, Reply, StepView, Suggestion};

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::escalation::Context;
use crate::model::{Outcome, Priority, StepInput};
use crate::search::{EntryKind, Match};
use crate::ticket::{
    self, ArticleShown, Author, Customer, FiredRule, FlowStepRecord, FollowUp, Message, Page,
    Redactions, Ticket,
};

/// A message longer than this is kept truncated in the transcript (a 100 KB paste must
/// not make the ticket undeliverable).
const MAX_STORED_MESSAGE_CHARS: usize = 8000;
/// Articles offered per answer.
const ARTICLES_PER_REPLY: usize = 3;
/// "No, that didn't help" this many times hands the conversation to a person.
const MISSES_BEFORE_HANDOFF: u32 = 2;

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
struct Handoff {
    reason: String,
    queue: String,
    priority: Priority,
    needs_review: bool,
    at_ms: u64,
}

/// Where in a flow the visitor is.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Position {
    flow_id: String,
    step_id: String,
    /// Steps visited before this one, for "Back".
    history: Vec<String>,
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
        };
        let mut reply = Reply {
            sure: true,
            ..Reply::default()
        };
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
    }

    /// A message typed by the visitor.
    pub fn say(&mut self, engine: &Engine, text: &str, now: u64) -> Result<Reply> {
        let text = self.redact(text.trim());
        let text = text.as_str();
        let mut reply = Reply {
            sure: true,
            ..Reply::default()
        };
        if text.is_empty() {
            return Ok(reply);
        }
        self.customer_said(text, now);
        if self.status == Status::HandedOff {
            reply.follow_up = Some(self.latest_follow_up());
            let response_time = engine.kb().settings.response_time_in(&self.lang);
            let line = self
                .strings()
                .already_handed_off(response_time, &self.reference());
            self.bot(&mut reply, line, now);
            return Ok(reply);
        }
        let ctx = Context {
            tier: self.customer.tier.as_deref(),
            troubleshooting_suggested: self.troubleshooting_suggested,
            first_message: self.customer_messages == 1 || self.tier_changed,
        };
        self.tier_changed = false;
        let firings = engine.rules().evaluate(text, ctx);
        if let Some(first) = firings.first() {
            let reason = first.fired.reason.clone();
            let priority = firings.iter().map(|f| f.priority).max().unwrap_or_default();
            self.rules_fired
                .extend(firings.into_iter().map(|f| f.fired));
            self.hand_off(engine, &mut reply, reason, Some(priority), now);
            return Ok(reply);
        }
        self.position = None;
        self.status = Status::Open;
        let matches = engine.search(text, &self.lang, ARTICLES_PER_REPLY + 2)?;
        let threshold = engine.kb().settings.confident_threshold;
        match matches.first() {
            Some(top) if top.confidence >= threshold && top.kind == EntryKind::Flow => {
                let flow_id = top.id.clone();
                return self.start_flow(engine, &flow_id, now);
            }
            Some(top) if top.confidence >= threshold => {
                self.adopt_article_context(engine, &top.id);
                self.offer(
                    engine,
                    &mut reply,
                    self.strings().found,
                    &matches,
                    true,
                    now,
                );
            }
            Some(_) => {
                self.misses += 1;
                reply.sure = false;
                self.offer(
                    engine,
                    &mut reply,
                    self.strings().not_sure,
                    &matches,
                    false,
                    now,
                );
            }
            None => {
                self.misses += 1;
                reply.sure = false;
                self.bot(&mut reply, self.strings().nothing_found.to_string(), now);
            }
        }
        Ok(reply)
    }

    /// The visitor picked answer `index` of the current flow step.
    pub fn choose(&mut self, engine: &Engine, index: usize, now: u64) -> Result<Reply> {
        let (flow, step) = self.current_step(engine)?;
        let StepInput::Choices(choices) = &step.input else {
            return Err(Error::State(format!(
                "step `{}` asks for details, not a choice",
                step.id
            )));
        };
        let choice = choices
            .get(index)
            .ok_or_else(|| Error::State(format!("step `{}` has no choice {index}", step.id)))?;
        let (flow_id, step_id, prompt) = (flow.id.clone(), step.id.clone(), step.prompt.clone());
        let (label, outcome) = (choice.label.clone(), choice.outcome.clone());
        self.customer_said(&label, now);
        self.flow_path.push(FlowStepRecord {
            flow_id,
            step_id,
            prompt,
            answer: label,
            at_ms: now,
        });
        self.follow(engine, outcome, now)
    }

    /// The visitor filled in the current step's checklist.
    pub fn submit_details(
        &mut self,
        engine: &Engine,
        values: &BTreeMap<String, String>,
        now: u64,
    ) -> Result<Reply> {
        let (flow, step) = self.current_step(engine)?;
        let StepInput::Checklist { checklist, then } = &step.input else {
            return Err(Error::State(format!(
                "step `{}` asks for a choice, not details",
                step.id
            )));
        };
        let checklist = engine
            .kb()
            .checklist(checklist)
            .ok_or_else(|| Error::Unknown {
                kind: "checklist",
                id: checklist.clone(),
            })?;
        let (flow_id, step_id, prompt, then) = (
            flow.id.clone(),
            step.id.clone(),
            step.prompt.clone(),
            then.clone(),
        );
        let values: BTreeMap<String, String> = values
            .iter()
            .map(|(k, v)| (k.clone(), self.redact(v)))
            .collect();
        match details::validate(checklist, &values) {
            Err(errors) => {
                let mut reply = self.step_reply(engine)?;
                reply.messages = vec![self.strings().details_invalid.to_string()];
                reply.errors = errors;
                Ok(reply)
            }
            Ok(clean) => {
                let labels: BTreeMap<&str, &str> = checklist
                    .fields
                    .iter()
                    .map(|f| (f.id.as_str(), f.label.as_str()))
                    .collect();
                let summary: Vec<String> = clean
                    .iter()
                    .map(|(k, v)| format!("{}: {v}", labels.get(k.as_str()).unwrap_or(&k.as_str())))
                    .collect();
                self.customer_said(&summary.join("; "), now);
                self.flow_path.push(FlowStepRecord {
                    flow_id,
                    step_id,
                    prompt,
                    answer: summary.join("; "),
                    at_ms: now,
                });
                self.details.extend(clean);
                self.follow(engine, then, now)
            }
        }
    }

    /// Starts a flow by id (the visitor picked it, or a question matched it).
    pub fn start_flow(&mut self, engine: &Engine, flow_id: &str, now: u64) -> Result<Reply> {
        let flow = engine.kb().flow(flow_id).ok_or_else(|| Error::Unknown {
            kind: "flow",
            id: flow_id.to_string(),
        })?;
        self.tags.extend(flow.tags.iter().cloned());
        self.troubleshooting_suggested = true;
        self.status = Status::Open;
        self.position = Some(Position {
            flow_id: flow.id.clone(),
            step_id: flow.start.clone(),
            history: Vec::new(),
        });
        self.show_step(engine, now)
    }

    /// "Back" within a flow.
    pub fn back(&mut self, engine: &Engine, now: u64) -> Result<Reply> {
        let position = self
            .position
            .as_mut()
            .ok_or_else(|| Error::State("no flow is running".into()))?;
        if let Some(previous) = position.history.pop() {
            position.step_id = previous;
        }
        self.show_step(engine, now)
    }

    /// "Start over": back to the first step of the running flow. The answers given so
    /// far stay in the flow path, so a human still sees everything that was tried.
    pub fn start_over(&mut self, engine: &Engine, now: u64) -> Result<Reply> {
        let flow_id = self
            .position
            .as_ref()
            .map(|p| p.flow_id.clone())
            .ok_or_else(|| Error::State("no flow is running".into()))?;
        self.start_flow(engine, &flow_id, now)
    }

    /// The visitor opened a suggested article.
    pub fn open_article(&mut self, engine: &Engine, id: &str, now: u64) -> Result<ArticleView> {
        let article = engine.kb().article(id).ok_or_else(|| Error::Unknown {
            kind: "article",
            id: id.to_string(),
        })?;
        match self.articles_shown.iter_mut().rev().find(|a| a.id == id) {
            Some(shown) => shown.opened = true,
            None => self.articles_shown.push(ArticleShown {
                id: id.into(),
                title: article.title.clone(),
                at_ms: now,
                confidence: 1.0,
                opened: true,
                helped: None,
            }),
        }
        self.troubleshooting_suggested = true;
        Ok(ArticleView {
            id: article.id.clone(),
            title: article.title.clone(),
            html: article.html.clone(),
            url: article.url.clone(),
        })
    }

    /// "Did this help?" on an article.
    pub fn feedback(&mut self, engine: &Engine, id: &str, helped: bool, now: u64) -> Result<Reply> {
        let article = engine.kb().article(id).ok_or_else(|| Error::Unknown {
            kind: "article",
            id: id.to_string(),
        })?;
        if let Some(shown) = self.articles_shown.iter_mut().rev().find(|a| a.id == id) {
            shown.helped = Some(helped);
        }
        let mut reply = Reply {
            sure: true,
            ..Reply::default()
        };
        if helped {
            self.status = Status::Solved;
            reply.solved = true;
            self.bot(&mut reply, self.strings().solved.to_string(), now);
            return Ok(reply);
        }
        self.misses += 1;
        if self.misses >= MISSES_BEFORE_HANDOFF {
            self.hand_off(
                engine,
                &mut reply,
                strings::MISSES_REASON.to_string(),
                None,
                now,
            );
            return Ok(reply);
        }
        if let Some(flow) = article.flow.as_ref().and_then(|f| engine.kb().flow(f)) {
            return self.start_flow(engine, &flow.id.clone(), now);
        }
        let unhelpful: BTreeSet<&str> = self
            .articles_shown
            .iter()
            .filter(|a| a.helped == Some(false))
            .map(|a| a.id.as_str())
            .collect();
        let others: Vec<Suggestion> = self
            .articles_shown
            .iter()
            .filter(|a| !unhelpful.contains(a.id.as_str()))
            .map(|a| Suggestion {
                id: a.id.clone(),
                title: a.title.clone(),
                confidence: a.confidence,
            })
            .take(ARTICLES_PER_REPLY)
            .collect();
        reply.articles = others;
        self.bot(&mut reply, self.strings().try_next.to_string(), now);
        Ok(reply)
    }

    /// The visitor pressed "Talk to a person".
    pub fn request_human(&mut self, engine: &Engine, now: u64) -> Reply {
        let mut reply = Reply {
            sure: true,
            ..Reply::default()
        };
        if self.status == Status::HandedOff {
            let response_time = engine.kb().settings.response_time_in(&self.lang);
            let line = self
                .strings()
                .already_handed_off(response_time, &self.reference());
            self.bot(&mut reply, line, now);
        } else if let Some(flows) = self.self_service_to_offer(engine) {
            self.self_service_offered = true;
            reply.flows = flows;
            self.bot(
                &mut reply,
                self.strings().self_service_first.to_string(),
                now,
            );
        } else {
            self.hand_off(
                engine,
                &mut reply,
                strings::HUMAN_REQUESTED.to_string(),
                None,
                now,
            );
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
    fn latest_follow_up(&self) -> FollowUp {
        let (at_ms, text) = self
            .transcript
            .last()
            .map(|m| (m.at_ms, m.text.clone()))
            .unwrap_or_default();
        FollowUp {
            schema_version: ticket::SCHEMA_VERSION,
            id: format!("{}-{}", self.id, self.transcript.len()),
            ticket_id: self.id.clone(),
            at_ms,
            text,
        }
    }

    fn follow(&mut self, engine: &Engine, outcome: Outcome, now: u64) -> Result<Reply> {
        let mut reply = Reply {
            sure: true,
            ..Reply::default()
        };
        match outcome {
            Outcome::Goto(step_id) => {
                if let Some(position) = self.position.as_mut() {
                    position
                        .history
                        .push(std::mem::replace(&mut position.step_id, step_id));
                }
                return self.show_step(engine, now);
            }
            Outcome::Article(id) => {
                self.position = None;
                let article = engine.kb().article(&id).ok_or_else(|| Error::Unknown {
                    kind: "article",
                    id: id.clone(),
                })?;
                let shown = Match {
                    kind: EntryKind::Article,
                    id: article.id.clone(),
                    title: article.title.clone(),
                    score: 1.0,
                    confidence: 1.0,
                };
                self.offer(
                    engine,
                    &mut reply,
                    self.strings().flow_article,
                    &[shown],
                    true,
                    now,
                );
            }
            Outcome::Solved => {
                self.position = None;
                self.status = Status::Solved;
                reply.solved = true;
                self.bot(&mut reply, self.strings().solved.to_string(), now);
            }
            Outcome::Handoff(reason) => {
                self.position = None;
                self.hand_off(engine, &mut reply, reason, None, now);
            }
        }
        Ok(reply)
    }

    /// Shows articles (and the flows they link to) and records them for the ticket.
    fn offer(
        &mut self,
        engine: &Engine,
        reply: &mut Reply,
        intro: &str,
        matches: &[Match],
        sure: bool,
        now: u64,
    ) {
        reply.sure = sure;
        for m in matches
            .iter()
            .filter(|m| m.kind == EntryKind::Article)
            .take(ARTICLES_PER_REPLY)
        {
            reply.articles.push(Suggestion {
                id: m.id.clone(),
                title: m.title.clone(),
                confidence: m.confidence,
            });
            self.articles_shown.push(ArticleShown {
                id: m.id.clone(),
                title: m.title.clone(),
                at_ms: now,
                confidence: m.confidence,
                opened: false,
                helped: None,
            });
        }
        let linked = matches.iter().filter_map(|m| match m.kind {
            EntryKind::Flow => Some(m.id.clone()),
            EntryKind::Article => engine.kb().article(&m.id).and_then(|a| a.flow.clone()),
        });
        for flow_id in linked {
            if let Some(flow) = engine.kb().flow(&flow_id)
                && !reply.flows.iter().any(|f| f.id == flow.id)
            {
                reply.flows.push(FlowOffer {
                    id: flow.id.clone(),
                    title: flow.title.clone(),
                });
            }
        }
        reply.flows.truncate(2);
        self.troubleshooting_suggested |= !reply.articles.is_empty() || !reply.flows.is_empty();
        let titles: Vec<&str> = reply.articles.iter().map(|a| a.title.as_str()).collect();
        let line = if titles.is_empty() {
            intro.to_string()
        } else {
            format!("{intro} {}", titles.join("; "))
        };
        self.transcript.push(Message {
            at_ms: now,
            from: Author::Bot,
            text: line,
        });
        reply.messages.push(intro.to_string());
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
            .take(2)
            .map(|f| FlowOffer {
                id: f.id.clone(),
                title: f.title.clone(),
            })
            .collect();
        (!flows.is_empty()).then_some(flows)
    }

    /// A confident article match tells us what the conversation is about.
    fn adopt_article_context(&mut self, engine: &Engine, article_id: &str) {
        if let Some(article) = engine.kb().article(article_id) {
            self.tags.extend(article.tags.iter().cloned());
        }
    }

    fn hand_off(
        &mut self,
        engine: &Engine,
        reply: &mut Reply,
        reason: String,
        priority: Option<Priority>,
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
        let priority = priority.unwrap_or(if route.needs_review {
            Priority::High
        } else {
            Priority::Normal
        });
        self.status = Status::HandedOff;
        self.position = None;
        self.handoff = Some(Handoff {
            reason: reason.clone(),
            queue: route.queue.clone(),
            priority,
            needs_review: route.needs_review,
            at_ms: now,
        });
        let settings = &engine.kb().settings;
        let reference = self.reference();
        self.bot(
            reply,
            self.strings().handed_off(
                &settings.brand_name,
                settings.response_time_in(&self.lang),
                &reference,
            ),
            now,
        );
        reply.handoff = Some(HandoffView {
            ticket_id: self.id.clone(),
            reference,
            reason,
            queue: route.queue,
            priority,
            response_time: settings.response_time.clone(),
        });
    }

    fn current_step<'e>(
        &self,
        engine: &'e Engine,
    ) -> Result<(&'e crate::model::Flow, &'e crate::model::Step)> {
        let position = self
            .position
            .as_ref()
            .ok_or_else(|| Error::State("no flow is running".into()))?;
        let flow = engine
            .kb()
            .flow(&position.flow_id)
            .ok_or_else(|| Error::Unknown {
                kind: "flow",
                id: position.flow_id.clone(),
            })?;
        let step = flow.step(&position.step_id).ok_or_else(|| Error::Unknown {
            kind: "step",
            id: position.step_id.clone(),
        })?;
        Ok((flow, step))
    }

    /// The current step as the bot's next line (recorded in the transcript).
    fn show_step(&mut self, engine: &Engine, now: u64) -> Result<Reply> {
        let mut reply = self.step_reply(engine)?;
        reply.messages.clear();
        let prompt = reply
            .step
            .as_ref()
            .map(|s| s.prompt.clone())
            .unwrap_or_default();
        self.bot(&mut reply, prompt, now);
        Ok(reply)
    }

    fn step_reply(&self, engine: &Engine) -> Result<Reply> {
        let (flow, step) = self.current_step(engine)?;
        let (choices, checklist) = match &step.input {
            StepInput::Choices(choices) => {
                (choices.iter().map(|c| c.label.clone()).collect(), None)
            }
            StepInput::Checklist { checklist, .. } => {
                let c = engine
                    .kb()
                    .checklist(checklist)
                    .ok_or_else(|| Error::Unknown {
                        kind: "checklist",
                        id: checklist.clone(),
                    })?;
                (
                    Vec::new(),
                    Some(ChecklistView {
                        id: c.id.clone(),
                        title: c.title.clone(),
                        fields: c.fields.clone(),
                    }),
                )
            }
        };
        let can_go_back = self
            .position
            .as_ref()
            .is_some_and(|p| !p.history.is_empty());
        Ok(Reply {
            messages: vec![step.prompt.clone()],
            sure: true,
            step: Some(StepView {
                flow_id: flow.id.clone(),
                step_id: step.id.clone(),
                prompt: step.prompt.clone(),
                prompt_html: step.prompt_html.clone(),
                choices,
                checklist,
                can_go_back,
            }),
            ..Reply::default()
        })
    }

    /// Masks card numbers in the visitor's text before it is recorded anywhere.
    fn redact(&mut self, text: &str) -> String {
        let (masked, count) = mask_card_numbers(text);
        self.redactions.card_numbers += count;
        masked
    }

    fn customer_said(&mut self, text: &str, now: u64) {
        self.customer_messages += 1;
        let stored = match text.char_indices().nth(MAX_STORED_MESSAGE_CHARS) {
            Some((cut, _)) => format!(
                "{}… [truncated, {} characters in all]",
                &text[..cut],
                text.chars().count()
            ),
            None => text.to_string(),
        };
        self.transcript.push(Message {
            at_ms: now,
            from: Author::Customer,
            text: stored,
        });
    }

    fn bot(&mut self, reply: &mut Reply, text: String, now: u64) {
        self.transcript.push(Message {
            at_ms: now,
            from: Author::Bot,
            text: text.clone(),
        });
        reply.messages.push(text);
    }

    /// The short reference shown to the visitor.
    fn reference(&self) -> String {
        self.id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(8)
            .collect::<String>()
            .to_uppercase()
    }
}
