//! Front matter of Markdown exports (Jekyll, Hugo, Docusaurus): YAML between `---`
//! lines or TOML between `+++` lines, read into the fields an import uses.

use std::path::Path;

use serde::Deserialize;

use super::error::ImportError;

/// The fields of front matter an import uses; the rest is ignored.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct FrontMatter {
    pub title: Option<Scalar>,
    pub id: Option<Scalar>,
    pub url: Option<String>,
    pub permalink: Option<String>,
    pub lang: Option<String>,
    pub locale: Option<String>,
    pub language: Option<String>,
    pub tags: OneOrMany,
    pub categories: OneOrMany,
    pub labels: OneOrMany,
    pub section: Option<String>,
}

/// A value written as a string, number or boolean (`id: 9264736457500`).
#[derive(Debug, Deserialize, PartialEq, Clone)]
#[serde(untagged)]
pub enum Scalar {
    Text(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Text(s) => write!(f, "{s}"),
            Scalar::Integer(n) => write!(f, "{n}"),
            Scalar::Float(n) => write!(f, "{n}"),
            Scalar::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// `tags: faq` or `tags: [faq, billing]`.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    None,
    One(Scalar),
    Many(Vec<Scalar>),
}

impl OneOrMany {
    pub fn to_strings(&self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s.to_string()],
            OneOrMany::Many(v) => v.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The front matter and the body after it; no front matter gives the default and the
/// whole text. Line numbers in errors are the file's.
pub fn split(path: &Path, text: &str) -> Result<(FrontMatter, String), ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n");
    let fence = if text.starts_with("---\n") {
        "---"
    } else if text.starts_with("+++\n") {
        "+++"
    } else {
        return Ok((FrontMatter::default(), text));
    };
    let rest = &text[4..];
    let closing = format!("\n{fence}");
    let end = if rest.starts_with(fence) {
        Some(0)
    } else {
        rest.find(&closing).map(|i| i + 1)
    };
    let Some(end) = end else {
        return Err(ImportError::FrontMatter {
            path: path.to_path_buf(),
            line: 1,
            message: format!("opened with `{fence}` on line 1 but never closed"),
        });
    };
    let front = &rest[..end];
    let body = rest[end + 3..]
        .trim_start_matches(['\n', '-', '+'])
        .to_string();
    let parsed = if fence == "---" {
        parse_yaml(path, front)?
    } else {
        parse_toml(path, front)?
    };
    Ok((parsed, body))
}

fn parse_yaml(path: &Path, front: &str) -> Result<FrontMatter, ImportError> {
    if front.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    serde_norway::from_str(front).map_err(|e| ImportError::FrontMatter {
        path: path.to_path_buf(),
        line: 1 + e.location().map_or(1, |l| l.line()),
        message: e.to_string(),
    })
}

fn parse_toml(path: &Path, front: &str) -> Result<FrontMatter, ImportError> {
    toml::from_str(front).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let line = front[..offset.min(front.len())].matches('\n').count() + 2;
        ImportError::FrontMatter {
            path: path.to_path_buf(),
            line,
            message: e.message().trim().to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter_with_a_numeric_id() {
        let (fm, body) = split(
            Path::new("a.md"),
            "---\ntitle: \"Hardware Support\"\nid: 9264736457500\ntags: [a, b]\n---\n\nHello",
        )
        .unwrap();
        assert_eq!(fm.title, Some(Scalar::Text("Hardware Support".into())));
        assert_eq!(fm.id.unwrap().to_string(), "9264736457500");
        assert_eq!(fm.tags.to_strings(), ["a", "b"]);
        assert_eq!(body, "Hello");
    }

    #[test]
    fn toml_front_matter_and_none() {
        let (fm, body) = split(
            Path::new("a.md"),
            "+++\ntitle = \"T\"\ntags = \"x\"\n+++\nBody",
        )
        .unwrap();
        assert_eq!(fm.title, Some(Scalar::Text("T".into())));
        assert_eq!(fm.tags.to_strings(), ["x"]);
        assert_eq!(body, "Body");
        let (fm, body) = split(Path::new("a.md"), "# Just text").unwrap();
        assert_eq!(fm, FrontMatter::default());
        assert_eq!(body, "# Just text");
    }

    #[test]
    fn bad_front_matter_names_file_and_line() {
        let e = split(Path::new("a.md"), "---\ntitle: ok\ntags: [unclosed\n---\nx").unwrap_err();
        let message = e.to_string();
        assert!(message.starts_with("a.md:"), "{message}");
        assert!(
            matches!(e, ImportError::FrontMatter { line, .. } if (3..=5).contains(&line)),
            "{message}"
        );
        let e = split(Path::new("b.md"), "+++\ntitle = \n+++\nx").unwrap_err();
        assert!(matches!(e, ImportError::FrontMatter { line: 2, .. }), "{e}");
        let e = split(Path::new("c.md"), "---\ntitle: x\n").unwrap_err();
        assert!(e.to_string().contains("never closed"), "{e}");
    }
}
