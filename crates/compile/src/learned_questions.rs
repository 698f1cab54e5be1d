//! `kb/learned-questions.toml` (optional): example questions learned from visitors'
//! traffic (`deflect learn`) that the author accepted. They are added to their
//! article's example questions and match exactly like the ones in its front matter;
//! keeping them in a file of their own keeps the articles as the author wrote them and
//! makes every learned question one line of a reviewable diff.
//!
//! `kb/learned-questions.proposed.toml`, `deflect learn`'s proposal, has the same shape
//! but changes nothing until it is accepted: the compiler does not read it.

use serde::Deserialize;
use toml::Spanned;

use std::path::Path;

use super::source::Source;
use crate::error::{KbError, KbErrors};
use deflect_engine::model::Article;

/// The accepted file's name in `kb/`.
pub const FILE_NAME: &str = "learned-questions.toml";
/// The proposal's name in `kb/`; never compiled.
pub const PROPOSED_FILE_NAME: &str = "learned-questions.proposed.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    article: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: Spanned<String>,
    questions: Vec<Spanned<String>>,
}

/// The questions learned for one article, with where its id was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnedQuestions {
    pub article: String,
    pub questions: Vec<String>,
    /// The line of the entry's `id`, for a mistake about the article.
    pub line: usize,
}

/// Parses the file; every empty question and the TOML's own mistakes go to `errors`
/// with their line. An article may have several entries.
pub fn parse(source: &Source, errors: &mut Vec<KbError>) -> Vec<LearnedQuestions> {
    let file = match source.parse_toml::<RawFile>() {
        Ok(file) => file,
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    let mut entries = Vec::new();
    for entry in file.article {
        let mut questions = Vec::new();
        for question in entry.questions {
            let text = question.get_ref().trim();
            if text.is_empty() {
                errors.push(source.error_at(
                    Some(question.span()),
                    format!("learned question for `{}` is empty", entry.id.get_ref()),
                ));
            } else {
                questions.push(text.to_owned());
            }
        }
        entries.push(LearnedQuestions {
            article: entry.id.get_ref().clone(),
            questions,
            line: source.line_at(entry.id.span().start),
        });
    }
    entries
}

/// Reads a learned-questions file (the accepted one or a proposal) on its own: its
/// entries, or its mistakes with their lines. Which articles exist is the KB's check.
pub fn read(path: &Path) -> Result<Vec<LearnedQuestions>, KbErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        KbErrors(vec![KbError {
            file: path.to_path_buf(),
            line: 1,
            message: format!("cannot read: {e}"),
        }])
    })?;
    let mut errors = Vec::new();
    let entries = parse(&Source::new(path, text), &mut errors);
    match errors.is_empty() {
        true => Ok(entries),
        false => Err(KbErrors(errors)),
    }
}

/// Adds each entry's questions to its article's example questions, skipping those it
/// already has (compared ignoring case); an entry naming no article is a mistake.
pub fn add_to_articles<'a>(
    articles: impl IntoIterator<Item = &'a mut Article>,
    learned: &[LearnedQuestions],
    path: &Path,
    errors: &mut Vec<KbError>,
) {
    let mut articles: Vec<&mut Article> = articles.into_iter().collect();
    for entry in learned {
        let Some(article) = articles.iter_mut().find(|a| a.id == entry.article) else {
            errors.push(KbError {
                file: path.to_path_buf(),
                line: entry.line,
                message: format!(
                    "no article has the id `{}` (learned questions belong to an article of kb/articles/)",
                    entry.article
                ),
            });
            continue;
        };
        for question in &entry.questions {
            let known = article
                .questions
                .iter()
                .any(|q| q.trim().eq_ignore_ascii_case(question));
            if !known {
                article.questions.push(question.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse_text(text: &str) -> (Vec<LearnedQuestions>, Vec<KbError>) {
        let mut errors = Vec::new();
        let source = Source::new(Path::new("kb/learned-questions.toml"), text.to_owned());
        (parse(&source, &mut errors), errors)
    }

    #[test]
    fn entries_are_read_with_their_lines() {
        let (entries, errors) = parse_text(
            "# accepted\n[[article]]\nid = \"refund-policy\"\nquestions = [\" can i get my money back \", \"refund?\"]\n\n[[article]]\nid = \"reset-password\"\nquestions = []\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].article, "refund-policy");
        assert_eq!(entries[0].questions, ["can i get my money back", "refund?"]);
        assert_eq!(entries[0].line, 3);
        assert_eq!(entries[1].line, 7);
    }

    #[test]
    fn mistakes_name_their_line() {
        let (_, errors) =
            parse_text("[[article]]\nid = \"a\"\nquestions = [\n  \"ok\",\n  \"  \",\n]\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 5);
        assert!(errors[0].message.contains("empty"), "{errors:?}");
        let (_, errors) = parse_text("[[article]]\nid = \"a\"\nquestion = [\"typo\"]\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 3, "{errors:?}");
        let (_, errors) = parse_text("[[article]\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 1);
    }
}
