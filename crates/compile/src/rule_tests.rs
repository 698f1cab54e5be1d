//! `kb/rule-tests.toml`: cases the escalation rules must pass. They run on every build,
//! so an edit to the rules that breaks a case fails the build like a syntax error.

use serde::Deserialize;
use toml::Spanned;

use super::source::Source;
use crate::error::KbError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    case: Vec<Spanned<RuleCase>>,
}

/// One expectation about the rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleCase {
    pub name: String,
    /// Customer messages, in order.
    pub messages: Vec<String>,
    #[serde(default)]
    pub tier: Option<String>,
    /// Whether an article or a flow was offered before the messages.
    #[serde(default)]
    pub troubleshooting_suggested: bool,
    /// Tags the conversation carries (from articles shown), for routing.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Ids of the rules that must fire; `[]` means none may.
    pub expect_escalate: Vec<String>,
    pub expect_queue: Option<String>,
    /// The checklist the handoff asks after the contact (`""`: none, only the contact),
    /// for the first rule that fires.
    #[serde(default)]
    pub expect_checklist: Option<String>,
}

/// A case and the line it starts on.
pub struct LocatedCase {
    pub case: RuleCase,
    pub line: usize,
}

pub fn parse(source: &Source, errors: &mut Vec<KbError>) -> Vec<LocatedCase> {
    match source.parse_toml::<RawFile>() {
        Ok(file) => file
            .case
            .into_iter()
            .map(|c| LocatedCase {
                line: source.line_at(c.span().start),
                case: c.into_inner(),
            })
            .collect(),
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    }
}
