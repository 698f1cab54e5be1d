//! Zendesk Guide's articles API (`GET /api/v2/help_center/articles.json`): a JSON object
//! with an `articles` array of `{id, title, body, html_url, label_names, section_id,
//! locale, draft}`.

use std::path::Path;

use serde::Deserialize;

use super::super::error::ImportError;
use super::super::front_matter::Scalar;
use super::super::read_limited::{EXPORT_FILE_LIMIT, read_text};
use super::super::source_article::SourceArticle;

#[derive(Deserialize)]
struct Export {
    articles: Vec<Article>,
}

#[derive(Deserialize)]
struct Article {
    id: Scalar,
    title: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    label_names: Vec<String>,
    #[serde(default)]
    section_id: Option<Scalar>,
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    draft: bool,
}

pub fn read(path: &Path) -> Result<Vec<SourceArticle>, ImportError> {
    let text = read_text(path, EXPORT_FILE_LIMIT)?;
    let export: Export = serde_json::from_str(&text).map_err(|e| ImportError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        message: format!("not a Zendesk articles export: {e}"),
    })?;
    Ok(export
        .articles
        .into_iter()
        .filter(|a| !a.draft)
        .map(|a| SourceArticle {
            key: format!("zendesk/{}", a.id),
            source_id: Some(a.id.to_string()),
            title: a.title.trim().to_string(),
            html: a.body.unwrap_or_default(),
            addresses: a.html_url.iter().cloned().collect(),
            url: a.html_url,
            lang: a.locale,
            groups: a
                .section_id
                .map(|s| format!("section-{s}"))
                .into_iter()
                .chain(a.label_names)
                .collect(),
            questions: Vec::new(),
        })
        .collect())
}
