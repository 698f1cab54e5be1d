//! Writing the tantivy index of a KB's articles and flows: done natively (at build time
//! or by `deflect index`), never in the browser, which only reads it.

use std::path::Path;

use sha2::{Digest, Sha256};
use tantivy::directory::Directory;
use tantivy::{Index, TantivyDocument};

use deflect_engine::Result;
use deflect_engine::analysis;
use deflect_engine::bundle::IndexFiles;
use deflect_engine::model::Kb;
use deflect_engine::search::{EntryKind, entries, languages, schema};

/// The writer's memory limit: high enough that any KB is written as one segment
/// (memory is taken as needed, not up front).
const WRITER_MEMORY: usize = 1 << 30;

/// Indexes the KB into memory and returns the index's files, path and bytes, to be
/// stored in the bundle.
pub fn index_files(kb: &Kb) -> Result<IndexFiles> {
    let entries = entries(kb);
    let schema = schema::build(&languages(&entries));
    let index = Index::builder().schema(schema.clone()).create_in_ram()?;
    analysis::register(index.tokenizers());
    let mut writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
    // Documents go in entry by entry, each entry's document then one per example
    // question: the matcher reads which entry a document is from its position.
    for entry in &entries {
        let mut doc = TantivyDocument::default();
        let text = |base: &str| schema.get_field(&schema::field_name(base, &entry.lang));
        let lang = &entry.lang;
        doc.add_text(text("title")?, analysis::normalize(&entry.title, lang));
        doc.add_text(
            text("questions")?,
            analysis::normalize(&entry.summary, lang),
        );
        doc.add_text(text("body")?, analysis::normalize(&entry.body, lang));
        if let Some(article) = kb
            .article(&entry.id)
            .filter(|_| entry.kind == EntryKind::Article)
        {
            doc.add_text(
                text("keywords")?,
                analysis::normalize(&article.keywords.join("\n"), lang),
            );
        }
        writer.add_document(doc)?;
        for question in &entry.questions {
            let mut doc = TantivyDocument::default();
            doc.add_text(text(schema::QUESTION)?, analysis::normalize(question, lang));
            writer.add_document(doc)?;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    // One segment keeps documents in the order they were added (see `postings`).
    let segments = index.searchable_segment_ids()?.len();
    if segments > 1 {
        return Err(tantivy::TantivyError::InternalError(format!(
            "the index was written as {segments} segments; Deflect needs one"
        ))
        .into());
    }
    let directory = index.directory();
    let mut paths: Vec<_> = directory.list_managed_files().into_iter().collect();
    paths.push(Path::new("meta.json").to_path_buf());
    paths.sort();
    paths.dedup();
    let mut files = Vec::new();
    for path in paths {
        let name = path.to_string_lossy().to_string();
        if name.starts_with(".tantivy") || name == ".managed.json" {
            continue;
        }
        let bytes = directory
            .atomic_read(&path)
            .map_err(tantivy::TantivyError::from)?;
        files.push((name, bytes));
    }
    name_segment_by_contents(&index, &mut files)?;
    Ok(files)
}

/// tantivy names a segment by a random id, so the same KB would give a different index
/// file, and every visitor a new download, on each rebuild: the segment is renamed
/// after its contents instead.
fn name_segment_by_contents(index: &Index, files: &mut [(String, Vec<u8>)]) -> Result<()> {
    let Some(segment) = index.searchable_segment_ids()?.into_iter().next() else {
        return Ok(());
    };
    let random = segment.uuid_string();
    let mut hasher = Sha256::new();
    for (name, bytes) in files.iter().filter(|(name, _)| name != "meta.json") {
        hasher.update(name.replace(&random, "").as_bytes());
        hasher.update(bytes);
    }
    let stable: String = hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // File names hold the id plain, meta.json hyphenated.
    let hyphenated = |id: &str| {
        format!(
            "{}-{}-{}-{}-{}",
            &id[..8],
            &id[8..12],
            &id[12..16],
            &id[16..20],
            &id[20..]
        )
    };
    for (name, bytes) in files.iter_mut() {
        *name = name.replace(&random, &stable);
        if name == "meta.json" {
            let meta = String::from_utf8_lossy(bytes)
                .replace(&hyphenated(&random), &hyphenated(&stable))
                .replace(&random, &stable);
            *bytes = meta.into_bytes();
        }
    }
    Ok(())
}
