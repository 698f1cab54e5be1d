//! The crate's error type.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more knowledge-base files are malformed.
    #[error("{0}")]
    Kb(KbErrors),
    /// The bytes given to [`crate::Engine::open`] are not a Deflect bundle.
    #[error("not a Deflect knowledge-base bundle")]
    NotABundle,
    /// The bundle was written by a Deflect with another bundle format.
    #[error(
        "bundle format {found} is not supported (this engine reads format {expected}); rebuild the index"
    )]
    BundleFormat { found: u32, expected: u32 },
    /// The bundle's contents could not be decoded.
    #[error("corrupt bundle: {0}")]
    CorruptBundle(String),
    /// The search index failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A flow, step, article or checklist the caller named does not exist.
    #[error("unknown {kind} `{id}`")]
    Unknown { kind: &'static str, id: String },
    /// The call does not fit the conversation's state (e.g. a choice with no flow running).
    #[error("{0}")]
    State(String),
}

/// Crate-wide result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
