//! `deflect learn`: proposes new example questions per article from what the inbox saw
//! (questions whose article visitors said helped, questions of tickets agents resolved
//! with an article, and unanswered questions as knowledge gaps), as a file in `kb/` the
//! author reviews, then accepts (`deflect learn accept`) or rejects (`deflect learn
//! reject`). Nothing changes matching until the author accepts.

mod candidates;
mod matching_change;
mod proposal_file;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Subcommand;

use crate::accounts::DatabaseArgs;
use candidates::Proposal;
use matching_change::MatchingChange;

/// Questions proposed per article at most, unless `--max-per-article` says otherwise:
/// enough to teach the classifier a new wording, few enough to review at a glance.
const DEFAULT_MAX_PER_ARTICLE: usize = 10;

/// `deflect learn`'s flags.
#[derive(clap::Args)]
pub struct LearnArgs {
    #[command(subcommand)]
    action: Option<LearnAction>,
    /// The KB folder the proposal is for, and written into.
    #[arg(long, global = true, default_value = "kb")]
    kb: PathBuf,
    #[command(flatten)]
    db: DatabaseArgs,
    /// Questions proposed per article at most (the most often seen are kept).
    #[arg(long, default_value_t = DEFAULT_MAX_PER_ARTICLE)]
    max_per_article: usize,
    /// Only what the inbox received since: a date (2026-11-01) or a span back from now
    /// (30d, 12h, 2w).
    #[arg(long, value_parser = parse_since)]
    since: Option<u64>,
}

#[derive(Subcommand)]
enum LearnAction {
    /// Append the (possibly edited) proposal to kb/learned-questions.toml and remove it.
    Accept,
    /// Remove the proposal.
    Reject,
}

pub fn run(args: LearnArgs) -> Result<(), String> {
    match args.action {
        Some(LearnAction::Accept) => accept(&args.kb),
        Some(LearnAction::Reject) => {
            proposal_file::reject(&args.kb)?;
            println!(
                "removed {}",
                proposal_file::proposed_path(&args.kb).display()
            );
            Ok(())
        }
        None => propose(&args),
    }
}

/// Reads the inbox, writes the proposal and reports what it changes.
fn propose(args: &LearnArgs) -> Result<(), String> {
    let compiled = deflect_compile::compile_dir(&args.kb).map_err(|e| e.to_string())?;
    let store = args.db.open_existing()?;
    let traffic = store
        .traffic(args.since.unwrap_or(0))
        .map_err(|e| e.to_string())?;
    println!(
        "read {} helped questions, {} resolved tickets and {} unanswered questions{}",
        traffic.helped.len(),
        traffic.resolved.len(),
        traffic.unanswered.len(),
        args.since
            .map(|ms| format!(" since {}", deflect_server::format_time(ms)))
            .unwrap_or_default()
    );
    if traffic.helped.is_empty() && traffic.unanswered.is_empty() {
        println!(
            "(no analytics questions: with the widget's data-analytics on, helped and unanswered questions count too)"
        );
    }
    // The KB as it is, bundled once: the engine that holds back feedback it contradicts
    // confidently, and its matching tests' outcome before the proposal.
    let (bundle, now) =
        deflect_compile::bundle_and_check_kb(&compiled.kb, &compiled).map_err(|e| e.to_string())?;
    let engine = deflect_engine::Engine::from_bundle(bundle).map_err(|e| e.to_string())?;
    let contradicts = |question: &str, article: &deflect_engine::model::Article| {
        engine.contradicting_answer(question, &article.id, &article.lang)
    };
    let proposal = candidates::propose(&compiled.kb, &traffic, args.max_per_article, contradicts);
    let path = proposal_file::proposed_path(&args.kb);
    let text = proposal_file::render(&proposal, &today());
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    print_summary(&proposal, args.max_per_article, &path);
    if compiled.matching_cases.is_empty() {
        println!("no matching tests (kb/matching-tests.toml) to measure the proposal on");
    } else {
        let change = matching_change::measure(&compiled, now.failures, &proposal)?;
        print_matching(&change);
    }
    println!(
        "next: review {}, then `deflect learn accept` or `deflect learn reject`",
        path.display()
    );
    Ok(())
}

fn print_summary(proposal: &Proposal, cap: usize, path: &Path) {
    println!(
        "proposed {} questions for {} articles (at most {cap} each) and listed {} knowledge gaps in {}",
        proposal.question_count(),
        proposal.articles.len(),
        proposal.gaps.len(),
        path.display()
    );
    if proposal.held_back_count() > 0 {
        println!(
            "held back {} questions the KB already answers confidently with another article (listed under their article: move one up if it belongs there)",
            proposal.held_back_count()
        );
    }
    let left = &proposal.left_out;
    let personal: usize = left.personal_data.values().sum();
    println!(
        "left out: {} already example questions, {} over the cap, {} for articles the KB no longer has, {personal} with personal data{}",
        left.known,
        left.over_cap,
        left.unknown_article,
        if personal == 0 {
            String::new()
        } else {
            let kinds: Vec<String> = left
                .personal_data
                .iter()
                .map(|(kind, n)| format!("{n} {kind}"))
                .collect();
            format!(" ({}; never proposed)", kinds.join(", "))
        }
    );
}

fn print_matching(change: &MatchingChange) {
    println!(
        "matching tests: {}/{} pass now, {}/{} with the proposal",
        change.passed_before, change.cases, change.passed_after, change.cases
    );
    for (question, line) in &change.fixed {
        println!("  now passes: {question:?} (matching-tests.toml:{line})");
    }
    for failure in &change.broken {
        println!("  now fails: {failure}");
    }
}

/// Accepts the proposal once the KB still builds with it.
fn accept(kb: &Path) -> Result<(), String> {
    let check = || {
        deflect_compile::build_checked(kb)
            .map(drop)
            .map_err(|failures| failures.join("\n"))
    };
    let count = proposal_file::accept(kb, &today(), check)?;
    println!(
        "accepted {count} questions into {}; rebuild the index (deflect index) to ship them",
        kb.join(deflect_compile::learned_questions::FILE_NAME)
            .display()
    );
    Ok(())
}

/// Today's date, UTC, `YYYY-MM-DD`.
fn today() -> String {
    deflect_server::format_time(now_ms())[..10].to_owned()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// `--since`: a date, or a span back from now; Unix milliseconds.
fn parse_since(value: &str) -> Result<u64, String> {
    let value = value.trim();
    if let Ok(at) = humantime::parse_rfc3339(&format!("{value}T00:00:00Z")) {
        let since = at.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        return Ok(since.as_millis() as u64);
    }
    let span = humantime::parse_duration(value).map_err(|_| {
        format!("{value:?}: give a date (2026-11-01) or a span back from now (30d, 12h, 2w)")
    })?;
    Ok(now_ms().saturating_sub(span.as_millis() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_date_or_a_span() {
        assert_eq!(parse_since("2026-01-01"), Ok(1_767_225_600_000));
        let month = parse_since("30d").unwrap();
        let expected = now_ms() - 30 * 86_400_000;
        assert!(expected.abs_diff(month) < 60_000, "{month} {expected}");
        assert!(
            parse_since("last tuesday")
                .unwrap_err()
                .contains("give a date")
        );
    }
}
