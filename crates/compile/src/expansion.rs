//! Writing the meaning-expansion table: the part of `data/word-neighbours.tsv.gz`
//! that leads to the KB's own words (how the engine uses it:
//! `deflect_engine::search::expansion`).

use std::collections::BTreeMap;

use deflect_engine::analysis;
use deflect_engine::search::expansion::{Expansion, Neighbours};

/// How many KB words one customer word may expand to.
const PER_WORD: usize = 3;

/// Similarities below this are not shipped.
const MIN_SIMILARITY: f32 = 0.6;

/// The table's English words, restricted to the part that leads to `vocabulary`
/// (the KB's English terms, stemmed), stemmed with the KB's English analyser.
pub fn for_vocabulary(vocabulary: &std::collections::HashSet<String>) -> Expansion {
    use std::io::Read;
    const TABLE: &[u8] = include_bytes!("../../../data/word-neighbours.tsv.gz");
    let mut text = String::new();
    if flate2::read::GzDecoder::new(TABLE)
        .read_to_string(&mut text)
        .is_err()
        || vocabulary.is_empty()
    {
        return Expansion::default();
    }
    let mut analyzer = analysis::analyzer("en");
    let mut stem_cache = std::collections::HashMap::<String, Option<String>>::new();
    let mut stem = |word: &str| -> Option<String> {
        stem_cache
            .entry(word.to_string())
            .or_insert_with(|| {
                let terms = analysis::terms(&mut analyzer, word, "en");
                (terms.len() == 1).then(|| terms[0].clone())
            })
            .clone()
    };
    let mut map: BTreeMap<String, Vec<(String, u8)>> = BTreeMap::new();
    for line in text.lines() {
        let Some((word, neighbours)) = line.split_once('\t') else {
            continue;
        };
        let Some(from) = stem(word) else { continue };
        for item in neighbours.split(' ') {
            let Some((other, similarity)) = item.split_once(':') else {
                continue;
            };
            let Ok(similarity) = similarity.parse::<f32>() else {
                continue;
            };
            let Some(to) = stem(other) else { continue };
            if similarity < MIN_SIMILARITY || to == from || !vocabulary.contains(&to) {
                continue;
            }
            let score = (similarity * 100.0).round() as u8;
            let list = map.entry(from.clone()).or_default();
            match list.iter_mut().find(|(t, _)| *t == to) {
                Some(existing) => existing.1 = existing.1.max(score),
                None => list.push((to, score)),
            }
        }
    }
    for list in map.values_mut() {
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(PER_WORD);
    }
    Expansion {
        by_lang: BTreeMap::from([("en".to_string(), Neighbours::new(&map))]),
    }
}
