//! Whether a visitor's text carries personal data: what must never become part of the
//! KB (`deflect learn` proposes visitors' questions as example questions, which every
//! visitor then downloads). One rule for the whole project, built on the checks the
//! engine already applies to what visitors type: the ticket's email rule, the card
//! number masking, the checklist's order-number and web-address checks.

use std::fmt;

use super::details::{is_order_number, is_url};
use super::redact::mask_card_numbers;
use crate::ticket::is_email;

/// Digits in a run (with the separators phone numbers are written with) that make it
/// a phone number: the shortest local numbers have 7, E.164 allows 15.
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 7..=15;
/// A URL path segment this long, or with this many digits, is taken for a token.
const TOKEN_SEGMENT_CHARS: usize = 16;
const TOKEN_SEGMENT_DIGITS: usize = 4;

/// The kind of personal data found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalData {
    /// An email address (the ticket's rule: one `@`, a dot in the domain).
    Email,
    /// A payment card number (13–19 digits passing Luhn), or one already masked.
    CardNumber,
    /// A run of 7 to 15 digits written as phone numbers are.
    PhoneNumber,
    /// An order or invoice number: the checklist's rule, with a `#` or enough digits
    /// to be one rather than a version or a year.
    OrderNumber,
    /// A web address carrying a query, a fragment or a token-like path segment.
    UrlWithToken,
}

impl fmt::Display for PersonalData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Email => "an email address",
            Self::CardNumber => "a card number",
            Self::PhoneNumber => "a phone number",
            Self::OrderNumber => "an order number",
            Self::UrlWithToken => "a web address with a token",
        })
    }
}

/// The first kind of personal data in `text`, if any.
pub fn find_personal_data(text: &str) -> Option<PersonalData> {
    if mask_card_numbers(text).1 > 0 || text.contains("****") {
        return Some(PersonalData::CardNumber);
    }
    if has_phone_number(text) {
        return Some(PersonalData::PhoneNumber);
    }
    text.split_whitespace().find_map(word_kind)
}

/// What one whitespace-separated word is, its surrounding punctuation aside.
fn word_kind(word: &str) -> Option<PersonalData> {
    let lower = word.to_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return url_with_token(word).then_some(PersonalData::UrlWithToken);
    }
    let word = word.trim_matches(|c: char| !(c.is_alphanumeric() || c == '#'));
    if is_email(word) {
        return Some(PersonalData::Email);
    }
    let digits = word.chars().filter(char::is_ascii_digit).count();
    let letters = word.chars().any(char::is_alphabetic);
    let numbered = word.starts_with('#') || digits >= 5 || (letters && digits >= 3);
    (numbered && is_order_number(word)).then_some(PersonalData::OrderNumber)
}

/// Whether a web address carries what identifies someone: a query or fragment (where
/// sign-in and reset links put their tokens), or a long or numbered path segment.
fn url_with_token(word: &str) -> bool {
    let word = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'']);
    let with_scheme = match word.get(..4) {
        Some(start) if start.eq_ignore_ascii_case("www.") => format!("https://{word}"),
        _ => word.to_owned(),
    };
    if !is_url(&with_scheme) || with_scheme.contains(['?', '#', '@']) {
        return true; // what is not a plain address is not proposed either
    }
    let path = with_scheme.splitn(4, '/').nth(3).unwrap_or("");
    path.split('/').any(|segment| {
        segment.chars().count() >= TOKEN_SEGMENT_CHARS
            || segment.chars().filter(char::is_ascii_digit).count() >= TOKEN_SEGMENT_DIGITS
    })
}

/// Whether a run of digits, spaces, dashes, dots, slashes and brackets (a `+` may
/// start it) holds as many digits as a phone number.
fn has_phone_number(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            continue;
        }
        let within = digits > 0 && matches!(c, ' ' | '-' | '.' | '/' | '(' | ')' | '+');
        let opening = digits == 0 && matches!(c, '+' | '(');
        if !(within || opening) {
            if PHONE_DIGITS.contains(&digits) {
                return true;
            }
            digits = 0;
        }
    }
    PHONE_DIGITS.contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_found() {
        let cases = [
            ("my email is maya@example.com, help", PersonalData::Email),
            (
                "card 4242 4242 4242 4242 declined",
                PersonalData::CardNumber,
            ),
            (
                "card **** **** **** 4242 declined",
                PersonalData::CardNumber,
            ),
            ("call me on +44 20 7946 0958", PersonalData::PhoneNumber),
            ("call (555) 123-4567 please", PersonalData::PhoneNumber),
            ("where is order BA-10432?", PersonalData::OrderNumber),
            ("order #1043 never came", PersonalData::OrderNumber),
            ("invoice INV/2026/17 is wrong", PersonalData::OrderNumber),
            ("order 104325 missing", PersonalData::OrderNumber),
            (
                "https://shop.example/reset?token=abc does not work",
                PersonalData::UrlWithToken,
            ),
            (
                "www.shop.example/login/8f3a9c2e1d7b4a60 expired",
                PersonalData::UrlWithToken,
            ),
            (
                "see https://shop.example/orders/4821",
                PersonalData::UrlWithToken,
            ),
        ];
        for (text, kind) in cases {
            assert_eq!(find_personal_data(text), Some(kind), "{text}");
        }
    }

    #[test]
    fn ordinary_questions_pass() {
        for text in [
            "can i get my money back",
            "is there a 30 day refund?",
            "video stuck at 99%",
            "does it work on windows 10 or ios 17",
            "error 404 on the course page",
            "is the 2026 course out",
            "where is https://shop.example/courses/watercolour",
            "what is a .brushset file, is it 2.5 GB?",
            "I paid 49.99 twice",
            "@support help",
        ] {
            assert_eq!(find_personal_data(text), None, "{text}");
        }
    }
}
