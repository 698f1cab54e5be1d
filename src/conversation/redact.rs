//! Payment card numbers typed into the chat are masked to their last four digits as
//! they are recorded, so no full card number reaches the transcript, the checklist
//! details or the ticket that leaves the browser.
//!
//! A card number is 13 to 19 digits, possibly in groups separated by single spaces or
//! dashes ("4111 1111 1111 1111", "4111-1111-1111-1111"), that passes the Luhn check.
//! The Luhn check keeps order numbers and phone numbers intact (nine in ten random digit
//! strings fail it). Masking keeps the separators: "**** **** **** 1111".

/// Fewest and most digits of a payment card number (ISO/IEC 7812).
const MIN_DIGITS: usize = 13;
const MAX_DIGITS: usize = 19;
/// Digits left visible at the end of a masked number.
const VISIBLE_DIGITS: usize = 4;

/// `text` with every card number masked, and how many were masked.
pub fn mask_card_numbers(text: &str) -> (String, u32) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut masked = 0;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let groups = digit_groups(&chars, i);
        match card_within(&chars, &groups) {
            Some((first, last)) => {
                let (start, end) = (groups[first].0, groups[last].1);
                // Everything of the run before the card is copied as it is.
                out.extend(&chars[i..start]);
                let digits = chars[start..end]
                    .iter()
                    .filter(|c| c.is_ascii_digit())
                    .count();
                let mut seen = 0;
                for &c in &chars[start..end] {
                    if c.is_ascii_digit() {
                        seen += 1;
                        out.push(if seen > digits - VISIBLE_DIGITS {
                            c
                        } else {
                            '*'
                        });
                    } else {
                        out.push(c);
                    }
                }
                masked += 1;
                i = end;
            }
            None => {
                // Not a card here: copy the first group and look again after it, so a
                // card following an unrelated number is still found.
                let end = groups[0].1;
                out.extend(&chars[i..end]);
                i = end;
            }
        }
    }
    (out, masked)
}

/// The runs of digits starting at `start` that are joined by one space or dash each,
/// as `(start, end)` char ranges.
fn digit_groups(chars: &[char], start: usize) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut i = start;
    loop {
        let begin = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        groups.push((begin, i));
        let joined =
            i + 1 < chars.len() && matches!(chars[i], ' ' | '-') && chars[i + 1].is_ascii_digit();
        if !joined {
            return groups;
        }
        i += 1;
    }
}

/// The longest, then leftmost, span of whole groups that is a valid card number.
fn card_within(chars: &[char], groups: &[(usize, usize)]) -> Option<(usize, usize)> {
    let digits_of = |first: usize, last: usize| -> Vec<u32> {
        chars[groups[first].0..groups[last].1]
            .iter()
            .filter_map(|c| c.to_digit(10))
            .collect()
    };
    let mut best: Option<(usize, usize, usize)> = None;
    for first in 0..groups.len() {
        for last in first..groups.len() {
            let digits = digits_of(first, last);
            if digits.len() > MAX_DIGITS {
                break;
            }
            if digits.len() >= MIN_DIGITS
                && luhn_valid(&digits)
                && best.is_none_or(|(_, _, len)| digits.len() > len)
            {
                best = Some((first, last, digits.len()));
            }
        }
    }
    best.map(|(first, last, _)| (first, last))
}

/// The Luhn checksum every payment card number satisfies.
fn luhn_valid(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2 == 1, d * 2) {
            (true, doubled) if doubled > 9 => doubled - 9,
            (true, doubled) => doubled,
            (false, _) => d,
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

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
