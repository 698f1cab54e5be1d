//! The matching benchmark: the BANKING77 and CLINC150 dev protocols (each data set's
//! README in `shared/data/`) as help centres of one article per intent, at 3 and 10
//! example questions per article, with CLINC150's out-of-scope questions asked of each;
//! Deflect next to plain tantivy BM25; what each part of matching adds; and the
//! learning curve on BANKING77 (`deflect_eval::learning`). Prints every part's time.
//!
//! `cargo run --release --example banking77 [-- --misses 20] [-- --dump-scores FILE]`
//! (or `npm run bench:matching`). `--dump-scores` writes Deflect's top 20 articles per
//! BANKING77 (K = 10) test question as TSV (question index, article id, score,
//! confidence), for trying other rankers on top of its scores offline.
//! The data folder is `../shared/data` beside the repo, or `$DEFLECT_DATA`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use deflect_engine::Engine;
use deflect_engine::bundle::Bundle;
use deflect_engine::search::{EntryKind, Features, SearchIndex};
use deflect_eval::protocol::Protocol;
use deflect_eval::runner::{self, Measured};
use deflect_eval::{self as eval, banking77, clinc150, learning};

/// Example questions per article: what authors often write, and the reference.
const EXAMPLE_COUNTS: [usize; 2] = [3, 10];
/// Questions of traffic per article at each point of the learning curve.
const TRAFFIC: [usize; 4] = [0, 10, 30, 50];
/// Example questions per article of the KB whose training time is measured.
const SCALE_EXAMPLES: usize = 50;

type Loader = fn(&Path, usize) -> Result<Protocol, String>;

fn main() {
    if let Err(message) = run() {
        eprintln!("{message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let started = Instant::now();
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let misses = option("--misses").and_then(|n| n.parse().ok()).unwrap_or(0);
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let data = std::env::var_os("DEFLECT_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/data"));
    let sets: [(&str, Loader); 2] = [
        ("BANKING77", banking77::protocol),
        ("CLINC150", clinc150::protocol),
    ];
    let mut rows = Vec::new();
    let mut reference = Vec::new();
    for (name, load) in sets {
        for k in EXAMPLE_COUNTS {
            let protocol = load(&data, k)?;
            let dir = root.join(format!("target/matching/{}-{k}/kb", name.to_lowercase()));
            let measured = runner::measure(&protocol, &root.join("kb"), &dir)?;
            print_run(&protocol, k, &measured);
            for (matcher, e) in [("Deflect", &measured.deflect), ("BM25", &measured.bm25)] {
                rows.push(runner::row(name, k, matcher, e, measured.threshold));
            }
            if k == 10 {
                reference.push((protocol, measured));
            }
        }
    }
    println!(
        "\nresults (confident: at the KB's threshold; BM25 answers whenever a word matched)\n{}\n{}",
        runner::HEADER,
        rows.join("\n")
    );
    for (protocol, measured) in &reference {
        details(protocol, measured, misses)?;
    }
    if let (Some(path), Some((protocol, measured))) = (option("--dump-scores"), reference.first()) {
        dump_scores(&measured.bundle, protocol, Path::new(path))?;
        println!("\nscores of the top 20 articles per test question written to {path}");
    }
    if let Some((protocol, measured)) = reference.first() {
        learning_curve(protocol, &measured.bundle, root)?;
    }
    training_at_scale(&data, root)?;
    sizes(root, &reference)?;
    println!("\nwhole benchmark: {:.1?}", started.elapsed());
    Ok(())
}

/// One protocol's size and how long each part took.
fn print_run(protocol: &Protocol, k: usize, m: &Measured) {
    let t = m.timings;
    println!(
        "{} K = {k}: {} articles, {} questions, {} out of scope; built in {:.1?} (classifier {:.1?}), Deflect asked in {:.1?}, BM25 in {:.1?}",
        protocol.name,
        protocol.intents.len(),
        protocol.questions.len(),
        protocol.out_of_scope.len(),
        t.build,
        t.training,
        t.deflect,
        t.bm25
    );
}

/// At K = 10: the full report, what each part of matching adds, and the confidence
/// trade-off.
fn details(protocol: &Protocol, m: &Measured, misses: usize) -> Result<(), String> {
    println!(
        "\n{}",
        eval::report(
            &format!("{} K = 10, Deflect", protocol.name),
            &m.deflect,
            m.threshold,
            misses
        )
        .trim_end()
    );
    let started = Instant::now();
    let mut index = SearchIndex::open(&m.bundle).map_err(|e| e.to_string())?;
    println!("ablation (each line adds one part to the one above):");
    for (name, features) in ablation_steps() {
        index.set_features(features);
        let e = eval::evaluate(&protocol.questions, &[], eval::index_ranker(&index, "en"));
        println!(
            "  {name:<34} top-1 {:.1}%  top-3 {:.1}%  MRR@10 {:.3}",
            100.0 * e.top1_rate(),
            100.0 * e.top3_rate(),
            e.mrr()
        );
    }
    println!("  ({:.1?})", started.elapsed());
    println!(
        "confidence calibration (in-scope top answers):\n{}confidence trade-off:\n{}",
        eval::reliability_table(&m.deflect),
        eval::curve(&m.deflect)
    );
    let honest = m.deflect.threshold_for_out_of_scope(0.10);
    println!(
        "lowest threshold with ≤ 10% out-of-scope confident: {honest:.2} → confident and right {:.1}%, confident and wrong {:.1}%",
        100.0 * m.deflect.confident_right(honest),
        100.0 * m.deflect.confident_wrong(honest)
    );
    Ok(())
}

/// Matching's parts, added one at a time.
fn ablation_steps() -> Vec<(&'static str, Features)> {
    let none = Features {
        nearest_question: false,
        synonyms: false,
        typos: false,
        meaning: false,
        vectors: false,
        classifier: false,
    };
    let all = Features::default();
    vec![
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
                ..all
            },
        ),
        (
            "+ meaning expansion",
            Features {
                vectors: false,
                classifier: false,
                ..all
            },
        ),
        (
            "+ sentence vectors",
            Features {
                classifier: false,
                ..all
            },
        ),
        ("+ learned classifier (= Deflect)", all),
    ]
}

