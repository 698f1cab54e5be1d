//! Readers of the four export formats, each giving [`SourceArticle`]s.

pub mod csv_faq;
pub mod html_folder;
pub mod markdown_folder;
pub mod zendesk;

use std::path::Path;

use pulldown_cmark::{Options, Parser, html};

use super::error::ImportError;
use super::read_limited::has_extension;
use super::source_article::SourceArticle;

/// The formats `deflect import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A folder of Markdown files with YAML (`---`) or TOML (`+++`) front matter.
    Markdown,
    /// A Zendesk Guide `articles.json` (`{"articles": [...]}`).
    Zendesk,
    /// A folder of HTML pages.
    Html,
    /// A CSV FAQ with a `question,answer` header.
    Csv,
}

impl Format {
    /// The format of `source` told from its name, or for a folder from which of
    /// Markdown or HTML files it holds more.
    pub fn detect(source: &Path) -> Result<Format, ImportError> {
        let unknown = || ImportError::UnknownFormat {
            path: source.to_path_buf(),
        };
        if !source.is_dir() {
            return match () {
                _ if has_extension(source, &["json"]) => Ok(Format::Zendesk),
                _ if has_extension(source, &["csv"]) => Ok(Format::Csv),
                _ => Err(unknown()),
            };
        }
        let markdown = super::read_limited::files_below(source, markdown_folder::EXTENSIONS)?.len();
        let html = super::read_limited::files_below(source, html_folder::EXTENSIONS)?.len();
        match (markdown, html) {
            (0, 0) => Err(unknown()),
            (m, h) if m >= h => Ok(Format::Markdown),
            _ => Ok(Format::Html),
        }
    }

    /// Every article of the export at `source`.
    pub fn read(self, source: &Path) -> Result<Vec<SourceArticle>, Vec<ImportError>> {
        match self {
            Format::Markdown => markdown_folder::read(source),
            Format::Zendesk => zendesk::read(source).map_err(|e| vec![e]),
            Format::Html => html_folder::read(source),
            Format::Csv => csv_faq::read(source).map_err(|e| vec![e]),
        }
    }
}

/// Markdown (with any HTML in it) rendered to HTML, so one converter cleans every format.
pub fn markdown_to_html(markdown: &str) -> String {
    let mut out = String::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

/// `path` relative to `root`, with `/` separators: the stable key of a file's article.
pub fn relative_key(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The folder names between `root` and the file: the sections it was filed under.
pub fn folder_groups(root: &Path, path: &Path) -> Vec<String> {
    let key = relative_key(root, path);
    let mut parts: Vec<String> = key.split('/').map(str::to_string).collect();
    parts.pop();
    parts.retain(|p| !p.eq_ignore_ascii_case("content") && !p.eq_ignore_ascii_case("docs"));
    parts
}

/// Collects every file's result, so all mistakes are reported at once.
pub fn collect(
    results: Vec<Result<Option<SourceArticle>, ImportError>>,
) -> Result<Vec<SourceArticle>, Vec<ImportError>> {
    let mut articles = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(Some(a)) => articles.push(a),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(articles)
    } else {
        Err(errors)
    }
}
