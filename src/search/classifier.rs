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
//! words, stop words kept ("not received", "top up"); and its sentence vector. Only
//! weights that matter are shipped, at 8 bits.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Name of the classifier among the index files.
pub const FILE: &str = "deflect-classifier.bin";

/// Character n-grams from this length...
const MIN_GRAM: usize = 2;
/// ...to this one, within words padded with a space on each side.
const MAX_GRAM: usize = 5;

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
    /// A stored level times this is a weight.
    pub scale: f32,
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

/// An increasing sequence stored as the steps between its numbers, which are small and
/// compress well (hashes sorted, running ends), and summed back up when read.
mod increasing {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(values: &[u32], serializer: S) -> Result<S::Ok, S::Error> {
        let steps: Vec<u32> = values
            .iter()
            .scan(0u32, |previous, &v| {
                let step = v.wrapping_sub(*previous);
                *previous = v;
                Some(step)
            })
            .collect();
        steps.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u32>, D::Error> {
        let steps = Vec::<u32>::deserialize(deserializer)?;
        Ok(steps
            .into_iter()
            .scan(0u32, |sum, step| {
                *sum = sum.wrapping_add(step);
                Some(*sum)
            })
            .collect())
    }
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
                    .map(|(t, w)| (Fnv::new(b'w').bytes(t.as_bytes()).0, w / norm)),
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
                    let key = window.iter().fold(Fnv::new(b'c'), |h, c| h.char(*c)).0;
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
                .0;
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
            .map(|(class, level)| (usize::from(*class), f32::from(*level) * self.scale))
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
        dot * self.scale
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
}

/// The classifier's probability that `ord` is the right entry, given every entry's
/// logit (a softmax); `None` without logits.
pub fn probability(logits: &[(usize, f32)], ord: usize) -> Option<f32> {
    let max = logits.iter().map(|(_, l)| *l).fold(f32::MIN, f32::max);
    let (_, own) = logits.iter().find(|(o, _)| *o == ord)?;
    let sum: f32 = logits.iter().map(|(_, l)| (l - max).exp()).sum();
    Some((own - max).exp() / sum)
}

#[cfg(not(target_arch = "wasm32"))]
pub use training::train;

#[cfg(not(target_arch = "wasm32"))]
mod training {
    use std::collections::HashMap;

    use super::{Features, Model};

    /// Inverse regularisation strength, as in scikit-learn's `LogisticRegression(C=…)`:
    /// chosen on BANKING77's example questions (README "Matching quality").
    const C: f32 = 10.0;
    /// Accelerated gradient steps: on BANKING77, 100 rank as well as 600.
    const STEPS: usize = 100;
    /// Weights smaller than this are not shipped. On BANKING77, 0.05 / 0.1 / 0.15 / 0.3
    /// give top-1 80.1 / 80.0 / 79.6 / 79.1% and add 113 / 72 / 50 / 27 KB gzip to the
    /// sample KB's index.
    const PRUNE: f32 = 0.1;
    /// Training costs examples × classes per step: above this (about 170 articles of ten
    /// questions each) a language is matched without a classifier, so that rebuilding
    /// the index stays a matter of seconds and the download within the widget's budget.
    /// Measured on BANKING77 split into more articles of ten questions each: 77 articles
    /// build in 1 s with an 87 KB gzip classifier, 154 in 4 s (178 KB), 308 in 14 s
    /// (323 KB, which with the engine would pass the 560 KiB budget).
    pub const MAX_WORK: usize = 300_000;
    /// 8-bit levels: -127..127.
    const LEVELS: f32 = 127.0;

    /// Learns a model from `examples` (features, class), classes `0..entries.len()`.
    /// The loss is the mean log loss plus an L2 penalty; it is strongly convex, so
    /// Nesterov's method with the step from the data's largest eigenvalue converges
    /// without tuning.
    pub fn train(lang: &str, entries: Vec<u32>, examples: &[(Features, usize)]) -> Option<Model> {
        let classes = entries.len();
        if classes < 2 || examples.is_empty() || examples.len() * classes > MAX_WORK {
            return None;
        }
        // Columns: the sparse features in order of first appearance, then the
        // sentence-vector dimensions.
        let mut column: HashMap<u32, usize> = HashMap::new();
        let mut keys: Vec<u32> = Vec::new();
        for (features, _) in examples {
            for (key, _) in &features.sparse {
                column.entry(*key).or_insert_with(|| {
                    keys.push(*key);
                    keys.len() - 1
                });
            }
        }
        let dims = examples
            .iter()
            .find_map(|(f, _)| f.dense.as_ref().map(Vec::len))
            .unwrap_or(0);
        let width = keys.len() + dims;
        let rows: Vec<Vec<(usize, f32)>> = examples
            .iter()
            .map(|(features, _)| {
                let sparse = features.sparse.iter().map(|(key, v)| (column[key], *v));
                let dense = features
                    .dense
                    .iter()
                    .filter(|d| d.len() == dims)
                    .flat_map(|d| d.iter().enumerate().map(|(i, v)| (keys.len() + i, *v)));
                sparse.chain(dense).collect()
            })
            .collect();
        let labels: Vec<usize> = examples.iter().map(|(_, y)| *y).collect();
        let (weights, bias) = minimise(&rows, &labels, width, classes);
        Some(pack(lang, entries, &keys, dims, &weights, bias))
    }

