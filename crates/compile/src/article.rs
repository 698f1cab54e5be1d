//! `kb/articles/**/*.md`: TOML front matter between `+++` lines, then a Markdown body.

use serde::Deserialize;
use toml::Spanned;

use super::fragments::fragment_name;
use super::markdown;
use super::source::{Source, is_valid_id};
use crate::error::KbError;
use deflect_engine::model::Article;

/// Categories an article may belong to; they also group articles in the inbox.
pub const CATEGORIES: &[&str] = &["billing", "tech", "access", "delivery", "community"];

const FENCE: &str = "+++";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: Spanned<String>,
    title: Spanned<String>,
    category: Spanned<String>,
    #[serde(default)]
    tags: Vec<String>,
    /// Optional only when there are proposed questions (checked below).
    questions: Option<Spanned<Vec<String>>>,
    /// Questions `deflect import` guessed from the title and headings: they match like
    /// real ones, but `deflect check` warns until an author writes real ones.
    #[serde(default)]
    proposed_questions: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    issue_type: Option<Spanned<String>>,
    flow: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    lang: Option<Spanned<String>>,
}

/// An article plus the places its cross-references were written, for later checks.
pub struct Parsed {
    pub article: Article,
    pub id_line: usize,
    pub issue_type_line: usize,
    pub flow_line: usize,
    /// The article has proposed questions and no real ones yet.
    pub only_proposed_questions: bool,
}

/// Parses and checks one article file; `None` (with the reasons in `errors`) if it has
/// mistakes.
pub fn parse(file: &Source, default_lang: &str, errors: &mut Vec<KbError>) -> Option<Parsed> {
    let (front, body) = split_front_matter(file, errors)?;
    let fm: FrontMatter = front.parse_toml().map_err(|e| errors.push(e)).ok()?;
    let before = errors.len();
    let lang = check_front_matter(&fm, &front, default_lang, errors);
    if body.trim().is_empty() {
        errors.push(file.error_at(None, "the article has no body after its front matter"));
    }
    if errors.len() > before {
        return None;
    }
    let line_of = |s: &Option<Spanned<String>>| {
        s.as_ref()
            .map(|s| front.line_at(s.span().start))
            .unwrap_or(1)
    };
    let only_proposed_questions = has_no_real_questions(&fm);
    let html = markdown::to_safe_html(&body);
    let mut questions = fm.questions.map(Spanned::into_inner).unwrap_or_default();
    questions.extend(fm.proposed_questions);
    Some(Parsed {
        only_proposed_questions,
        id_line: front.line_at(fm.id.span().start),
        issue_type_line: line_of(&fm.issue_type),
        flow_line: line_of(&fm.flow),
        article: Article {
            id: fm.id.into_inner(),
            title: fm.title.into_inner(),
            category: fm.category.into_inner(),
            tags: fm.tags,
            questions,
            keywords: fm.keywords,
            issue_type: fm.issue_type.map(Spanned::into_inner),
            flow: fm.flow.map(Spanned::into_inner),
            url: fm.url.map(Spanned::into_inner),
            lang,
            fragment: fragment_name(&html),
            html,
            body_text: markdown::to_plain_text(&body),
        },
    })
}

/// The front matter (as a source of its own, lines counted from the file's) and the
/// Markdown body after it.
fn split_front_matter(file: &Source, errors: &mut Vec<KbError>) -> Option<(Source, String)> {
    let text = file.text.replace("\r\n", "\n");
    let Some(rest) = text.strip_prefix(FENCE).and_then(|r| r.strip_prefix('\n')) else {
        errors.push(file.error_at(
            None,
            "an article must start with a `+++` line, then TOML front matter, then `+++`",
        ));
        return None;
    };
    let Some(end) = rest.find("\n+++") else {
        errors.push(file.error_at(
            None,
            "the front matter opened on line 1 is never closed with a `+++` line",
        ));
        return None;
    };
    let front = Source {
        path: file.path.clone(),
        text: rest[..end + 1].to_string(),
        line_offset: 1,
    };
    let body = rest[end + 4..].trim_start_matches(['\n', '+']).to_string();
    Some((front, body))
}

