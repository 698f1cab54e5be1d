//! Runs the KB's rule cases (`kb/rule-tests.toml`): false positives and negatives of
//! the escalation rules, and the queue each conversation is routed to.

use std::collections::BTreeSet;
use std::path::Path;

use deflect_engine::escalation::{RuleMatcher, Simulation};
use deflect_engine::model::RuleSet;

use crate::LocatedCase;
use crate::error::KbError;

/// Runs the rule cases against the rules; each failure names the case's line.
pub fn run_rule_cases(rules: &RuleSet, cases: &[LocatedCase], path: &Path) -> RuleCaseReport {
    let matcher = RuleMatcher::new(rules);
    let mut report = RuleCaseReport::default();
    for located in cases {
        let case = &located.case;
        let outcome = matcher.simulate(
            &case.messages,
            case.tier.as_deref(),
            case.troubleshooting_suggested,
            &case.tags,
        );
        let mut fired: Vec<&str> = outcome.fired.iter().map(|f| f.rule_id.as_str()).collect();
        fired.dedup();
        let mut problems = Vec::new();
        for expected in &case.expect_escalate {
            if !fired.contains(&expected.as_str()) {
                report.false_negatives += 1;
                problems.push(format!("expected rule `{expected}` to fire"));
            }
        }
        for got in &fired {
            if !case.expect_escalate.iter().any(|e| e == got) {
                report.false_positives += 1;
                let text = outcome
                    .fired
                    .iter()
                    .find(|f| f.rule_id == *got)
                    .map(|f| f.text.as_str())
                    .unwrap_or("");
                problems.push(format!("rule `{got}` fired but should not (on \"{text}\")"));
            }
        }
        if let Some(queue) = &case.expect_queue
            && *queue != outcome.queue
        {
            problems.push(format!("expected queue `{queue}`, got `{}`", outcome.queue));
        }
        if let Some(expected) = &case.expect_checklist {
            let got = handoff_checklist(rules, &matcher, &outcome, &case.tags);
            if got.as_deref().unwrap_or("") != expected {
                problems.push(format!(
                    "expected checklist `{expected}`, got `{}`",
                    got.as_deref().unwrap_or("")
                ));
            }
        }
        if problems.is_empty() {
            report.passed += 1;
        } else {
            report.failures.push(KbError {
                file: path.to_path_buf(),
                line: located.line,
                message: format!("rule case \"{}\": {}", case.name, problems.join("; ")),
            });
        }
    }
    report
}

/// The checklist the handoff of the first rule that fired asks; the conversation's
/// issue type is its route's (a rule case has tags, not articles or flows).
pub fn handoff_checklist(
    rules: &RuleSet,
    matcher: &RuleMatcher,
    outcome: &Simulation,
    tags: &[String],
) -> Option<String> {
    let first = outcome.fired.first()?;
    let rule = rules.escalate.iter().find(|r| r.id == first.rule_id)?;
    rule.checklist(|| {
        let tags: BTreeSet<String> = tags.iter().cloned().collect();
        matcher.route(&tags, false, std::iter::empty()).issue_type
    })
}

/// What running the rule cases found.
#[derive(Debug, Default)]
pub struct RuleCaseReport {
    pub passed: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub failures: Vec<KbError>,
}
