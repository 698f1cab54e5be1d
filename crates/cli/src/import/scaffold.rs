//! A new KB folder gets the files the compiler requires besides articles, so
//! `deflect check --kb <DIR>` works right after the first import.

use std::fs;
use std::path::Path;

use super::error::ImportError;

/// Writes `settings.toml`, `rules.toml` and `checklists.toml` when `kb` has no
/// `settings.toml`; an existing KB is left as it is.
pub fn ensure_kb(kb: &Path, default_lang: &str) -> Result<(), ImportError> {
    if kb.join("settings.toml").exists() {
        return Ok(());
    }
    let settings = format!(
        "# Written by `deflect import`: change the brand, greeting and endpoint.\n\
         brand_name = \"Help centre\"\n\
         greeting = \"Hi! Ask me anything about our products.\"\n\
         brand_color = \"#4f46e5\"\n\
         response_time = \"within 24 hours\"\n\
         ticket_endpoint = \"/api/tickets\"\n\
         default_lang = \"{default_lang}\"\n"
    );
    let files = [
        ("settings.toml", settings.as_str()),
        (
            "rules.toml",
            "# Escalation rules (docs/kb-format.md, \"Rules\").\n\n[routing]\nescalation_queue = \"urgent\"\ndefault_queue = \"support\"\n",
        ),
        (
            "checklists.toml",
            "# What to ask when a conversation is handed to a person.\n",
        ),
    ];
    for folder in ["articles", "flows"] {
        fs::create_dir_all(kb.join(folder)).map_err(|source| ImportError::Write {
            path: kb.join(folder),
            source,
        })?;
    }
    for (name, text) in files {
        let path = kb.join(name);
        fs::write(&path, text).map_err(|source| ImportError::Write { path, source })?;
    }
    Ok(())
}
