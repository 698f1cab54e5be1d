//! Runs the KB's matching cases (`kb/matching-tests.toml`) against its index: each
//! question must get the expected article or flow first, confidently unless the case
//! says otherwise, or, for a question the KB cannot answer, no confident answer.

use std::path::Path;

use deflect_engine::Result;
use deflect_engine::bundle::Bundle;
use deflect_engine::model::Kb;
use deflect_engine::search::SearchIndex;

use crate::error::KbError;
use crate::{Compiled, LocatedMatchingCase};

/// What running the matching cases found.
#[derive(Debug, Default)]
pub struct MatchingCaseReport {
    pub passed: usize,
    pub failures: Vec<KbError>,
}

/// Bundles a compiled KB and asks its matching cases' questions: the bundle, to ship
/// only if every case passed, and the report.
pub fn bundle_and_check(compiled: &Compiled) -> Result<(Bundle, MatchingCaseReport)> {
    bundle_and_check_kb(&compiled.kb, compiled)
}

/// [`bundle_and_check`] with `kb` in place of the compiled one (e.g. with proposed
/// example questions added), against the compiled KB's matching cases.
pub fn bundle_and_check_kb(kb: &Kb, compiled: &Compiled) -> Result<(Bundle, MatchingCaseReport)> {
    let bundle = crate::bundle(kb)?;
    let index = SearchIndex::open(&bundle)?;
    let report = run_matching_cases(
        &index,
        kb.settings.confident_threshold,
        &kb.settings.default_lang,
        &compiled.matching_cases,
        &compiled.matching_cases_path,
    );
    Ok((bundle, report))
}

/// Asks every case's question; each failure names the case's line and what came
/// first instead, so the author can go straight to `deflect ask`.
pub fn run_matching_cases(
    index: &SearchIndex,
    threshold: f32,
    default_lang: &str,
    cases: &[LocatedMatchingCase],
    path: &Path,
) -> MatchingCaseReport {
    let mut report = MatchingCaseReport::default();
    for located in cases {
        let case = &located.case;
        let lang = case.lang.as_deref().unwrap_or(default_lang);
        let problem = match index.search(&case.question, lang, 10) {
            Err(e) => Some(format!("the search failed: {e}")),
            Ok(matches) => {
                let top = matches.first();
                let confident = top.is_some_and(|m| m.confidence >= threshold);
                let got = top.map_or("nothing".to_string(), |m| {
                    format!("`{}` (confidence {:.2})", m.id, m.confidence)
                });
                match &case.expect {
                    Some(expected) if top.is_none_or(|m| &m.id != expected) => {
                        let rank = matches
                            .iter()
                            .position(|m| &m.id == expected)
                            .map_or("not in the top 10".to_string(), |r| {
                                format!("it is {}", ordinal(r + 1))
                            });
                        Some(format!("expected `{expected}` first, got {got}; {rank}"))
                    }
                    _ => match case.confident {
                        Some(false) if confident => Some(format!(
                            "expected no confident answer, got {got} (threshold {threshold:.2})"
                        )),
                        // Without `expect`, a case always says `confident = false`.
                        None | Some(true) if !confident => Some(format!(
                            "expected a confident answer, got {got} (threshold {threshold:.2})"
                        )),
                        _ => None,
                    },
                }
            }
        };
        match problem {
            None => report.passed += 1,
            Some(problem) => report.failures.push(KbError {
                file: path.to_path_buf(),
                line: located.line,
                message: format!("matching case {:?}: {problem}", case.question),
            }),
        }
    }
    report
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
