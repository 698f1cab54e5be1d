//! Payment card numbers typed into the chat are masked to their last four digits as
//! they are recorded, so no full card number reaches the transcript, the checklist
//! details or the ticket that leaves the browser. The widget masks what it sends
//! without the engine by the same rule (`www/widget/redact.js`); both pass
//! `tests/vectors/masking.json`.
//!
//! The rule: a *group* is a maximal run of decimal digits of any script; a *chain* is
//! groups joined by runs of separators (white space, `.` `-` `/` `_`, dashes, full-width
//! `．` `／` `＿`). In each chain, non-overlapping spans of whole consecutive groups with
//! 13 to 19 digits (ISO/IEC 7812) that pass the Luhn check are chosen to mask as many
//! digits as possible; every digit of a chosen span but its last four becomes `*`.
//! The Luhn check keeps order and phone numbers intact (nine in ten random digit
//! strings fail it). Linear time: a span holds at most 19 digits, so at most 19 groups.

/// Fewest and most digits of a payment card number.
const MIN_DIGITS: usize = 13;
const MAX_DIGITS: usize = 19;
/// Digits left visible at the end of a masked number.
const VISIBLE_DIGITS: usize = 4;

/// The code points Unicode gives the general category Nd (decimal digit), as runs: each
/// run is one or more sets of 0..9 back to back (Unicode 17, as the widget's `\p{Nd}`).
const DECIMAL_RUNS: &[std::ops::RangeInclusive<u32>] = &[
    0x30..=0x39,
    0x660..=0x669,
    0x6F0..=0x6F9,
    0x7C0..=0x7C9,
    0x966..=0x96F,
    0x9E6..=0x9EF,
    0xA66..=0xA6F,
    0xAE6..=0xAEF,
    0xB66..=0xB6F,
    0xBE6..=0xBEF,
    0xC66..=0xC6F,
    0xCE6..=0xCEF,
    0xD66..=0xD6F,
    0xDE6..=0xDEF,
    0xE50..=0xE59,
    0xED0..=0xED9,
    0xF20..=0xF29,
    0x1040..=0x1049,
    0x1090..=0x1099,
    0x17E0..=0x17E9,
    0x1810..=0x1819,
    0x1946..=0x194F,
    0x19D0..=0x19D9,
    0x1A80..=0x1A89,
    0x1A90..=0x1A99,
    0x1B50..=0x1B59,
    0x1BB0..=0x1BB9,
    0x1C40..=0x1C49,
    0x1C50..=0x1C59,
    0xA620..=0xA629,
    0xA8D0..=0xA8D9,
    0xA900..=0xA909,
    0xA9D0..=0xA9D9,
    0xA9F0..=0xA9F9,
    0xAA50..=0xAA59,
    0xABF0..=0xABF9,
    0xFF10..=0xFF19,
    0x104A0..=0x104A9,
    0x10D30..=0x10D39,
    0x10D40..=0x10D49,
    0x11066..=0x1106F,
    0x110F0..=0x110F9,
    0x11136..=0x1113F,
    0x111D0..=0x111D9,
    0x112F0..=0x112F9,
    0x11450..=0x11459,
    0x114D0..=0x114D9,
    0x11650..=0x11659,
    0x116C0..=0x116C9,
    0x116D0..=0x116E3,
    0x11730..=0x11739,
    0x118E0..=0x118E9,
    0x11950..=0x11959,
    0x11BF0..=0x11BF9,
    0x11C50..=0x11C59,
    0x11D50..=0x11D59,
    0x11DA0..=0x11DA9,
    0x11DE0..=0x11DE9,
    0x11F50..=0x11F59,
    0x16130..=0x16139,
    0x16A60..=0x16A69,
    0x16AC0..=0x16AC9,
    0x16B50..=0x16B59,
    0x16D70..=0x16D79,
    0x1CCF0..=0x1CCF9,
    0x1D7CE..=0x1D7FF,
    0x1E140..=0x1E149,
    0x1E2F0..=0x1E2F9,
    0x1E4F0..=0x1E4F9,
    0x1E5F1..=0x1E5FA,
    0x1E950..=0x1E959,
    0x1FBF0..=0x1FBF9,
];

