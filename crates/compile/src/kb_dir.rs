//! Reading a whole `kb/` folder: every file parsed, then the cross-references checked,
//! all mistakes collected before failing.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use deflect_engine::model::Kb;
use sha2::{Digest, Sha256};

use crate::error::{KbError, KbErrors};
use crate::source::Source;
use crate::{LocatedCase, LocatedMatchingCase};
use crate::{article, checklist, flow, matching_tests, rule_tests, rules, settings, synonyms};

/// A validated knowledge base and the rule cases that come with it.
pub struct Compiled {
    pub kb: Kb,
    pub rule_cases: Vec<LocatedCase>,
    /// Where the rule cases were read from, for reports.
    pub rule_cases_path: PathBuf,
    /// Questions and the answers they must get (`matching-tests.toml`).
    pub matching_cases: Vec<LocatedMatchingCase>,
    /// Where the matching cases were read from, for reports.
    pub matching_cases_path: PathBuf,
}

/// Reads every file of the knowledge base in `dir` and checks it whole.
pub fn compile_dir(dir: &Path) -> Result<Compiled, KbErrors> {
    let mut errors = Vec::new();
    let read = |name: &str, errors: &mut Vec<KbError>| read_path(&dir.join(name), errors);
    // An optional file that is absent is no error.
    let read_optional = |name: &str, errors: &mut Vec<KbError>| {
        let path = dir.join(name);
        path.exists().then(|| read_path(&path, errors)).flatten()
    };
    let mut hasher = Sha256::new();
    let mut hash_source = |s: &Source| {
        hasher.update(
            s.path
                .strip_prefix(dir)
                .unwrap_or(&s.path)
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.update([0]);
        hasher.update(s.text.as_bytes());
    };

    let settings_src = read("settings.toml", &mut errors);
    let settings = settings_src
        .as_ref()
        .and_then(|s| settings::parse(s, &mut errors));
    let default_lang = settings
        .as_ref()
        .map(|s| s.default_lang.clone())
        .unwrap_or_else(|| "en".into());
    let rules_src = read("rules.toml", &mut errors);
    let rules = rules_src
        .as_ref()
        .and_then(|s| rules::parse(s, &mut errors));
    let checklists_src = read("checklists.toml", &mut errors);
    let checklists = checklists_src
        .as_ref()
        .map(|s| checklist::parse(s, &mut errors))
        .unwrap_or_default();
    let rule_cases_path = dir.join("rule-tests.toml");
    let cases_src = read_optional("rule-tests.toml", &mut errors);
    let rule_cases = cases_src
        .as_ref()
        .map(|s| rule_tests::parse(s, &mut errors))
        .unwrap_or_default();
    let matching_cases_path = dir.join("matching-tests.toml");
    let matching_cases = read_optional("matching-tests.toml", &mut errors)
        .map(|s| matching_tests::parse(&s, &mut errors))
        .unwrap_or_default();
    let synonyms_src = read_optional("synonyms.toml", &mut errors);
    let synonyms = synonyms_src
        .as_ref()
        .map(|s| synonyms::parse(s, &mut errors))
        .unwrap_or_default();
    for s in [
        &settings_src,
        &rules_src,
        &checklists_src,
        &cases_src,
        &synonyms_src,
    ]
    .into_iter()
    .flatten()
    {
        hash_source(s);
    }
    check_no_stray_files(dir, &mut errors);

    let errors_before_entries = errors.len();
    let mut articles = Vec::new();
    for path in files_with_extension(&dir.join("articles"), "md", &mut errors) {
        let Some(src) = read_path(&path, &mut errors) else {
            continue;
        };
        hash_source(&src);
        if let Some(parsed) = article::parse(&src, &default_lang, &mut errors) {
            articles.push((path, parsed));
        }
    }
    let mut flows = Vec::new();
    for path in files_with_extension(&dir.join("flows"), "toml", &mut errors) {
        let Some(src) = read_path(&path, &mut errors) else {
            continue;
        };
        hash_source(&src);
        if let Some(parsed) = flow::parse(&src, &default_lang, &mut errors) {
            flows.push((path, parsed));
        }
    }

    // Cross-references, now that everything is read.
    let every_entry_read = errors.len() == errors_before_entries;
    let mut ids: HashMap<String, (PathBuf, usize)> = HashMap::new();
    let mut claim = |id: &str, file: &Path, line: usize, errors: &mut Vec<KbError>| {
        if let Some((first, first_line)) = ids.get(id) {
            errors.push(KbError {
                file: file.to_path_buf(),
                line,
                message: format!(
                    "id `{id}` is already used by {}:{first_line}",
                    first.display()
                ),
            });
        } else {
            ids.insert(id.to_string(), (file.to_path_buf(), line));
        }
    };
    for (path, a) in &articles {
        claim(&a.article.id, path, a.id_line, &mut errors);
    }
    for (path, f) in &flows {
        claim(&f.flow.id, path, f.id_line, &mut errors);
    }
    let article_ids: Vec<&str> = articles
        .iter()
        .map(|(_, a)| a.article.id.as_str())
        .collect();
    let flow_ids: Vec<&str> = flows.iter().map(|(_, f)| f.flow.id.as_str()).collect();
    let checklist_ids: Vec<&str> = checklists.iter().map(|c| c.id.as_str()).collect();
    let known = |kind: &str, id: &str| match kind {
        "article" => article_ids.contains(&id),
        "flow" => flow_ids.contains(&id),
        _ => checklist_ids.contains(&id),
    };
    for (path, a) in &articles {
        if let Some(flow) = &a.article.flow
            && !known("flow", flow)
        {
            errors.push(KbError {
                file: path.clone(),
                line: a.flow_line,
                message: format!("flow `{flow}` does not exist (files in kb/flows/)"),
            });
        }
        if let Some(issue_type) = &a.article.issue_type
            && !known("checklist", issue_type)
        {
            errors.push(KbError {
                file: path.clone(),
                line: a.issue_type_line,
                message: format!("issue_type `{issue_type}` has no checklist in checklists.toml"),
            });
        }
    }
    // An article that could not be read would make every case about it a second,
    // misleading error.
    for located in matching_cases.iter().filter(|_| every_entry_read) {
        if let Some(id) = &located.case.expect
            && !known("article", id)
            && !known("flow", id)
        {
            errors.push(KbError {
                file: matching_cases_path.clone(),
                line: located.line,
                message: format!("matching case: no article or flow has the id `{id}`"),
            });
        }
    }
    for (path, f) in &flows {
        for r in &f.references {
            if !known(r.kind, &r.id) {
                errors.push(KbError {
                    file: path.clone(),
                    line: r.line,
                    message: format!("{} `{}` does not exist", r.kind, r.id),
                });
            }
        }
    }

    if !errors.is_empty() {
        return Err(KbErrors(errors));
    }
    let (Some(settings), Some(rules)) = (settings, rules) else {
        return Err(KbErrors(errors));
    };
    let digest = hasher.finalize();
    let version: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    let kb = Kb {
        version,
        settings,
        articles: articles.into_iter().map(|(_, a)| a.article).collect(),
        flows: flows.into_iter().map(|(_, f)| f.flow).collect(),
        rules,
        checklists,
        synonyms,
    };
    Ok(Compiled {
        kb,
        rule_cases,
        rule_cases_path,
        matching_cases,
        matching_cases_path,
    })
}

fn read_path(path: &Path, errors: &mut Vec<KbError>) -> Option<Source> {
    match fs::read_to_string(path) {
        Ok(text) => Some(Source::new(path, text)),
        Err(e) => {
            errors.push(KbError {
                file: path.to_path_buf(),
                line: 1,
                message: format!("cannot read: {e}"),
            });
            None
        }
    }
}

/// Files below `dir` (recursively) with the extension, in a stable order.
fn files_with_extension(dir: &Path, extension: &str, errors: &mut Vec<KbError>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push(KbError {
                    file: d.clone(),
                    line: 1,
                    message: format!("cannot read folder: {e}"),
                });
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            } else if !name.eq_ignore_ascii_case("README.md") {
                errors.push(KbError {
                    file: path,
                    line: 1,
                    message: format!("unexpected file here; expected .{extension} files"),
                });
            }
        }
    }
    out.sort();
    out
}

/// Catches typos such as `rule.toml`, which would otherwise be silently ignored.
fn check_no_stray_files(dir: &Path, errors: &mut Vec<KbError>) {
    const KNOWN: &[&str] = &[
        "settings.toml",
        "rules.toml",
        "checklists.toml",
        "rule-tests.toml",
        "matching-tests.toml",
        "synonyms.toml",
        "articles",
        "flows",
        "README.md",
    ];
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.starts_with('.') && !KNOWN.contains(&name.as_str()) {
            errors.push(KbError {
                file: entry.path(),
                line: 1,
                message: format!(
                    "unexpected file in the knowledge base; expected one of {}",
                    KNOWN.join(", ")
                ),
            });
        }
    }
}
