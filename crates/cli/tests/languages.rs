//! `deflect languages` names what the browser engine is built with, and `deflect site`
//! refuses an engine built without one of the KB's languages.

mod common;

use std::path::Path;

use common::{deflect, succeeded};

const KB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../kb");

#[test]
fn the_sample_kb_is_written_in_english_and_spanish() {
    assert_eq!(
        succeeded(&deflect(&["languages", "--kb", KB], None, "")),
        "en es"
    );
}

#[test]
fn a_site_is_refused_an_engine_built_without_one_of_its_languages() {
    let dir = tempfile::tempdir().unwrap();
    let engine = dir.path().join("engine");
    std::fs::create_dir_all(&engine).unwrap();
    for file in ["deflect.js", "deflect_bg.wasm"] {
        std::fs::write(engine.join(file), b"stand-in").unwrap();
    }
    let site = |languages: &str| {
        std::fs::write(engine.join("languages"), languages).unwrap();
        let out = dir.path().join("dist");
        let args = [
            "site",
            "--kb",
            KB,
            "--engine",
            path(&engine),
            "--out",
            path(&out),
        ];
        deflect(&args, None, "")
    };
    let refused = site("en\n");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("built for en only") && said.contains("also written in es"),
        "{said}"
    );
    assert!(!dir.path().join("dist").exists(), "nothing written");
    // With both languages the check passes (the build then goes on to other files).
    let accepted = site("en es\n");
    let said = String::from_utf8_lossy(&accepted.stderr);
    assert!(!said.contains("was built for"), "{said}");
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}
