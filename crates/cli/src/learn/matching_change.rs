//! How a proposal changes matching on the KB's own matching tests
//! (`kb/matching-tests.toml`): run them on the KB as it is and with the proposed
//! questions added, and name each case whose outcome changed.

use deflect_compile::learned_questions::{LearnedQuestions, add_to_articles};
use deflect_compile::{Compiled, KbError, bundle_and_check_kb};

use super::candidates::Proposal;

/// The matching tests' outcome without and with the proposal.
#[derive(Debug)]
pub struct MatchingChange {
    pub cases: usize,
    pub passed_before: usize,
    pub passed_after: usize,
    /// Cases that failed and now pass (question, line).
    pub fixed: Vec<(String, usize)>,
    /// Cases that passed and now fail, with why.
    pub broken: Vec<KbError>,
}

/// Runs the matching tests of `compiled` with `proposal` added, against the cases it
/// fails as it is (`before`, from the bundle the caller has already made).
pub fn measure(
    compiled: &Compiled,
    before: Vec<KbError>,
    proposal: &Proposal,
) -> Result<MatchingChange, String> {
    let mut kb = compiled.kb.clone();
    let learned: Vec<LearnedQuestions> = proposal
        .articles
        .iter()
        .map(|a| LearnedQuestions {
            article: a.id.clone(),
            questions: a.questions.iter().map(|q| q.text.clone()).collect(),
            line: 0,
        })
        .collect();
    let mut errors = Vec::new();
    add_to_articles(
        kb.articles.iter_mut(),
        &learned,
        "proposal".as_ref(),
        &mut errors,
    );
    if let Some(e) = errors.first() {
        return Err(e.message.clone());
    }
    let after = failures(compiled, &kb)?;
    let failed = |list: &[KbError], line| list.iter().any(|f| f.line == line);
    let cases = compiled.matching_cases.len();
    let fixed = compiled
        .matching_cases
        .iter()
        .filter(|c| failed(&before, c.line) && !failed(&after, c.line))
        .map(|c| (c.case.question.clone(), c.line))
        .collect();
    let broken = after
        .iter()
        .filter(|f| !failed(&before, f.line))
        .cloned()
        .collect();
    Ok(MatchingChange {
        cases,
        passed_before: cases - before.len(),
        passed_after: cases - after.len(),
        fixed,
        broken,
    })
}

/// The failing matching cases of `compiled` run on `kb`'s bundle.
fn failures(compiled: &Compiled, kb: &deflect_engine::model::Kb) -> Result<Vec<KbError>, String> {
    let (_, report) = bundle_and_check_kb(kb, compiled).map_err(|e| e.to_string())?;
    Ok(report.failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::candidates::{ArticleProposal, Candidate};
    use deflect_compile::{LocatedMatchingCase, MatchingCase};

    /// A case the proposal makes pass and one it makes fail are both named, with the
    /// pass counts before and after.
    #[test]
    fn cases_that_change_are_named() {
        let mut compiled = deflect_compile::compile_dir("../../kb".as_ref()).unwrap();
        let question = "my quokka wobbles sideways";
        let case = |expect: Option<&str>, confident, line| LocatedMatchingCase {
            case: MatchingCase {
                question: question.into(),
                lang: None,
                expect: expect.map(Into::into),
                confident,
            },
            line,
        };
        compiled
            .matching_cases
            .push(case(Some("refund-policy"), None, 1001));
        compiled.matching_cases.push(case(None, Some(false), 1002));
        let proposal = Proposal {
            articles: vec![ArticleProposal {
                id: "refund-policy".into(),
                title: "Refunds".into(),
                examples_now: 0,
                questions: vec![Candidate {
                    text: question.into(),
                    helped: 1,
                    resolved: 0,
                    first_seen_ms: 0,
                    last_seen_ms: 0,
                }],
                held_back: Vec::new(),
            }],
            ..Proposal::default()
        };
        let before = failures(&compiled, &compiled.kb).unwrap();
        let change = measure(&compiled, before, &proposal).unwrap();
        let cases = compiled.matching_cases.len();
        assert_eq!(
            (change.passed_before, change.passed_after),
            (cases - 1, cases - 1)
        );
        assert_eq!(change.fixed, [(question.to_owned(), 1001)]);
        assert_eq!(change.broken.len(), 1);
        assert_eq!(change.broken[0].line, 1002);
        assert!(
            change.broken[0]
                .message
                .contains("expected no confident answer"),
            "{:?}",
            change.broken
        );
    }
}
