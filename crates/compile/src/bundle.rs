//! Writing a bundle: the index and every table the matcher reads, for one KB.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use deflect_engine::Result;
use deflect_engine::analysis;
use deflect_engine::bundle::Bundle;
use deflect_engine::model::Kb;
use deflect_engine::search::{Entry, SearchIndex, entries};

use crate::{expansion, index, rule_meaning, training, vectors};

/// Indexes `kb` and learns its classifier: what the browser downloads. The classifier
/// is trained on the matcher that opens the rest of the bundle, so that training and
/// asking describe a question the same way.
pub fn bundle(kb: &Kb) -> Result<Bundle> {
    let entries = entries(kb);
    let mut bundle = Bundle {
        kb: kb.clone(),
        index: index::term_index(kb)?,
        expansion: expansion::for_vocabulary(&english_vocabulary(english_texts(kb, &entries))),
        vectors: vectors::for_words(&english_spellings(english_texts(kb, &entries))),
        classifier: Default::default(),
        rule_meaning: Default::default(),
    };
    let index = SearchIndex::open(&bundle)?;
    bundle.classifier =
        training::train_classifier(&index, &kb.rules.escalate, &kb.settings.default_lang);
    bundle.rule_meaning = rule_meaning::fit(kb);
    Ok(bundle)
}

/// The KB's English texts that meaning is compared with: entries' summaries, and the
/// escalation rules' English phrases and examples.
fn english_texts<'a>(kb: &'a Kb, entries: &'a [Entry]) -> impl Iterator<Item = &'a str> + 'a {
    let summaries = entries
        .iter()
        .filter(|e| e.lang == "en")
        .map(|e| e.summary.as_str());
    let rules = kb
        .rules
        .escalate
        .iter()
        .flat_map(|rule| rule.words_by_language(&kb.settings.default_lang))
        .filter(|(lang, _, _)| *lang == "en")
        .flat_map(|(_, phrases, examples)| phrases.iter().chain(examples))
        .map(|text| text.trim_start_matches('^').trim_end_matches('$'));
    summaries.chain(rules)
}

/// The KB's English terms, stemmed: what meaning expansion may lead to.
fn english_vocabulary<'a>(texts: impl Iterator<Item = &'a str>) -> HashSet<String> {
    let mut analyzer = analysis::analyzer("en");
    texts
        .flat_map(|text| analysis::terms(&mut analyzer, text, "en"))
        .collect()
}

/// Each stem of the KB's English words with the spellings the KB uses for it.
fn english_spellings<'a>(
    texts: impl Iterator<Item = &'a str>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut analyzer = analysis::analyzer("en");
    let mut spellings: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for text in texts {
        for word in analysis::plain_words(text, "en") {
            if let [stem] = analysis::terms(&mut analyzer, &word, "en").as_slice() {
                spellings.entry(stem.clone()).or_default().insert(word);
            }
        }
    }
    spellings
}
