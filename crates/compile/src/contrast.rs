//! WCAG 2.1 contrast of the brand colour: `deflect site` warns when text on it, or the
//! launcher on a white page, would be hard to see. The widget's JS does the same maths
//! (`www/widget/contrast.js`); both pass `tests/vectors/contrast.json`.

/// Text contrast WCAG 2.1 AA asks for (1.4.3), and for controls against their
/// background (1.4.11).
const TEXT_CONTRAST: f64 = 4.5;
const CONTROL_CONTRAST: f64 = 3.0;
/// The widget writes on the brand colour in white or in this near-black, whichever
/// contrasts more (`www/widget/contrast.js`, shared by the widget and the loader).
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

/// The ink the widget writes on `color` with: white, or [`DARK_INK`] where that
/// contrasts more.
pub fn ink_on(color: &str) -> Option<String> {
    let on_white = contrast_ratio(color, "#ffffff")?;
    let on_dark = contrast_ratio(color, DARK_INK)?;
    Some(
        if on_white >= on_dark {
            "#ffffff"
        } else {
            DARK_INK
        }
        .to_string(),
    )
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
mod tests {
    use super::*;

    /// `tests/vectors/contrast.json`: the cases the widget's and the loader's contrast
    /// code (`www/widget/contrast.js`) pass too.
    #[derive(serde::Deserialize)]
    struct Vectors {
        ratio: Vec<RatioCase>,
        ink: Vec<InkCase>,
    }
    #[derive(serde::Deserialize)]
    struct RatioCase {
        a: String,
        b: String,
        ratio: f64,
    }
    #[derive(serde::Deserialize)]
    struct InkCase {
        on: String,
        ink: String,
    }

    #[test]
    fn the_shared_contrast_vectors_pass() {
        let text = include_str!("../../../tests/vectors/contrast.json");
        let vectors: Vectors = serde_json::from_str(text).expect("contrast.json");
        assert!(vectors.ratio.len() >= 20 && vectors.ink.len() >= 10);
        for case in &vectors.ratio {
            let got = contrast_ratio(&case.a, &case.b).expect("#rrggbb colours");
            assert!(
                (got - case.ratio).abs() <= 0.005 + 1e-9,
                "{} on {}: {got:.4}, expected {}",
                case.a,
                case.b,
                case.ratio
            );
        }
        for case in &vectors.ink {
            assert_eq!(
                ink_on(&case.on).as_deref(),
                Some(case.ink.as_str()),
                "ink on {}",
                case.on
            );
        }
    }

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