/// 0–9 for a decimal digit of any script.
fn digit_value(c: char) -> Option<u8> {
    if c.is_ascii() {
        return c.to_digit(10).map(|d| d as u8);
    }
    let cp = u32::from(c);
    let run = DECIMAL_RUNS.partition_point(|r| *r.end() < cp);
    let run = DECIMAL_RUNS.get(run).filter(|r| r.contains(&cp))?;
    Some(((cp - run.start()) % 10) as u8)
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '.' | '/' | '_' | '\u{FF0E}' | '\u{FF0F}' | '\u{FF3F}')
        || is_dash(c)
}

/// Unicode's dash punctuation (general category Pd).
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{058A}' | '\u{05BE}' | '\u{1400}' | '\u{1806}' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2E17}'
                | '\u{2E1A}'
                | '\u{2E3A}'
                | '\u{2E3B}'
                | '\u{2E40}'
                | '\u{2E5D}'
                | '\u{301C}'
                | '\u{3030}'
                | '\u{30A0}'
                | '\u{FE31}'
                | '\u{FE32}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{10D6E}'
                | '\u{10EAD}'
    )
}

/// `text` with every card number masked, and how many were masked.
pub fn mask_card_numbers(text: &str) -> (String, u32) {
    let mut chars: Vec<char> = text.chars().collect();
    let values: Vec<Option<u8>> = chars.iter().map(|&c| digit_value(c)).collect();
    let mut masked = 0;
    let mut chain: Vec<(usize, usize)> = Vec::new();
    for i in 0..=chars.len() {
        match values.get(i).copied().flatten() {
            Some(_) => match chain.last_mut() {
                Some(group) if group.1 == i => group.1 = i + 1,
                _ => chain.push((i, i + 1)),
            },
            None if i < chars.len() && is_separator(chars[i]) => {}
            None => {
                masked += mask_chain(&chain, &values, &mut chars);
                chain.clear();
            }
        }
    }
    (chars.into_iter().collect(), masked)
}

