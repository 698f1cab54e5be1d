//! The index's fields: one set of text fields per language, because a field has
//! exactly one analyser and each language needs its own stemmer. `deflect-compile`
//! writes a field per name here; the matcher finds them by name.

use crate::search::postings::{FieldId, Segment};

/// The text fields searched, with how much a match in each counts.
pub const TEXT_FIELDS: &[(&str, f32)] = &[
    ("title", 2.0),
    ("questions", 1.5),
    ("keywords", 1.2),
    ("body", 0.4),
];

/// A document per example question (right after its entry's own document) holds the
/// question in this field only, so the best-matching question of each entry is found
/// cheaply.
pub const QUESTION: &str = "question";

pub fn field_name(base: &str, lang: &str) -> String {
    format!("{base}_{lang}")
}

/// The text fields of `lang` with their boosts, if the index has that language.
pub fn text_fields(segment: &Segment, lang: &str) -> Option<Vec<(FieldId, f32)>> {
    TEXT_FIELDS
        .iter()
        .map(|(base, boost)| segment.field(&field_name(base, lang)).map(|f| (f, *boost)))
        .collect()
}

/// The per-question field of `lang`, if the index has that language.
pub fn question_field(segment: &Segment, lang: &str) -> Option<FieldId> {
    segment.field(&field_name(QUESTION, lang))
}
