//! The masking rule as a property over generated text: every Luhn-valid 13–19-digit
//! number, written in any script's digits with any runs of separators between any
//! digits, inside text of any language, keeps only its last four digits. The scripts,
//! separators and text come from `tests/vectors/masking.json`, which the widget's
//! property test (`tests/js/redact.property.test.mjs`) reads too.

use std::sync::LazyLock;

use deflect_engine::conversation::mask_card_numbers;
use proptest::prelude::*;

#[derive(serde::Deserialize)]
struct Vectors {
    generated: Alphabets,
}

#[derive(serde::Deserialize)]
struct Alphabets {
    digit_zeros: Vec<u32>,
    separators: Vec<String>,
    text: Vec<String>,
}

static ALPHABETS: LazyLock<Alphabets> = LazyLock::new(|| {
    let text = include_str!("../../../tests/vectors/masking.json");
    serde_json::from_str::<Vectors>(text)
        .expect("masking.json")
        .generated
});

/// The Luhn check digit that makes `body` followed by it valid.
fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][d as usize]
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// A Luhn-valid card number of 13 to 19 digits.
fn card_digits() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0u8..10, 12..=18).prop_map(|mut body| {
        body.push(check_digit(&body));
        body
    })
}

/// One card as written: per digit a script and the separators after it.
#[derive(Debug, Clone)]
struct Written {
    digits: Vec<u8>,
    scripts: Vec<usize>,
    gaps: Vec<Vec<usize>>,
    before: usize,
    after: usize,
}

fn written() -> impl Strategy<Value = Written> {
    let a = &*ALPHABETS;
    let (scripts, separators, texts) = (a.digit_zeros.len(), a.separators.len(), a.text.len());
    card_digits().prop_flat_map(move |digits| {
        let n = digits.len();
        (
            Just(digits),
            prop::collection::vec(0..scripts, n),
            // Most digits touch; some are apart by one separator or a run of several.
            prop::collection::vec(
                prop_oneof![3 => Just(vec![]), 2 => prop::collection::vec(0..separators, 1..4)],
                n - 1,
            ),
            0..texts,
            0..texts,
        )
            .prop_map(|(digits, scripts, gaps, before, after)| Written {
                digits,
                scripts,
                gaps,
                before,
                after,
            })
    })
}

impl Written {
    /// The message, and the char index of each digit in it.
    fn render(&self) -> (String, Vec<usize>) {
        let a = &*ALPHABETS;
        let mut text = a.text[self.before].clone();
        let mut at = Vec::new();
        for (i, &d) in self.digits.iter().enumerate() {
            at.push(text.chars().count());
            let zero = a.digit_zeros[self.scripts[i]];
            text.push(char::from_u32(zero + u32::from(d)).expect("a digit"));
            for &s in self.gaps.get(i).into_iter().flatten() {
                text.push_str(&a.separators[s]);
            }
        }
        text.push_str(&a.text[self.after]);
        (text, at)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_written_card_number_keeps_only_its_last_four_digits(card in written()) {
        let (text, at) = card.render();
        let (masked, count) = mask_card_numbers(&text);
        prop_assert_eq!(count, 1, "{:?} -> {:?}", text, masked);
        let masked: Vec<char> = masked.chars().collect();
        let original: Vec<char> = text.chars().collect();
        prop_assert_eq!(masked.len(), original.len());
        let visible = at.len() - 4;
        for (k, &i) in at.iter().enumerate() {
            if k < visible {
                prop_assert_eq!(masked[i], '*', "digit {} of {:?} -> {:?}", k, text, masked);
            } else {
                prop_assert_eq!(masked[i], original[i]);
            }
        }
        // Nothing but the number's digits changed.
        let changed = (0..original.len()).filter(|&i| masked[i] != original[i]).count();
        prop_assert_eq!(changed, visible);
    }
}
