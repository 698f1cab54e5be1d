//! What every dev protocol shares: intents turned into a help centre of one article
//! each, titled with the intent's name made readable, whose example questions are the
//! intent's first K training rows in file order; the questions to answer; the
//! out-of-scope questions asked against the same KB. Each data set's module
//! ([`crate::banking77`], [`crate::clinc150`]) only says which rows go where.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::Labelled;

/// One intent turned into an article.
#[derive(Debug, Clone)]
pub struct Intent {
    pub id: String,
    pub title: String,
    pub examples: Vec<String>,
}

/// A help centre and the questions asked of it.
#[derive(Debug, Clone)]
pub struct Protocol {
    /// The data set's name, for reports ("BANKING77").
    pub name: String,
    pub intents: Vec<Intent>,
    /// In-scope questions with their right article.
    pub questions: Vec<Labelled>,
    /// Questions no article answers.
    pub out_of_scope: Vec<String>,
}

/// Intents in order of first appearance, each with its first `examples` rows as
/// example questions, and every later row as a labelled question.
pub fn take_examples(rows: Vec<Labelled>, examples: usize) -> (Vec<Intent>, Vec<Labelled>) {
    let mut intents: Vec<Intent> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut rest = Vec::new();
    for row in rows {
        let i = *by_name.entry(row.expected.clone()).or_insert_with(|| {
            intents.push(Intent {
                id: slug(&row.expected),
                title: readable(&row.expected),
                examples: Vec::new(),
            });
            intents.len() - 1
        });
        let intent = &mut intents[i];
        if intent.examples.len() < examples {
            intent.examples.push(row.text);
        } else {
            rest.push(Labelled {
                text: row.text,
                expected: intent.id.clone(),
            });
        }
    }
    (intents, rest)
}

/// Rows labelled with an intent's name, relabelled with its article id.
pub fn relabel(rows: Vec<Labelled>) -> Vec<Labelled> {
    rows.into_iter()
        .map(|row| Labelled {
            expected: slug(&row.expected),
            text: row.text,
        })
        .collect()
}

/// `reverted_card_payment?` → `reverted-card-payment`: a valid article id.
pub fn slug(intent: &str) -> String {
    intent
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// `card_arrival` → "Card arrival".
pub fn readable(intent: &str) -> String {
    let words = intent.replace('_', " ").to_lowercase();
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[derive(Serialize)]
struct FrontMatter<'a> {
    id: &'a str,
    title: &'a str,
    category: &'a str,
    questions: &'a [String],
}

/// Writes the intents as a knowledge base in `dir`, with settings, rules, checklists
/// and synonyms copied from `template` (a real KB folder such as `kb/`).
pub fn write_kb(intents: &[Intent], template: &Path, dir: &Path) -> Result<(), String> {
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io)?;
    }
    std::fs::create_dir_all(dir.join("articles")).map_err(io)?;
    std::fs::create_dir_all(dir.join("flows")).map_err(io)?;
    for name in [
        "settings.toml",
        "rules.toml",
        "checklists.toml",
        "synonyms.toml",
    ] {
        let from = template.join(name);
        if from.exists() {
            std::fs::copy(&from, dir.join(name)).map_err(io)?;
        }
    }
    for intent in intents {
        let front = toml::to_string(&FrontMatter {
            id: &intent.id,
            title: &intent.title,
            category: "billing",
            questions: &intent.examples,
        })
        .map_err(|e| e.to_string())?;
        let text = format!("+++\n{front}+++\n{}.\n", intent.title);
        std::fs::write(dir.join("articles").join(format!("{}.md", intent.id)), text).map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str, intent: &str) -> Labelled {
        Labelled {
            text: text.into(),
            expected: intent.into(),
        }
    }

    #[test]
    fn the_first_rows_of_each_intent_become_its_examples() {
        let rows = vec![
            row("a1", "card_arrival"),
            row("b1", "top_up?"),
            row("a2", "card_arrival"),
            row("a3", "card_arrival"),
            row("b2", "top_up?"),
        ];
        let (intents, rest) = take_examples(rows, 2);
        assert_eq!(intents.len(), 2);
        assert_eq!(intents[0].id, "card-arrival");
        assert_eq!(intents[0].title, "Card arrival");
        assert_eq!(intents[0].examples, ["a1", "a2"]);
        assert_eq!(intents[1].id, "top-up");
        assert_eq!(rest.len(), 1);
        assert_eq!(
            (rest[0].text.as_str(), rest[0].expected.as_str()),
            ("a3", "card-arrival")
        );
        assert_eq!(relabel(vec![row("x", "top_up?")])[0].expected, "top-up");
    }
}
