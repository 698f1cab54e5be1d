//! Runs the KB's rule cases (`kb/rule-tests.toml`, `kb/rule-tests/*.toml`): false
//! positives and negatives of the escalation rules, and the queue each conversation is
//! routed to.

use std::collections::BTreeSet;

use deflect_engine::Engine;
use deflect_engine::escalation::{Play, RuleMatcher, Simulation};
use deflect_engine::model::RuleSet;

use crate::error::KbError;
use crate::{LocatedCase, RuleCase};

/// Runs the rule cases against the engine's rules (examples compared by meaning
/// through its index); each failure names the case's file and line.
pub fn run_rule_cases(engine: &Engine, cases: &[LocatedCase]) -> RuleCaseReport {
    let rules = &engine.kb().rules;
    let matcher = engine.rules();
    let mut report = RuleCaseReport::default();
    for located in cases {
        let case = &located.case;
        let lang = case
            .lang
            .as_deref()
            .map(|l| engine.resolve_lang(l))
            .unwrap_or_default();
        let play = Play {
            messages: &case.messages,
            tier: case.tier.as_deref(),
            troubleshooting_suggested: case.troubleshooting_suggested,
            tags: &case.tags,
            lang: &lang,
        };
        let outcome = matcher.simulate(&play, Some(engine.index()));
        let mut fired: Vec<&str> = outcome.fired.iter().map(|f| f.rule_id.as_str()).collect();
        fired.dedup();
        let mut problems = Vec::new();
        for expected in &case.expect_escalate {
            if !fired.contains(&expected.as_str()) {
                report.false_negatives += usize::from(located.enforced);
                problems.push(format!("expected rule `{expected}` to fire"));
            }
        }
        for got in &fired {
            if !case.expect_escalate.iter().any(|e| e == got) {
                report.false_positives += usize::from(located.enforced);
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
            let got = handoff_checklist(rules, matcher, &outcome, &case.tags);
            if got.as_deref().unwrap_or("") != expected {
                problems.push(format!(
                    "expected checklist `{expected}`, got `{}`",
                    got.as_deref().unwrap_or("")
                ));
            }
        }
        if !located.enforced {
            report.measured.add(case, &fired, &problems, located);
        } else if problems.is_empty() {
            report.passed += 1;
        } else {
            report.failures.push(KbError {
                file: located.file.clone(),
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
    /// Enforced cases that passed.
    pub passed: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    /// Enforced cases that failed: the build fails.
    pub failures: Vec<KbError>,
    /// Cases of `measure_only` files: how well the rules generalise.
    pub measured: MeasuredCases,
}

/// Held-out cases, measured: the share of escalations that fire and of near misses
/// that do not.
#[derive(Debug, Default)]
pub struct MeasuredCases {
    /// Cases that expect a rule to fire, and of those, how many got all they expect.
    pub escalations: usize,
    pub escalations_fired: usize,
    /// Cases that expect no rule, and of those, how many got one anyway.
    pub near_misses: usize,
    pub near_misses_fired: usize,
    /// What went wrong, per case.
    pub misses: Vec<KbError>,
}

impl MeasuredCases {
    fn add(&mut self, case: &RuleCase, fired: &[&str], problems: &[String], at: &LocatedCase) {
        if case.expect_escalate.is_empty() {
            self.near_misses += 1;
            self.near_misses_fired += usize::from(!fired.is_empty());
        } else {
            self.escalations += 1;
            self.escalations_fired += usize::from(problems.is_empty());
        }
        if !problems.is_empty() {
            self.misses.push(KbError {
                file: at.file.clone(),
                line: at.line,
                message: format!("rule case \"{}\": {}", case.name, problems.join("; ")),
            });
        }
    }

    /// One line for reports, e.g. "measured: 15 of 27 escalations fire (56%), 1 of
    /// 18 near misses fires".
    pub fn summary(&self) -> Option<String> {
        let total = self.escalations + self.near_misses;
        (total > 0).then(|| {
            let share = 100.0 * self.escalations_fired as f64 / self.escalations.max(1) as f64;
            format!(
                "held-out cases (measure_only): {} of {} escalations fire ({share:.0}%), {} of {} near misses fire",
                self.escalations_fired, self.escalations, self.near_misses_fired, self.near_misses
            )
        })
    }
}
