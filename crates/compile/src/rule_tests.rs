//! `kb/rule-tests.toml` and `kb/rule-tests/*.toml`: cases the escalation rules must
//! pass. They run on every build, so an edit to the rules that breaks a case fails the
//! build like a syntax error.

use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use super::source::Source;
use crate::error::KbError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    /// The file's cases are measured and reported, but do not fail the build: held-out
    /// cases that check how rules generalise (see `kb/rule-tests/`).
    #[serde(default)]
    measure_only: bool,
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
    /// The conversation's language (the KB's default language if absent).
    #[serde(default)]
    pub lang: Option<String>,
    /// Ids of the rules that must fire; `[]` means none may.
    pub expect_escalate: Vec<String>,
    pub expect_queue: Option<String>,
    /// The checklist the handoff asks after the contact (`""`: none, only the contact),
    /// for the first rule that fires.
    #[serde(default)]
    pub expect_checklist: Option<String>,
}

/// A case and the file and line it starts on.
pub struct LocatedCase {
    pub case: RuleCase,
    pub file: PathBuf,
    pub line: usize,
    /// A failure fails the build (false for a `measure_only` file's cases).
    pub enforced: bool,
}

pub fn parse(source: &Source, errors: &mut Vec<KbError>) -> Vec<LocatedCase> {
    match source.parse_toml::<RawFile>() {
        Ok(file) => file
            .case
            .into_iter()
            .map(|c| LocatedCase {
                file: source.path.clone(),
                enforced: !file.measure_only,
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
