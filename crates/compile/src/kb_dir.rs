//! Reading a whole `kb/` folder: every file parsed, then the cross-references checked,
//! all mistakes collected before failing.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use deflect_engine::model::{Checklist, Kb, Outcome, Settings, SynonymGroup};
use sha2::{Digest, Sha256};

use crate::error::{KbError, KbErrors};
use crate::learned_questions::{self, LearnedQuestions};
use crate::source::Source;
use crate::{LocatedCase, LocatedMatchingCase};
use crate::{article, checklist, flow, matching_tests, rule_tests, rules, settings, synonyms};

/// A validated knowledge base and the rule cases that come with it.
pub struct Compiled {
    pub kb: Kb,
    pub rule_cases: Vec<LocatedCase>,
    /// Questions and the answers they must get (`matching-tests.toml`).
    pub matching_cases: Vec<LocatedMatchingCase>,
    /// Where the matching cases were read from, for reports.
    pub matching_cases_path: PathBuf,
    /// What an author should still fix but that does not stop the build: articles
    /// whose example questions are all proposed by `deflect import`.
    pub warnings: Vec<KbError>,
}

/// Reads every file of the knowledge base in `dir` and checks it whole.
pub fn compile_dir(dir: &Path) -> Result<Compiled, KbErrors> {
    let mut reader = Reader::new(dir);
    let top = reader.top_level_files();
    check_no_stray_files(dir, &mut reader.errors);
    let errors_before_entries = reader.errors.len();
    let default_lang = top
        .settings
        .as_ref()
        .map_or_else(|| "en".to_string(), |s| s.default_lang.clone());
    let mut articles = reader.entries("articles", "md", |src, errors| {
        article::parse(src, &default_lang, errors)
    });
    let flows = reader.entries("flows", "toml", |src, errors| {
        flow::parse(src, &default_lang, errors)
    });
    // An article that could not be read would make every case about it a second,
    // misleading error.
    let every_entry_read = reader.errors.len() == errors_before_entries;
    let Reader {
        mut errors, hasher, ..
    } = reader;
    let entries = Entries {
        articles: &articles,
        flows: &flows,
        checklists: &top.checklists,
        rules: top.rules.as_ref(),
    };
    entries.check_unique_ids(&mut errors);
    entries.check_article_references(&mut errors);
    if every_entry_read {
        entries.check_matching_cases(&top.matching_cases, &top.matching_cases_path, &mut errors);
    }
    entries.check_flow_references(&mut errors);
    entries.check_rule_references(&top.rules_path, &mut errors);
    entries.check_flows_lead_to_checklists(&mut errors);
    if every_entry_read {
        learned_questions::add_to_articles(
            articles.iter_mut().map(|(_, a)| &mut a.article),
            &top.learned_questions,
            &top.learned_questions_path,
            &mut errors,
        );
    }
    let (true, Some(settings), Some(rules)) = (errors.is_empty(), top.settings, top.rules) else {
        return Err(KbErrors(errors));
    };
    let warnings = proposed_question_warnings(&articles);
    let kb = Kb {
        version: version_of(hasher),
        settings,
        articles: articles.into_iter().map(|(_, a)| a.article).collect(),
        flows: flows.into_iter().map(|(_, f)| f.flow).collect(),
        rules: rules.rules,
        checklists: top.checklists,
        synonyms: top.synonyms,
    };
    Ok(Compiled {
        kb,
        rule_cases: top.rule_cases,
        matching_cases: top.matching_cases,
        matching_cases_path: top.matching_cases_path,
        warnings,
    })
}

/// One warning per article that has only the questions `deflect import` proposed.
fn proposed_question_warnings(articles: &[(PathBuf, article::Parsed)]) -> Vec<KbError> {
    articles
        .iter()
        .filter(|(_, a)| a.only_proposed_questions)
        .map(|(path, a)| KbError {
            file: path.clone(),
            line: a.id_line,
            message: format!(
                "article `{}` has only proposed questions: write the questions customers really ask in `questions`",
                a.article.id
            ),
        })
        .collect()
}

/// The KB's version: the first bytes of the hash of its files, names and contents.
fn version_of(hasher: Sha256) -> String {
    let digest = hasher.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The files at the top of `kb/`, parsed (`None` or empty where they had mistakes).
struct TopLevel {
    settings: Option<Settings>,
    rules: Option<rules::Parsed>,
    rules_path: PathBuf,
    checklists: Vec<Checklist>,
    rule_cases: Vec<LocatedCase>,
    matching_cases: Vec<LocatedMatchingCase>,
    matching_cases_path: PathBuf,
    synonyms: Vec<SynonymGroup>,
    learned_questions: Vec<LearnedQuestions>,
    learned_questions_path: PathBuf,
}

/// Reads one `kb/` folder's files, collecting every mistake, and hashes what the KB's
/// version is computed from.
struct Reader<'a> {
    dir: &'a Path,
    errors: Vec<KbError>,
    hasher: Sha256,
}

