//! `kb/rules.toml`: escalation rules and routing.

use std::collections::HashSet;
use std::ops::Range;

use serde::Deserialize;
use tantivy::tokenizer::TextAnalyzer;
use toml::Spanned;

use super::source::{Source, is_valid_id};
use crate::error::KbError;
use crate::flow::Reference;
use deflect_engine::model::{EscalationRule, HandoffAsk, Priority, Route, Routing, RuleSet};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    escalate: Vec<Spanned<RawRule>>,
    routing: RawRouting,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    reason: String,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    tiers: Vec<String>,
    #[serde(default)]
    after_troubleshooting: bool,
    #[serde(default)]
    priority: Priority,
    issue_type: Option<String>,
    ask: Option<HandoffAsk>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRouting {
    escalation_queue: String,
    default_queue: String,
    #[serde(default)]
    routes: Vec<Spanned<RawRoute>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    tags: Vec<String>,
    queue: String,
    #[serde(default)]
    review_phrases: Vec<String>,
    #[serde(default)]
    self_service_first: bool,
    issue_type: Option<String>,
}

/// The rules, and the checklists they name, checked once everything is read.
pub struct Parsed {
    pub rules: RuleSet,
    pub references: Vec<Reference>,
}

/// Parses and checks `kb/rules.toml`; `None` if it is not valid TOML of that shape.
pub fn parse(source: &Source, errors: &mut Vec<KbError>) -> Option<Parsed> {
    let raw: RawRules = source.parse_toml().map_err(|e| errors.push(e)).ok()?;
    let mut phrases = PhraseCheck {
        source,
        analyzer: deflect_engine::analysis::analyzer("en"),
    };
    let mut seen = HashSet::new();
    let mut escalate = Vec::new();
    let mut references = Vec::new();
    let mut checklist_named_at = |id: &Option<String>, span: &Range<usize>| {
        references.extend(id.iter().map(|id| Reference {
            kind: "checklist",
            id: id.clone(),
            line: source.line_at(span.start),
        }));
    };
    for spanned in raw.escalate {
        let span = spanned.span();
        let rule = spanned.into_inner();
        check_rule(&rule, &span, &mut seen, source, errors);
        phrases.check(&rule.phrases, &span, errors);
        checklist_named_at(&rule.issue_type, &span);
        escalate.push(EscalationRule {
            id: rule.id,
            reason: rule.reason,
            phrases: rule.phrases,
            tiers: rule.tiers.into_iter().map(|t| t.to_lowercase()).collect(),
            after_troubleshooting: rule.after_troubleshooting,
            priority: rule.priority,
            issue_type: rule.issue_type,
            ask: rule.ask.unwrap_or_default(),
        });
    }
    let routes = raw
        .routing
        .routes
        .into_iter()
        .map(|spanned| {
            let span = spanned.span();
            let route = spanned.into_inner();
            if route.tags.is_empty() {
                errors.push(source.error_at(
                    Some(span.clone()),
                    format!("route to `{}` needs at least one tag", route.queue),
                ));
            }
            phrases.check(&route.review_phrases, &span, errors);
            checklist_named_at(&route.issue_type, &span);
            Route {
                tags: route.tags,
                queue: route.queue,
                review_phrases: route.review_phrases,
                self_service_first: route.self_service_first,
                issue_type: route.issue_type,
            }
        })
        .collect();
    let rules = RuleSet {
        escalate,
        routing: Routing {
            escalation_queue: raw.routing.escalation_queue,
            default_queue: raw.routing.default_queue,
            routes,
        },
    };
    Some(Parsed { rules, references })
}

/// A rule's id is well-formed and unique, and it has something to fire on.
fn check_rule(
    rule: &RawRule,
    span: &Range<usize>,
    seen: &mut HashSet<String>,
    source: &Source,
    errors: &mut Vec<KbError>,
) {
    let mut problem = |message: String| errors.push(source.error_at(Some(span.clone()), message));
    if !is_valid_id(&rule.id) {
        problem(format!(
            "rule id `{}` must be lowercase letters, digits and dashes",
            rule.id
        ));
    }
    if !seen.insert(rule.id.clone()) {
        problem(format!("rule id `{}` is used twice", rule.id));
    }
    if rule.phrases.is_empty() && rule.tiers.is_empty() {
        problem(format!("rule `{}` needs `phrases` or `tiers`", rule.id));
    }
    if rule.after_troubleshooting && rule.phrases.is_empty() {
        problem(format!(
            "rule `{}`: after_troubleshooting needs phrases",
            rule.id
        ));
    }
    match (&rule.issue_type, rule.ask) {
        (None, None | Some(HandoffAsk::Checklist)) => problem(format!(
            "rule `{}` leads to no checklist: give it issue_type = \"…\" (a checklist of checklists.toml), ask = \"conversation\" to ask the conversation's, or ask = \"contact\" to ask only for a way to reply",
            rule.id
        )),
        (Some(_), Some(HandoffAsk::Conversation | HandoffAsk::Contact)) => problem(format!(
            "rule `{}`: give issue_type or ask, not both",
            rule.id
        )),
        _ => {}
    }
}

/// Phrases are matched by their analysed words; one made only of common words could
/// never match.
struct PhraseCheck<'a> {
    source: &'a Source,
    analyzer: TextAnalyzer,
}

impl PhraseCheck<'_> {
    fn check(&mut self, phrases: &[String], span: &Range<usize>, errors: &mut Vec<KbError>) {
        for phrase in phrases {
            if deflect_engine::analysis::terms(&mut self.analyzer, phrase, "en").is_empty() {
                errors.push(self.source.error_at(
                    Some(span.clone()),
                    format!(
                        "phrase `{phrase}` has no words left after removing common words; it could never match"
                    ),
                ));
            }
        }
    }
}
