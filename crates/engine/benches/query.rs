//! Query latency: the sample KB, and a 5,000-article KB built from it; and how long
//! opening the sample KB's bundle takes (what the widget does before its first answer).
//! Run with `cargo bench --bench query`; criterion prints the means, and each KB's
//! p50/p99 over a mixed set of questions (typos, synonyms, out-of-scope, long) is
//! printed first. Budget: p99 ≤ 1 ms natively at 5,000 articles.
//!
//! `DEFLECT_QUERY_KBS="arduino=/tmp/a/kb,synthetic-5000=/tmp/s/kb"` adds the
//! percentiles of other KB folders (what `npm run bench:widget` passes for the imported
//! Arduino help centre and the synthetic KB), asked the questions above and titles of
//! their own articles; `-- --test` then skips criterion's long runs.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use deflect_engine::Engine;
use deflect_engine::model::Kb;

const QUESTIONS: &[&str] = &[
    "How do I reset my password?",
    "my video won't play on iPhone",
    "I want my money back",
    "where can I download the brush pack",
    "can I get an invoice with my VAT number",
    "how much has the dow changed today",
    "I want my mony back, cant sign in",
    "the zip file wont open on my mac and the download link expired yesterday",
    "🎨 title:\"x\" AND (y) OR -z*",
];

fn sample_kb() -> Kb {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb");
    deflect_compile::compile_dir(&dir).expect("valid KB").kb
}

/// The sample articles repeated, each copy with an id and a word of its own, up to `n`.
fn large_kb(n: usize) -> Kb {
    let mut kb = sample_kb();
    let originals = kb.articles.clone();
    kb.articles = (0..n)
        .map(|i| {
            let mut a = originals[i % originals.len()].clone();
            a.id = format!("{}-{i}", a.id);
            a.title = format!("{} (variant {i})", a.title);
            a.questions.push(format!("question about topic{i}"));
            a
        })
        .collect();
    kb
}

fn bundle_bytes(kb: &Kb) -> Vec<u8> {
    deflect_compile::bundle(kb).unwrap().encode().unwrap()
}

fn bench(c: &mut Criterion) {
    let bundle = bundle_bytes(&sample_kb());
    c.bench_function("open/sample", |b| {
        b.iter(|| black_box(Engine::open(&bundle).unwrap()))
    });
    for (name, dir) in extra_kbs() {
        let kb = deflect_compile::compile_dir(&dir).expect("valid KB").kb;
        let engine = Engine::open(&bundle_bytes(&kb)).unwrap();
        print_summary(&name, search_times(&engine, &questions_for(&kb)));
    }
    for (name, kb) in [("sample", sample_kb()), ("5000-articles", large_kb(5000))] {
        let engine = Engine::open(&bundle_bytes(&kb)).unwrap();
        let times = search_times(&engine, QUESTIONS);
        print_per_question(&times, QUESTIONS);
        print_summary(name, times);
        c.bench_function(&format!("search/{name}"), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % QUESTIONS.len();
                black_box(engine.search(QUESTIONS[i], "en", 5).unwrap())
            })
        });
        c.bench_function(&format!("suggest/{name}"), |b| {
            b.iter(|| black_box(engine.suggest("reset my passw", "en", 3).unwrap()))
        });
    }
}

/// The KB folders named in `DEFLECT_QUERY_KBS` (`name=dir,…`).
fn extra_kbs() -> Vec<(String, std::path::PathBuf)> {
    std::env::var("DEFLECT_QUERY_KBS")
        .unwrap_or_default()
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, dir)| (name.to_string(), dir.into()))
        .collect()
}

/// The fixed questions, then the titles of up to 40 articles spread over `kb`.
fn questions_for(kb: &Kb) -> Vec<&str> {
    let step = kb.articles.len().div_ceil(40).max(1);
    QUESTIONS
        .iter()
        .copied()
        .chain(kb.articles.iter().step_by(step).map(|a| a.title.as_str()))
        .collect()
}

/// How long `search` takes for the questions, asked many times in turn.
fn search_times(engine: &Engine, questions: &[&str]) -> Vec<std::time::Duration> {
    (0..2_000)
        .map(|i| {
            let started = std::time::Instant::now();
            black_box(
                engine
                    .search(questions[i % questions.len()], "en", 5)
                    .unwrap(),
            );
            started.elapsed()
        })
        .collect()
}

/// The median time of each question.
fn print_per_question(times: &[std::time::Duration], questions: &[&str]) {
    for (i, question) in questions.iter().enumerate() {
        let mut mine: Vec<_> = times.iter().skip(i).step_by(questions.len()).collect();
        mine.sort();
        println!("  {:>10?} median  {question:?}", mine[mine.len() / 2]);
    }
}

/// The line `npm run bench:widget` reads: p50, p99 and max of one KB's searches.
fn print_summary(name: &str, mut times: Vec<std::time::Duration>) {
    times.sort();
    println!(
        "search/{name}: p50 {:?}  p99 {:?}  max {:?}",
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        times[times.len() - 1]
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