impl<'a> Reader<'a> {
    fn new(dir: &'a Path) -> Self {
        Reader {
            dir,
            errors: Vec::new(),
            hasher: Sha256::new(),
        }
    }

    /// Reads and parses the top-level files, in the order their mistakes are reported.
    /// Matching cases do not change what visitors get, so they are not hashed.
    fn top_level_files(&mut self) -> TopLevel {
        let settings = self
            .read("settings.toml", true)
            .and_then(|s| settings::parse(&s, &mut self.errors));
        let default_lang = settings
            .as_ref()
            .map_or("en", |s: &Settings| s.default_lang.as_str());
        let rules = self
            .read("rules.toml", true)
            .and_then(|s| rules::parse(&s, default_lang, &mut self.errors));
        let checklists = self
            .read("checklists.toml", true)
            .map(|s| checklist::parse(&s, &mut self.errors))
            .unwrap_or_default();
        let mut rule_cases = self
            .read("rule-tests.toml", false)
            .map(|s| rule_tests::parse(&s, &mut self.errors))
            .unwrap_or_default();
        if self.dir.join("rule-tests").is_dir() {
            let files = self.entries("rule-tests", "toml", |s, errors| {
                Some(rule_tests::parse(s, errors))
            });
            rule_cases.extend(files.into_iter().flat_map(|(_, cases)| cases));
        }
        let matching_cases = self
            .read_unhashed("matching-tests.toml", false)
            .map(|s| matching_tests::parse(&s, &mut self.errors))
            .unwrap_or_default();
        let synonyms = self
            .read("synonyms.toml", false)
            .map(|s| synonyms::parse(&s, &mut self.errors))
            .unwrap_or_default();
        let learned_questions = self
            .read(learned_questions::FILE_NAME, false)
            .map(|s| learned_questions::parse(&s, &mut self.errors))
            .unwrap_or_default();
        TopLevel {
            settings,
            rules,
            rules_path: self.dir.join("rules.toml"),
            checklists,
            rule_cases,
            matching_cases,
            matching_cases_path: self.dir.join("matching-tests.toml"),
            synonyms,
            learned_questions,
            learned_questions_path: self.dir.join(learned_questions::FILE_NAME),
        }
    }

    /// Reads `name` and adds it to the version hash. An optional file that is absent
    /// is no error.
    fn read(&mut self, name: &str, required: bool) -> Option<Source> {
        let source = self.read_unhashed(name, required)?;
        self.hash(&source);
        Some(source)
    }

    fn read_unhashed(&mut self, name: &str, required: bool) -> Option<Source> {
        let path = self.dir.join(name);
        if !required && !path.exists() {
            return None;
        }
        read_path(&path, &mut self.errors)
    }

    fn hash(&mut self, source: &Source) {
        let name = source.path.strip_prefix(self.dir).unwrap_or(&source.path);
        self.hasher.update(name.to_string_lossy().as_bytes());
        self.hasher.update([0]);
        self.hasher.update(source.text.as_bytes());
    }

    /// Every file of `folder` with `extension`, read, hashed and parsed.
    fn entries<T>(
        &mut self,
        folder: &str,
        extension: &str,
        parse: impl Fn(&Source, &mut Vec<KbError>) -> Option<T>,
    ) -> Vec<(PathBuf, T)> {
        let mut parsed = Vec::new();
        for path in files_with_extension(&self.dir.join(folder), extension, &mut self.errors) {
            let Some(source) = read_path(&path, &mut self.errors) else {
                continue;
            };
            self.hash(&source);
            if let Some(entry) = parse(&source, &mut self.errors) {
                parsed.push((path, entry));
            }
        }
        parsed
    }
}

/// The articles, flows and checklists read, for the checks across files.
struct Entries<'a> {
    articles: &'a [(PathBuf, article::Parsed)],
    flows: &'a [(PathBuf, flow::Parsed)],
    checklists: &'a [Checklist],
    rules: Option<&'a rules::Parsed>,
}

