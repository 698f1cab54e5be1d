//! Query expansion by meaning: for words customers use, the KB's own words that mean
//! nearly the same ("cash" → "money", "stolen" → "theft"), so a question finds an
//! article that words it differently.
//!
//! The source is `data/word-neighbours.tsv.gz`, a word-similarity table distilled at
//! build time from the all-MiniLM-L6-v2 sentence encoder (`scripts/word_neighbours.py`,
//! see `data/README.md`). When a bundle is written, only the part that leads to words
//! this KB uses is kept, stemmed like the index, and shipped inside the index files;
//! nothing is downloaded at run time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{front_coded, increasing};

/// Per language, stemmed customer words → stemmed KB words with their similarity.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Expansion {
    pub by_lang: BTreeMap<String, Neighbours>,
}

impl Expansion {
    /// KB words similar to `term`, with similarity 0–1.
    pub fn neighbours(&self, lang: &str, term: &str) -> impl Iterator<Item = (&str, f32)> {
        self.by_lang
            .get(lang)
            .into_iter()
            .flat_map(move |table| table.of(term))
    }
}

/// One language's table, stored column by column: each KB word once, and a neighbour
/// as its number in that list rather than its spelling again, and both word lists
/// front-coded. On the sample KB this ships in 14.9 KB gzip, against 16.8 with the
/// words whole and 18.0 as a map of lists of words.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Neighbours {
    /// The KB words neighbours lead to, each once, sorted.
    #[serde(with = "front_coded")]
    targets: Vec<String>,
    /// The customer words that have neighbours, sorted.
    #[serde(with = "front_coded")]
    words: Vec<String>,
    /// Per customer word, where its neighbours end in `to` and `similarity`.
    #[serde(with = "increasing")]
    ends: Vec<u32>,
    /// Each neighbour's KB word: its number in `targets`.
    to: Vec<u32>,
    /// Each neighbour's similarity in hundredths.
    #[serde(with = "serde_bytes")]
    similarity: Vec<u8>,
}

impl Neighbours {
    /// The table of `lists`: per customer word, its KB words with their similarity in
    /// hundredths, most similar first.
    pub fn new(lists: &BTreeMap<String, Vec<(String, u8)>>) -> Self {
        let mut targets: Vec<String> = lists.values().flatten().map(|(t, _)| t.clone()).collect();
        targets.sort();
        targets.dedup();
        let mut table = Neighbours {
            targets,
            ..Neighbours::default()
        };
        for (word, list) in lists {
            for (target, similarity) in list {
                let number = table.targets.binary_search(target).unwrap_or_default();
                table.to.push(number as u32);
                table.similarity.push(*similarity);
            }
            table.words.push(word.clone());
            table.ends.push(table.to.len() as u32);
        }
        table
    }

    /// `word`'s KB words with their similarity 0–1 (none for a damaged table).
    pub fn of(&self, word: &str) -> impl Iterator<Item = (&str, f32)> {
        let range = self
            .words
            .binary_search_by(|w| w.as_str().cmp(word))
            .ok()
            .and_then(|i| {
                let start = if i == 0 {
                    0
                } else {
                    *self.ends.get(i - 1)? as usize
                };
                let end = *self.ends.get(i)? as usize;
                (start <= end).then_some(start..end)
            });
        range.into_iter().flatten().filter_map(|n| {
            let target = self.targets.get(*self.to.get(n)? as usize)?;
            Some((target.as_str(), f32::from(*self.similarity.get(n)?) / 100.0))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_finds_its_neighbours_in_order_and_others_none() {
        let lists = BTreeMap::from([
            (
                "cash".to_string(),
                vec![("money".to_string(), 82), ("pay".to_string(), 64)],
            ),
            ("stolen".to_string(), vec![("theft".to_string(), 77)]),
        ]);
        let expansion = Expansion {
            by_lang: BTreeMap::from([("en".to_string(), Neighbours::new(&lists))]),
        };
        let of = |word| expansion.neighbours("en", word).collect::<Vec<_>>();
        assert_eq!(of("cash"), [("money", 0.82), ("pay", 0.64)]);
        assert_eq!(of("stolen"), [("theft", 0.77)]);
        assert!(of("money").is_empty());
        assert!(expansion.neighbours("es", "cash").next().is_none());
    }

    #[test]
    fn a_damaged_table_yields_nothing_rather_than_panicking() {
        let lists = BTreeMap::from([("cash".to_string(), vec![("money".to_string(), 82)])]);
        let mut table = Neighbours::new(&lists);
        table.to = vec![7];
        assert_eq!(table.of("cash").count(), 0);
        table.ends = vec![9];
        assert_eq!(table.of("cash").count(), 0);
    }
}
