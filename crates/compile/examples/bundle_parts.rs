//! Where the first download's bytes go: each part of one KB's bundle, raw and gzip, and
//! the article bodies that travel apart as fragments. For deciding what to shrink when a
//! large KB's download is over its goal.
//!
//!   cargo run --release -p deflect-compile --example bundle_parts -- <kb-dir>

use std::path::PathBuf;
use std::process::ExitCode;

use deflect_engine::model::Article;
use serde::Serialize;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: bundle_parts <kb-dir>");
        return ExitCode::from(2);
    };
    let compiled = match deflect_compile::compile_dir(&dir) {
        Ok(compiled) => compiled,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    let bundle = match deflect_compile::bundle(&compiled.kb) {
        Ok(bundle) => bundle,
        Err(e) => {
            eprintln!("cannot index {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let kb = &bundle.kb;
    let articles = &kb.articles;
    // One field of every article, encoded one after the other.
    let column = |field: &dyn Fn(&Article) -> Vec<u8>| -> Vec<u8> {
        articles.iter().flat_map(field).collect()
    };
    println!("{:<28} {:>10} {:>10}", "part", "bytes", "gzip");
    let row = |name: &str, bytes: Vec<u8>| {
        let gz = deflect_compile::gzip(&bytes).expect("gzip in memory").len();
        println!("{name:<28} {:>10} {gz:>10}", bytes.len());
    };
    row("whole bundle", bundle.encode().expect("encodes"));
    row("kb: articles", encode(articles));
    row("  ids", column(&|a| encode(&a.id)));
    row("  titles", column(&|a| encode(&a.title)));
    row("  example questions", column(&|a| encode(&a.questions)));
    row(
        "  keywords and tags",
        column(&|a| encode(&(&a.keywords, &a.tags))),
    );
    row("  fragment names", column(&|a| encode(&a.fragment)));
    row(
        "kb: flows, rules, checklists",
        encode(&(&kb.flows, &kb.rules, &kb.checklists)),
    );
    row("index", encode(&bundle.index));
    row("expansion", encode(&bundle.expansion));
    row("vectors", encode(&bundle.vectors));
    row("classifier", encode(&bundle.classifier));
    let bodies: Vec<&str> = deflect_compile::fragments(&compiled.kb)
        .into_values()
        .collect();
    row("fragments (not in bundle)", bodies.concat().into_bytes());
    ExitCode::SUCCESS
}

fn encode<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("postcard encodes in memory")
}
