//! Checking checklist answers before they reach a human, with messages a visitor can act on.

use std::collections::BTreeMap;

use super::strings::Invalid;
use crate::model::{Checklist, Field, FieldKind};
use crate::ticket::{attachment_id, is_email};

const MAX_ANSWER_CHARS: usize = 2000;

/// Whether an empty answer is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Empty {
    /// A flow step's checklist: its `required` fields must be answered.
    AsAuthored,
    /// After a handoff: every question may be skipped; a person can still ask.
    Allowed,
}

/// Cleaned answers, or a message per field that is wrong (in the visitor's language).
pub fn validate(
    checklist: &Checklist,
    values: &BTreeMap<String, String>,
    empty: Empty,
    invalid: &Invalid,
) -> Result<BTreeMap<String, String>, BTreeMap<String, String>> {
    let mut clean = BTreeMap::new();
    let mut errors = BTreeMap::new();
    for field in &checklist.fields {
        let value = values.get(&field.id).map(|v| v.trim()).unwrap_or("");
        if value.is_empty() {
            if field.required && empty == Empty::AsAuthored {
                errors.insert(field.id.clone(), invalid.required(&field.label));
            }
            continue;
        }
        match problem(field, value, invalid) {
            Some(message) => errors.insert(field.id.clone(), message),
            None => clean.insert(field.id.clone(), value.to_string()),
        };
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

/// What is wrong with a non-empty answer to `field`, if anything.
fn problem(field: &Field, value: &str, invalid: &Invalid) -> Option<String> {
    match field.kind {
        _ if value.chars().count() > MAX_ANSWER_CHARS => Some(invalid.too_long(MAX_ANSWER_CHARS)),
        FieldKind::Email if !is_email(value) => Some(invalid.email(value)),
        FieldKind::Url if !is_url(value) => Some(invalid.url.to_string()),
        FieldKind::Choice if !field.options.iter().any(|o| o == value) => {
            Some(invalid.choice(&field.options))
        }
        FieldKind::Order if !is_order_number(value) => Some(invalid.order.to_string()),
        FieldKind::Last4 if !is_last_four(value) => Some(invalid.last4.to_string()),
        FieldKind::Screenshot if attachment_id(value).is_none() => {
            Some(invalid.screenshot.to_string())
        }
        _ => None,
    }
}

/// An order or invoice number: a short run of letters and digits with the separators
/// shops print (`BA-10432`, `#1043`, `INV/2026/17`), at least one digit.
pub(super) fn is_order_number(value: &str) -> bool {
    let value = value.strip_prefix('#').unwrap_or(value);
    (2..=40).contains(&value.chars().count())
        && value.chars().any(|c| c.is_ascii_digit())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
}

/// Exactly four digits: a field for the end of a card number never takes the rest.
fn is_last_four(value: &str) -> bool {
    value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn is_url(value: &str) -> bool {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    rest.is_some_and(|r| {
        r.split('/')
            .next()
            .is_some_and(|host| host.contains('.') || host.starts_with("localhost"))
    }) && !value.chars().any(|c| c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::strings::for_lang;

    fn check(
        checklist: &Checklist,
        values: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, BTreeMap<String, String>> {
        validate(
            checklist,
            values,
            Empty::AsAuthored,
            &for_lang("en").invalid,
        )
    }

    fn checklist() -> Checklist {
        let field = |id: &str, kind, required| Field {
            id: id.into(),
            label: id.into(),
            kind,
            required,
            options: vec!["Web".into()],
            prefill: None,
        };
        Checklist {
            id: "access".into(),
            title: "Access".into(),
            fields: vec![
                field("email", FieldKind::Email, true),
                field("shot", FieldKind::Url, false),
                field("platform", FieldKind::Choice, false),
                field("order", FieldKind::Order, false),
                field("card", FieldKind::Last4, false),
                field("image", FieldKind::Screenshot, false),
            ],
            languages: BTreeMap::new(),
        }
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn good_answers_pass_trimmed() {
        let ok = check(
            &checklist(),
            &values(&[
                ("email", " a@b.co "),
                ("shot", "https://x.io/1.png"),
                ("platform", "Web"),
                ("order", "BA-10432"),
                ("card", "4242"),
                ("image", "attachment:0f8e2a1c-77aa"),
            ]),
        )
        .unwrap();
        assert_eq!(ok["email"], "a@b.co");
        assert_eq!(ok["card"], "4242");
    }

    #[test]
    fn bad_answers_get_a_message_each() {
        let errors = check(
            &checklist(),
            &values(&[
                ("email", "not-an-email"),
                ("shot", "x.png"),
                ("platform", "Fax"),
                ("order", "my order from last week"),
                ("card", "4111111111111111"),
                ("image", "https://evil.example/x.png"),
            ]),
        )
        .unwrap_err();
        assert_eq!(errors.len(), 6);
        assert!(errors["email"].contains("not an email"));
        assert!(errors["card"].contains("last 4 digits"));
        let errors = check(&checklist(), &values(&[])).unwrap_err();
        assert_eq!(errors["email"], "email is required.");
    }

    #[test]
    fn after_a_handoff_every_question_may_be_skipped_but_answers_are_still_checked() {
        let invalid = &for_lang("es").invalid;
        let skipped = validate(&checklist(), &values(&[]), Empty::Allowed, invalid);
        assert_eq!(skipped, Ok(BTreeMap::new()));
        let errors = validate(
            &checklist(),
            &values(&[("card", "12345")]),
            Empty::Allowed,
            invalid,
        )
        .unwrap_err();
        assert!(errors["card"].contains("últimos dígitos"), "{errors:?}");
    }
}
