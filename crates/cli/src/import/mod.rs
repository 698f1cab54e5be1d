//! `deflect import`: a help centre's export (Markdown folder, Zendesk articles JSON,
//! HTML folder, CSV FAQ) into KB article files, ids kept stable across re-imports and
//! only what changed rewritten (`.import-manifest.json`).

mod article_file;
mod category;
mod convert;
mod error;
mod front_matter;
mod ids;
mod links;
mod manifest;
mod read_limited;
mod report;
mod scaffold;
mod source_article;
mod sources;
mod sync;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

pub use error::ImportErrors;
pub use report::Report;
pub use sources::Format;

use article_file::{ArticleFile, clean_line};
use error::ImportError;
use links::LinkIndex;
use manifest::Manifest;
use report::FileReport;
use source_article::SourceArticle;
use sync::Planned;

/// Longest title kept: a title is a line in the widget, not a body.
const MAX_TITLE: usize = 200;

/// Where to import from and to.
pub struct ImportOptions<'a> {
    pub source: &'a Path,
    /// The KB folder; articles go to its `articles/`.
    pub out: &'a Path,
    /// Told from the source when `None`.
    pub format: Option<Format>,
    /// The language of articles whose source names none.
    pub lang: Option<&'a str>,
}

/// Imports, writes and returns what happened; nothing is written when the source
/// has mistakes.
pub fn run(options: &ImportOptions) -> Result<Report, ImportErrors> {
    if let Some(lang) = options.lang
        && !deflect_engine::analysis::is_supported(lang)
    {
        return Err(ImportError::UnsupportedLang(lang.to_string()).into());
    }
    let format = match options.format {
        Some(f) => f,
        None => Format::detect(options.source)?,
    };
    let mut articles = format.read(options.source).map_err(ImportErrors)?;
    articles.sort_by(|a, b| a.key.cmp(&b.key));
    articles.dedup_by(|a, b| a.key == b.key);
    let old = Manifest::load(options.out)?;
    let taken = ids_of_other_articles(options.out, &old);
    let wanted: Vec<(String, String)> = articles
        .iter()
        .map(|a| (a.key.clone(), id_base(a)))
        .collect();
    let ids = ids::assign(&wanted, &old.ids(), &taken);
    let link_index = LinkIndex::new(articles.iter().zip(ids.iter().map(String::as_str)));
    let (planned, files) = plan(&articles, &ids, &link_index, options.lang);
    scaffold::ensure_kb(options.out, options.lang.unwrap_or("en"))?;
    let (summary, manifest) = sync::apply(options.out, &planned, &old)?;
    if manifest != old {
        manifest.save(options.out)?;
    }
    Ok(Report { summary, files })
}

/// The title's slug, else the source id's, else the file name's.
fn id_base(article: &SourceArticle) -> String {
    let from_title = ids::slug(&article.title);
    if !from_title.is_empty() {
        return from_title;
    }
    let from_id = article
        .source_id
        .as_deref()
        .map(ids::slug)
        .unwrap_or_default();
    if !from_id.is_empty() {
        return from_id;
    }
    ids::slug(&article.key)
}

/// Every article's file text, and a report per source article.
fn plan(
    articles: &[SourceArticle],
    ids: &[String],
    link_index: &LinkIndex,
    default_lang: Option<&str>,
) -> (Vec<Planned>, Vec<FileReport>) {
    let mut planned = Vec::new();
    let mut reports = Vec::new();
    for (article, id) in articles.iter().zip(ids) {
        let mut report = FileReport {
            source: article.key.clone(),
            ..FileReport::default()
        };
        if let Some(text) = article_text(article, id, link_index, default_lang, &mut report) {
            planned.push(Planned {
                key: article.key.clone(),
                id: id.clone(),
                file: format!("articles/{id}.md"),
                text,
            });
        }
        reports.push(report);
    }
    (planned, reports)
}

