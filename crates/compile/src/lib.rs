//! Deflect's KB compiler: `kb/` files → a validated [`Kb`](deflect_engine::model::Kb) →
//! one bundle (term index written from tantivy's, meaning-expansion and sentence-vector tables, the article
//! classifier) that the engine opens in the browser. Used by `build.rs`, the `deflect`
//! CLI and the tests alike.
//!
//! Every mistake is reported with its file and line, and all mistakes are collected
//! before failing, so an author fixes them in one pass.
//!
//! ```
//! let compiled = deflect_compile::compile_dir("../../kb".as_ref()).expect("valid KB");
//! let engine = deflect_engine::Engine::from_bundle(deflect_compile::bundle(&compiled.kb).unwrap()).unwrap();
//! assert_eq!(engine.search("refund please", "en", 1).unwrap()[0].kind, deflect_engine::search::EntryKind::Article);
//! ```

mod article;
mod bundle;
mod checklist;
mod compact;
pub mod contrast;
mod error;
mod expansion;
mod flow;
mod fragments;
mod gzip;
mod index;
mod kb_dir;
pub mod learned_questions;
mod markdown;
mod matching_cases;
mod matching_tests;
mod parts;
mod rule_cases;
mod rule_meaning;
mod rule_tests;
mod rules;
mod settings;
mod shards;
mod source;
mod synonyms;
mod training;
mod vectors;

pub use article::{CATEGORIES, check_link};
pub use bundle::bundle;
pub use compact::compact_index;
pub use error::{KbError, KbErrors};
pub use fragments::{FRAGMENT_DIR, content_hash, fragment_name, fragments};
pub use gzip::gzip;
pub use index::term_index;
pub use kb_dir::{Compiled, compile_dir};
pub use matching_cases::{
    MatchingCaseReport, bundle_and_check, bundle_and_check_kb, run_matching_cases,
};
pub use matching_tests::{LocatedMatchingCase, MatchingCase};
pub use parts::{PartSize, part_sizes};
pub use rule_cases::{RuleCaseReport, handoff_checklist, run_rule_cases};
pub use rule_tests::{LocatedCase, RuleCase};
pub use shards::{
    SHARD_BYTES, SHARD_DIR, SPLIT_OVER_GZIP, SplitBundle, split_bundle, split_if_large,
};
pub use training::train_classifier;

use std::path::Path;

/// What `build.rs`, `deflect index` and `deflect site` do: compiles `dir`, runs its
/// rule and matching cases and returns the KB with its bundle's bytes, or every mistake
/// and failed case.
pub fn build_checked(dir: &Path) -> Result<(Compiled, Vec<u8>), Vec<String>> {
    let strings = |errors: &[KbError]| errors.iter().map(ToString::to_string).collect();
    let compiled = compile_dir(dir).map_err(|errors| strings(&errors.0))?;
    let (bundle, matching) = bundle_and_check(&compiled)
        .map_err(|e| vec![format!("cannot index the knowledge base: {e}")])?;
    let engine = deflect_engine::Engine::from_bundle(bundle.clone())
        .map_err(|e| vec![format!("cannot open the knowledge base's bundle: {e}")])?;
    let rules = run_rule_cases(&engine, &compiled.rule_cases);
    if !rules.failures.is_empty() {
        return Err(strings(&rules.failures));
    }
    if !matching.failures.is_empty() {
        return Err(strings(&matching.failures));
    }
    let bytes = bundle
        .encode()
        .map_err(|e| vec![format!("cannot write the bundle: {e}")])?;
    Ok((compiled, bytes))
}
