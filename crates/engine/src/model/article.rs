use serde::{Deserialize, Serialize};

/// A help article, with the questions customers ask that it answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub category: String,
    pub tags: Vec<String>,
    /// Example customer questions; the matcher's strongest signal.
    pub questions: Vec<String>,
    pub keywords: Vec<String>,
    /// Checklist to fill in when a conversation about this article is handed off.
    pub issue_type: Option<String>,
    /// Flow offered next to this article.
    pub flow: Option<String>,
    pub url: Option<String>,
    pub lang: String,
    /// Body rendered from Markdown and sanitised at build time. Not in the bundle: the
    /// site writes it as its own file, which the browser fetches only when the article
    /// is opened, so a visitor never downloads every body of a large help centre.
    #[serde(skip)]
    pub html: String,
    /// The body's file name among the site's article fragments: content-hashed, so a
    /// fetched body can be cached for good and an edited body gets a new name.
    pub fragment: String,
    /// Body as plain text, for indexing only; not shipped to the browser.
    #[serde(skip)]
    pub body_text: String,
}
