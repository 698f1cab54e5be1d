//! Writing the sentence-vector table of a KB's English words (how the engine uses
//! it: `deflect_engine::search::vectors`).

use std::collections::{BTreeMap, HashMap};

use deflect_engine::search::vectors::{VectorTable, unpack};
#[cfg(test)]
use deflect_engine::search::vectors::{Vectors, cosine};
use serde_bytes::ByteBuf;

/// Dimensions shipped per word: the KB's 64 main axes keep all of the BANKING77 gain
/// (96 or 80 score the same, 48 and 32 lose 0.2 and 0.5 points top-1) at 18 KB gzip
/// for the sample KB.
const SHIPPED_DIMS: usize = 64;

/// 4-bit levels: -7..7.
const LEVELS: f32 = 7.0;

/// The table for a KB's English words: stem → the spellings the KB uses.
pub fn for_words(spellings: &BTreeMap<String, std::collections::BTreeSet<String>>) -> VectorTable {
    let Some(tokens) = TokenVectors::load().filter(|_| !spellings.is_empty()) else {
        return VectorTable::default();
    };
    // Each spelling: the mean of its pieces; each stem: the mean of its spellings.
    // A stem weighs what its most common spelling does, a spelling what its rarest piece does.
    let mut stems: Vec<(&String, u8, Vec<f64>)> = Vec::new();
    for (stem, words) in spellings {
        let mut sum = vec![0.0f64; tokens.dims];
        let mut weight = None;
        for word in words {
            let Some(pieces) = tokens.pieces(word) else {
                continue;
            };
            let mut mean = vec![0.0f64; tokens.dims];
            for &piece in &pieces {
                for (m, v) in mean.iter_mut().zip(tokens.vector(piece)) {
                    *m += f64::from(v);
                }
            }
            let norm = mean.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
            sum.iter_mut().zip(&mean).for_each(|(s, m)| *s += m / norm);
            let rarest = pieces.iter().map(|&p| tokens.weights[p]).max().unwrap_or(0);
            weight = Some(weight.map_or(rarest, |w: u8| w.min(rarest)));
        }
        if let Some(weight) = weight {
            let norm = sum.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
            stems.push((stem, weight, sum.into_iter().map(|x| x / norm).collect()));
        }
    }
    if stems.is_empty() {
        return VectorTable::default();
    }
    let axes = principal_axes(
        &stems
            .iter()
            .map(|(_, _, v)| v.as_slice())
            .collect::<Vec<_>>(),
        SHIPPED_DIMS.min(tokens.dims),
    );
    let projected: Vec<Vec<f64>> = stems
        .iter()
        .map(|(_, _, v)| {
            let p: Vec<f64> = axes
                .iter()
                .map(|axis| axis.iter().zip(v).map(|(a, b)| a * b).sum())
                .collect();
            let norm = p.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
            p.into_iter().map(|x| x / norm).collect()
        })
        .collect();
    let scales: Vec<f32> = (0..axes.len())
        .map(|d| {
            let max = projected.iter().map(|p| p[d].abs()).fold(0.0, f64::max);
            (max / f64::from(LEVELS)).max(1e-9) as f32
        })
        .collect();
    let words = stems
        .iter()
        .zip(&projected)
        .map(|((stem, weight, _), p)| {
            let levels: Vec<u8> = p
                .iter()
                .zip(&scales)
                .map(|(x, s)| ((*x as f32 / s).round().clamp(-LEVELS, LEVELS) + 8.0) as u8)
                .collect();
            let packed: Vec<u8> = levels
                .chunks(2)
                .map(|pair| pair[0] << 4 | pair.get(1).copied().unwrap_or(8))
                .collect();
            ((*stem).clone(), (*weight, ByteBuf::from(packed)))
        })
        .collect();
    VectorTable { scales, words }
}

/// `data/token-vectors.bin.gz`, decoded (format in `scripts/token_vectors.py`).
struct TokenVectors {
    dims: usize,
    scales: Vec<f32>,
    index: HashMap<String, usize>,
    weights: Vec<u8>,
    levels: Vec<u8>,
}

impl TokenVectors {
    fn load() -> Option<Self> {
        use std::io::Read;
        const DATA: &[u8] = include_bytes!("../../../data/token-vectors.bin.gz");
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(DATA)
            .read_to_end(&mut bytes)
            .ok()?;
        Self::parse(&bytes)
    }

    fn parse(bytes: &[u8]) -> Option<Self> {
        let mut at = 0;
        let mut take = |n: usize| -> Option<&[u8]> {
            let slice = bytes.get(at..at + n)?;
            at += n;
            Some(slice)
        };
        let dims = usize::from(u16::from_le_bytes(take(2)?.try_into().ok()?));
        let count = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
        let scales = take(4 * dims)?
            .chunks(4)
            .map(|c| c.try_into().map(f32::from_le_bytes))
            .collect::<std::result::Result<Vec<_>, _>>()
            .ok()?;
        let mut table = TokenVectors {
            dims,
            scales,
            index: HashMap::with_capacity(count),
            weights: Vec::with_capacity(count),
            levels: Vec::with_capacity(count * dims.div_ceil(2)),
        };
        for row in 0..count {
            let len = usize::from(take(1)?[0]);
            let token = std::str::from_utf8(take(len)?).ok()?.to_string();
            table.weights.push(take(1)?[0]);
            table.levels.extend_from_slice(take(dims.div_ceil(2))?);
            table.index.insert(token, row);
        }
        Some(table)
    }

