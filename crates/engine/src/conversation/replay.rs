//! The handoff a ticket's transcript leads to, decided again by the engine's own rules
//! and routing. `deflect serve` does this rather than believe the queue, priority and
//! rules a browser sent: it plays the visitor's lines through the same
//! [`RuleMatcher`](crate::escalation::RuleMatcher) the conversation used, with the tier
//! it could verify.

use std::collections::{BTreeSet, HashSet};

use super::bot_lines::{BotLine, BotLines};
use crate::engine::Engine;
use crate::escalation::Context;
use crate::model::Priority;
use crate::ticket::{Author, FiredRule, Ticket};

/// Where a ticket's conversation goes by the KB's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub queue: String,
    pub priority: Priority,
    pub needs_review: bool,
    pub rules_fired: Vec<FiredRule>,
}

/// Plays `ticket`'s transcript through the KB's escalation rules and routing, as the
/// conversation did, with `tier` (only a verified one: anything else is a claim).
///
/// What the transcript cannot show is taken from the ticket but cannot raise the
/// stakes: a line counts as suggesting troubleshooting only if the bot can say it
/// (`bot_lines`), a visitor's line is evaluated unless the flow path records it as
/// a flow answer (the conversation checks only typed messages), and the ticket's tags
/// route it only where they are tags of the KB's articles and flows.
pub fn replay(
    engine: &Engine,
    bot_lines: &BotLines,
    ticket: &Ticket,
    tier: Option<&str>,
) -> Verdict {
    let flow_answers: HashSet<(u64, &str)> = ticket
        .flow_path
        .iter()
        .map(|step| (step.at_ms, step.answer.as_str()))
        .collect();
    let lang = engine.resolve_lang(&ticket.lang);
    let mut suggested = false;
    let mut first_message = true;
    let mut fired: Vec<FiredRule> = Vec::new();
    let mut top_priority = None;
    let mut texts = Vec::new();
    for line in &ticket.transcript {
        if line.from == Author::Bot {
            let kind = bot_lines.classify(&line.text, ticket);
            suggested |= matches!(kind, Some(BotLine::Offer | BotLine::FlowStep));
            continue;
        }
        texts.push(line.text.as_str());
        let typed = !flow_answers.contains(&(line.at_ms, line.text.as_str()));
        let ctx = Context {
            tier,
            troubleshooting_suggested: suggested,
            first_message,
            lang: &lang,
        };
        first_message = false;
        // The conversation hands off at the first message a rule fires on.
        if typed && fired.is_empty() {
            let firings = engine.escalations(&line.text, ctx);
            top_priority = firings.iter().map(|f| f.priority).max();
            fired = firings.into_iter().map(|f| f.fired).collect();
        }
    }
    let route = engine
        .rules()
        .route(&known_tags(engine, &ticket.tags), !fired.is_empty(), texts);
    Verdict {
        priority: route.priority(top_priority),
        queue: route.queue,
        needs_review: route.needs_review,
        rules_fired: fired,
    }
}

/// The ticket's tags that the KB's articles or flows have.
fn known_tags(engine: &Engine, tags: &[String]) -> BTreeSet<String> {
    let kb = engine.kb();
    let known: HashSet<&str> = kb
        .articles
        .iter()
        .flat_map(|a| &a.tags)
        .chain(kb.flows.iter().flat_map(|f| &f.tags))
        .map(String::as_str)
        .collect();
    tags.iter()
        .filter(|t| known.contains(t.as_str()))
        .cloned()
        .collect()
}
