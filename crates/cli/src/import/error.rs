//! What can stop an import, each located by file (and line where there is one), so an
//! author can fix the export and run again.

use std::path::PathBuf;

/// A reason the import cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file or folder could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file is bigger than any help-centre export file should be (hostile or wrong file).
    #[error("{path}: {size} bytes is over the {limit}-byte limit for one file")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    /// A file is not UTF-8 text.
    #[error("{path}: is not UTF-8 text: save it as UTF-8")]
    NotUtf8 { path: PathBuf },
    /// Front matter that is not valid YAML or TOML, or has a field of the wrong type.
    #[error("{path}:{line}: front matter: {message}")]
    FrontMatter {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// An articles JSON file that does not parse or lacks what an article needs.
    #[error("{path}:{line}: {message}")]
    Json {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A CSV row that cannot be read, or a header without `question,answer`.
    #[error("{path}:{line}: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// The format could not be told from the source's name or contents.
    #[error("{path}: cannot tell the format; pass --format markdown, zendesk, html or csv")]
    UnknownFormat { path: PathBuf },
    /// `--lang` names a language the engine has no analyser for.
    #[error("--lang `{0}` is not a language Deflect supports")]
    UnsupportedLang(String),
    /// The manifest of an earlier import is not one this command wrote.
    #[error(
        "{path}: not a manifest of `deflect import` ({message}); move it away to import afresh"
    )]
    Manifest { path: PathBuf, message: String },
    /// Writing or removing a file of the KB failed.
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Every mistake found in the source, one per line, so they can all be fixed at once.
#[derive(Debug)]
pub struct ImportErrors(pub Vec<ImportError>);

impl std::fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        write!(f, "{}", lines.join("\n"))
    }
}

impl From<ImportError> for ImportErrors {
    fn from(e: ImportError) -> Self {
        ImportErrors(vec![e])
    }
}