/// Chooses the spans of one chain and masks them in `chars`; returns how many.
/// `best[g]` is the most digits maskable from group `g` on; ties take a span over
/// skipping it, and the longer of two spans.
fn mask_chain(groups: &[(usize, usize)], values: &[Option<u8>], chars: &mut [char]) -> u32 {
    let n = groups.len();
    let mut best = vec![0usize; n + 1];
    let mut span_end: Vec<Option<usize>> = vec![None; n];
    for g in (0..n).rev() {
        let mut take: Option<(usize, usize)> = None; // (last group, digits masked from g on)
        let mut digits = 0;
        // The Luhn sum both ways: doubling every second digit from the right depends on
        // whether the span's length ends up even or odd.
        let (mut if_even, mut if_odd) = (0u32, 0u32);
        'spans: for (h, &(start, end)) in groups.iter().enumerate().skip(g) {
            for value in &values[start..end] {
                digits += 1;
                if digits > MAX_DIGITS {
                    break 'spans;
                }
                let d = u32::from(value.expect("a group holds digits"));
                let doubled = if d > 4 { d * 2 - 9 } else { d * 2 };
                if digits % 2 == 1 {
                    (if_even, if_odd) = (if_even + doubled, if_odd + d);
                } else {
                    (if_even, if_odd) = (if_even + d, if_odd + doubled);
                }
            }
            let luhn = if digits % 2 == 1 { if_odd } else { if_even };
            if digits >= MIN_DIGITS && luhn % 10 == 0 {
                let value = digits + best[h + 1];
                if take.is_none_or(|(_, v)| value >= v) {
                    take = Some((h, value));
                }
            }
        }
        match take.filter(|&(_, value)| value >= best[g + 1]) {
            Some((h, value)) => (best[g], span_end[g]) = (value, Some(h)),
            None => best[g] = best[g + 1],
        }
    }
    let mut masked = 0;
    let mut g = 0;
    while g < n {
        let Some(h) = span_end[g] else {
            g += 1;
            continue;
        };
        let span = &groups[g..=h];
        let total: usize = span.iter().map(|(start, end)| end - start).sum();
        let positions = span.iter().flat_map(|&(start, end)| start..end);
        for i in positions.take(total - VISIBLE_DIGITS) {
            chars[i] = '*';
        }
        masked += 1;
        g = h + 1;
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `tests/vectors/masking.json`: the widget's masker passes the same cases.
    #[derive(serde::Deserialize)]
    struct Vectors {
        cases: Vec<Case>,
    }
    #[derive(serde::Deserialize)]
    struct Case {
        name: String,
        input: String,
        output: String,
        count: u32,
    }

    #[test]
    fn the_shared_masking_vectors_pass() {
        let text = include_str!("../../../../tests/vectors/masking.json");
        let vectors: Vectors = serde_json::from_str(text).expect("masking.json");
        assert!(vectors.cases.len() > 30);
        for case in &vectors.cases {
            let (output, count) = mask_card_numbers(&case.input);
            assert_eq!(
                (output.as_str(), count),
                (case.output.as_str(), case.count),
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn decimal_digits_of_every_script_have_their_value() {
        assert_eq!(digit_value('7'), Some(7));
        assert_eq!(digit_value('\u{FF17}'), Some(7)); // full-width
        assert_eq!(digit_value('\u{0667}'), Some(7)); // Arabic-Indic
        assert_eq!(digit_value('\u{1D7D5}'), Some(7)); // mathematical bold, the first set of five
        assert_eq!(digit_value('\u{1D7FF}'), Some(9)); // and the last
        assert_eq!(digit_value('²'), None);
        assert_eq!(digit_value('a'), None);
    }

    #[test]
    fn a_card_number_keeps_only_its_last_four_digits() {
        assert_eq!(
            mask_card_numbers("my card is 4111111111111111, charged twice"),
            ("my card is ************1111, charged twice".to_string(), 1)
        );
    }

    #[test]
    fn separators_are_kept_and_masked_around() {
        assert_eq!(
            mask_card_numbers("4111 1111 1111 1111").0,
            "**** **** **** 1111"
        );
        assert_eq!(
            mask_card_numbers("card: 5500-0000-0000-0004.").0,
            "card: ****-****-****-0004."
        );
        // American Express groups 4-6-5.
        assert_eq!(
            mask_card_numbers("3782 822463 10005").0,
            "**** ****** *0005"
        );
    }

    #[test]
    fn numbers_failing_the_luhn_check_are_left_alone() {
        let text = "order 4111111111111112 and invoice 1234-5678-9012-3456";
        assert_eq!(mask_card_numbers(text), (text.to_string(), 0));
    }

    #[test]
    fn short_numbers_and_phone_numbers_are_left_alone() {
        let text = "Order #10442, call +1 415 555 0100, lesson 12 of 40, 2024-05-01";
        assert_eq!(mask_card_numbers(text), (text.to_string(), 0));
    }

    #[test]
    fn every_card_in_a_message_is_counted() {
        let (masked, n) =
            mask_card_numbers("first 4242424242424242 then 5555 5555 5555 4444 and 7 more");
        assert_eq!(n, 2);
        assert_eq!(
            masked,
            "first ************4242 then **** **** **** 4444 and 7 more"
        );
    }

    #[test]
    fn a_card_next_to_another_number_is_still_found() {
        let (masked, n) = mask_card_numbers("2 4111 1111 1111 1111");
        assert_eq!((masked.as_str(), n), ("2 **** **** **** 1111", 1));
    }

    #[test]
    fn masking_twice_changes_nothing() {
        let (once, _) = mask_card_numbers("4111 1111 1111 1111");
        assert_eq!(mask_card_numbers(&once), (once.clone(), 0));
    }

    #[test]
    fn non_ascii_text_is_kept_intact() {
        let text = "Carte № 4111 1111 1111 1111 — merci ✓";
        assert_eq!(
            mask_card_numbers(text).0,
            "Carte № **** **** **** 1111 — merci ✓"
        );
    }
}
