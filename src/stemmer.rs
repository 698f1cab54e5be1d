//! Snowball stemming as a tantivy token filter, compiled for the languages Deflect
//! supports only.
//!
//! tantivy's own `Stemmer` links every Snowball algorithm (Greek, Turkish, Arabic…)
//! into the wasm engine that each visitor downloads; this filter links the few in
//! [`crate::analysis::LANGUAGES`]. Same algorithms, so stems are identical.

use std::borrow::Cow;
use std::mem;

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
        }
    }
}

#[derive(Clone)]
pub struct StemmingTokenizer<T> {
    algorithm: Algorithm,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemmingTokenizer<T> {
    type TokenStream<'a> = StemmingStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemmingStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(self.algorithm),
            buffer: String::new(),
        }
    }
}

pub struct StemmingStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
    buffer: String,
}

impl<T: TokenStream> TokenStream for StemmingStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        match self.stemmer.stem(&token.text) {
            Cow::Owned(stemmed) => token.text = stemmed,
            Cow::Borrowed(stemmed) => {
                self.buffer.clear();
                self.buffer.push_str(stemmed);
                mem::swap(&mut token.text, &mut self.buffer);
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}
