//! `kb/matching-tests.toml`: questions customers ask and the answer each must get. They
//! run on every build, so an edit to articles or synonyms that sends a question
//! elsewhere fails the build like a syntax error (see `deflect_engine::search::run_matching_cases`).

use serde::Deserialize;
use toml::Spanned;

use super::source::Source;
use crate::error::KbError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    case: Vec<Spanned<MatchingCase>>,
}

/// One expectation about matching.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingCase {
    /// What the customer types.
    pub question: String,
    /// The visitor's language; the KB's default language when absent.
    #[serde(default)]
    pub lang: Option<String>,
    /// The article or flow that must come first.
    #[serde(default)]
    pub expect: Option<String>,
    /// Whether the answer must be confident (the default with `expect`), or must not be
    /// (`false`: the widget says it is not sure, e.g. for a question the KB cannot
    /// answer).
    #[serde(default)]
    pub confident: Option<bool>,
}

/// A case and the line it starts on.
pub struct LocatedMatchingCase {
    pub case: MatchingCase,
    pub line: usize,
}

pub fn parse(source: &Source, errors: &mut Vec<KbError>) -> Vec<LocatedMatchingCase> {
    let file = match source.parse_toml::<RawFile>() {
        Ok(file) => file,
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    let mut cases = Vec::new();
    for spanned in file.case {
        let line = source.line_at(spanned.span().start);
        let case = spanned.into_inner();
        let problem = if case.question.trim().is_empty() {
            Some("the question is empty")
        } else if case.expect.is_none() && case.confident != Some(false) {
            Some(
                "say which article or flow must come first (`expect = \"id\"`), or that the answer must not be confident (`confident = false`)",
            )
        } else {
            None
        };
        match problem {
            Some(message) => errors.push(KbError {
                file: source.path.clone(),
                line,
                message: format!("matching case: {message}"),
            }),
            None => cases.push(LocatedMatchingCase { case, line }),
        }
    }
    cases
}
