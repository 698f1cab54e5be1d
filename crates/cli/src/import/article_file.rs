//! The KB article file an imported article becomes: TOML front matter between `+++`
//! lines (the format of `kb/articles/`), then the Markdown body.

use serde::Serialize;

/// Headings proposed as questions, besides the title.
const MAX_HEADING_QUESTIONS: usize = 3;

#[derive(Serialize)]
struct FrontMatter<'a> {
    id: &'a str,
    title: &'a str,
    category: &'a str,
    tags: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    questions: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    proposed_questions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'a str>,
}

/// What one article file says.
pub struct ArticleFile<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub category: &'a str,
    pub tags: &'a [String],
    /// Real example questions from the export (a CSV FAQ's question).
    pub questions: &'a [String],
    /// Headings of the body, proposed as questions when there are no real ones.
    pub headings: &'a [String],
    pub url: Option<&'a str>,
    pub lang: Option<&'a str>,
    pub body: &'a str,
}

impl ArticleFile<'_> {
    /// The file's text, the same for the same article (so its hash says if it changed).
    pub fn render(&self) -> String {
        let proposed = if self.questions.is_empty() {
            proposed_questions(self.title, self.headings)
        } else {
            Vec::new()
        };
        let front = FrontMatter {
            id: self.id,
            title: self.title,
            category: self.category,
            tags: self.tags,
            questions: self.questions,
            proposed_questions: proposed,
            // The compiler refuses what is not a web address; such a url is left out.
            url: self.url.filter(|u| deflect_compile::check_link(u).is_ok()),
            lang: self.lang,
        };
        let toml = toml::to_string(&front).unwrap_or_default();
        format!("+++\n{toml}+++\n{}\n", self.body.trim())
    }
}

/// The title as a question, then a few distinct headings.
pub fn proposed_questions(title: &str, headings: &[String]) -> Vec<String> {
    let mut questions = vec![title.trim().to_string()];
    for heading in headings {
        let heading = heading.trim();
        let words = heading.split_whitespace().count();
        if (2..=20).contains(&words) && !questions.iter().any(|q| q.eq_ignore_ascii_case(heading)) {
            questions.push(heading.to_string());
        }
        if questions.len() > MAX_HEADING_QUESTIONS {
            break;
        }
    }
    questions
}

/// Text fit for a title or tag: no control characters, whitespace collapsed.
pub fn clean_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_carry_proposed_questions_unless_real_ones_exist() {
        let tags = vec!["shipping".to_string()];
        let headings = vec!["Track your order".to_string(), "Steps".to_string()];
        let mut file = ArticleFile {
            id: "where-is-my-order",
            title: "Where is my \"order\"?",
            category: "delivery",
            tags: &tags,
            questions: &[],
            headings: &headings,
            url: Some("javascript:alert(1)"),
            lang: Some("en"),
            body: "Body\n",
        };
        let text = file.render();
        assert!(
            text.starts_with("+++\nid = \"where-is-my-order\"\n"),
            "{text}"
        );
        assert!(
            text.contains(r#"proposed_questions = ['Where is my "order"?', "Track your order"]"#),
            "{text}"
        );
        assert!(!text.contains("javascript"), "{text}");
        assert!(text.ends_with("+++\nBody\n"), "{text}");
        let real = vec!["Where is my parcel?".to_string()];
        file.questions = &real;
        assert!(!file.render().contains("proposed_questions"));
    }
}
