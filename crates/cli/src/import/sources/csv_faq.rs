//! A CSV FAQ: a `question,answer` header, then one row per question; answers are
//! Markdown. The question is a real example question, not a proposed one.

use std::path::Path;

use super::super::error::ImportError;
use super::super::ids::slug;
use super::super::read_limited::{EXPORT_FILE_LIMIT, read_text};
use super::super::source_article::SourceArticle;
use super::markdown_to_html;

pub fn read(path: &Path) -> Result<Vec<SourceArticle>, ImportError> {
    let text = read_text(path, EXPORT_FILE_LIMIT)?;
    let csv_error = |line: u64, message: String| ImportError::Csv {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(1, e.to_string()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(question), Some(answer)) = (column("question"), column("answer")) else {
        return Err(csv_error(
            1,
            "the header must name the columns `question,answer`".into(),
        ));
    };
    let mut articles = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            csv_error(line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let (Some(q), Some(a)) = (record.get(question), record.get(answer)) else {
            return Err(csv_error(
                line,
                "the row has no question or no answer".into(),
            ));
        };
        let (q, a) = (q.trim(), a.trim());
        if q.is_empty() || a.is_empty() {
            return Err(csv_error(
                line,
                "the question or the answer is empty".into(),
            ));
        }
        articles.push(SourceArticle {
            key: format!("csv/{}", slug(q)),
            title: q.to_string(),
            html: markdown_to_html(a),
            questions: vec![q.to_string()],
            ..SourceArticle::default()
        });
    }
    Ok(articles)
}