/// One article's file text; `None` (with a note) when nothing readable is left.
fn article_text(
    article: &SourceArticle,
    id: &str,
    link_index: &LinkIndex,
    default_lang: Option<&str>,
    report: &mut FileReport,
) -> Option<String> {
    let title: String = clean_line(&article.title).chars().take(MAX_TITLE).collect();
    if title.is_empty() {
        report
            .notes
            .push("skipped: the article has no title".into());
        return None;
    }
    let lookup = |href: &str| link_index.article_id(href, &article.key);
    let converted = convert::to_markdown(&article.html, &title, &lookup);
    report.dropped = converted.dropped;
    if converted.markdown.trim().is_empty() {
        report
            .notes
            .push("skipped: no text left once images and markup are dropped".into());
        return None;
    }
    let lang = match article.lang.as_deref().map(language_of) {
        Some(Ok(lang)) => Some(lang),
        Some(Err(locale)) => {
            report.notes.push(format!(
                "locale `{locale}` is not a supported language: the KB's default is used"
            ));
            default_lang.map(str::to_string)
        }
        None => default_lang.map(str::to_string),
    };
    let tags = tags_of(&article.groups);
    Some(
        ArticleFile {
            id,
            title: &title,
            category: category::guess(&article.groups, &title),
            tags: &tags,
            questions: &article.questions,
            headings: &converted.headings,
            url: article.url.as_deref(),
            lang: lang.as_deref(),
            body: &converted.markdown,
        }
        .render(),
    )
}

/// `en` of `en-us` or `en_US`, if the engine supports it; else the locale as written.
fn language_of(locale: &str) -> Result<String, String> {
    let lang = locale.trim().to_ascii_lowercase();
    let lang = lang.split(['-', '_']).next().unwrap_or("").to_string();
    if deflect_engine::analysis::is_supported(&lang) {
        Ok(lang)
    } else {
        Err(locale.to_string())
    }
}

/// Groups as tags: slugs, each once.
fn tags_of(groups: &[String]) -> Vec<String> {
    let tags: BTreeSet<String> = groups
        .iter()
        .map(|g| ids::slug(g))
        .filter(|t| !t.is_empty())
        .collect();
    tags.into_iter().collect()
}

/// Ids of articles and flows already in the KB that this import did not write, so new
/// ids do not collide with hand-written ones (they share one id space; file names
/// stand for ids here).
fn ids_of_other_articles(kb: &Path, manifest: &Manifest) -> HashSet<String> {
    let ours: HashSet<PathBuf> = manifest
        .articles
        .values()
        .map(|e| kb.join(&e.file))
        .collect();
    let articles = read_limited::files_below(&kb.join("articles"), &["md"]).unwrap_or_default();
    let flows = read_limited::files_below(&kb.join("flows"), &["toml"]).unwrap_or_default();
    articles
        .into_iter()
        .chain(flows)
        .filter(|p| !ours.contains(p))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_become_supported_languages() {
        assert_eq!(language_of("en-us"), Ok("en".to_string()));
        assert_eq!(language_of("pt_BR"), Ok("pt".to_string()));
        assert_eq!(language_of("ja"), Err("ja".to_string()));
    }

    #[test]
    fn untitled_or_empty_articles_are_skipped_with_a_note() {
        let mut report = FileReport::default();
        let untitled = SourceArticle {
            title: "\u{7}  ".into(),
            html: "<p>Text</p>".into(),
            ..SourceArticle::default()
        };
        let index = LinkIndex::default();
        assert!(article_text(&untitled, "a", &index, None, &mut report).is_none());
        let images_only = SourceArticle {
            title: "Pictures".into(),
            html: "<img src=a><img src=b>".into(),
            ..SourceArticle::default()
        };
        assert!(article_text(&images_only, "b", &index, None, &mut report).is_none());
        assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
        assert_eq!(report.dropped.get("image"), Some(&2));
    }
}
