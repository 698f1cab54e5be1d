//! Walking a troubleshooting flow: its steps, the visitor's choices and checklist
//! answers, "Back" and "Start over", and where each outcome leads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::details::{self, Empty};
use super::reply::{ChecklistView, StepView};
use super::{Conversation, Reply, Status, known};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{Checklist, Flow, Outcome, Step, StepInput};
use crate::search::{EntryKind, Match};
use crate::ticket::FlowStepRecord;

/// Where in a flow the visitor is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Position {
    flow_id: String,
    step_id: String,
    /// Steps visited before this one, for "Back".
    history: Vec<String>,
}

impl Position {
    /// The flow being walked.
    pub(super) fn flow_id(&self) -> &str {
        &self.flow_id
    }
}

impl Conversation {
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
        let (label, outcome) = (choice.label.clone(), choice.outcome.clone());
        self.customer_said(&label, now);
        self.record_step(flow, step, label, now);
        self.follow(engine, outcome, now)
    }

    /// The visitor filled in the current step's checklist (or, after a handoff, the
    /// issue type's: see `asking`): invalid answers are shown again with their errors;
    /// valid ones are recorded as details and the flow goes on.
    pub fn submit_details(
        &mut self,
        engine: &Engine,
        values: &BTreeMap<String, String>,
        now: u64,
    ) -> Result<Reply> {
        if self.position.is_none() && self.is_asking_details() {
            return self.answer_handoff_details(engine, values, now);
        }
        let (flow, step) = self.current_step(engine)?;
        let StepInput::Checklist { checklist, then } = &step.input else {
            return Err(Error::State(format!(
                "step `{}` asks for a choice, not details",
                step.id
            )));
        };
        let checklist = checklist_of(engine, checklist)?.in_lang(&self.lang);
        let values: BTreeMap<String, String> = values
            .iter()
            .map(|(k, v)| (k.clone(), self.redact(v)))
            .collect();
        let invalid = &self.strings().invalid;
        let clean = match details::validate(&checklist, &values, Empty::AsAuthored, invalid) {
            Ok(clean) => clean,
            Err(errors) => {
                let mut reply = self.step_reply(engine)?;
                reply.messages = vec![self.strings().details_invalid.to_string()];
                reply.errors = errors;
                return Ok(reply);
            }
        };
        let summary = checklist.summary(&clean);
        self.customer_said(&summary, now);
        self.record_step(flow, step, summary, now);
        self.details.extend(clean);
        self.follow(engine, then.clone(), now)
    }

    /// Starts a flow by id (the visitor picked it, or a question matched it).
    pub fn start_flow(&mut self, engine: &Engine, flow_id: &str, now: u64) -> Result<Reply> {
        let flow = known(engine.kb().flow(flow_id), "flow", flow_id)?;
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

    /// The visitor's answer to a step, in the flow path the ticket carries.
    fn record_step(&mut self, flow: &Flow, step: &Step, answer: String, now: u64) {
        self.flow_path.push(FlowStepRecord {
            flow_id: flow.id.clone(),
            step_id: step.id.clone(),
            prompt: step.prompt.clone(),
            answer,
            at_ms: now,
        });
    }

    /// Where an answer leads: another step, an article, solved, or a person.
    fn follow(&mut self, engine: &Engine, outcome: Outcome, now: u64) -> Result<Reply> {
        let mut reply = Reply::sure();
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
                let article = known(engine.kb().article(&id), "article", &id)?;
                let shown = Match {
                    kind: EntryKind::Article,
                    id: article.id.clone(),
                    title: article.title.clone(),
                    score: 1.0,
                    confidence: 1.0,
                };
                let intro = self.strings().flow_article;
                self.offer(engine, &mut reply, intro, &[shown], true, now);
            }
            Outcome::Solved => {
                self.position = None;
                self.status = Status::Solved;
                reply.solved = true;
                self.bot(&mut reply, self.strings().solved.to_string(), now);
            }
            Outcome::Handoff(reason) => {
                self.position = None;
                self.hand_off(engine, &mut reply, reason, None, None, now);
            }
        }
        Ok(reply)
    }

    /// The running flow and its current step.
    fn current_step<'e>(&self, engine: &'e Engine) -> Result<(&'e Flow, &'e Step)> {
        let position = self
            .position
            .as_ref()
            .ok_or_else(|| Error::State("no flow is running".into()))?;
        let flow = known(
            engine.kb().flow(&position.flow_id),
            "flow",
            &position.flow_id,
        )?;
        let step = known(flow.step(&position.step_id), "step", &position.step_id)?;
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

    /// The current step for the widget: its prompt, and its choices or checklist.
    fn step_reply(&self, engine: &Engine) -> Result<Reply> {
        let (flow, step) = self.current_step(engine)?;
        let (choices, checklist) = match &step.input {
            StepInput::Choices(choices) => {
                (choices.iter().map(|c| c.label.clone()).collect(), None)
            }
            StepInput::Checklist { checklist, .. } => {
                let view = ChecklistView::of(checklist_of(engine, checklist)?, &self.lang);
                (Vec::new(), Some(view))
            }
        };
        let can_go_back = self
            .position
            .as_ref()
            .is_some_and(|p| !p.history.is_empty());
        Ok(Reply {
            messages: vec![step.prompt.clone()],
            step: Some(StepView {
                flow_id: flow.id.clone(),
                step_id: step.id.clone(),
                prompt: step.prompt.clone(),
                prompt_html: step.prompt_html.clone(),
                choices,
                checklist,
                can_go_back,
            }),
            ..Reply::sure()
        })
    }
}

/// The checklist a step or a handoff asks for.
pub(super) fn checklist_of<'e>(engine: &'e Engine, id: &str) -> Result<&'e Checklist> {
    known(engine.kb().checklist(id), "checklist", id)
}