    fn vector(&self, row: usize) -> Vec<f32> {
        let size = self.dims.div_ceil(2);
        unpack(&self.levels[row * size..(row + 1) * size], &self.scales)
    }

    /// WordPiece: the longest known token from the left, then `##` pieces; `None` if
    /// some part of the word is no token (the model would read it as unknown).
    fn pieces(&self, word: &str) -> Option<Vec<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len();
            let row = loop {
                if end <= start {
                    return None;
                }
                if word.is_char_boundary(end) {
                    let piece = &word[start..end];
                    let key = if start == 0 {
                        piece.to_string()
                    } else {
                        format!("##{piece}")
                    };
                    if let Some(&row) = self.index.get(&key) {
                        break row;
                    }
                }
                end -= 1;
            };
            out.push(row);
            start = end;
        }
        Some(out)
    }
}

/// The `k` directions along which `vectors` vary most (principal axes of their
/// covariance), by cyclic Jacobi rotations: small, exact, dependency-free.
fn principal_axes(vectors: &[&[f64]], k: usize) -> Vec<Vec<f64>> {
    let n = vectors.first().map_or(0, |v| v.len());
    let mut mean = vec![0.0; n];
    for v in vectors {
        mean.iter_mut()
            .zip(*v)
            .for_each(|(m, x)| *m += x / vectors.len() as f64);
    }
    let mut a = vec![0.0; n * n];
    for v in vectors {
        let c: Vec<f64> = v.iter().zip(&mean).map(|(x, m)| x - m).collect();
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] += c[i] * c[j];
            }
        }
    }
    let mut axes = vec![0.0; n * n];
    (0..n).for_each(|i| axes[i * n + i] = 1.0);
    for _sweep in 0..50 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j] * a[i * n + j])
            .sum();
        let diagonal: f64 = (0..n).map(|i| a[i * n + i] * a[i * n + i]).sum();
        if off <= 1e-20 * diagonal.max(1e-300) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (axes[k * n + p], axes[k * n + q]);
                    axes[k * n + p] = c * vkp - s * vkq;
                    axes[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]).then(i.cmp(&j)));
    order
        .into_iter()
        .take(k)
        .map(|col| (0..n).map(|row| axes[row * n + col]).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_axes_follow_the_spread() {
        // Points spread along (1, 1), barely along (1, -1).
        let points: Vec<Vec<f64>> = (-5..=5)
            .map(|i| {
                let i = f64::from(i);
                vec![i + 0.01 * i * i, i - 0.01 * i * i]
            })
            .collect();
        let refs: Vec<&[f64]> = points.iter().map(|p| p.as_slice()).collect();
        let axes = principal_axes(&refs, 2);
        let first = &axes[0];
        assert!((first[0].abs() - 0.5f64.sqrt()).abs() < 1e-6);
        assert!((first[0] - first[1]).abs() < 1e-6);
        let dot: f64 = axes[0].iter().zip(&axes[1]).map(|(a, b)| a * b).sum();
        assert!(dot.abs() < 1e-9);
    }

    #[test]
    fn kb_words_get_vectors_that_keep_meaning_apart() {
        let spellings: BTreeMap<String, std::collections::BTreeSet<String>> = [
            ("refund", &["refund", "refunds"][..]),
            ("money", &["money"]),
            ("password", &["password"]),
            ("cash", &["cash"]),
            ("login", &["login", "log"]),
            ("invoic", &["invoice", "invoices"]),
        ]
        .iter()
        .map(|(stem, words)| {
            (
                stem.to_string(),
                words.iter().map(|w| w.to_string()).collect(),
            )
        })
        .collect();
        let shipped = for_words(&spellings);
        assert_eq!(shipped.words.len(), spellings.len());
        let bytes = postcard::to_allocvec(&shipped).unwrap();
        let vectors = Vectors::decode(&postcard::from_bytes(&bytes).unwrap());
        let v = |w: &str| vectors.sentence([(w, 1.0)]).unwrap();
        assert!(cosine(&v("cash"), &v("money")) > cosine(&v("cash"), &v("password")));
        assert!(cosine(&v("login"), &v("password")) > cosine(&v("login"), &v("refund")));
    }

    #[test]
    fn wordpiece_splits_unknown_words_into_known_pieces() {
        let tokens = TokenVectors::load().expect("data/token-vectors.bin.gz");
        let name = |row: usize| {
            tokens
                .index
                .iter()
                .find(|(_, r)| **r == row)
                .unwrap()
                .0
                .clone()
        };
        let pieces = |w: &str| {
            tokens
                .pieces(w)
                .map(|p| p.into_iter().map(name).collect::<Vec<_>>())
        };
        assert_eq!(pieces("card").unwrap(), ["card"]);
        assert_eq!(
            pieces("refund").unwrap().concat().replace("##", ""),
            "refund"
        );
        assert!(pieces("refund").unwrap().len() > 1);
        assert_eq!(pieces("naïve"), None);
    }
}
