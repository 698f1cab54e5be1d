//! Query latency: the sample KB, and a 5,000-article KB built from it; and how long
//! opening the sample KB's bundle takes (what the widget does before its first answer).
//! Run with `cargo bench --bench query`; criterion prints the means, and each KB's
//! p50/p99 over a mixed set of questions (typos, synonyms, out-of-scope, long) is
//! printed first. Budget: p99 ≤ 1 ms natively at 5,000 articles.

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
    for (name, kb) in [("sample", sample_kb()), ("5000-articles", large_kb(5000))] {
        let engine = Engine::open(&bundle_bytes(&kb)).unwrap();
        print_percentiles(&engine, name);
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

/// p50 and p99 of `search` over the questions, asked many times in turn.
fn print_percentiles(engine: &Engine, name: &str) {
    let mut times: Vec<std::time::Duration> = (0..2_000)
        .map(|i| {
            let started = std::time::Instant::now();
            black_box(
                engine
                    .search(QUESTIONS[i % QUESTIONS.len()], "en", 5)
                    .unwrap(),
            );
            started.elapsed()
        })
        .collect();
    for (i, question) in QUESTIONS.iter().enumerate() {
        let mut mine: Vec<_> = times.iter().skip(i).step_by(QUESTIONS.len()).collect();
        mine.sort();
        println!("  {:>10?} median  {question:?}", mine[mine.len() / 2]);
    }
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
