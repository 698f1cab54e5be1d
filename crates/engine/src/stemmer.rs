//! Snowball stemming as a tantivy token filter, compiled for the languages Deflect
//! supports only.
//!
//! tantivy's own `Stemmer` links every Snowball algorithm (Greek, Turkish, Arabic…)
//! into the wasm engine that each visitor downloads; this filter links the few in
//! [`crate::analysis::LANGUAGES`]. Same algorithms, so stems are identical.

use std::collections::HashMap;

use frostem::Algorithm;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Stems lower-cased tokens with one Snowball algorithm.
#[derive(Clone)]
pub struct SnowballStemmer {
    algorithm: Algorithm,
}

impl SnowballStemmer {
    pub fn new(algorithm: Algorithm) -> Self {
        SnowballStemmer { algorithm }
    }
}

impl TokenFilter for SnowballStemmer {
    type Tokenizer<T: Tokenizer> = StemmingTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemmingTokenizer<T> {
        StemmingTokenizer {
            algorithm: self.algorithm,
            inner: tokenizer,
            stems: HashMap::new(),
        }
    }
}

/// At most this many words' stems are remembered per analyser, so a long session of
/// odd words cannot grow memory without bound.
const REMEMBERED_STEMS: usize = 20_000;

#[derive(Clone)]
pub struct StemmingTokenizer<T> {
    algorithm: Algorithm,
    inner: T,
    /// Word → stem. KB text repeats its words many times over, and stemming is most of
    /// the time it takes to analyse it (and so to open the engine in the browser).
    stems: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for StemmingTokenizer<T> {
    type TokenStream<'a> = StemmingStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemmingStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(self.algorithm),
            stems: &mut self.stems,
        }
    }
}

pub struct StemmingStream<'a, T> {
    tail: T,
    stemmer: frostem::Stemmer,
    stems: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for StemmingStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(&token.text) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = self.stemmer.stem(&token.text).into_owned();
        if self.stems.len() < REMEMBERED_STEMS {
            self.stems.insert(token.text.clone(), stem.clone());
        }
        token.text = stem;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::SimpleTokenizer;

    use super::*;

    fn stems(tokenizer: &mut StemmingTokenizer<SimpleTokenizer>, text: &str) -> Vec<String> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn a_remembered_stem_is_the_stem() {
        let mut tokenizer =
            SnowballStemmer::new(Algorithm::English).transform(SimpleTokenizer::default());
        let first = stems(&mut tokenizer, "refunds running refunded");
        assert_eq!(first, ["refund", "run", "refund"]);
        assert_eq!(tokenizer.stems.len(), 3);
        assert_eq!(stems(&mut tokenizer, "refunds running refunded"), first);
    }

    #[test]
    fn memory_for_stems_is_bounded() {
        let mut tokenizer =
            SnowballStemmer::new(Algorithm::English).transform(SimpleTokenizer::default());
        let words: Vec<String> = (0..REMEMBERED_STEMS + 500)
            .map(|i| format!("w{i}ing"))
            .collect();
        let stemmed = stems(&mut tokenizer, &words.join(" "));
        assert_eq!(stemmed.len(), words.len());
        assert_eq!(tokenizer.stems.len(), REMEMBERED_STEMS);
        // Past the bound, words are still stemmed, just not remembered.
        let direct = frostem::Stemmer::new(Algorithm::English);
        let last = words.last().expect("words");
        assert_eq!(stemmed.last(), Some(&direct.stem(last).into_owned()));
    }
}
