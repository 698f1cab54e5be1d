//! One dev protocol measured end to end: its help centre written as a KB folder and
//! compiled like `deflect index` does, every question asked of Deflect and of plain
//! tantivy BM25, each part timed.

use std::path::Path;
use std::time::{Duration, Instant};

use deflect_engine::Engine;
use deflect_engine::bundle::Bundle;
use deflect_engine::search::SearchIndex;

use super::baseline::Bm25Baseline;
use super::protocol::{Protocol, write_kb};
use super::{Evaluation, deflect_ranker, evaluate};

/// How long each part of one measurement took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Writing and compiling the KB, indexing it and training its classifier.
    pub build: Duration,
    /// Training the classifier alone (again, on the built bundle's matcher).
    pub training: Duration,
    /// Asking every question of Deflect.
    pub deflect: Duration,
    /// Indexing and asking every question of the BM25 baseline.
    pub bm25: Duration,
}

/// Deflect's and the baseline's results on one protocol.
pub struct Measured {
    pub deflect: Evaluation,
    pub bm25: Evaluation,
    /// The KB's confident threshold (`kb/settings.toml`), at which answers count as
    /// confident.
    pub threshold: f32,
    pub bundle: Bundle,
    pub timings: Timings,
}

/// Writes `protocol`'s KB in `dir` (settings and rules from `template`), builds it and
/// asks every question of both matchers.
pub fn measure(protocol: &Protocol, template: &Path, dir: &Path) -> Result<Measured, String> {
    let started = Instant::now();
    write_kb(&protocol.intents, template, dir)?;
    let kb = deflect_compile::compile_dir(dir)
        .map_err(|e| e.to_string())?
        .kb;
    let threshold = kb.settings.confident_threshold;
    let bundle = deflect_compile::bundle(&kb).map_err(|e| e.to_string())?;
    let build = started.elapsed();
    let training = training_time(&bundle)?;

    let started = Instant::now();
    let engine = Engine::from_bundle(bundle.clone()).map_err(|e| e.to_string())?;
    let deflect = evaluate(
        &protocol.questions,
        &protocol.out_of_scope,
        deflect_ranker(&engine, "en"),
    );
    let deflect_time = started.elapsed();

    let started = Instant::now();
    let bm25 = Bm25Baseline::new(&protocol.intents).map_err(|e| e.to_string())?;
    let bm25 = evaluate(&protocol.questions, &protocol.out_of_scope, |q| {
        bm25.rank(q)
    });
    Ok(Measured {
        deflect,
        bm25,
        threshold,
        bundle,
        timings: Timings {
            build,
            training,
            deflect: deflect_time,
            bm25: started.elapsed(),
        },
    })
}

/// How long training the classifier of `bundle`'s KB takes on its own.
fn training_time(bundle: &Bundle) -> Result<Duration, String> {
    let index = SearchIndex::open(bundle).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let kb = &bundle.kb;
    let _ =
        deflect_compile::train_classifier(&index, &kb.rules.escalate, &kb.settings.default_lang);
    Ok(started.elapsed())
}

/// The header of [`row`]'s table.
pub const HEADER: &str =
    "  set        K  matcher  top-1   top-3   MRR@10  out-of-scope confident  confident+right";

/// One line of the results table: `matcher`'s metrics on `set` with `k` examples per
/// article, confident meaning at or above `threshold`.
pub fn row(set: &str, k: usize, matcher: &str, e: &Evaluation, threshold: f32) -> String {
    format!(
        "  {set:<9} {k:>2}  {matcher:<7} {:>5.1}%  {:>5.1}%  {:>6.3}  {:>21.1}%  {:>14.1}%",
        100.0 * e.top1_rate(),
        100.0 * e.top3_rate(),
        e.mrr(),
        100.0 * e.out_of_scope_confident(threshold),
        100.0 * e.confident_right(threshold),
    )
}
