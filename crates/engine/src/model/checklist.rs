use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// "What to ask next" for one issue type: the details a human needs to act.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Checklist {
    pub id: String,
    pub title: String,
    pub fields: Vec<Field>,
    /// The title and labels in other languages (`[billing.languages.es]`); what is
    /// missing falls back to the default language's.
    #[serde(default)]
    pub languages: BTreeMap<String, ChecklistTranslation>,
}

/// A checklist's visitor-facing texts in one language.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChecklistTranslation {
    pub title: Option<String>,
    /// Field id → label.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl Checklist {
    /// Answers as one line for the transcript and the flow path ("Order number: BA-1;
    /// How did you pay?: Card"), labelled in this checklist's language.
    pub fn summary(&self, answers: &BTreeMap<String, String>) -> String {
        answers
            .iter()
            .map(|(id, answer)| {
                let label = self
                    .fields
                    .iter()
                    .find(|f| f.id == *id)
                    .map_or(id.as_str(), |f| f.label.as_str());
                format!("{label}: {answer}")
            })
            .collect::<Vec<String>>()
            .join("; ")
    }

    /// The checklist as a visitor reading `lang` sees it.
    pub fn in_lang(&self, lang: &str) -> Checklist {
        let Some(translation) = self.languages.get(lang) else {
            return Checklist {
                languages: BTreeMap::new(),
                ..self.clone()
            };
        };
        Checklist {
            id: self.id.clone(),
            title: translation
                .title
                .clone()
                .unwrap_or_else(|| self.title.clone()),
            fields: self
                .fields
                .iter()
                .map(|f| Field {
                    label: translation.labels.get(&f.id).unwrap_or(&f.label).clone(),
                    ..f.clone()
                })
                .collect(),
            languages: BTreeMap::new(),
        }
    }
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
    /// An order or invoice number: letters, digits and `-`, `_`, `/`, `#`, `.`.
    Order,
    /// The last four digits of a card: never more, so a full number is never asked.
    Last4,
    /// An image the visitor attaches (PNG, JPEG or WebP), stored by the inbox; the
    /// answer is the attachment's reference.
    Screenshot,
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