impl Entries<'_> {
    /// Articles and flows share one id space: a question's answer is named by id.
    fn check_unique_ids(&self, errors: &mut Vec<KbError>) {
        let mut ids: HashMap<&str, (&Path, usize)> = HashMap::new();
        let articles = self
            .articles
            .iter()
            .map(|(p, a)| (&a.article.id, p, a.id_line));
        let flows = self.flows.iter().map(|(p, f)| (&f.flow.id, p, f.id_line));
        for (id, file, line) in articles.chain(flows) {
            if let Some((first, first_line)) = ids.get(id.as_str()) {
                errors.push(KbError {
                    file: file.clone(),
                    line,
                    message: format!(
                        "id `{id}` is already used by {}:{first_line}",
                        first.display()
                    ),
                });
            } else {
                ids.insert(id, (file, line));
            }
        }
    }

    /// Whether an article, flow or checklist of that id exists.
    fn knows(&self, kind: &str, id: &str) -> bool {
        match kind {
            "article" => self.articles.iter().any(|(_, a)| a.article.id == id),
            "flow" => self.flows.iter().any(|(_, f)| f.flow.id == id),
            _ => self.checklists.iter().any(|c| c.id == id),
        }
    }

    /// Every flow and checklist an article names exists.
    fn check_article_references(&self, errors: &mut Vec<KbError>) {
        for (path, a) in self.articles {
            if let Some(flow) = &a.article.flow
                && !self.knows("flow", flow)
            {
                errors.push(KbError {
                    file: path.clone(),
                    line: a.flow_line,
                    message: format!("flow `{flow}` does not exist (files in kb/flows/)"),
                });
            }
            if let Some(issue_type) = &a.article.issue_type
                && !self.knows("checklist", issue_type)
            {
                errors.push(KbError {
                    file: path.clone(),
                    line: a.issue_type_line,
                    message: format!(
                        "issue_type `{issue_type}` has no checklist in checklists.toml"
                    ),
                });
            }
        }
    }

    /// Every article, flow, step and checklist a flow names exists.
    fn check_flow_references(&self, errors: &mut Vec<KbError>) {
        for (path, f) in self.flows {
            for r in f.references.iter().filter(|r| !self.knows(r.kind, &r.id)) {
                errors.push(KbError {
                    file: path.clone(),
                    line: r.line,
                    message: format!("{} `{}` does not exist", r.kind, r.id),
                });
            }
        }
    }

    /// Every checklist a rule or route names exists.
    fn check_rule_references(&self, path: &Path, errors: &mut Vec<KbError>) {
        let references = self.rules.iter().flat_map(|r| &r.references);
        for r in references.filter(|r| !self.knows(r.kind, &r.id)) {
            errors.push(KbError {
                file: path.to_path_buf(),
                line: r.line,
                message: format!("issue_type `{}` has no checklist in checklists.toml", r.id),
            });
        }
    }

    /// A flow that can hand off says what the handoff asks: its own issue type, or one
    /// a route of its tags gives.
    fn check_flows_lead_to_checklists(&self, errors: &mut Vec<KbError>) {
        let routes = self.rules.map_or(&[][..], |r| &r.rules.routing.routes[..]);
        for (path, parsed) in self.flows {
            let flow = &parsed.flow;
            let hands_off = flow
                .steps
                .iter()
                .any(|s| s.outcomes().any(|o| matches!(o, Outcome::Handoff(_))));
            let routed = routes
                .iter()
                .any(|r| r.issue_type.is_some() && r.tags.iter().any(|t| flow.tags.contains(t)));
            if hands_off && flow.issue_type.is_none() && !routed {
                errors.push(KbError {
                    file: path.clone(),
                    line: parsed.id_line,
                    message: format!(
                        "flow `{}` can hand off but leads to no checklist: give it issue_type = \"…\" (a checklist of checklists.toml)",
                        flow.id
                    ),
                });
            }
        }
    }

    /// Every matching case expects an article or flow that exists.
    fn check_matching_cases(
        &self,
        cases: &[LocatedMatchingCase],
        path: &Path,
        errors: &mut Vec<KbError>,
    ) {
        for located in cases {
            if let Some(id) = &located.case.expect
                && !self.knows("article", id)
                && !self.knows("flow", id)
            {
                errors.push(KbError {
                    file: path.to_path_buf(),
                    line: located.line,
                    message: format!("matching case: no article or flow has the id `{id}`"),
                });
            }
        }
    }
}

fn read_path(path: &Path, errors: &mut Vec<KbError>) -> Option<Source> {
    match fs::read_to_string(path) {
        Ok(text) => Some(Source::new(path, text)),
        Err(e) => {
            // read_to_string's own words for this ("stream did not contain valid
            // UTF-8") do not tell an author what to do.
            let message = match e.kind() {
                std::io::ErrorKind::InvalidData => "is not UTF-8 text: save it as UTF-8".into(),
                _ => format!("cannot read: {e}"),
            };
            errors.push(KbError {
                file: path.to_path_buf(),
                line: 1,
                message,
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
        "rule-tests",
        "matching-tests.toml",
        "synonyms.toml",
        learned_questions::FILE_NAME,
        learned_questions::PROPOSED_FILE_NAME,
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
