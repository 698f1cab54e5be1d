//! Reading source files with a size limit, so a hostile or mistaken multi-gigabyte file
//! is refused instead of filling memory.

use std::fs;
use std::path::{Path, PathBuf};

use super::error::ImportError;

/// The most one article file (Markdown or HTML page) may weigh.
pub const ARTICLE_FILE_LIMIT: u64 = 8 * 1024 * 1024;
/// The most a whole-export file (articles JSON, CSV) may weigh.
pub const EXPORT_FILE_LIMIT: u64 = 256 * 1024 * 1024;

/// The file's text, refused when over `limit` bytes or not UTF-8.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ImportError> {
    let read_error = |source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    };
    let size = fs::metadata(path).map_err(read_error)?.len();
    if size > limit {
        return Err(ImportError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        });
    }
    let bytes = fs::read(path).map_err(read_error)?;
    String::from_utf8(bytes).map_err(|_| ImportError::NotUtf8 {
        path: path.to_path_buf(),
    })
}

/// Files below `dir` whose extension is one of `extensions`, in a stable order; hidden
/// files and folders are skipped.
pub fn files_below(dir: &Path, extensions: &[&str]) -> Result<Vec<PathBuf>, ImportError> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(folder) = todo.pop() {
        let entries = fs::read_dir(&folder).map_err(|source| ImportError::Read {
            path: folder.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else if has_extension(&path, extensions) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether the file name ends with one of `extensions` (case-insensitive).
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| extensions.contains(&e.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_and_binary_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.md");
        fs::write(&big, "x".repeat(100)).unwrap();
        assert!(matches!(
            read_text(&big, 99),
            Err(ImportError::TooLarge { size: 100, .. })
        ));
        assert_eq!(read_text(&big, 100).unwrap().len(), 100);
        let binary = dir.path().join("b.md");
        fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
        assert!(matches!(
            read_text(&binary, 99),
            Err(ImportError::NotUtf8 { .. })
        ));
    }
}
