use serde::{Deserialize, Serialize};

/// A guided troubleshooting flow: a decision tree of steps.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Flow {
    pub id: String,
    pub title: String,
    pub tags: Vec<String>,
    pub issue_type: Option<String>,
    pub start: String,
    /// Customer questions that should start this flow.
    pub questions: Vec<String>,
    pub lang: String,
    pub steps: Vec<Step>,
}

impl Flow {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Step {
    pub id: String,
    /// Plain text, for the transcript.
    pub prompt: String,
    /// Rendered from Markdown and sanitised at build time, for the widget.
    pub prompt_html: String,
    pub input: StepInput,
}

impl Step {
    /// Where the step's answers can lead.
    pub fn outcomes(&self) -> impl Iterator<Item = &Outcome> {
        let (choices, then): (&[Choice], Option<&Outcome>) = match &self.input {
            StepInput::Choices(choices) => (choices, None),
            StepInput::Checklist { then, .. } => (&[], Some(then)),
        };
        choices.iter().map(|c| &c.outcome).chain(then)
    }
}

/// What the visitor does at a step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum StepInput {
    /// Pick one of several answers.
    Choices(Vec<Choice>),
    /// Fill in a checklist, then continue with `then`.
    Checklist { checklist: String, then: Outcome },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Choice {
    pub label: String,
    pub outcome: Outcome,
}

/// Where an answer leads.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Outcome {
    Goto(String),
    Article(String),
    Solved,
    /// A human takes over, for this reason.
    Handoff(String),
}
