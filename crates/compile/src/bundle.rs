//! Writing a bundle: the index and every table the matcher reads, for one KB.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use deflect_engine::Result;
use deflect_engine::analysis;
use deflect_engine::bundle::Bundle;
use deflect_engine::model::Kb;
use deflect_engine::search::{Entry, SearchIndex, entries};

use crate::{expansion, index, training, vectors};

/// Indexes `kb` and learns its classifier: what the browser downloads. The classifier
/// is trained on the matcher that opens the rest of the bundle, so that training and
/// asking describe a question the same way.
pub fn bundle(kb: &Kb) -> Result<Bundle> {
    let entries = entries(kb);
    let mut bundle = Bundle {
        kb: kb.clone(),
        index: index::term_index(kb)?,
        expansion: expansion::for_vocabulary(&english_vocabulary(&entries)),
        vectors: vectors::for_words(&english_spellings(&entries)),
        classifier: Default::default(),
    };
    bundle.classifier = training::train_classifier(&SearchIndex::open(&bundle)?);
    Ok(bundle)
}

/// The KB's English terms, stemmed: what meaning expansion may lead to.
fn english_vocabulary(entries: &[Entry]) -> HashSet<String> {
    let mut analyzer = analysis::analyzer("en");
    entries
        .iter()
        .filter(|e| e.lang == "en")
        .flat_map(|e| analysis::terms(&mut analyzer, &e.summary, "en"))
        .collect()
}

/// Each stem of the KB's English words with the spellings the KB uses for it.
fn english_spellings(entries: &[Entry]) -> BTreeMap<String, BTreeSet<String>> {
    let mut analyzer = analysis::analyzer("en");
    let mut spellings: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in entries.iter().filter(|e| e.lang == "en") {
        for word in analysis::plain_words(&entry.summary, "en") {
            if let [stem] = analysis::terms(&mut analyzer, &word, "en").as_slice() {
                spellings.entry(stem.clone()).or_default().insert(word);
            }
        }
    }
    spellings
}
