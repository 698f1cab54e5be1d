//! The article classifier: a multinomial logistic regression learned when the bundle is
//! written, from each entry's example questions. Term scores weigh a word the same for
//! every article; the classifier learns which words and word pieces tell *these*
//! articles apart ("reverted" points to one top-up article and away from its
//! neighbours), the way few-shot intent classifiers do. Its scores are added to the
//! matcher's (README "Matching quality").
//!
//! A question is described by four blocks of equal weight, each scaled to unit length:
//! its analysed words weighted by rarity; the character 2–5-grams of its plain words,
//! which catch typos, compounds and word forms the stemmer misses; pairs of its plain
//! words, stop words kept ("not received", "top up"); and its sentence vector. Sparse
//! features are hashed into a small key space; only weights that matter are shipped,
//! at 31 levels spaced by square root (the sentence-vector weights at 8 bits).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::increasing;

/// Character n-grams from this length...
const MIN_GRAM: usize = 2;
/// ...to this one, within words padded with a space on each side.
const MAX_GRAM: usize = 5;
/// Features are hashed into 2^17 keys. A KB uses a few thousand to fifteen thousand, so
/// few collide, and the sorted keys' steps are small enough to store in a byte or two:
/// on the sample KB 18 bits instead of 32 took the classifier from 56 to 39 KB gzip, and
/// 17 takes 2 KB more off, each with top-1 and out-of-scope unchanged on the BANKING77
/// and CLINC150 dev protocols at 3 and 10 example questions (16 bits lost 0.1 point on
/// both).
const FEATURE_BITS: u32 = 17;

/// The learned weights for every language of the KB, as shipped.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Classifier {
    pub models: Vec<Model>,
}

/// One language's classifier. Its classes are the entries of that language.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Model {
    pub lang: String,
    /// Per class: the entry it stands for (its position in the KB's entry order).
    pub entries: Vec<u32>,
    /// Per class after the entries': the escalation rule it stands for (its position
    /// among the KB's rules), learned from the rule's examples in this language.
    pub rules: Vec<u32>,
    /// A sparse weight is its stored level times the level's magnitude times this:
    /// levels are spaced by square root, finer near zero where most weights are.
    pub scale: f32,
    /// A sentence-vector weight is its stored level times this.
    pub dense_scale: f32,
    /// The sparse features (hashed words, n-grams and pairs) that carry weights, sorted.
    #[serde(with = "increasing")]
    pub keys: Vec<u32>,
    /// Per key, where its weights end in `classes` and `levels`; they start where the
    /// previous key's end. Flat arrays decode in one allocation each: a list per key
    /// made opening the engine in the browser ~100 ms slower.
    #[serde(with = "increasing")]
    pub ends: Vec<u32>,
    /// The class each weight is for.
    pub classes: Vec<u16>,
    /// Each weight's level.
    pub levels: Vec<i8>,
    /// Sentence-vector dimensions (0 where the language has no vectors).
    pub dims: u32,
    /// Per class, `dims` levels: the sentence-vector weights.
    pub dense: Vec<i8>,
    /// Per class: its bias.
    pub bias: Vec<f32>,
}

/// A question as the classifier sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// Hashed words, then n-grams, then word pairs, with their values (unit length
    /// per block).
    pub sparse: Vec<(u32, f32)>,
    /// Where the words and the n-grams end in `sparse`.
    pub ends: [usize; 2],
    /// The unit sentence vector, if the language has vectors.
    pub dense: Option<Vec<f32>>,
}

impl Features {
    /// `terms` are the analysed words with their weights (rarity), `words` the plain
    /// lower-cased words.
    pub fn new(terms: &[(String, f32)], words: &[String], dense: Option<Vec<f32>>) -> Self {
        let mut sparse = Vec::new();
        let norm = terms.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            sparse.extend(
                terms
                    .iter()
                    .map(|(t, w)| (Fnv::new(b'w').bytes(t.as_bytes()).key(), w / norm)),
            );
        }
        let words_end = sparse.len();
        let mut grams: BTreeMap<u32, f32> = BTreeMap::new();
        for word in words {
            let padded: Vec<char> = std::iter::once(' ')
                .chain(word.chars())
                .chain(std::iter::once(' '))
                .collect();
            for n in MIN_GRAM..=MAX_GRAM.min(padded.len()) {
                for window in padded.windows(n) {
                    let key = window.iter().fold(Fnv::new(b'c'), |h, c| h.char(*c)).key();
                    *grams.entry(key).or_default() += 1.0;
                }
            }
        }
        push_unit(&mut sparse, grams);
        let grams_end = sparse.len();
        let mut pairs: BTreeMap<u32, f32> = BTreeMap::new();
        for pair in words.windows(2) {
            let key = Fnv::new(b'p')
                .bytes(pair[0].as_bytes())
                .bytes(b" ")
                .bytes(pair[1].as_bytes())
                .key();
            *pairs.entry(key).or_default() += 1.0;
        }
        push_unit(&mut sparse, pairs);
        Features {
            sparse,
            ends: [words_end, grams_end],
            dense,
        }
    }
}

/// Appends a block of counts, sublinear (a repeated piece is extra evidence, not
/// proportionally more) and scaled to unit length.
fn push_unit(sparse: &mut Vec<(u32, f32)>, counts: BTreeMap<u32, f32>) {
    let counts: Vec<(u32, f32)> = counts.into_iter().map(|(h, n)| (h, 1.0 + n.ln())).collect();
    let norm = counts.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        sparse.extend(counts.into_iter().map(|(h, v)| (h, v / norm)));
    }
}

/// FNV-1a over a block tag and then UTF-8 text, so words, n-grams and pairs share one
/// key space; fed piece by piece, so no string is built per n-gram on each keystroke.
struct Fnv(u32);

