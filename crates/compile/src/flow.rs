//! `kb/flows/*.toml`: guided troubleshooting flows, checked as graphs so a visitor can
//! never be led to a step that does not exist or round in circles with no way out.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use super::source::{Source, is_valid_id};
use crate::error::KbError;
use deflect_engine::model::{Choice, Flow, Outcome, Step, StepInput};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    tags: Vec<String>,
    issue_type: Option<Spanned<String>>,
    start: Spanned<String>,
    #[serde(default)]
    questions: Vec<String>,
    lang: Option<String>,
    steps: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: Spanned<String>,
    prompt: String,
    choices: Option<Vec<Spanned<RawOutcome>>>,
    checklist: Option<Spanned<String>>,
    then: Option<Spanned<RawOutcome>>,
}

/// A choice (with `label`) or a checklist's `then` (without).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutcome {
    label: Option<String>,
    goto: Option<String>,
    article: Option<String>,
    solved: Option<bool>,
    handoff: Option<String>,
}

/// A reference from a flow to an article or checklist, checked once everything is read.
pub struct Reference {
    pub kind: &'static str,
    pub id: String,
    pub line: usize,
}

pub struct Parsed {
    pub flow: Flow,
    pub id_line: usize,
    pub references: Vec<Reference>,
}

/// Parses and checks one flow file; `None` (with the reasons in `errors`) if it is
/// not a flow a visitor can walk.
pub fn parse(source: &Source, default_lang: &str, errors: &mut Vec<KbError>) -> Option<Parsed> {
    let raw: RawFlow = source.parse_toml().map_err(|e| errors.push(e)).ok()?;
    let before = errors.len();
    let mut references = Vec::new();
    if !is_valid_id(raw.id.get_ref()) {
        errors.push(source.error_at(
            Some(raw.id.span()),
            format!(
                "id `{}` must be lowercase letters, digits and dashes",
                raw.id.get_ref()
            ),
        ));
    }
    if let Some(issue_type) = &raw.issue_type {
        references.push(Reference {
            kind: "checklist",
            id: issue_type.get_ref().clone(),
            line: source.line_at(issue_type.span().start),
        });
    }
    let mut step_lines: HashMap<String, usize> = HashMap::new();
    let mut steps = Vec::new();
    for spanned in raw.steps {
        let step = parse_step(spanned, source, &mut step_lines, &mut references, errors);
        steps.extend(step);
    }
    check_targets_exist(source, &raw.start, &steps, &step_lines, errors);
    if errors.len() > before {
        return None;
    }
    check_graph(source, raw.start.get_ref(), &steps, errors);
    let flow = Flow {
        id: raw.id.get_ref().clone(),
        title: raw.title,
        tags: raw.tags,
        issue_type: raw.issue_type.map(Spanned::into_inner),
        start: raw.start.into_inner(),
        questions: raw.questions,
        lang: raw.lang.unwrap_or_else(|| default_lang.to_string()),
        steps: steps.into_iter().map(|(_, s)| s).collect(),
    };
    Some(Parsed {
        id_line: source.line_at(raw.id.span().start),
        flow,
        references,
    })
}

/// One step with the line it starts on; its id is recorded in `step_lines` (a second
/// step of the same id is an error) even when the rest of it is wrong.
fn parse_step(
    spanned: Spanned<RawStep>,
    source: &Source,
    step_lines: &mut HashMap<String, usize>,
    references: &mut Vec<Reference>,
    errors: &mut Vec<KbError>,
) -> Option<(usize, Step)> {
    let span = spanned.span();
    let line = source.line_at(span.start);
    let raw_step = spanned.into_inner();
    let id = raw_step.id.get_ref().clone();
    if step_lines
        .insert(id.clone(), source.line_at(raw_step.id.span().start))
        .is_some()
    {
        errors.push(source.error_at(
            Some(raw_step.id.span()),
            format!("step id `{id}` is used twice"),
        ));
    }
    let input = match (raw_step.choices, raw_step.checklist, raw_step.then) {
        (Some(choices), None, None) if !choices.is_empty() => {
            let choices = parse_choices(choices, &id, &span, source, references, errors);
            StepInput::Choices(choices)
        }
        (None, Some(checklist), Some(then)) => {
            references.push(Reference {
                kind: "checklist",
                id: checklist.get_ref().clone(),
                line: source.line_at(checklist.span().start),
            });
            let then_line = source.line_at(then.span().start);
            let then = outcome(then.into_inner(), source, then_line, references, errors)?;
            StepInput::Checklist {
                checklist: checklist.into_inner(),
                then,
            }
        }
        _ => {
            errors.push(source.error_at(
                Some(span),
                format!(
                    "step `{id}` needs either `choices = [...]` or both `checklist` and `then`"
                ),
            ));
            return None;
        }
    };
    let prompt_html = super::markdown::to_safe_inline_html(&raw_step.prompt);
    let prompt = super::markdown::to_plain_text(&raw_step.prompt)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let step = Step {
        id,
        prompt,
        prompt_html,
        input,
    };
    Some((line, step))
}

