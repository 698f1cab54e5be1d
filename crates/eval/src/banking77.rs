//! BANKING77 as a help centre (see `shared/data/banking77/README.md`): one article per
//! intent, titled with the intent's name made readable, whose example questions are the
//! intent's first K rows in file order; every other row is a question to answer.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::Labelled;

/// The reference number of example questions per article.
pub const EXAMPLES_PER_ARTICLE: usize = 10;

/// One intent turned into an article.
#[derive(Debug, Clone)]
pub struct Intent {
    pub id: String,
    pub title: String,
    pub examples: Vec<String>,
}

/// The help centre and the held-out questions of one BANKING77 CSV.
pub struct Split {
    pub intents: Vec<Intent>,
    pub questions: Vec<Labelled>,
}

/// Splits `train.csv` (`text,category`) by the dev protocol.
pub fn split(csv_path: &Path, examples: usize) -> Result<Split, String> {
    let rows = super::read_labelled(csv_path)?;
    let mut intents: Vec<Intent> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut questions = Vec::new();
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
            questions.push(Labelled {
                text: row.text,
                expected: intent.id.clone(),
            });
        }
    }
    Ok(Split { intents, questions })
}

/// `reverted_card_payment?` → `reverted-card-payment`: a valid article id.
fn slug(intent: &str) -> String {
    intent
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// `card_arrival` → "Card arrival".
fn readable(intent: &str) -> String {
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