    /// Nesterov's accelerated gradient on `C · Σ log loss + ½‖W‖²` (the bias is not
    /// penalised). Weights are stored column-major: `weights[col * classes + class]`.
    fn minimise(
        rows: &[Vec<(usize, f32)>],
        labels: &[usize],
        width: usize,
        classes: usize,
    ) -> (Vec<f32>, Vec<f32>) {
        let smoothness = C * largest_eigenvalue(rows, width) / 2.0 + 1.0;
        // Strong convexity is 1 (the penalty), so the momentum follows from the
        // condition number.
        let root = smoothness.sqrt();
        let momentum = (root - 1.0) / (root + 1.0);
        let step = 1.0 / smoothness;
        let mut w = vec![0.0f32; width * classes];
        let mut b = vec![0.0f32; classes];
        let mut w_prev = w.clone();
        let mut b_prev = b.clone();
        let mut gradient = vec![0.0f32; width * classes];
        let mut gradient_b = vec![0.0f32; classes];
        let mut logits = vec![0.0f32; classes];
        for _ in 0..STEPS {
            let look_w: Vec<f32> = w
                .iter()
                .zip(&w_prev)
                .map(|(x, p)| x + momentum * (x - p))
                .collect();
            let look_b: Vec<f32> = b
                .iter()
                .zip(&b_prev)
                .map(|(x, p)| x + momentum * (x - p))
                .collect();
            gradient.copy_from_slice(&look_w);
            gradient_b.iter_mut().for_each(|g| *g = 0.0);
            for (row, &label) in rows.iter().zip(labels) {
                logits.copy_from_slice(&look_b);
                for &(col, value) in row {
                    let weights = &look_w[col * classes..(col + 1) * classes];
                    logits
                        .iter_mut()
                        .zip(weights)
                        .for_each(|(l, w)| *l += value * w);
                }
                softmax(&mut logits);
                logits[label] -= 1.0;
                for &(col, value) in row {
                    let g = &mut gradient[col * classes..(col + 1) * classes];
                    g.iter_mut()
                        .zip(&logits)
                        .for_each(|(g, e)| *g += C * value * e);
                }
                gradient_b
                    .iter_mut()
                    .zip(&logits)
                    .for_each(|(g, e)| *g += C * e);
            }
            w_prev = std::mem::take(&mut w);
            b_prev = std::mem::take(&mut b);
            w = look_w
                .iter()
                .zip(&gradient)
                .map(|(x, g)| x - step * g)
                .collect();
            b = look_b
                .iter()
                .zip(&gradient_b)
                .map(|(x, g)| x - step * g)
                .collect();
        }
        (w, b)
    }

    fn softmax(logits: &mut [f32]) {
        let max = logits.iter().copied().fold(f32::MIN, f32::max);
        let mut sum = 0.0;
        for l in logits.iter_mut() {
            *l = (*l - max).exp();
            sum += *l;
        }
        logits.iter_mut().for_each(|l| *l /= sum);
    }

    /// The largest eigenvalue of XᵀX by power iteration: how curved the loss can be.
    fn largest_eigenvalue(rows: &[Vec<(usize, f32)>], width: usize) -> f32 {
        let mut v = vec![1.0f32 / (width as f32).sqrt(); width];
        let mut eigenvalue = 0.0;
        for _ in 0..30 {
            let mut next = vec![0.0f32; width];
            for row in rows {
                let dot: f32 = row.iter().map(|&(c, x)| x * v[c]).sum();
                for &(c, x) in row {
                    next[c] += dot * x;
                }
            }
            eigenvalue = next.iter().map(|x| x * x).sum::<f32>().sqrt();
            if eigenvalue == 0.0 {
                return 0.0;
            }
            v = next.into_iter().map(|x| x / eigenvalue).collect();
        }
        // Power iteration approaches from below; a margin keeps the step safe.
        eigenvalue * 1.05
    }

