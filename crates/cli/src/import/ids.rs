//! Article ids from titles, kept stable across re-imports: an article the manifest
//! already knows keeps its id even if its title changed, so links and analytics hold.

use std::collections::{BTreeMap, HashSet};

/// Longest slug taken from a title (ids may be 80 characters; room for `-2`).
const MAX_SLUG: usize = 60;

/// Lowercase ASCII letters, digits and dashes; common accented letters lose accents.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = unaccent(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut slug: String = out.chars().take(MAX_SLUG).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

fn unaccent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ß' => 's',
        other => other,
    }
}

/// One id per key (in the order given): the manifest's for keys it knows, else the
/// title's slug (or the source id, or `article`) made unique against `taken`.
pub fn assign(
    wanted: &[(String, String)],
    known: &BTreeMap<String, String>,
    taken: &HashSet<String>,
) -> Vec<String> {
    let mut used: HashSet<String> = taken.clone();
    used.extend(known.values().cloned());
    wanted
        .iter()
        .map(|(key, base)| {
            if let Some(id) = known.get(key) {
                return id.clone();
            }
            let base = if base.is_empty() {
                "article".to_string()
            } else {
                base.clone()
            };
            let id = (1..)
                .map(|n| {
                    if n == 1 {
                        base.clone()
                    } else {
                        format!("{base}-{n}")
                    }
                })
                .find(|candidate| !used.contains(candidate))
                .unwrap_or(base);
            used.insert(id.clone());
            id
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ids() {
        assert_eq!(
            slug("How do I reset my password?"),
            "how-do-i-reset-my-password"
        );
        assert_eq!(slug("¿Cómo pago?"), "como-pago");
        assert_eq!(slug("<script>"), "script");
        assert_eq!(slug("!!!"), "");
        assert!(slug(&"word ".repeat(50)).len() <= MAX_SLUG);
    }

    #[test]
    fn known_keys_keep_their_ids_and_new_ones_are_unique() {
        let wanted = vec![
            ("a.md".to_string(), "reset".to_string()),
            ("b.md".to_string(), "reset".to_string()),
            ("c.md".to_string(), "faq".to_string()),
        ];
        let taken: HashSet<String> = ["faq".to_string()].into();
        let first = assign(&wanted, &BTreeMap::new(), &taken);
        assert_eq!(first, ["reset", "reset-2", "faq-2"]);
        // Re-import with the articles in another order and one renamed: ids hold.
        let known: BTreeMap<String, String> = wanted
            .iter()
            .map(|(k, _)| k.clone())
            .zip(first.iter().cloned())
            .collect();
        let again = vec![
            ("b.md".to_string(), "renamed".to_string()),
            ("a.md".to_string(), "reset".to_string()),
            ("d.md".to_string(), "reset".to_string()),
        ];
        assert_eq!(
            assign(&again, &known, &taken),
            ["reset-2", "reset", "reset-3"]
        );
    }
}
