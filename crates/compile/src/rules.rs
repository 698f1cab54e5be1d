//! `kb/rules.toml`: escalation rules and routing.

use std::collections::HashSet;

use serde::Deserialize;
use toml::Spanned;

use super::source::{Source, is_valid_id};
use crate::error::KbError;
use deflect_engine::model::{EscalationRule, Priority, Route, Routing, RuleSet};

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
}

pub fn parse(source: &Source, errors: &mut Vec<KbError>) -> Option<RuleSet> {
    let raw: RawRules = source.parse_toml().map_err(|e| errors.push(e)).ok()?;
    let mut seen = HashSet::new();
    let mut analyzer = deflect_engine::analysis::analyzer("en");
    let mut check_phrases = |phrases: &[String],
                             span: &std::ops::Range<usize>,
                             errors: &mut Vec<KbError>| {
        for phrase in phrases {
            if deflect_engine::analysis::terms(&mut analyzer, phrase, "en").is_empty() {
                errors.push(source.error_at(Some(span.clone()), format!("phrase `{phrase}` has no words left after removing common words; it could never match")));
            }
        }
    };
    let mut escalate = Vec::new();
    for spanned in raw.escalate {
        let span = spanned.span();
        let rule = spanned.into_inner();
        if !is_valid_id(&rule.id) {
            errors.push(source.error_at(
                Some(span.clone()),
                format!(
                    "rule id `{}` must be lowercase letters, digits and dashes",
                    rule.id
                ),
            ));
        }
        if !seen.insert(rule.id.clone()) {
            errors.push(source.error_at(
                Some(span.clone()),
                format!("rule id `{}` is used twice", rule.id),
            ));
        }
        if rule.phrases.is_empty() && rule.tiers.is_empty() {
            errors.push(source.error_at(
                Some(span.clone()),
                format!("rule `{}` needs `phrases` or `tiers`", rule.id),
            ));
        }
        if rule.after_troubleshooting && rule.phrases.is_empty() {
            errors.push(source.error_at(
                Some(span.clone()),
                format!("rule `{}`: after_troubleshooting needs phrases", rule.id),
            ));
        }
        check_phrases(&rule.phrases, &span, errors);
        escalate.push(EscalationRule {
            id: rule.id,
            reason: rule.reason,
            phrases: rule.phrases,
            tiers: rule.tiers.into_iter().map(|t| t.to_lowercase()).collect(),
            after_troubleshooting: rule.after_troubleshooting,
            priority: rule.priority,
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
            check_phrases(&route.review_phrases, &span, errors);
            Route {
                tags: route.tags,
                queue: route.queue,
                review_phrases: route.review_phrases,
                self_service_first: route.self_service_first,
            }
        })
        .collect();
    Some(RuleSet {
        escalate,
        routing: Routing {
            escalation_queue: raw.routing.escalation_queue,
            default_queue: raw.routing.default_queue,
            routes,
        },
    })
}
