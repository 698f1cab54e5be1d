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
    /// Below this confidence the widget says it is not sure.
    pub confident_threshold: f32,
}