/// BANKING77's top-1 after simulated traffic (`deflect_eval::learning`), with `bundle`
/// (the KB at K = 10, before learning) choosing the wrong articles.
fn learning_curve(base: &Protocol, bundle: &Bundle, root: &Path) -> Result<(), String> {
    let engine = Engine::from_bundle(bundle.clone()).map_err(|e| e.to_string())?;
    let best_other = |question: &str, right: &str| {
        let matches = engine.search(question, "en", 12).ok()?;
        matches
            .into_iter()
            .find(|m| m.kind == EntryKind::Article && m.id != right)
            .map(|m| m.id)
    };
    let held_back = |question: &str, article: &str| {
        engine
            .contradicting_answer(question, article, "en")
            .is_some()
    };
    let traffic = learning::split_traffic(base);
    println!(
        "\nlearning curve, BANKING77 K = 10: {} test questions (the last third of each intent's held-out rows), traffic from the rest, one question in {} marked under the wrong article, held back as `deflect learn` does when the KB answers it confidently with another",
        traffic.test.len(),
        learning::WRONG_ONE_IN
    );
    println!(
        "  traffic/article  learned  wrong  held back (wrong)  short articles  Deflect top-1  BM25 top-1  examples  built in  classifier trained in"
    );
    for per_article in TRAFFIC {
        let (protocol, learned) =
            learning::after_traffic(base, &traffic, per_article, &best_other, &held_back);
        let dir = root.join(format!("target/matching/learned-{per_article}/kb"));
        let m = runner::measure(&protocol, &root.join("kb"), &dir)?;
        let examples: usize = protocol.intents.iter().map(|i| i.examples.len()).sum();
        println!(
            "  {per_article:>15}  {:>7}  {:>5}  {:>17}  {:>14}  {:>12.1}%  {:>9.1}%  {examples:>8}  {:>8.1?}  {:>21.1?}",
            learned.questions,
            learned.wrong,
            format!("{} ({})", learned.held_back, learned.held_back_wrong),
            learned.short,
            100.0 * m.deflect.top1_rate(),
            100.0 * m.bm25.top1_rate(),
            m.timings.build,
            m.timings.training
        );
    }
    Ok(())
}

/// How long the classifier of a KB of 77 articles × 50 example questions takes to train
/// (BANKING77's first 50 rows per intent; its smallest intents have fewer).
fn training_at_scale(data: &Path, root: &Path) -> Result<(), String> {
    let protocol = banking77::protocol(data, SCALE_EXAMPLES)?;
    let dir = root.join(format!("target/matching/banking77-{SCALE_EXAMPLES}/kb"));
    let m = runner::measure(&protocol, &root.join("kb"), &dir)?;
    let examples: usize = protocol.intents.iter().map(|i| i.examples.len()).sum();
    println!(
        "\nBANKING77 K = {SCALE_EXAMPLES} ({} articles, {examples} example questions): built in {:.1?}, classifier trained in {:.1?}; top-1 {:.1}% on its other {} questions",
        protocol.intents.len(),
        m.timings.build,
        m.timings.training,
        100.0 * m.deflect.top1_rate(),
        protocol.questions.len()
    );
    Ok(())
}

/// The gzip size of the sample KB's bundle and of each protocol's (K = 10), by part.
fn sizes(root: &Path, reference: &[(Protocol, Measured)]) -> Result<(), String> {
    let sample = deflect_compile::compile_dir(&root.join("kb"))
        .map_err(|e| e.to_string())?
        .kb;
    let sample = deflect_compile::bundle(&sample).map_err(|e| e.to_string())?;
    println!();
    let named = reference
        .iter()
        .map(|(p, m)| (format!("{} KB (K = 10)", p.name), &m.bundle));
    for (name, bundle) in std::iter::once(("sample KB".to_string(), &sample)).chain(named) {
        let models = &bundle.classifier.models;
        println!(
            "{name}: bundle {} KB gzip, of which the meaning-expansion table {} KB, the sentence-vector table {} KB, the classifier {} KB ({} sparse weights on {} features, {} dense)",
            gzip_kb(&bundle.encode().unwrap_or_default()),
            gzip_kb(&postcard::to_allocvec(&bundle.expansion).unwrap_or_default()),
            gzip_kb(&postcard::to_allocvec(&bundle.vectors).unwrap_or_default()),
            gzip_kb(&postcard::to_allocvec(&bundle.classifier).unwrap_or_default()),
            models.iter().map(|m| m.levels.len()).sum::<usize>(),
            models.iter().map(|m| m.keys.len()).sum::<usize>(),
            models.iter().map(|m| m.dense.len()).sum::<usize>(),
        );
    }
    Ok(())
}

/// Deflect's 20 best articles per test question: `question<TAB>article<TAB>score<TAB>confidence`.
fn dump_scores(bundle: &Bundle, protocol: &Protocol, path: &Path) -> Result<(), String> {
    use std::fmt::Write;
    let index = SearchIndex::open(bundle).map_err(|e| e.to_string())?;
    let mut out = String::from("question\tarticle\tscore\tconfidence\n");
    for (i, q) in protocol.questions.iter().enumerate() {
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
