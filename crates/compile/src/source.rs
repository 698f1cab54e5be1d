//! A KB source file in memory, and how to turn byte offsets into line numbers so every
//! error names the line to fix.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::KbError;

/// One file of `kb/`, read whole.
pub struct Source {
    /// Path as the author knows it (relative to the working directory when possible).
    pub path: PathBuf,
    pub text: String,
    /// Lines that come before `text` in the file (front matter starts after `+++`).
    pub line_offset: usize,
}

impl Source {
    pub fn new(path: &Path, text: String) -> Self {
        Source {
            path: path.to_path_buf(),
            text,
            line_offset: 0,
        }
    }

    /// 1-based line of a byte offset into `text`.
    pub fn line_at(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.line_offset
            + self.text.as_bytes()[..end]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
            + 1
    }

    /// An error at a byte span of `text` (the whole file when unknown).
    pub fn error_at(&self, span: Option<Range<usize>>, message: impl Into<String>) -> KbError {
        let line = span
            .map(|s| self.line_at(s.start))
            .unwrap_or(self.line_offset + 1);
        KbError {
            file: self.path.clone(),
            line,
            message: message.into(),
        }
    }

    /// Parses `text` as TOML into `T`, with toml's own message located by line.
    pub fn parse_toml<T: serde::de::DeserializeOwned>(&self) -> Result<T, KbError> {
        toml::from_str(&self.text).map_err(|e| {
            let message = e.message().trim().to_string();
            self.error_at(e.span(), message)
        })
    }
}

/// Whether an id is made of lowercase letters, digits and dashes.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}
