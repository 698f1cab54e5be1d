//! `deflect rules`: the escalation rule cases, or which rules some messages fire and
//! why: the phrase found, or the nearest example with its closeness and calibrated
//! chance against the rule's threshold.

use std::path::Path;

use deflect_compile::{self as compile, Compiled, RuleCaseReport};
use deflect_engine::Engine;
use deflect_engine::escalation::{Play, RuleExplanation};

use crate::CliResult;

/// The conversation the messages are asked in.
pub struct Asked<'a> {
    pub tier: Option<&'a str>,
    pub after_troubleshooting: bool,
    pub tags: &'a [String],
    pub lang: Option<&'a str>,
}

pub fn run(kb: &Path, messages: &[String], asked: Asked<'_>) -> CliResult {
    let compiled = compile::compile_dir(kb).map_err(|e| e.to_string())?;
    let bundle = compile::bundle(&compiled.kb).map_err(|e| e.to_string())?;
    let engine = Engine::from_bundle(bundle).map_err(|e| e.to_string())?;
    if messages.is_empty() {
        let report = run_cases(&engine, &compiled);
        println!(
            "{} enforced rule cases: {} passed, {} failed\n  false positives (fired but should not): {}\n  false negatives (should fire but did not): {}",
            compiled.rule_cases.iter().filter(|c| c.enforced).count(),
            report.passed,
            report.failures.len(),
            report.false_positives,
            report.false_negatives
        );
        return passed(&report);
    }
    let lang = asked
        .lang
        .map(|l| engine.resolve_lang(l))
        .unwrap_or_default();
    let play = Play {
        messages,
        tier: asked.tier,
        troubleshooting_suggested: asked.after_troubleshooting,
        tags: asked.tags,
        lang: &lang,
    };
    explain(&engine, &play);
    let matcher = engine.rules();
    let outcome = matcher.simulate(&play, Some(engine.index()));
    if outcome.fired.is_empty() {
        println!("no rule fires");
    }
    for fired in &outcome.fired {
        let phrase = fired
            .phrase
            .as_deref()
            .map(|p| format!(" (phrase \"{p}\")"))
            .unwrap_or_else(|| " (by meaning)".to_string());
        println!("fires {}{phrase} on \"{}\"", fired.rule_id, fired.text);
    }
    println!("queue: {}", outcome.queue);
    if !outcome.fired.is_empty() {
        let checklist =
            compile::handoff_checklist(&compiled.kb.rules, matcher, &outcome, asked.tags);
        let asks = checklist.map_or("only a way to reply".to_string(), |c| {
            format!("checklist {c}")
        });
        println!("after the contact the handoff asks: {asks}");
    }
    Ok(())
}

/// Prints, per message, the words compared with examples and every rule's verdict.
fn explain(engine: &Engine, play: &Play<'_>) {
    for (lang, c) in engine.rules().calibrations() {
        println!(
            "calibration ({lang}): chance = σ({:.1}·words margin + {:.1}·meaning margin + {:.1}·words + {:.1}·meaning {:+.1})",
            c.words, c.meaning, c.near_words, c.near_meaning, c.bias
        );
    }
    for (i, message) in play.messages.iter().enumerate() {
        let ctx = play.context(i);
        println!("message {}: \"{message}\"", i + 1);
        for (lang, words) in engine.rules().affirmed_words(message, play.lang) {
            println!("  read in {lang}: {}", words.join(" "));
        }
        for verdict in engine.rules().explain(message, ctx, Some(engine.index())) {
            println!("  {}", describe(&verdict));
        }
    }
}

fn describe(v: &RuleExplanation) -> String {
    let status = if v.fired { "fires" } else { "no" };
    let mut line = format!("{status:5} {}", v.rule_id);
    if let Some(why) = &v.skipped {
        line.push_str(&format!(": {why}"));
    }
    if let Some(phrase) = &v.phrase {
        line.push_str(&format!(": phrase \"{phrase}\""));
    }
    match &v.nearest {
        Some(m) => line.push_str(&format!(
            "; nearest example ({}) \"{}\": words {:.2}, meaning {:.2}; learned {:.2} → chance {:.2} (threshold {:.2})",
            m.lang, m.example, m.closeness.words, m.closeness.meaning, m.learned, m.chance, v.threshold
        )),
        None if v.phrase.is_none() && v.skipped.is_none() => {
            line.push_str(": no phrase found, no example in the message's language")
        }
        None => {}
    }
    if let Some(a) = &v.nearest_answer {
        line.push_str(&format!(
            "; nearest answer {} \"{}\": words {:.2}, meaning {:.2}",
            a.id, a.question, a.closeness.words, a.closeness.meaning
        ));
    }
    line
}

/// Runs the KB's rule cases, printing each failure, and what held-out cases measure.
pub fn run_cases(engine: &Engine, compiled: &Compiled) -> RuleCaseReport {
    let report = compile::run_rule_cases(engine, &compiled.rule_cases);
    for failure in &report.failures {
        println!("{failure}");
    }
    if let Some(summary) = report.measured.summary() {
        for miss in &report.measured.misses {
            println!("held out: {miss}");
        }
        println!("{summary}");
    }
    report
}

pub fn passed(report: &RuleCaseReport) -> CliResult {
    if report.failures.is_empty() {
        Ok(())
    } else {
        Err("rule cases failed".into())
    }
}
