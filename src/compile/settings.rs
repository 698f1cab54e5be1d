//! `kb/settings.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::source::Source;
use crate::error::KbError;
use crate::model::{Settings, Translation};

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
    if !crate::analysis::is_supported(raw.default_lang.get_ref()) {
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
        if !crate::analysis::is_supported(lang.get_ref()) {
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

/// Text contrast WCAG 2.1 AA asks for (1.4.3), and for controls against their
/// background (1.4.11).
const TEXT_CONTRAST: f64 = 4.5;
const CONTROL_CONTRAST: f64 = 3.0;
/// The widget writes on the brand colour in white or in this near-black, whichever
/// contrasts more (`www/widget.js`, `www/deflect.js`).
const DARK_INK: &str = "#111111";

/// WCAG 2.1 relative luminance of a `#rrggbb` colour.
pub fn relative_luminance(hex: &str) -> Option<f64> {
    let digits = hex.strip_prefix('#').filter(|d| d.len() == 6)?;
    let channel = |i: usize| -> Option<f64> {
        let v = f64::from(u8::from_str_radix(digits.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

/// WCAG 2.1 contrast ratio of two `#rrggbb` colours (1 to 21).
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (relative_luminance(a)?, relative_luminance(b)?);
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

/// Why `brand_color` would fail WCAG 2.1 AA in the widget, one line per problem
/// (empty when it holds). Reported as build warnings: a creator's brand is theirs to
/// choose, but they should know when visitors will struggle to read it.
pub fn brand_color_warnings(color: &str) -> Vec<String> {
    let (Some(on_white), Some(on_dark)) = (
        contrast_ratio(color, "#ffffff"),
        contrast_ratio(color, DARK_INK),
    ) else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    let ink = on_white.max(on_dark);
    if ink < TEXT_CONTRAST {
        warnings.push(format!(
            "brand_color {color}: text on it reaches only {ink:.2}:1 contrast in white or black \
             (WCAG AA needs {TEXT_CONTRAST}:1); the chat header and send button will be hard to read"
        ));
    }
    if on_white < CONTROL_CONTRAST {
        warnings.push(format!(
            "brand_color {color}: the launcher button has {on_white:.2}:1 contrast on a white page \
             (WCAG AA needs {CONTROL_CONTRAST}:1 for controls); pick a darker colour"
        ));
    }
    warnings
}

#[cfg(test)]
mod contrast_tests {
    use super::*;

    #[test]
    fn contrast_ratios_match_the_wcag_reference_values() {
        assert!((contrast_ratio("#000000", "#ffffff").unwrap() - 21.0).abs() < 1e-9);
        assert!((contrast_ratio("#777777", "#ffffff").unwrap() - 4.48).abs() < 0.01);
        assert_eq!(
            contrast_ratio("#4f46e5", "#ffffff"),
            contrast_ratio("#ffffff", "#4f46e5")
        );
        assert_eq!(relative_luminance("4f46e5"), None);
        assert_eq!(relative_luminance("#4f46e"), None);
    }

    #[test]
    fn the_sample_indigo_brand_colour_passes_without_warnings() {
        assert!(brand_color_warnings("#4f46e5").is_empty());
        assert!(brand_color_warnings("#1d4ed8").is_empty());
    }

    #[test]
    fn a_pale_brand_colour_warns_that_the_launcher_disappears_on_white() {
        let warnings = brand_color_warnings("#ffeb3b");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("launcher"), "{warnings:?}");
    }

    #[test]
    fn a_mid_tone_brand_colour_warns_that_its_text_is_hard_to_read() {
        // Sea green, luminance ~0.2: white reaches 4.25:1 and black 4.45:1, both short.
        let warnings = brand_color_warnings("#2e8b57");
        assert!(
            warnings.iter().any(|w| w.contains("hard to read")),
            "{warnings:?}"
        );
    }
}
