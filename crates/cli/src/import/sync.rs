//! Writing the planned article files into the KB: new ones written, changed ones
//! rewritten, unchanged ones left alone (their mtime too), files an author edited
//! since the import kept, and files whose source disappeared removed.

use std::fs;
use std::path::Path;

use super::error::ImportError;
use super::manifest::{Entry, Manifest, hash};

/// One article file the import wants in the KB.
pub struct Planned {
    pub key: String,
    pub id: String,
    /// Relative to the KB folder, `/`-separated.
    pub file: String,
    pub text: String,
}

/// What a run did, for the summary line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub imported: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Files an author edited since the last import, left as they are.
    pub kept_edited: Vec<String>,
}

/// Brings `kb`'s imported files in line with `planned`; returns what it did and the
/// new manifest.
pub fn apply(
    kb: &Path,
    planned: &[Planned],
    old: &Manifest,
) -> Result<(Summary, Manifest), ImportError> {
    let mut summary = Summary::default();
    let mut manifest = Manifest::default();
    for plan in planned {
        let new_hash = hash(&plan.text);
        let path = kb.join(&plan.file);
        let on_disk = fs::read_to_string(&path).ok().map(|t| hash(&t));
        let entry = Entry {
            id: plan.id.clone(),
            file: plan.file.clone(),
            hash: new_hash.clone(),
        };
        match old.articles.get(&plan.key) {
            Some(before)
                if on_disk.as_ref().is_some_and(|h| *h != before.hash)
                    && before.file == plan.file =>
            {
                summary.kept_edited.push(plan.file.clone());
                manifest.articles.insert(plan.key.clone(), before.clone());
                continue;
            }
            Some(before) if before.hash == new_hash && on_disk.as_ref() == Some(&new_hash) => {
                summary.unchanged += 1;
            }
            Some(_) => {
                write(&path, &plan.text)?;
                summary.updated += 1;
            }
            None => {
                write(&path, &plan.text)?;
                summary.imported += 1;
            }
        }
        manifest.articles.insert(plan.key.clone(), entry);
    }
    for (key, before) in &old.articles {
        if !manifest.articles.contains_key(key) {
            summary.removed += remove_if_untouched(&kb.join(&before.file), &before.hash)?;
        }
    }
    Ok((summary, manifest))
}

fn write(path: &Path, text: &str) -> Result<(), ImportError> {
    let write_error = |source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(write_error)?;
    }
    fs::write(path, text).map_err(write_error)
}

/// Removes a file the import wrote, unless an author changed it since; 1 if removed.
fn remove_if_untouched(path: &Path, written_hash: &str) -> Result<usize, ImportError> {
    match fs::read_to_string(path) {
        Ok(text) if hash(&text) == written_hash => {
            fs::remove_file(path).map_err(|source| ImportError::Write {
                path: path.to_path_buf(),
                source,
            })?;
            Ok(1)
        }
        _ => Ok(0),
    }
}