/// A step's choices, each with a label and exactly one outcome; the wrong ones are
/// reported and left out.
fn parse_choices(
    choices: Vec<Spanned<RawOutcome>>,
    step_id: &str,
    step_span: &std::ops::Range<usize>,
    source: &Source,
    references: &mut Vec<Reference>,
    errors: &mut Vec<KbError>,
) -> Vec<Choice> {
    let mut out = Vec::new();
    for choice in choices {
        let line = source.line_at(choice.span().start);
        let choice = choice.into_inner();
        let Some(label) = choice.label.clone().filter(|l| !l.trim().is_empty()) else {
            errors.push(source.error_at(
                Some(step_span.clone()),
                format!("a choice of step `{step_id}` has no label"),
            ));
            continue;
        };
        if let Some(outcome) = outcome(choice, source, line, references, errors) {
            out.push(Choice { label, outcome });
        }
    }
    out
}

/// The start step and every `goto` name a step of this flow.
fn check_targets_exist(
    source: &Source,
    start: &Spanned<String>,
    steps: &[(usize, Step)],
    step_lines: &HashMap<String, usize>,
    errors: &mut Vec<KbError>,
) {
    if !step_lines.contains_key(start.get_ref()) {
        errors.push(source.error_at(
            Some(start.span()),
            format!("start step `{}` does not exist", start.get_ref()),
        ));
    }
    for (line, step) in steps {
        for target in gotos(step) {
            if !step_lines.contains_key(target) {
                errors.push(KbError {
                    file: source.path.clone(),
                    line: *line,
                    message: format!(
                        "step `{}` goes to `{target}`, which does not exist",
                        step.id
                    ),
                });
            }
        }
    }
}

fn outcome(
    raw: RawOutcome,
    source: &Source,
    line: usize,
    references: &mut Vec<Reference>,
    errors: &mut Vec<KbError>,
) -> Option<Outcome> {
    let mut found = Vec::new();
    if let Some(step) = raw.goto {
        found.push(Outcome::Goto(step));
    }
    if let Some(article) = raw.article {
        references.push(Reference {
            kind: "article",
            id: article.clone(),
            line,
        });
        found.push(Outcome::Article(article));
    }
    if raw.solved == Some(true) {
        found.push(Outcome::Solved);
    }
    if let Some(reason) = raw.handoff {
        found.push(Outcome::Handoff(reason));
    }
    if found.len() != 1 {
        errors.push(KbError {
            file: source.path.clone(),
            line,
            message: "give exactly one of `goto`, `article`, `solved = true` or `handoff`".into(),
        });
        return None;
    }
    found.pop()
}

/// The steps a step's answers can go to.
fn gotos(step: &Step) -> Vec<&String> {
    step.outcomes()
        .filter_map(|o| match o {
            Outcome::Goto(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// Every step reachable from `start`, and every step able to reach an end.
fn check_graph(source: &Source, start: &str, steps: &[(usize, Step)], errors: &mut Vec<KbError>) {
    let edges: HashMap<&str, Vec<&String>> = steps
        .iter()
        .map(|(_, s)| (s.id.as_str(), gotos(s)))
        .collect();
    let mut reachable = HashSet::from([start]);
    let mut todo = vec![start];
    while let Some(id) = todo.pop() {
        for next in edges.get(id).into_iter().flatten() {
            if reachable.insert(next.as_str()) {
                todo.push(next);
            }
        }
    }
    let ends_here = |s: &Step| match &s.input {
        StepInput::Choices(c) => c.iter().any(|c| !matches!(c.outcome, Outcome::Goto(_))),
        StepInput::Checklist { then, .. } => !matches!(then, Outcome::Goto(_)),
    };
    let mut can_finish: HashSet<&str> = steps
        .iter()
        .filter(|(_, s)| ends_here(s))
        .map(|(_, s)| s.id.as_str())
        .collect();
    loop {
        let before = can_finish.len();
        for (id, nexts) in &edges {
            if nexts.iter().any(|n| can_finish.contains(n.as_str())) {
                can_finish.insert(id);
            }
        }
        if can_finish.len() == before {
            break;
        }
    }
    for (line, step) in steps {
        let at = |message: String| KbError {
            file: source.path.clone(),
            line: *line,
            message,
        };
        if !reachable.contains(step.id.as_str()) {
            errors.push(at(format!(
                "step `{}` can never be reached from the start step `{start}`",
                step.id
            )));
        } else if !can_finish.contains(step.id.as_str()) {
            errors.push(at(format!("step `{}` is in a cycle with no way out (no path to solved, an article or a handoff)", step.id)));
        }
    }
}
