//! Validates `kb/`, runs its rule and matching tests and builds its bundle on every
//! native build, so a mistake in the knowledge base fails `cargo build` with
//! `file:line: what is wrong`, like a compile error. The bundle becomes
//! `deflect::SAMPLE_BUNDLE`.
//!
//! The engine itself (`crates/engine`, `crates/wasm`) never reads `kb/`: it must not
//! change (and visitors' cached copies must stay valid) when only articles change. The
//! site's content-hashed index file is written by `deflect index` from the same code.

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=kb");
    println!("cargo::rerun-if-env-changed=DEFLECT_KB");
    let kb_dir = std::env::var("DEFLECT_KB").unwrap_or_else(|_| "kb".into());
    let (_, bundle) = deflect_compile::build_checked(Path::new(&kb_dir)).unwrap_or_else(|errors| {
        for e in errors {
            println!("cargo::error={e}");
        }
        std::process::exit(1);
    });
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("kb.bundle");
    std::fs::write(&out, bundle).expect("write the bundle to OUT_DIR");
}
