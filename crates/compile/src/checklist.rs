//! `kb/checklists.toml`: what to ask next, per issue type.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use super::source::{Source, is_valid_id};
use crate::error::KbError;
use deflect_engine::model::{Checklist, ChecklistTranslation, Field, FieldKind, Prefill};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    title: String,
    fields: Vec<Spanned<RawField>>,
    /// `[billing.languages.es]`: the title and labels for visitors reading Spanish.
    #[serde(default)]
    languages: BTreeMap<String, Spanned<ChecklistTranslation>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    id: String,
    label: String,
    kind: FieldKind,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    options: Vec<String>,
    prefill: Option<Prefill>,
}

pub fn parse(source: &Source, errors: &mut Vec<KbError>) -> Vec<Checklist> {
    let Ok(raw) = source
        .parse_toml::<BTreeMap<String, Spanned<RawChecklist>>>()
        .map_err(|e| errors.push(e))
    else {
        return Vec::new();
    };
    raw.into_iter()
        .map(|(id, spanned)| {
            let span = spanned.span();
            let raw = spanned.into_inner();
            if !is_valid_id(&id) {
                errors.push(source.error_at(
                    Some(span.clone()),
                    format!("checklist id `{id}` must be lowercase letters, digits and dashes"),
                ));
            }
            if raw.fields.is_empty() {
                errors.push(source.error_at(Some(span), format!("checklist `{id}` has no fields")));
            }
            let mut seen = HashSet::new();
            let fields: Vec<Field> = raw
                .fields
                .into_iter()
                .map(|f| {
                    let span = f.span();
                    let f = f.into_inner();
                    if !seen.insert(f.id.clone()) {
                        errors.push(source.error_at(
                            Some(span.clone()),
                            format!("field `{}` appears twice in checklist `{id}`", f.id),
                        ));
                    }
                    if f.kind == FieldKind::Choice && f.options.is_empty() {
                        errors.push(source.error_at(
                            Some(span),
                            format!("choice field `{}` needs options = [...]", f.id),
                        ));
                    }
                    Field {
                        id: f.id,
                        label: f.label,
                        kind: f.kind,
                        required: f.required,
                        options: f.options,
                        prefill: f.prefill,
                    }
                })
                .collect();
            let languages = raw
                .languages
                .into_iter()
                .map(|(lang, spanned)| {
                    let span = spanned.span();
                    let translation = spanned.into_inner();
                    check_translation(&id, &lang, &translation, &fields, source, &span, errors);
                    (lang, translation)
                })
                .collect();
            Checklist {
                id,
                title: raw.title,
                fields,
                languages,
            }
        })
        .collect()
}

/// A translation is for a supported language and labels only fields that exist.
fn check_translation(
    id: &str,
    lang: &str,
    translation: &ChecklistTranslation,
    fields: &[Field],
    source: &Source,
    span: &std::ops::Range<usize>,
    errors: &mut Vec<KbError>,
) {
    if !deflect_engine::analysis::is_supported(lang) {
        errors.push(source.error_at(
            Some(span.clone()),
            format!("checklist `{id}`: lang `{lang}` is not a supported language"),
        ));
    }
    for field in translation.labels.keys() {
        if !fields.iter().any(|f| f.id == *field) {
            errors.push(source.error_at(
                Some(span.clone()),
                format!("checklist `{id}` has no field `{field}` to label in `{lang}`"),
            ));
        }
    }
}