    /// Drops the small sparse weights and stores the rest at 8 bits.
    fn pack(
        lang: &str,
        entries: Vec<u32>,
        keys: &[u32],
        dims: usize,
        weights: &[f32],
        bias: Vec<f32>,
    ) -> Model {
        let classes = entries.len();
        let max = weights.iter().fold(0.0f32, |m, w| m.max(w.abs())).max(1e-9);
        let scale = max / LEVELS;
        let level = |w: f32| (w / scale).round().clamp(-LEVELS, LEVELS) as i8;
        let mut by_key: Vec<(u32, usize)> = keys.iter().copied().zip(0..).collect();
        by_key.sort_unstable();
        let (mut kept_keys, mut ends, mut kept_classes, mut levels) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (key, col) in by_key {
            let before = levels.len();
            for (class, w) in weights[col * classes..(col + 1) * classes]
                .iter()
                .enumerate()
            {
                if w.abs() >= PRUNE && level(*w) != 0 {
                    kept_classes.push(class as u16);
                    levels.push(level(*w));
                }
            }
            if levels.len() > before {
                kept_keys.push(key);
                ends.push(levels.len() as u32);
            }
        }
        let mut dense = vec![0i8; classes * dims];
        for d in 0..dims {
            let col = keys.len() + d;
            for class in 0..classes {
                dense[class * dims + d] = level(weights[col * classes + class]);
            }
        }
        Model {
            lang: lang.to_string(),
            entries,
            scale,
            keys: kept_keys,
            ends,
            classes: kept_classes,
            levels,
            dims: dims as u32,
            dense,
            bias,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(text: &str) -> Features {
        let words: Vec<String> = text.split(' ').map(str::to_string).collect();
        let terms: Vec<(String, f32)> = words.iter().map(|w| (w.clone(), 1.0)).collect();
        Features::new(&terms, &words, None)
    }

    fn best(model: &Model, text: &str) -> usize {
        let logits = model.logits(&features(text));
        (0..logits.len())
            .max_by(|&a, &b| logits[a].total_cmp(&logits[b]))
            .unwrap()
    }

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
    fn learns_the_word_that_tells_two_articles_apart() {
        // Both articles talk about top-ups; only "reverted" and "failed" decide.
        let examples = vec![
            (features("top up reverted"), 0),
            (features("my top up was reverted"), 0),
            (features("why reverted top up"), 0),
            (features("top up failed"), 1),
            (features("my top up failed again"), 1),
            (features("failed top up why"), 1),
        ];
        let model = train("en", vec![7, 9], &examples).expect("two classes");
        assert_eq!(model.entries, vec![7, 9]);
        assert_eq!(best(&model, "the top up got reverted"), 0);
        assert_eq!(best(&model, "top up has failed"), 1);
        // Character n-grams carry a misspelling.
        assert_eq!(best(&model, "top up reverrted"), 0);
    }

    #[test]
    fn the_parts_of_a_logit_add_up_to_it() {
        let examples = vec![
            (features("card lost"), 0),
            (features("card stolen"), 0),
            (features("refund please"), 1),
            (features("money back"), 1),
        ];
        let model = train("en", vec![0, 1], &examples).expect("two classes");
        let question = features("my card got lost");
        let logits = model.logits(&question);
        for (class, logit) in logits.iter().enumerate() {
            let p = model.parts(&question, class);
            let sum = p.words + p.pieces + p.pairs + p.meaning + p.bias;
            assert!((sum - logit).abs() < 1e-4, "{sum} vs {logit}");
        }
        assert!(model.parts(&question, 0).words > 0.0);
    }

    #[test]
    fn nothing_to_learn_from_one_class_and_too_much_from_huge_kbs() {
        assert!(train("en", vec![0], &[(features("hello"), 0)]).is_none());
        assert!(train("en", vec![0, 1], &[]).is_none());
        let classes = 1000;
        let examples: Vec<(Features, usize)> = (0..training::MAX_WORK / classes + 1)
            .map(|i| (features(&format!("topic{i}")), i % classes))
            .collect();
        assert!(train("en", (0..classes as u32).collect(), &examples).is_none());
    }

    #[test]
    fn a_model_reads_back_as_written() {
        let examples = vec![(features("card lost"), 0), (features("refund please"), 1)];
        let model = train("en", vec![3, 5], &examples).expect("two classes");
        assert!(model.keys.windows(2).all(|w| w[0] < w[1]));
        let bytes = postcard::to_allocvec(&model).unwrap();
        let read: Model = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(read, model);
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
