//! Query latency: the sample KB, and a 5,000-article KB built from it.
//! Run with `cargo bench --bench query`; criterion prints the numbers.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use deflect::Engine;
use deflect::model::Kb;

const QUESTIONS: &[&str] = &[
    "How do I reset my password?",
    "my video won't play on iPhone",
    "I want my money back",
    "where can I download the brush pack",
    "can I get an invoice with my VAT number",
    "how much has the dow changed today",
];

fn sample_kb() -> Kb {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("kb");
    deflect::compile::compile_dir(&dir).expect("valid KB").kb
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

fn bench(c: &mut Criterion) {
    for (name, kb) in [("sample", sample_kb()), ("5000-articles", large_kb(5000))] {
        let engine = Engine::open(&deflect::bundle::write(&kb).unwrap()).unwrap();
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

criterion_group!(benches, bench);
criterion_main!(benches);
