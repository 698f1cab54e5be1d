//! `.import-manifest.json` in the KB folder: which article file each source article
//! became, and the hash of what was written, so a re-import keeps ids, rewrites only
//! what changed, and removes only files the import created.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::ImportError;

pub const FILE_NAME: &str = ".import-manifest.json";

/// Every imported article, by its source key.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub articles: BTreeMap<String, Entry>,
}

/// One imported article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    /// Relative to the KB folder, `/`-separated.
    pub file: String,
    /// SHA-256 of the file as the import wrote it.
    pub hash: String,
}

impl Manifest {
    /// The manifest of `kb`, empty when there was no import yet.
    pub fn load(kb: &Path) -> Result<Manifest, ImportError> {
        let path = kb.join(FILE_NAME);
        if !path.exists() {
            return Ok(Manifest::default());
        }
        let text = fs::read_to_string(&path).map_err(|source| ImportError::Read {
            path: path.clone(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| ImportError::Manifest {
            path,
            message: e.to_string(),
        })
    }

    pub fn save(&self, kb: &Path) -> Result<(), ImportError> {
        let path = kb.join(FILE_NAME);
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        fs::write(&path, text + "\n").map_err(|source| ImportError::Write { path, source })
    }

    /// Source key → id, for keeping ids stable.
    pub fn ids(&self) -> BTreeMap<String, String> {
        self.articles
            .iter()
            .map(|(k, e)| (k.clone(), e.id.clone()))
            .collect()
    }
}

pub fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
