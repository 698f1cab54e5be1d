//! Indexing a KB's articles and flows with tantivy, done natively (at build time or by
//! `deflect index`), never in the browser: the segment it writes is rewritten as the
//! compact term index the engine reads (`compact`).

use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, TantivyDocument};

use deflect_engine::Result;
use deflect_engine::analysis;
use deflect_engine::model::Kb;
use deflect_engine::search::schema::{QUESTION, TEXT_FIELDS, field_name};
use deflect_engine::search::term_index::TermIndex;
use deflect_engine::search::{EntryKind, entries, languages};

use crate::compact::{compact_index, tantivy_error};

/// The writer's memory limit: high enough that any KB is written as one segment
/// (memory is taken as needed, not up front).
const WRITER_MEMORY: usize = 1 << 30;

/// Indexes the KB with tantivy in memory and returns its term index, to be stored in
/// the bundle.
pub fn term_index(kb: &Kb) -> Result<TermIndex> {
    let entries = entries(kb);
    let schema = schema(&languages(&entries));
    let index = Index::builder()
        .schema(schema.clone())
        .create_in_ram()
        .map_err(tantivy_error)?;
    analysis::register(index.tokenizers());
    let mut writer = index
        .writer_with_num_threads(1, WRITER_MEMORY)
        .map_err(tantivy_error)?;
    let field = |base: &str, lang: &str| {
        schema
            .get_field(&field_name(base, lang))
            .map_err(tantivy_error)
    };
    // Documents go in entry by entry, each entry's document then one per example
    // question: the matcher reads which entry a document is from its position.
    for entry in &entries {
        let mut doc = TantivyDocument::default();
        let lang = &entry.lang;
        doc.add_text(
            field("title", lang)?,
            analysis::normalize(&entry.title, lang),
        );
        doc.add_text(
            field("questions", lang)?,
            analysis::normalize(&entry.summary, lang),
        );
        doc.add_text(field("body", lang)?, analysis::normalize(&entry.body, lang));
        if let Some(article) = kb
            .article(&entry.id)
            .filter(|_| entry.kind == EntryKind::Article)
        {
            doc.add_text(
                field("keywords", lang)?,
                analysis::normalize(&article.keywords.join("\n"), lang),
            );
        }
        writer.add_document(doc).map_err(tantivy_error)?;
        for question in &entry.questions {
            let mut doc = TantivyDocument::default();
            doc.add_text(field(QUESTION, lang)?, analysis::normalize(question, lang));
            writer.add_document(doc).map_err(tantivy_error)?;
        }
    }
    writer.commit().map_err(tantivy_error)?;
    writer.wait_merging_threads().map_err(tantivy_error)?;
    // One segment keeps documents in the order they were added.
    compact_index(&index)
}

/// A schema with the text fields of `search::schema` for each language in `langs`,
/// each with its language's analyser.
fn schema(langs: &[String]) -> Schema {
    let mut builder = Schema::builder();
    for lang in langs {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(&analysis::analyzer_name(lang))
            .set_index_option(IndexRecordOption::WithFreqs);
        let options = TextOptions::default().set_indexing_options(indexing);
        for base in TEXT_FIELDS.iter().map(|(base, _)| *base).chain([QUESTION]) {
            builder.add_text_field(&field_name(base, lang), options.clone());
        }
    }
    builder.build()
}
