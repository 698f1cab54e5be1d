//! What can be found: articles and flows, in a fixed order that the index's `ord` field
//! points into. The order is derived from the KB, so it need not be stored twice.

use std::collections::HashSet;

use serde::Serialize;

use crate::model::Kb;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Article,
    Flow,
}

/// One searchable thing.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: EntryKind,
    pub id: String,
    pub title: String,
    pub lang: String,
    /// The customer-facing text that describes it: title, questions, keywords.
    pub summary: String,
    /// Each example question on its own (the title counts as one), for
    /// nearest-question matching.
    pub questions: Vec<String>,
    /// Author-given keywords.
    pub keywords: Vec<String>,
    /// Body text; empty when opened from a bundle (bodies are indexed, not shipped).
    pub body: String,
    /// Analysed terms of the questions (title included) and keywords, for confidence.
    pub terms: HashSet<String>,
}

/// Articles first, then flows, in KB order.
pub fn entries(kb: &Kb) -> Vec<Entry> {
    let articles = kb.articles.iter().map(|a| Entry {
        kind: EntryKind::Article,
        id: a.id.clone(),
        title: a.title.clone(),
        lang: a.lang.clone(),
        summary: join(&a.title, &a.questions, &a.keywords),
        questions: with_title(&a.title, &a.questions),
        keywords: a.keywords.clone(),
        body: a.body_text.clone(),
        terms: HashSet::new(),
    });
    let flows = kb.flows.iter().map(|f| Entry {
        kind: EntryKind::Flow,
        id: f.id.clone(),
        title: f.title.clone(),
        lang: f.lang.clone(),
        summary: join(&f.title, &f.questions, &[]),
        questions: with_title(&f.title, &f.questions),
        keywords: Vec::new(),
        body: String::new(),
        terms: HashSet::new(),
    });
    articles.chain(flows).collect()
}

fn join(title: &str, questions: &[String], keywords: &[String]) -> String {
    let mut s = title.to_string();
    for q in questions.iter().chain(keywords) {
        s.push('\n');
        s.push_str(q);
    }
    s
}

fn with_title(title: &str, questions: &[String]) -> Vec<String> {
    std::iter::once(title)
        .chain(questions.iter().map(String::as_str))
        .filter(|q| !q.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Languages present, sorted, for the schema.
pub fn languages(entries: &[Entry]) -> Vec<String> {
    let mut langs: Vec<String> = entries.iter().map(|e| e.lang.clone()).collect();
    langs.sort();
    langs.dedup();
    langs
}
