//! Masking card numbers in 100 KB of text, for each shape of text in the `timing`
//! section of `tests/vectors/masking.json` (the widget's benchmark,
//! `tests/perf/masking-bench.mjs`, times the same texts). Goal: under 50 ms each, which
//! only a linear-time rule meets. Run with `cargo bench --bench masking` (or
//! `npm run bench:masking` for both maskers); the medians are printed first.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use deflect_engine::conversation::mask_card_numbers;

/// The goal the issue set for 100 KB of text.
const GOAL: Duration = Duration::from_millis(50);

#[derive(serde::Deserialize)]
struct Vectors {
    timing: Timing,
}

#[derive(serde::Deserialize)]
struct Timing {
    bytes: usize,
    units: serde_json::Map<String, serde_json::Value>,
}

/// Each unit repeated to at least `bytes` of UTF-8, named.
fn texts() -> Vec<(String, String)> {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../../tests/vectors/masking.json")).unwrap();
    let bytes = vectors.timing.bytes;
    vectors
        .timing
        .units
        .into_iter()
        .map(|(name, unit)| {
            let unit = unit.as_str().expect("a unit is text").to_owned();
            (name, unit.repeat(bytes.div_ceil(unit.len())))
        })
        .collect()
}

fn median_time(text: &str) -> Duration {
    let mut times: Vec<Duration> = (0..21)
        .map(|_| {
            let started = Instant::now();
            black_box(mask_card_numbers(black_box(text)));
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn bench(c: &mut Criterion) {
    let texts = texts();
    for (name, text) in &texts {
        let median = median_time(text);
        let verdict = if median < GOAL { "ok" } else { "OVER" };
        println!(
            "mask/{name}: {} KB in {median:.2?} (median of 21; goal < {GOAL:?}: {verdict})",
            text.len() / 1024
        );
    }
    let mut group = c.benchmark_group("mask");
    group.sample_size(20);
    for (name, text) in &texts {
        group.bench_function(name.as_str(), |b| {
            b.iter(|| black_box(mask_card_numbers(black_box(text))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
