//! The browser engine links the Snowball stemmers of one KB's languages only
//! (`deflect-engine`'s language features): `deflect languages` names them for its build
//! (scripts/lib.sh `build_site`), which records them beside the engine in
//! [`LANGUAGES_FILE`], and `deflect site` refuses a KB that needs a language the engine
//! it would ship was built without, rather than a widget that fails in the browser.

use std::path::Path;

use deflect_engine::model::Kb;

/// Beside wasm-bindgen's output: the languages the engine was built with, space-separated.
pub const LANGUAGES_FILE: &str = "languages";

/// The KB's languages, space-separated, English first where it has it.
pub fn of(kb: &Kb) -> String {
    let mut languages: Vec<&str> = kb.languages().into_iter().collect();
    languages.sort_by_key(|l| (*l != "en", *l));
    languages.join(" ")
}

/// Refuses when `engine_dir` records the engine's languages and one of `kb`'s is not
/// among them; an engine without the record (built by hand) is not checked.
pub fn check(kb: &Kb, engine_dir: &Path) -> Result<(), String> {
    let Ok(built) = std::fs::read_to_string(engine_dir.join(LANGUAGES_FILE)) else {
        return Ok(());
    };
    let built: Vec<&str> = built.split_whitespace().collect();
    let missing: Vec<&str> = kb
        .languages()
        .into_iter()
        .filter(|l| !built.contains(l))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the engine in {} was built for {} only, and this KB is also written in {}: rebuild it for this KB's languages (`deflect languages --kb …` gives them; scripts/lib.sh build_site does it)",
        engine_dir.display(),
        built.join(", "),
        missing.join(", ")
    ))
}
