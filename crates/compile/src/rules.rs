//! `kb/rules.toml`: escalation rules and routing.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use serde::Deserialize;
use tantivy::tokenizer::TextAnalyzer;
use toml::Spanned;

use super::source::{Source, is_valid_id};
use crate::error::KbError;
use crate::flow::Reference;
use deflect_engine::model::{
    EscalationRule, HandoffAsk, Priority, Route, Routing, RuleSet, RuleWords,
};

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
    examples: Vec<String>,
    threshold: Option<f32>,
    #[serde(default)]
    languages: BTreeMap<String, RawWords>,
    #[serde(default)]
    tiers: Vec<String>,
    #[serde(default)]
    after_troubleshooting: bool,
    #[serde(default)]
    priority: Priority,
    issue_type: Option<String>,
    ask: Option<HandoffAsk>,
}

/// `[escalate.languages.<code>]`: a rule's phrases and examples in another language.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWords {
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
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

/// Parses and checks `kb/rules.toml`, whose top-level phrases and examples are in
/// `default_lang`; `None` if it is not valid TOML of that shape.
pub fn parse(source: &Source, default_lang: &str, errors: &mut Vec<KbError>) -> Option<Parsed> {
    let raw: RawRules = source.parse_toml().map_err(|e| errors.push(e)).ok()?;
    let mut phrases = PhraseCheck {
        source,
        analyzers: BTreeMap::new(),
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
        check_languages(&rule, &span, default_lang, source, errors);
        phrases.check(&rule.phrases, default_lang, "phrase", &span, errors);
        phrases.check(&rule.examples, default_lang, "example", &span, errors);
        for (lang, words) in &rule.languages {
            phrases.check(&words.phrases, lang, "phrase", &span, errors);
            phrases.check(&words.examples, lang, "example", &span, errors);
        }
        checklist_named_at(&rule.issue_type, &span);
        escalate.push(EscalationRule {
            id: rule.id,
            reason: rule.reason,
            phrases: rule.phrases,
            examples: rule.examples,
            threshold: rule.threshold,
            languages: rule
                .languages
                .into_iter()
                .map(|(lang, w)| {
                    let words = RuleWords {
                        phrases: w.phrases,
                        examples: w.examples,
                    };
                    (lang, words)
                })
                .collect(),
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
            phrases.check(&route.review_phrases, default_lang, "phrase", &span, errors);
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
    let has_words = !rule.phrases.is_empty()
        || !rule.examples.is_empty()
        || rule
            .languages
            .values()
            .any(|w| !w.phrases.is_empty() || !w.examples.is_empty());
    if !has_words && rule.tiers.is_empty() {
        problem(format!(
            "rule `{}` needs `phrases`, `examples` or `tiers`",
            rule.id
        ));
    }
    if rule.after_troubleshooting && !has_words {
        problem(format!(
            "rule `{}`: after_troubleshooting needs phrases or examples",
            rule.id
        ));
    }
    if let Some(threshold) = rule.threshold
        && !(threshold > 0.0 && threshold < 1.0)
    {
        problem(format!(
            "rule `{}`: threshold {threshold} must be between 0 and 1 (the chance a message means the rule)",
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

/// A rule's other languages must be ones articles can be written in, and not the
/// default language, whose phrases and examples are the rule's own.
fn check_languages(
    rule: &RawRule,
    span: &Range<usize>,
    default_lang: &str,
    source: &Source,
    errors: &mut Vec<KbError>,
) {
    for lang in rule.languages.keys() {
        let message = if lang == default_lang {
            format!(
                "rule `{}`: `languages.{lang}` is the KB's default language; put its phrases and examples on the rule itself",
                rule.id
            )
        } else if !deflect_engine::analysis::is_supported(lang) {
            format!(
                "rule `{}`: language `{lang}` is not supported (en, es, fr, de, it, pt, nl)",
                rule.id
            )
        } else {
            continue;
        };
        errors.push(source.error_at(Some(span.clone()), message));
    }
}

/// Phrases and examples are matched by their analysed words; one made only of common
/// words could never match.
struct PhraseCheck<'a> {
    source: &'a Source,
    analyzers: BTreeMap<String, TextAnalyzer>,
}

impl PhraseCheck<'_> {
    fn check(
        &mut self,
        texts: &[String],
        lang: &str,
        what: &str,
        span: &Range<usize>,
        errors: &mut Vec<KbError>,
    ) {
        let analyzer = self
            .analyzers
            .entry(lang.to_string())
            .or_insert_with(|| deflect_engine::analysis::analyzer(lang));
        for text in texts {
            if deflect_engine::analysis::terms(analyzer, text, lang).is_empty() {
                errors.push(self.source.error_at(
                    Some(span.clone()),
                    format!(
                        "{what} `{text}` has no words left after removing common words; it could never match"
                    ),
                ));
            }
        }
    }
}
