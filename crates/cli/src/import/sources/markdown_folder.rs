//! A folder of Markdown files with YAML or TOML front matter (Jekyll, Hugo,
//! Docusaurus, a hosted help centre's git export). Folder names are sections.

use std::path::Path;

use super::super::error::ImportError;
use super::super::front_matter;
use super::super::read_limited::{ARTICLE_FILE_LIMIT, files_below, read_text};
use super::super::source_article::SourceArticle;
use super::{collect, folder_groups, markdown_to_html, relative_key};

pub const EXTENSIONS: &[&str] = &["md", "markdown", "mdx"];

/// Files that describe the export rather than being articles of it.
const NOT_ARTICLES: &[&str] = &["readme", "license", "licence", "changelog", "contributing"];

pub fn read(root: &Path) -> Result<Vec<SourceArticle>, Vec<ImportError>> {
    let files = files_below(root, EXTENSIONS).map_err(|e| vec![e])?;
    let results = files
        .iter()
        .filter(|path| !is_about_the_export(path))
        .map(|path| read_file(root, path))
        .collect();
    collect(results)
}

fn is_about_the_export(path: &Path) -> bool {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_lowercase());
    stem.is_some_and(|s| NOT_ARTICLES.contains(&s.as_str()))
}

/// One file's article; `None` when it has neither a title nor a `# heading`.
fn read_file(root: &Path, path: &Path) -> Result<Option<SourceArticle>, ImportError> {
    let text = read_text(path, ARTICLE_FILE_LIMIT)?;
    let (fm, body) = front_matter::split(path, &text)?;
    let title = match &fm.title {
        Some(t) => t.to_string(),
        None => match first_heading(&body) {
            Some(h) => h,
            None => return Ok(None),
        },
    };
    let url = fm.url.clone().or(fm.permalink.clone());
    let mut groups = folder_groups(root, path);
    groups.extend(fm.section.clone());
    groups.extend(fm.categories.to_strings());
    groups.extend(fm.tags.to_strings());
    groups.extend(fm.labels.to_strings());
    Ok(Some(SourceArticle {
        key: relative_key(root, path),
        source_id: fm.id.as_ref().map(ToString::to_string),
        title: title.trim().to_string(),
        html: markdown_to_html(&body),
        addresses: url.iter().cloned().collect(),
        url,
        lang: fm.lang.or(fm.locale).or(fm.language),
        groups,
        questions: Vec::new(),
    }))
}

/// The text of the first `# ` heading: Docusaurus's title when front matter has none.
fn first_heading(body: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}
