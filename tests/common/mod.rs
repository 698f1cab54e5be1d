//! Shared test helpers: the sample KB (the bundle `build.rs` wrote, so no test binary
//! compiles, indexes or trains it again), and scratch copies of it to break on purpose.

#![allow(dead_code)]

pub mod inbox;
pub mod postgres;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use deflect::model::Kb;
use deflect::search::SearchIndex;
use deflect::{Bundle, Conversation, Engine, Start};
use deflect_compile as compile;

pub fn kb_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kb")
}

/// The sample bundle as `build.rs` wrote it.
pub fn sample_bundle() -> Bundle {
    Bundle::decode(deflect::SAMPLE_BUNDLE).expect("build.rs wrote a valid bundle")
}

pub fn sample_kb() -> Kb {
    sample_bundle().kb
}

/// The sample KB as the browser gets it: through the bundle's bytes.
pub fn sample_engine() -> Engine {
    Engine::open(deflect::SAMPLE_BUNDLE).unwrap()
}

/// The sample KB's matcher, to turn its parts on and off.
pub fn sample_index() -> SearchIndex {
    SearchIndex::open(&sample_bundle()).unwrap()
}

/// A KB (a changed copy of the sample) bundled as `deflect index` does.
pub fn bundle_bytes(kb: &Kb) -> Vec<u8> {
    compile::bundle(kb).unwrap().encode().unwrap()
}

/// gzip -9 size of bytes, as `deflect sizes` measures downloads.
pub fn gzip_size(bytes: &[u8]) -> usize {
    compile::gzip(bytes).unwrap().len()
}

pub fn start(engine: &Engine) -> Conversation {
    start_as(engine, None)
}

pub fn start_as(engine: &Engine, tier: Option<&str>) -> Conversation {
    start_with(engine, tier, "en")
}

/// A conversation started from a page in `lang` ("es-MX").
pub fn start_in(engine: &Engine, lang: &str) -> Conversation {
    start_with(engine, None, lang)
}

fn start_with(engine: &Engine, tier: Option<&str>, lang: &str) -> Conversation {
    let mut start = Start {
        id: "0b6a3c1e-5d2f-4e8a-9c7b-1f2e3d4c5b6a".into(),
        lang: lang.into(),
        now: 1_700_000_000_000,
        ..Start::default()
    };
    start.customer.tier = tier.map(str::to_string);
    start.page.url = "https://brushwork.example/course".into();
    Conversation::start(engine, start).0
}

/// A valid answer to each field of a checklist a flow shows (screenshots left empty).
pub fn sample_answers(
    checklist: &deflect::conversation::ChecklistView,
) -> BTreeMap<String, String> {
    use deflect::model::FieldKind;
    checklist
        .fields
        .iter()
        .map(|f| {
            let value = match f.kind {
                FieldKind::Url => "https://brushwork.example/lesson/3".into(),
                FieldKind::Choice => f.options[0].clone(),
                FieldKind::Screenshot => String::new(),
                _ => "Lesson 3".into(),
            };
            (f.id.clone(), value)
        })
        .collect()
}

/// A copy of the sample KB in a temporary folder, to break on purpose.
pub fn scratch_kb() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&kb_dir(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The errors (`file:line: message`, file relative to the KB) of compiling a scratch
/// copy of the sample KB after `edit` broke it; empty when it still compiles.
pub fn kb_errors_after(edit: impl FnOnce(&Path)) -> Vec<String> {
    let dir = scratch_kb();
    edit(dir.path());
    match compile::compile_dir(dir.path()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .0
            .iter()
            .map(|e| {
                format!(
                    "{}:{}: {}",
                    e.file.strip_prefix(dir.path()).unwrap().display(),
                    e.line,
                    e.message
                )
            })
            .collect(),
    }
}

/// Replaces the first `from` in a file, which must contain it.
/// Runs a compiled KB's rule cases against its own engine, as the build does.
#[allow(dead_code)]
pub fn rule_case_report(compiled: &compile::Compiled) -> compile::RuleCaseReport {
    let bundle = compile::bundle(&compiled.kb).unwrap();
    let engine = deflect::Engine::from_bundle(bundle).unwrap();
    compile::run_rule_cases(&engine, &compiled.rule_cases)
}

pub fn replace_once(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// What makes `value` invalid against the published schema `schema/<file>`.
pub fn schema_errors(file: &str, value: &impl serde::Serialize) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(file);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let json = serde_json::to_value(value).unwrap();
    validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect()
}
