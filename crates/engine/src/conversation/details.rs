//! Checking checklist answers before they reach a human, with messages a visitor can act on.

use std::collections::BTreeMap;

use crate::model::{Checklist, FieldKind};

const MAX_ANSWER_CHARS: usize = 2000;

/// Cleaned answers, or a message per field that is wrong.
pub fn validate(
    checklist: &Checklist,
    values: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, BTreeMap<String, String>> {
    let mut clean = BTreeMap::new();
    let mut errors = BTreeMap::new();
    for field in &checklist.fields {
        let value = values.get(&field.id).map(|v| v.trim()).unwrap_or("");
        if value.is_empty() {
            if field.required {
                errors.insert(field.id.clone(), format!("{} is required.", field.label));
            }
            continue;
        }
        let problem = match field.kind {
            _ if value.chars().count() > MAX_ANSWER_CHARS => Some(format!(
                "Please keep this under {MAX_ANSWER_CHARS} characters."
            )),
            FieldKind::Email if !is_email(value) => Some(format!(
                "“{value}” is not an email address, e.g. name@example.com."
            )),
            FieldKind::Url if !is_url(value) => {
                Some("Please paste a full link starting with https://".to_string())
            }
            FieldKind::Choice if !field.options.iter().any(|o| o == value) => {
                Some(format!("Please pick one of: {}.", field.options.join(", ")))
            }
            _ => None,
        };
        match problem {
            Some(message) => {
                errors.insert(field.id.clone(), message);
            }
            None => {
                clean.insert(field.id.clone(), value.to_string());
            }
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_url(value: &str) -> bool {
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
    use crate::model::Field;

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
            ],
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
        let ok = validate(
            &checklist(),
            &values(&[
                ("email", " a@b.co "),
                ("shot", "https://x.io/1.png"),
                ("platform", "Web"),
            ]),
        )
        .unwrap();
        assert_eq!(ok["email"], "a@b.co");
    }

    #[test]
    fn bad_answers_get_a_message_each() {
        let errors = validate(
            &checklist(),
            &values(&[
                ("email", "not-an-email"),
                ("shot", "x.png"),
                ("platform", "Fax"),
            ]),
        )
        .unwrap_err();
        assert_eq!(errors.len(), 3);
        assert!(errors["email"].contains("not an email"));
        let errors = validate(&checklist(), &values(&[])).unwrap_err();
        assert_eq!(errors["email"], "email is required.");
    }
}
