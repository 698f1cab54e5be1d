use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Widget settings from `kb/settings.toml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Settings {
    pub brand_name: String,
    pub greeting: String,
    /// `#rrggbb`.
    pub brand_color: String,
    /// Shown to the visitor on handoff, e.g. "within 24 hours".
    pub response_time: String,
    /// Where tickets are posted unless the embed tag says otherwise.
    pub ticket_endpoint: String,
    pub default_lang: String,
    /// Below this confidence (the chance that the top answer is right) the widget says
    /// it is not sure.
    pub confident_threshold: f32,
    /// The visitor-facing texts in other languages, by language code (`[languages.es]`).
    #[serde(default)]
    pub languages: BTreeMap<String, Translation>,
}

/// A language's own greeting and response time; what is missing falls back to the
/// default language's.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Translation {
    pub greeting: Option<String>,
    pub response_time: Option<String>,
}

impl Settings {
    /// The response time promised to a visitor reading `lang`.
    pub fn response_time_in(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .and_then(|t| t.response_time.as_deref())
            .unwrap_or(&self.response_time)
    }
}
