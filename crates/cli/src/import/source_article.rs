//! One article as read from a help-centre export, before it becomes a KB file: the same
//! shape whatever the export's format.

/// An article of the export, with what the KB needs from it.
#[derive(Debug, Clone, Default)]
pub struct SourceArticle {
    /// Names the article across re-imports (a relative path, or the format and its id).
    pub key: String,
    /// The export's own id (Zendesk's numeric id), kept for linking.
    pub source_id: Option<String>,
    pub title: String,
    /// The body as HTML (Markdown bodies are rendered first, so one converter cleans all).
    pub html: String,
    /// Where the article lives on the help centre, shown as "open in a new tab".
    pub url: Option<String>,
    /// The export's locale (`en-us`, `es`), turned into a supported language later.
    pub lang: Option<String>,
    /// Section, category, folder names and labels: they become tags, and the first
    /// that names a KB category becomes the category.
    pub groups: Vec<String>,
    /// Every address other articles may link to this one by (URLs, relative paths).
    pub addresses: Vec<String>,
    /// Example questions the export wrote itself (a CSV FAQ's question).
    pub questions: Vec<String>,
}
