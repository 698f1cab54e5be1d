//! Mistakes in KB files, located by file and line.

use std::fmt;
use std::path::PathBuf;

/// A mistake in one knowledge-base file, located by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbError {
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for KbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// All the mistakes found in a knowledge base, so an author can fix them in one go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KbErrors(pub Vec<KbError>);

impl fmt::Display for KbErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for KbErrors {}