fn has_no_real_questions(fm: &FrontMatter) -> bool {
    fm.questions
        .as_ref()
        .is_none_or(|q| q.get_ref().iter().all(|q| q.trim().is_empty()))
}

/// Checks the front matter's values; returns the article's language.
fn check_front_matter(
    fm: &FrontMatter,
    front: &Source,
    default_lang: &str,
    errors: &mut Vec<KbError>,
) -> String {
    let id = fm.id.get_ref();
    if !is_valid_id(id) {
        errors.push(front.error_at(
            Some(fm.id.span()),
            format!("id `{id}` must be lowercase letters, digits and dashes"),
        ));
    }
    if fm.title.get_ref().trim().is_empty() {
        errors.push(front.error_at(Some(fm.title.span()), "title is empty"));
    }
    if !CATEGORIES.contains(&fm.category.get_ref().as_str()) {
        errors.push(front.error_at(
            Some(fm.category.span()),
            format!(
                "unknown category `{}`; use one of {}",
                fm.category.get_ref(),
                CATEGORIES.join(", ")
            ),
        ));
    }
    if has_no_real_questions(fm) && fm.proposed_questions.iter().all(|q| q.trim().is_empty()) {
        errors.push(front.error_at(
            fm.questions.as_ref().map(Spanned::span),
            "give at least one example question customers ask",
        ));
    }
    if let Some(url) = &fm.url
        && let Err(why) = check_link(url.get_ref())
    {
        errors.push(front.error_at(Some(url.span()), format!("url `{}` {why}", url.get_ref())));
    }
    let lang = fm
        .lang
        .as_ref()
        .map(|l| l.get_ref().clone())
        .unwrap_or_else(|| default_lang.to_string());
    if !deflect_engine::analysis::is_supported(&lang) {
        let span = fm.lang.as_ref().map(|l| l.span());
        errors.push(front.error_at(span, format!("lang `{lang}` is not a supported language")));
    }
    lang
}

/// An article's "open in a new tab" link: the widget puts it in an `href`, so only a
/// web address may go there (`javascript:` or `data:` would run or show anything).
/// Absolute `http(s)://host…` links and paths on the embedding site (`/help/…`) pass.
pub fn check_link(url: &str) -> Result<(), &'static str> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters");
    }
    let lower = url.to_ascii_lowercase();
    let after_scheme = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match after_scheme {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) => Ok(()),
        Some(_) => Err("must name a host after `https://`"),
        None if url.starts_with('/') && !url.starts_with("//") => Ok(()),
        None => Err("must start with `https://`, `http://` or `/` (a page of your site)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn article(front: &str) -> (Option<Parsed>, Vec<KbError>) {
        let text =
            format!("+++\nid = \"a\"\ntitle = \"A\"\ncategory = \"tech\"\n{front}+++\nBody\n");
        let mut errors = Vec::new();
        let parsed = parse(&Source::new(Path::new("a.md"), text), "en", &mut errors);
        (parsed, errors)
    }

    #[test]
    fn proposed_questions_match_but_are_marked() {
        let (parsed, errors) = article("proposed_questions = [\"How?\"]\n");
        let parsed = parsed.expect("proposed questions alone are enough to build");
        assert!(errors.is_empty());
        assert!(parsed.only_proposed_questions);
        assert_eq!(parsed.article.questions, ["How?"]);
        let (parsed, _) = article("questions = [\"Why?\"]\nproposed_questions = [\"How?\"]\n");
        let parsed = parsed.unwrap();
        assert!(!parsed.only_proposed_questions);
        assert_eq!(parsed.article.questions, ["Why?", "How?"]);
        let (parsed, errors) = article("");
        assert!(parsed.is_none());
        assert!(errors[0].message.contains("example question"), "{errors:?}");
    }

    #[test]
    fn only_web_addresses_are_links() {
        for ok in [
            "https://example.com/a?b=c",
            "HTTP://shop.example",
            "/help/refunds",
        ] {
            assert_eq!(check_link(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<b>x</b>",
            "//evil.example/x",
            "https:///x",
            "https://exa mple.com",
            "java\tscript:alert(1)",
            "help/refunds",
            "vbscript:x",
        ] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
    }
}
