//! `kb/synonyms.toml` (optional): the support vocabulary customers use for the same
//! thing ("log in" / "sign in" / "login"), per language. A question that says one
//! phrase of a group also searches the others, at a discount.

use std::collections::BTreeMap;

use toml::Spanned;

use super::source::Source;
use crate::error::KbError;
use deflect_engine::model::SynonymGroup;

/// Language code → groups of phrases.
type RawSynonyms = BTreeMap<Spanned<String>, Vec<Spanned<Vec<Spanned<String>>>>>;

pub fn parse(source: &Source, errors: &mut Vec<KbError>) -> Vec<SynonymGroup> {
    let Ok(raw) = source
        .parse_toml::<RawSynonyms>()
        .map_err(|e| errors.push(e))
    else {
        return Vec::new();
    };
    let mut groups = Vec::new();
    for (lang, lang_groups) in raw {
        if !deflect_engine::analysis::is_supported(lang.get_ref()) {
            errors.push(source.error_at(
                Some(lang.span()),
                format!("`{}` is not a supported language", lang.get_ref()),
            ));
            continue;
        }
        let mut analyzer = deflect_engine::analysis::analyzer(lang.get_ref());
        for group in lang_groups {
            let mut phrases = Vec::new();
            for phrase in group.get_ref() {
                let terms = deflect_engine::analysis::terms(
                    &mut analyzer,
                    phrase.get_ref(),
                    lang.get_ref(),
                );
                if terms.is_empty() {
                    errors.push(source.error_at(
                        Some(phrase.span()),
                        format!(
                            "\"{}\" has no searchable word (only common words like \"the\" or \"to\")",
                            phrase.get_ref()
                        ),
                    ));
                } else {
                    phrases.push(phrase.get_ref().trim().to_string());
                }
            }
            if group.get_ref().len() < 2 {
                errors.push(source.error_at(
                    Some(group.span()),
                    "a synonym group needs at least two phrases",
                ));
            }
            groups.push(SynonymGroup {
                lang: lang.get_ref().clone(),
                phrases,
            });
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (Vec<SynonymGroup>, Vec<KbError>) {
        let mut errors = Vec::new();
        let source = Source::new(std::path::Path::new("kb/synonyms.toml"), text.to_string());
        (parse(&source, &mut errors), errors)
    }

    #[test]
    fn groups_are_read_per_language() {
        let (groups, errors) = parse_text(
            "en = [[\"log in\", \"sign in\"], [\"refund\", \"money back\"]]\nes = [[\"contraseña\", \"clave\"]]\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0].lang, "en");
        assert_eq!(groups[2].phrases, ["contraseña", "clave"]);
    }

    #[test]
    fn mistakes_are_reported_on_their_line() {
        let (_, errors) = parse_text(
            "en = [\n  [\"refund\"],\n  [\"to the\", \"login\"],\n]\nxx = [[\"a b\", \"c d\"]]\n",
        );
        let lines: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0].0, 2);
        assert!(lines[0].1.contains("at least two"), "{lines:?}");
        assert_eq!(lines[1].0, 3);
        assert!(lines[1].1.contains("no searchable word"), "{lines:?}");
        assert_eq!(lines[2].0, 5);
        assert!(lines[2].1.contains("not a supported language"), "{lines:?}");
    }
}
