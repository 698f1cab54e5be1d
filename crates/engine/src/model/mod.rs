//! The compiled knowledge base: what `kb/` files become after validation.
//!
//! These types travel inside the bundle to the browser, so they hold only what the
//! engine needs at run time (article HTML, not Markdown; no file paths).

mod article;
mod checklist;
mod flow;
mod rules;
mod settings;

pub use article::Article;
pub use checklist::{Checklist, ChecklistTranslation, Field, FieldKind, Prefill};
pub use flow::{Choice, Flow, Outcome, Step, StepInput};
pub use rules::{
    DEFAULT_RULE_THRESHOLD, EscalationRule, HandoffAsk, Priority, Route, Routing, RuleSet,
    RuleWords,
};
pub use settings::{Settings, Translation};

use serde::{Deserialize, Serialize};

/// Everything the engine knows, compiled from `kb/`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Kb {
    /// Content hash of the KB sources; tickets carry it so agents know what the bot knew.
    pub version: String,
    pub settings: Settings,
    pub articles: Vec<Article>,
    pub flows: Vec<Flow>,
    pub rules: RuleSet,
    pub checklists: Vec<Checklist>,
    /// Phrases that mean the same to customers (`kb/synonyms.toml`), used by search.
    pub synonyms: Vec<SynonymGroup>,
}

/// Phrases customers use for the same thing, in one language.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SynonymGroup {
    pub lang: String,
    pub phrases: Vec<String>,
}

impl Kb {
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }

    pub fn flow(&self, id: &str) -> Option<&Flow> {
        self.flows.iter().find(|f| f.id == id)
    }

    pub fn checklist(&self, id: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.id == id)
    }

    /// Every language the KB's text is analysed in: its default one, its articles' and
    /// flows', and its escalation rules'.
    pub fn languages(&self) -> std::collections::BTreeSet<&str> {
        let rules = self
            .rules
            .escalate
            .iter()
            .flat_map(|rule| rule.languages.keys());
        std::iter::once(&self.settings.default_lang)
            .chain(self.articles.iter().map(|a| &a.lang))
            .chain(self.flows.iter().map(|f| &f.lang))
            .chain(rules)
            .map(String::as_str)
            .collect()
    }
}
