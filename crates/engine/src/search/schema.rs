//! The index schema: one set of text fields per language, because a tantivy field has
//! exactly one analyser and each language needs its own stemmer.

use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};

use crate::analysis;

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

/// A schema with text fields for each language in `langs`.
pub fn build(langs: &[String]) -> Schema {
    let mut builder = Schema::builder();
    for lang in langs {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(&analysis::analyzer_name(lang))
            .set_index_option(IndexRecordOption::WithFreqs);
        for (base, _) in TEXT_FIELDS {
            builder.add_text_field(
                &field_name(base, lang),
                TextOptions::default().set_indexing_options(indexing.clone()),
            );
        }
        builder.add_text_field(
            &field_name(QUESTION, lang),
            TextOptions::default().set_indexing_options(indexing),
        );
    }
    builder.build()
}

/// The text fields of `lang` with their boosts, if the index has that language.
pub fn text_fields(schema: &Schema, lang: &str) -> Option<Vec<(Field, f32)>> {
    TEXT_FIELDS
        .iter()
        .map(|(base, boost)| {
            schema
                .get_field(&field_name(base, lang))
                .ok()
                .map(|f| (f, *boost))
        })
        .collect()
}

/// The per-question field of `lang`, if the index has that language.
pub fn question_field(schema: &Schema, lang: &str) -> Option<Field> {
    schema.get_field(&field_name(QUESTION, lang)).ok()
}
