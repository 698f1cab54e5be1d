//! Validates `kb/`, runs its rule and matching tests and builds its search index on
//! every native build, so a mistake in the knowledge base fails `cargo build` with
//! `file:line: what is wrong`, like a compile error.
//!
//! The wasm build deliberately does not read `kb/`: the engine must not change (and
//! visitors' cached copies must stay valid) when only articles change. The site's
//! content-hashed index file is written by `deflect index` from the same code.

#[path = "src/analysis.rs"]
#[allow(dead_code, unused_imports)]
mod analysis;
#[path = "src/bundle.rs"]
#[allow(dead_code, unused_imports)]
mod bundle;
#[path = "src/compile/mod.rs"]
#[allow(dead_code, unused_imports)]
mod compile;
#[path = "src/error.rs"]
#[allow(dead_code, unused_imports)]
mod error;
#[path = "src/escalation.rs"]
#[allow(dead_code, unused_imports)]
mod escalation;
#[path = "src/model/mod.rs"]
#[allow(dead_code, unused_imports)]
mod model;
#[path = "src/search/mod.rs"]
#[allow(dead_code, unused_imports)]
mod search;
#[path = "src/stemmer.rs"]
#[allow(dead_code, unused_imports)]
mod stemmer;
#[path = "src/ticket.rs"]
#[allow(dead_code, unused_imports)]
mod ticket;

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=DEFLECT_KB");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        return;
    }
    println!("cargo::rerun-if-changed=kb");
    let kb_dir = std::env::var("DEFLECT_KB").unwrap_or_else(|_| "kb".into());
    let compiled = match compile::compile_dir(Path::new(&kb_dir)) {
        Ok(compiled) => compiled,
        Err(errors) => fail(&errors.0),
    };
    let report = compile::run_rule_cases(
        &compiled.kb.rules,
        &compiled.rule_cases,
        &compiled.rule_cases_path,
    );
    if !report.failures.is_empty() {
        fail(&report.failures);
    }
    let (index_files, matching) = search::index_and_check(&compiled).unwrap_or_else(|e| {
        println!("cargo::error=cannot index the knowledge base: {e}");
        std::process::exit(1);
    });
    if !matching.failures.is_empty() {
        fail(&matching.failures);
    }
    let bytes = bundle::encode(&bundle::Contents {
        kb: compiled.kb,
        index_files,
    })
    .unwrap_or_else(|e| {
        println!("cargo::error=cannot write the bundle: {e}");
        std::process::exit(1);
    });
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("kb.bundle");
    std::fs::write(&out, bytes).expect("write the bundle to OUT_DIR");
}

fn fail(errors: &[error::KbError]) -> ! {
    for e in errors {
        println!("cargo::error={e}");
    }
    std::process::exit(1);
}