impl Fnv {
    fn new(tag: u8) -> Self {
        Fnv(0x811c_9dc5).bytes(&[tag])
    }

    fn bytes(mut self, bytes: &[u8]) -> Self {
        for b in bytes {
            self.0 ^= u32::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0193);
        }
        self
    }

    /// The hash folded into the [`FEATURE_BITS`] feature space.
    fn key(self) -> u32 {
        (self.0 ^ (self.0 >> FEATURE_BITS)) & ((1 << FEATURE_BITS) - 1)
    }

    fn char(self, c: char) -> Self {
        self.bytes(c.encode_utf8(&mut [0; 4]).as_bytes())
    }
}

/// What a class's logit is made of, for KB authors (`deflect ask`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Parts {
    pub words: f32,
    pub pieces: f32,
    pub pairs: f32,
    pub meaning: f32,
    pub bias: f32,
}

impl Model {
    /// The weights of a sparse feature: (class, weight) pairs.
    fn weights(&self, feature: u32) -> impl Iterator<Item = (usize, f32)> + '_ {
        let range = match self.keys.binary_search(&feature) {
            Ok(i) => {
                let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
                start..self.ends[i] as usize
            }
            Err(_) => 0..0,
        };
        self.classes[range.clone()]
            .iter()
            .zip(&self.levels[range])
            .map(|(class, level)| (usize::from(*class), sparse_weight(*level, self.scale)))
    }

    /// What the sentence vector adds to `class`'s logit (nothing without one).
    fn meaning(&self, features: &Features, class: usize) -> f32 {
        let dims = self.dims as usize;
        let (Some(vector), Some(weights)) = (
            features
                .dense
                .as_ref()
                .filter(|v| v.len() == dims && dims > 0),
            self.dense.get(class * dims..(class + 1) * dims),
        ) else {
            return 0.0;
        };
        let dot: f32 = weights
            .iter()
            .zip(vector)
            .map(|(w, v)| f32::from(*w) * v)
            .sum();
        dot * self.dense_scale
    }

    /// The logit of `class` split by feature block.
    pub fn parts(&self, features: &Features, class: usize) -> Parts {
        let block = |range: &[(u32, f32)]| -> f32 {
            range
                .iter()
                .flat_map(|(feature, value)| {
                    self.weights(*feature)
                        .filter(|(c, _)| *c == class)
                        .map(move |(_, weight)| value * weight)
                })
                .sum()
        };
        let [words_end, grams_end] = features.ends;
        Parts {
            words: block(&features.sparse[..words_end]),
            pieces: block(&features.sparse[words_end..grams_end]),
            pairs: block(&features.sparse[grams_end..]),
            meaning: self.meaning(features, class),
            bias: self.bias.get(class).copied().unwrap_or(0.0),
        }
    }

    /// Per class, the logit of `features`: larger means more likely.
    pub fn logits(&self, features: &Features) -> Vec<f32> {
        let mut out = self.bias.clone();
        for (feature, value) in &features.sparse {
            for (class, weight) in self.weights(*feature) {
                if let Some(o) = out.get_mut(class) {
                    *o += value * weight;
                }
            }
        }
        for (class, o) in out.iter_mut().enumerate() {
            *o += self.meaning(features, class);
        }
        out
    }

    /// Per rule class, the rule and the chance that `features` mean it: a softmax
    /// over every class, so a rule must beat every article to be likely.
    pub fn rule_chances(&self, features: &Features) -> Vec<(usize, f32)> {
        if self.rules.is_empty() {
            return Vec::new();
        }
        let logits = self.logits(features);
        let max = logits.iter().copied().fold(f32::MIN, f32::max);
        let sum: f32 = logits.iter().map(|l| (l - max).exp()).sum();
        self.rules
            .iter()
            .zip(logits.get(self.entries.len()..).unwrap_or_default())
            .map(|(rule, logit)| (*rule as usize, (logit - max).exp() / sum))
            .collect()
    }
}

/// A sparse weight from its stored level (see [`Model::scale`]).
pub fn sparse_weight(level: i8, scale: f32) -> f32 {
    let level = f32::from(level);
    level * level.abs() * scale
}

/// The classifier's probability that `ord` is the right entry, given every entry's
/// logit (a softmax); `None` without logits.
pub fn probability(logits: &[(usize, f32)], ord: usize) -> Option<f32> {
    let max = logits.iter().map(|(_, l)| *l).fold(f32::MIN, f32::max);
    let (_, own) = logits.iter().find(|(o, _)| *o == ord)?;
    let sum: f32 = logits.iter().map(|(_, l)| (l - max).exp()).sum();
    Some((own - max).exp() / sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_block_has_unit_length() {
        let f = Features::new(
            &[("card".into(), 2.0), ("lost".into(), 1.0)],
            &["card".into(), "lost".into()],
            None,
        );
        let [words_end, grams_end] = f.ends;
        assert_eq!(words_end, 2);
        let square = |range: &[(u32, f32)]| -> f32 { range.iter().map(|(_, v)| v * v).sum() };
        for block in [
            &f.sparse[..words_end],
            &f.sparse[words_end..grams_end],
            &f.sparse[grams_end..],
        ] {
            assert!((square(block) - 1.0).abs() < 1e-5);
        }
        assert!(Features::new(&[], &[], None).sparse.is_empty());
    }

    #[test]
    fn probability_is_a_softmax_over_the_logits() {
        let logits = [(4, 1.0), (7, 1.0), (9, 0.0)];
        let p = probability(&logits, 4).unwrap();
        let e = 1.0f32.exp();
        assert!((p - e / (2.0 * e + 1.0)).abs() < 1e-6);
        assert!(probability(&logits, 5).is_none());
        assert!(probability(&[], 0).is_none());
    }
}
