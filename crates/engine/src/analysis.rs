//! Text analysis shared by the index, the matcher and the escalation rules, so that a
//! word is cut, folded and stemmed the same way wherever it is compared.

use frostem::Algorithm;

use crate::stemmer::SnowballStemmer;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, TokenizerManager,
};

/// Customer text beyond this many bytes is ignored: a 100 KB paste costs no more than a
/// long question.
pub const MAX_TEXT_BYTES: usize = 4096;

/// At most this many distinct terms of a message are searched.
pub const MAX_TERMS: usize = 48;

/// Languages articles may be written in, with their stemmers: those this build links
/// (the crate's language features; natively all of them).
pub const LANGUAGES: &[(&str, Algorithm)] = &[
    ("en", Algorithm::English),
    #[cfg(feature = "es")]
    ("es", Algorithm::Spanish),
    #[cfg(feature = "fr")]
    ("fr", Algorithm::French),
    #[cfg(feature = "de")]
    ("de", Algorithm::German),
    #[cfg(feature = "it")]
    ("it", Algorithm::Italian),
    #[cfg(feature = "pt")]
    ("pt", Algorithm::Portuguese),
    #[cfg(feature = "nl")]
    ("nl", Algorithm::Dutch),
];

/// Whether articles can be written in `lang`.
pub fn is_supported(lang: &str) -> bool {
    LANGUAGES.iter().any(|(code, _)| *code == lang)
}

/// Name of the tokenizer registered for `lang`.
pub fn analyzer_name(lang: &str) -> String {
    format!("deflect_{lang}")
}

/// Words too common to tell articles apart. Unlike the usual lists it keeps "not", "no"
/// and "never": they flip the meaning of a support question.
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "of", "at", "by", "for", "with", "to", "from",
    "in", "on", "is", "are", "was", "were", "be", "been", "am", "i", "me", "my", "we", "our",
    "you", "your", "it", "its", "this", "that", "these", "those", "there", "here", "do", "does",
    "did", "doing", "so", "just", "please", "hi", "hello", "hey", "thanks", "thank", "would",
    "could", "should", "will", "shall", "can", "may", "might", "have", "has", "had", "as", "what",
    "how", "why", "when", "where", "which", "who", "im", "ive", "get", "got", "about",
];

/// The analyser for `lang`: words split on punctuation, lower-cased, folded to ASCII,
/// stop words removed (English), stemmed.
pub fn analyzer(lang: &str) -> TextAnalyzer {
    let language = LANGUAGES
        .iter()
        .find(|(code, _)| *code == lang)
        .map(|(_, l)| *l)
        .unwrap_or(Algorithm::English);
    let stop_words: Vec<String> = if language == Algorithm::English {
        ENGLISH_STOP_WORDS.iter().map(|w| w.to_string()).collect()
    } else {
        Vec::new()
    };
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(stop_words))
        .filter(SnowballStemmer::new(language))
        .build()
}

/// Registers the analysers of every supported language on an index's tokenizer manager.
pub fn register(tokenizers: &TokenizerManager) {
    for (code, _) in LANGUAGES {
        tokenizers.register(&analyzer_name(code), analyzer(code));
    }
}

/// Prepares raw text for analysis: bounded in length, control characters blanked,
/// English contractions spelled out ("can't" → "can not") so negations survive.
pub fn normalize(text: &str, lang: &str) -> String {
    let bounded = truncate_at_char(text, MAX_TEXT_BYTES);
    let odd = |c: char| matches!(c, '\u{2019}' | '\u{2018}') || c.is_control();
    let cleaned: String = if bounded.contains(odd) {
        bounded
            .chars()
            .map(|c| match c {
                '\u{2019}' | '\u{2018}' => '\'',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect()
    } else {
        bounded.to_string()
    };
    if lang != "en" {
        return cleaned;
    }
    expand_contractions(&cleaned)
}

/// The analysed terms of `text`, in order, duplicates kept.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str, lang: &str) -> Vec<String> {
    let normalized = normalize(text, lang);
    let mut stream = analyzer.token_stream(&normalized);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The words of `text` lower-cased and folded but neither stemmed nor filtered, for
/// matching multi-word phrases exactly ("sign in" but not "sign up").
pub fn plain_words(text: &str, lang: &str) -> Vec<String> {
    let normalized = normalize(text, lang);
    let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = analyzer.token_stream(&normalized);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

fn truncate_at_char(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn expand_contractions(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for word in text.split_inclusive(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let (core, tail) = match word.char_indices().last() {
            Some((i, c)) if !(c.is_alphanumeric() || c == '\'') => word.split_at(i),
            _ => (word, ""),
        };
        // Most words have no apostrophe: copied as they are, with no string of their own.
        if core.contains('\'') || core.eq_ignore_ascii_case("cannot") {
            out.push_str(&expand_word(core));
        } else {
            out.push_str(core);
        }
        out.push_str(tail);
    }
    out
}

fn expand_word(word: &str) -> String {
    let lower = word.to_lowercase();
    let irregular = match lower.as_str() {
        "can't" | "cannot" => Some("can not"),
        "won't" => Some("will not"),
        "shan't" => Some("shall not"),
        "ain't" => Some("is not"),
        _ => None,
    };
    if let Some(expanded) = irregular {
        return expanded.to_string();
    }
    for (suffix, expansion) in [
        ("n't", " not"),
        ("'re", " are"),
        ("'ve", " have"),
        ("'ll", " will"),
        ("'m", " am"),
        ("'d", " would"),
    ] {
        if let Some(stem) = lower.strip_suffix(suffix) {
            return format!("{stem}{expansion}");
        }
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(text: &str) -> Vec<String> {
        terms(&mut analyzer("en"), text, "en")
    }

    #[test]
    fn contractions_keep_their_negation() {
        assert_eq!(en("I can't log in"), ["not", "log"]);
        assert_eq!(en("video won’t play"), ["video", "not", "play"]);
        assert_eq!(en("it doesn't work"), ["not", "work"]);
        // No apostrophe, still a negation.
        assert_eq!(en("I Cannot log in"), ["not", "log"]);
    }

    #[test]
    fn words_are_folded_and_stemmed() {
        assert_eq!(en("Refunds REFUNDED café"), ["refund", "refund", "cafe"]);
    }

    #[test]
    fn hostile_text_is_bounded_and_harmless() {
        let paste = "refund ".repeat(20_000);
        assert!(en(&paste).len() <= MAX_TEXT_BYTES / 2);
        assert!(en("").is_empty());
        assert!(en("   \t\n").is_empty());
        assert_eq!(en("title:\"x\" AND (y) OR -z*"), ["titl", "x", "y", "z"]);
        assert_eq!(en("🎨 bank\u{0}ing"), ["bank", "ing"]);
        assert_eq!(en("مرحبا password"), ["مرحبا", "password"]);
    }
}
