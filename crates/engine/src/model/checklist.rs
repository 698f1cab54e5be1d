use serde::{Deserialize, Serialize};

/// "What to ask next" for one issue type: the details a human needs to act.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Checklist {
    pub id: String,
    pub title: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Field {
    pub id: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Allowed answers of a `choice` field.
    pub options: Vec<String>,
    pub prefill: Option<Prefill>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Email,
    Url,
    Choice,
}

/// What the widget may fill in for the visitor from the browser.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Prefill {
    /// The browser's user agent.
    Browser,
    /// The URL of the page the visitor is on.
    Page,
}
