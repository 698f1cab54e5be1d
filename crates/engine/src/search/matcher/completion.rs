//! Completion of the word the visitor is still typing, for suggestions as they type.

use super::expand::{Via, Weighted};

/// How much a completion of the half-typed last word counts.
const COMPLETION_WEIGHT: f32 = 0.6;
/// At most this many completions of one half-typed word are searched.
const MAX_COMPLETIONS: usize = 8;

/// The last word of `text` if the visitor is still typing it (no space or punctuation
/// after it), lower-cased.
pub(super) fn unfinished_word(text: &str) -> Option<String> {
    let typing_a_word = text.chars().last().is_some_and(|c| c.is_alphanumeric());
    typing_a_word.then(|| {
        let mut word: Vec<char> = text
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        word.reverse();
        word.into_iter().collect::<String>().to_lowercase()
    })
}

/// The KB's words (sorted `vocabulary`) that start with `partial`, once it has two
/// letters: fewer would match half the vocabulary.
pub(super) fn completions(partial: &str, vocabulary: &[String]) -> Vec<String> {
    if partial.chars().count() < 2 {
        return Vec::new();
    }
    let from = vocabulary.partition_point(|w| w.as_str() < partial);
    vocabulary[from..]
        .iter()
        .take_while(|w| w.starts_with(partial))
        .take(MAX_COMPLETIONS)
        .cloned()
        .collect()
}

/// A completion as a query term.
pub(super) fn completion_term(word: &str) -> Weighted {
    Weighted {
        term: word.to_string(),
        weight: COMPLETION_WEIGHT,
        via: Via::Completion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_word_still_being_typed_is_completed() {
        assert_eq!(unfinished_word("how do I Refu").as_deref(), Some("refu"));
        assert_eq!(unfinished_word("refund "), None);
        assert_eq!(unfinished_word("refund?"), None);
        assert_eq!(unfinished_word(""), None);
    }

    #[test]
    fn completions_need_two_letters_and_share_the_prefix() {
        let vocabulary: Vec<String> = ["card", "cart", "refund", "refuse"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(completions("ref", &vocabulary), ["refund", "refuse"]);
        assert_eq!(completions("car", &vocabulary), ["card", "cart"]);
        assert!(completions("r", &vocabulary).is_empty());
        assert!(completions("zz", &vocabulary).is_empty());
    }
}
