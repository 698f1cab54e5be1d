//! What an import prints at the end: per file, what was dropped and why an article was
//! skipped; totals by kind; and the summary line.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::convert::Dropped;
use super::sync::Summary;

/// What happened to one source article beyond a clean conversion.
#[derive(Debug, Default, Clone)]
pub struct FileReport {
    /// The source article's key (its relative path, or format and id).
    pub source: String,
    pub dropped: Dropped,
    pub notes: Vec<String>,
}

/// The whole run: summary, and every file with something to say.
#[derive(Debug, Default)]
pub struct Report {
    pub summary: Summary,
    pub files: Vec<FileReport>,
}

impl Report {
    /// Totals of dropped content by kind, over every file.
    pub fn dropped_totals(&self) -> Dropped {
        let mut totals = BTreeMap::new();
        for (kind, n) in self.files.iter().flat_map(|f| &f.dropped) {
            *totals.entry(*kind).or_default() += n;
        }
        totals
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for file in self
            .files
            .iter()
            .filter(|f| !f.dropped.is_empty() || !f.notes.is_empty())
        {
            let mut parts: Vec<String> = file
                .dropped
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            parts.extend(file.notes.iter().cloned());
            let _ = writeln!(out, "{}: {}", file.source, parts.join(", "));
        }
        for file in &self.summary.kept_edited {
            let _ = writeln!(out, "{file}: edited since the last import, kept as it is");
        }
        let totals = self.dropped_totals();
        if !totals.is_empty() {
            let parts: Vec<String> = totals
                .iter()
                .map(|(kind, n)| {
                    let files = self
                        .files
                        .iter()
                        .filter(|f| f.dropped.contains_key(kind))
                        .count();
                    format!("{n} {kind} in {files} files")
                })
                .collect();
            let _ = writeln!(out, "dropped: {}", parts.join(", "));
        }
        let s = &self.summary;
        let _ = write!(
            out,
            "imported {}, updated {}, unchanged {}, removed {}",
            s.imported, s.updated, s.unchanged, s.removed
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_content_is_listed_per_file_then_totalled() {
        let file = |source: &str, dropped: &[(&'static str, usize)]| FileReport {
            source: source.into(),
            dropped: dropped.iter().copied().collect(),
            notes: Vec::new(),
        };
        let report = Report {
            summary: Summary {
                imported: 2,
                updated: 1,
                unchanged: 3,
                removed: 1,
                kept_edited: vec!["articles/x.md".into()],
            },
            files: vec![
                file("a.md", &[("image", 2), ("script", 1)]),
                file("b.md", &[("image", 1)]),
                file("clean.md", &[]),
            ],
        };
        assert_eq!(
            report.render(),
            "a.md: 2 image, 1 script\n\
             b.md: 1 image\n\
             articles/x.md: edited since the last import, kept as it is\n\
             dropped: 3 image in 2 files, 1 script in 1 files\n\
             imported 2, updated 1, unchanged 3, removed 1"
        );
    }
}
