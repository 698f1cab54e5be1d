//! The matching benchmark: BANKING77 as a 77-article help centre (dev protocol in
//! `shared/data/banking77/README.md`), CLINC150 out-of-scope questions asked against it.
//! Prints, in one run, Deflect's metrics next to plain tantivy BM25's, and the
//! confidence trade-off.
//!
//! `cargo run --release --example banking77 [-- --misses 20] [-- --dump-scores FILE]`
//! (or `npm run bench:matching`). `--dump-scores` writes Deflect's top 20 articles per
//! test question as TSV (question index, article id, score, confidence), for trying
//! other rankers on top of its scores offline.
//! The data folder is `../shared/data` beside the repo, or `$DEFLECT_DATA`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use deflect_engine::Engine;
use deflect_engine::search::{EntryKind, Features, SearchIndex};
use deflect_eval::{self as eval, banking77, baseline::Bm25Baseline};

fn main() {
    if let Err(message) = run() {
        eprintln!("{message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let misses = args
        .iter()
        .position(|a| a == "--misses")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let dump = args
        .iter()
        .position(|a| a == "--dump-scores")
        .and_then(|i| args.get(i + 1));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = std::env::var_os("DEFLECT_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/data"));
    let split = banking77::split(
        &data.join("banking77/train.csv"),
        banking77::EXAMPLES_PER_ARTICLE,
    )?;
    let out_of_scope = eval::read_lines(&data.join("clinc-oos/oos_val.txt"))?;
    let kb_dir = root.join("target/banking77/kb");
    banking77::write_kb(&split.intents, &root.join("kb"), &kb_dir)?;
    let kb = deflect_compile::compile_dir(&kb_dir)
        .map_err(|e| e.to_string())?
        .kb;
    let threshold = kb.settings.confident_threshold;
    println!(
        "BANKING77 dev protocol: {} articles × {} example questions, {} test questions; {} out-of-scope questions; KB in {}",
        split.intents.len(),
        banking77::EXAMPLES_PER_ARTICLE,
        split.questions.len(),
        out_of_scope.len(),
        kb_dir.display()
    );

    let started = Instant::now();
    let bm25 = Bm25Baseline::new(&split.intents).map_err(|e| e.to_string())?;
    let base = eval::evaluate(&split.questions, &[], |q| bm25.rank(q));
    println!(
        "\n{}  ({:.1?})",
        // Plain BM25 has no confidence: only its ranking line is meaningful.
        eval::report("tantivy BM25 baseline", &base, 1.1, 0)
            .lines()
            .next()
            .unwrap_or_default(),
        started.elapsed()
    );

    let started = Instant::now();
    let bundle = deflect_compile::bundle(&kb).map_err(|e| e.to_string())?;
    let engine = Engine::from_bundle(bundle.clone()).map_err(|e| e.to_string())?;
    let ours = eval::evaluate(
        &split.questions,
        &out_of_scope,
        eval::deflect_ranker(&engine, "en"),
    );
    println!(
        "\n{}  ({:.1?})",
        eval::report("Deflect", &ours, threshold, misses).trim_end(),
        started.elapsed()
    );
    let mut index = SearchIndex::open(&bundle).map_err(|e| e.to_string())?;
    if let Some(path) = dump {
        dump_scores(&index, &split.questions, Path::new(path))?;
        println!("\nscores of the top 20 articles per test question written to {path}");
    }
    println!("\nablation (each line adds one part to the one above):");
    let none = Features {
        nearest_question: false,
        synonyms: false,
        typos: false,
        meaning: false,
        vectors: false,
        classifier: false,
    };
    let steps = [
        ("whole article only", none),
        (
            "+ nearest example questions",
            Features {
                nearest_question: true,
                ..none
            },
        ),
        (
            "+ typo fixes",
            Features {
                nearest_question: true,
                typos: true,
                ..none
            },
        ),
        (
            "+ kb/synonyms.toml",
            Features {
                meaning: false,
                vectors: false,
                classifier: false,
                ..Features::default()
            },
        ),
        (
            "+ meaning expansion",
            Features {
                vectors: false,
                classifier: false,
                ..Features::default()
            },
        ),
        (
            "+ sentence vectors",
            Features {
                classifier: false,
                ..Features::default()
            },
        ),
        ("+ learned classifier (= Deflect)", Features::default()),
    ];
    for (name, features) in steps {
        index.set_features(features);
        let e = eval::evaluate(&split.questions, &[], eval::index_ranker(&index, "en"));
        println!(
            "  {name:<34} top-1 {:.1}%  top-3 {:.1}%  MRR@10 {:.3}",
            100.0 * e.top1_rate(),
            100.0 * e.top3_rate(),
            e.mrr()
        );
    }
    println!(
        "\nconfidence calibration (Deflect, in-scope top answers):\n{}",
        eval::reliability_table(&ours)
    );
    println!("confidence trade-off (Deflect):\n{}", eval::curve(&ours));
    let honest = ours.threshold_for_out_of_scope(0.10);
    println!(
        "lowest threshold with ≤ 10% out-of-scope confident: {honest:.2} → confident and right {:.1}%, confident and wrong {:.1}%",
        100.0 * ours.confident_right(honest),
        100.0 * ours.confident_wrong(honest)
    );
    let sample = deflect_compile::compile_dir(&root.join("kb"))
        .map_err(|e| e.to_string())?
        .kb;
    let sample = deflect_compile::bundle(&sample).map_err(|e| e.to_string())?;
    for (name, bundle) in [("sample KB", &sample), ("BANKING77 KB", &bundle)] {
        println!(
            "{name}: bundle {} KB gzip, of which the meaning-expansion table {} KB, the sentence-vector table {} KB, the classifier {} KB",
            gzip_kb(&bundle.encode().unwrap_or_default()),
            gzip_kb(&postcard::to_allocvec(&bundle.expansion).unwrap_or_default()),
            gzip_kb(&postcard::to_allocvec(&bundle.vectors).unwrap_or_default()),
            gzip_kb(&postcard::to_allocvec(&bundle.classifier).unwrap_or_default())
        );
    }
    Ok(())
}

/// Deflect's 20 best articles per test question: `question<TAB>article<TAB>score<TAB>confidence`.
fn dump_scores(
    index: &SearchIndex,
    questions: &[eval::Labelled],
    path: &Path,
) -> Result<(), String> {
    use std::fmt::Write;
    let mut out = String::from("question\tarticle\tscore\tconfidence\n");
    for (i, q) in questions.iter().enumerate() {
        let matches = index.search(&q.text, "en", 20).map_err(|e| e.to_string())?;
        for m in matches.iter().filter(|m| m.kind == EntryKind::Article) {
            let _ = writeln!(out, "{i}\t{}\t{}\t{}", m.id, m.score, m.confidence);
        }
    }
    std::fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()))
}

/// KB of gzip download.
fn gzip_kb(bytes: &[u8]) -> usize {
    deflect_compile::gzip(bytes).map_or(0, |g| g.len()) / 1024
}
