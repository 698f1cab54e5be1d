//! What escalation rules' examples need from the whole KB (how the engine uses it:
//! `deflect_engine::escalation::meaning`): how rare each of their words is among the
//! KB's questions and the examples.

use std::collections::{BTreeMap, HashSet};

use deflect_engine::analysis;
use deflect_engine::escalation::meaning::{Calibration, LanguageMeaning, RuleMeaning, rarity};
use deflect_engine::model::Kb;

/// Word rarities for every language the rules are written in. The calibration is
/// the engine's ([`Calibration::default`]): fitted per KB on a rule's own examples it
/// was worse, since a good example is often also an article's question.
pub fn fit(kb: &Kb) -> RuleMeaning {
    RuleMeaning {
        languages: rule_languages(kb)
            .into_iter()
            .map(|lang| word_rarity(kb, &lang))
            .collect(),
    }
}

/// The default language, then each other language a rule has examples in.
fn rule_languages(kb: &Kb) -> Vec<String> {
    let mut langs = vec![kb.settings.default_lang.clone()];
    for rule in &kb.rules.escalate {
        for lang in rule.languages.keys() {
            if !langs.contains(lang) {
                langs.push(lang.clone());
            }
        }
    }
    langs
}

/// The article and flow titles and example questions in `lang`: what visitors ask
/// that no rule means.
fn questions<'a>(kb: &'a Kb, lang: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let articles = kb
        .articles
        .iter()
        .filter(move |a| a.lang == lang)
        .flat_map(|a| std::iter::once(&a.title).chain(&a.questions));
    let flows = kb
        .flows
        .iter()
        .filter(move |f| f.lang == lang)
        .flat_map(|f| std::iter::once(&f.title).chain(&f.questions));
    articles.chain(flows).map(String::as_str)
}

/// How rare each word of the rules' examples in `lang` is among the questions and
/// the examples.
fn word_rarity(kb: &Kb, lang: &str) -> LanguageMeaning {
    let mut analyzer = analysis::analyzer(lang);
    let examples: Vec<&str> = kb
        .rules
        .escalate
        .iter()
        .flat_map(|rule| rule.words_by_language(&kb.settings.default_lang))
        .filter(|(l, _, _)| *l == lang)
        .flat_map(|(_, _, examples)| examples.iter().map(String::as_str))
        .collect();
    let documents: Vec<HashSet<String>> = questions(kb, lang)
        .chain(examples.iter().copied())
        .map(|text| {
            analysis::terms(&mut analyzer, text, lang)
                .into_iter()
                .collect()
        })
        .collect();
    let mut rarities = BTreeMap::new();
    for example in &examples {
        for term in analysis::terms(&mut analyzer, example, lang) {
            let with = documents.iter().filter(|d| d.contains(&term)).count();
            rarities.insert(term, rarity(with, documents.len()));
        }
    }
    LanguageMeaning {
        lang: lang.to_string(),
        rarity: rarities,
        unseen_rarity: rarity(0, documents.len()),
        // Sentence vectors are English only (`vectors.rs`).
        calibration: if lang == "en" {
            Calibration::default()
        } else {
            Calibration::words_only()
        },
    }
}
