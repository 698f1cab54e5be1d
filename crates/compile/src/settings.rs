//! `kb/settings.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::source::Source;
use crate::error::KbError;
use deflect_engine::model::{Settings, Translation};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    brand_name: String,
    greeting: String,
    brand_color: Spanned<String>,
    response_time: String,
    ticket_endpoint: String,
    #[serde(default = "default_lang")]
    default_lang: Spanned<String>,
    #[serde(default = "default_threshold")]
    confident_threshold: Spanned<f32>,
    #[serde(default)]
    languages: BTreeMap<Spanned<String>, RawTranslation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranslation {
    greeting: Option<String>,
    response_time: Option<String>,
}

fn default_lang() -> Spanned<String> {
    Spanned::new(0..0, "en".to_string())
}

fn default_threshold() -> Spanned<f32> {
    Spanned::new(0..0, 0.5)
}

pub fn parse(source: &Source, errors: &mut Vec<KbError>) -> Option<Settings> {
    let raw: RawSettings = source.parse_toml().map_err(|e| errors.push(e)).ok()?;
    let color = raw.brand_color.get_ref();
    let is_hex = color.len() == 7
        && color.starts_with('#')
        && color[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if !is_hex {
        errors.push(source.error_at(
            Some(raw.brand_color.span()),
            format!("brand_color must look like #4f46e5, not `{color}`"),
        ));
    }
    let threshold = *raw.confident_threshold.get_ref();
    if !(0.0..=1.0).contains(&threshold) {
        errors.push(source.error_at(
            Some(raw.confident_threshold.span()),
            "confident_threshold must be between 0 and 1",
        ));
    }
    if !deflect_engine::analysis::is_supported(raw.default_lang.get_ref()) {
        errors.push(source.error_at(
            Some(raw.default_lang.span()),
            format!(
                "default_lang `{}` is not a supported language",
                raw.default_lang.get_ref()
            ),
        ));
    }
    let mut languages = BTreeMap::new();
    for (lang, raw) in raw.languages {
        if !deflect_engine::analysis::is_supported(lang.get_ref()) {
            errors.push(source.error_at(
                Some(lang.span()),
                format!("[languages.{}]: not a supported language", lang.get_ref()),
            ));
        }
        let translation = Translation {
            greeting: raw.greeting,
            response_time: raw.response_time,
        };
        languages.insert(lang.into_inner(), translation);
    }
    Some(Settings {
        brand_name: raw.brand_name,
        greeting: raw.greeting,
        brand_color: color.to_lowercase(),
        response_time: raw.response_time,
        ticket_endpoint: raw.ticket_endpoint,
        default_lang: raw.default_lang.into_inner(),
        confident_threshold: threshold,
        languages,
    })
}
