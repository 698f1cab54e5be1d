//! A folder of HTML pages (a crawled or saved help centre): the title from `<title>` or
//! `<h1>`, the body from `<main>`, `<article>` or `<body>`, folders as sections.

use std::path::Path;

use super::super::convert::page_title_and_lang;
use super::super::error::ImportError;
use super::super::read_limited::{ARTICLE_FILE_LIMIT, files_below, read_text};
use super::super::source_article::SourceArticle;
use super::{collect, folder_groups, relative_key};

pub const EXTENSIONS: &[&str] = &["html", "htm"];

pub fn read(root: &Path) -> Result<Vec<SourceArticle>, Vec<ImportError>> {
    let files = files_below(root, EXTENSIONS).map_err(|e| vec![e])?;
    collect(files.iter().map(|path| read_page(root, path)).collect())
}

/// One page's article; `None` for a page without a title.
fn read_page(root: &Path, path: &Path) -> Result<Option<SourceArticle>, ImportError> {
    let html = read_text(path, ARTICLE_FILE_LIMIT)?;
    let (title, lang) = page_title_and_lang(&html);
    let Some(title) = title else {
        return Ok(None);
    };
    Ok(Some(SourceArticle {
        key: relative_key(root, path),
        title,
        html,
        lang,
        groups: folder_groups(root, path),
        ..SourceArticle::default()
    }))
}
