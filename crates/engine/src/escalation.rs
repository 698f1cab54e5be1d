//! Escalation rules at run time: which rules a customer message fires, and which queue
//! a handoff goes to.
//!
//! What rules can express:
//! - **Phrases** match whole analysed words (lower-cased, folded, stemmed, common words
//!   dropped), in order and adjacent, so "contacted my bank" matches "I contacted my
//!   bank" but never "the banking module", and "sue" never matches "pursue".
//! - **Negation**: a phrase right after a negation ("not", "no", "never", "without",
//!   "nor", within two words; "don't" counts as "do not") does not fire: "this is not a
//!   chargeback".
//! - **Quotation**: text the customer quotes between quotation marks (`"…"`, `“…”`,
//!   `‘…’`, `«…»`, `„…“`, or `'…'` opened after a space) is what someone else wrote, so it
//!   never fires: `the email said "chargeback notice"`. An unclosed quotation mark is
//!   ignored, and a phrase never spans a quotation.
//! - **Whole messages**: a phrase written `^agent$` fires only when it is all the
//!   message says, common words aside ("agent", "Agent please!", "a human"), so a
//!   one-word request for a person works without "affiliate agent" firing.
//! - **Tier** (`tiers`): the customer's tier fires on their first message.
//! - **After troubleshooting** (`after_troubleshooting`): fires only once an article or
//!   a flow was suggested.
//!
//! What they cannot express: sarcasm; negation further away than two words ("I have
//! not, as you suggest, contacted my bank" fires); scare quotes used for emphasis
//! (`I will "sue"` does not fire); a name that is also a phrase ("Sue from accounts"
//! fires); misspellings; and any language but English. Repeated failure ("did not
//! help" twice, a flow that ends in a handoff) and "Talk to a person" buttons are not
//! rules: the conversation hands off for them (see `conversation`).

use std::collections::BTreeSet;

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis;
use crate::model::{EscalationRule, Priority, RuleSet};
use crate::ticket::FiredRule;

const NEGATIONS: &[&str] = &["not", "no", "never", "without", "nor"];
const NEGATION_WINDOW: usize = 2;

/// Rules with their phrases analysed once.
pub struct RuleMatcher {
    rules: Vec<(EscalationRule, Vec<Phrase>)>,
    routing: crate::model::Routing,
    review_phrases: Vec<Vec<Phrase>>,
    analyzer: std::cell::RefCell<TextAnalyzer>,
}

struct Phrase {
    text: String,
    terms: Vec<String>,
    /// Written `^…$`: the message must say nothing else.
    whole_message: bool,
}

impl Phrase {
    fn occurs_in(&self, terms: &[String]) -> bool {
        if self.whole_message {
            terms == self.terms
        } else {
            occurs_unnegated(terms, &self.terms)
        }
    }
}

/// What the conversation knows when a message arrives.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    pub tier: Option<&'a str>,
    pub troubleshooting_suggested: bool,
    /// Tier rules fire once, on the first message.
    pub first_message: bool,
}

/// A rule that fired, with its priority.
#[derive(Debug, Clone, PartialEq)]
pub struct Firing {
    pub fired: FiredRule,
    pub priority: Priority,
}

/// Where a handed-off conversation goes.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteDecision {
    pub queue: String,
    pub needs_review: bool,
    /// Articles and flows should be offered before a person.
    pub self_service_first: bool,
    /// The route's checklist, for a handoff the conversation did not give one.
    pub issue_type: Option<String>,
}

impl RouteDecision {
    /// The handoff's priority: the highest of the rules that fired it, else high when
    /// the route wants a human review, else normal. The conversation and the server's
    /// replay (`conversation::replay`) both ask here, so they cannot disagree.
    pub fn priority(&self, fired: Option<Priority>) -> Priority {
        fired.unwrap_or(if self.needs_review {
            Priority::High
        } else {
            Priority::Normal
        })
    }
}

/// The result of playing messages through the rules (rule tests, `deflect check`).
#[derive(Debug, Clone)]
pub struct Simulation {
    pub fired: Vec<FiredRule>,
    pub queue: String,
}

impl RuleMatcher {
    pub fn new(rules: &RuleSet) -> Self {
        let mut analyzer = analysis::analyzer("en");
        let mut phrases = |list: &[String]| -> Vec<Phrase> {
            list.iter()
                .map(|p| {
                    let anchored = p.trim().strip_prefix('^').and_then(|p| p.strip_suffix('$'));
                    Phrase {
                        text: p.clone(),
                        terms: analysis::terms(&mut analyzer, anchored.unwrap_or(p), "en"),
                        whole_message: anchored.is_some(),
                    }
                })
                .filter(|p| !p.terms.is_empty())
                .collect()
        };
        let compiled = rules
            .escalate
            .iter()
            .map(|r| (r.clone(), phrases(&r.phrases)))
            .collect();
        let review_phrases = rules
            .routing
            .routes
            .iter()
            .map(|r| phrases(&r.review_phrases))
            .collect();
        RuleMatcher {
            rules: compiled,
            routing: rules.routing.clone(),
            review_phrases,
            analyzer: std::cell::RefCell::new(analyzer),
        }
    }

    /// The rules one customer message fires.
    pub fn evaluate(&self, text: &str, ctx: Context<'_>) -> Vec<Firing> {
        let segments = self.unquoted_terms(text);
        let mut out = Vec::new();
        for (rule, phrases) in &self.rules {
            if let Some(tier) = ctx.tier
                && ctx.first_message
                && rule.tiers.iter().any(|t| t.eq_ignore_ascii_case(tier))
            {
                out.push(Firing {
                    fired: fired(rule, format!("customer tier: {tier}"), None),
                    priority: rule.priority,
                });
                continue;
            }
            if rule.after_troubleshooting && !ctx.troubleshooting_suggested {
                continue;
            }
            if let Some(phrase) = phrases
                .iter()
                .find(|p| segments.iter().any(|terms| p.occurs_in(terms)))
            {
                out.push(Firing {
                    fired: fired(rule, text.to_string(), Some(phrase.text.clone())),
                    priority: rule.priority,
                });
            }
        }
        out
    }

    /// The queue for a handoff: fired rules first, then the conversation's tags in the
    /// order routes are written, else the default queue.
    pub fn route<'a>(
        &self,
        tags: &BTreeSet<String>,
        escalated: bool,
        customer_texts: impl IntoIterator<Item = &'a str>,
    ) -> RouteDecision {
        let texts: Vec<Vec<String>> = customer_texts
            .into_iter()
            .flat_map(|t| self.unquoted_terms(t))
            .collect();
        let route = self
            .routing
            .routes
            .iter()
            .enumerate()
            .find(|(_, r)| r.tags.iter().any(|t| tags.contains(t)));
        let needs_review = route.is_some_and(|(i, _)| {
            self.review_phrases[i]
                .iter()
                .any(|p| texts.iter().any(|terms| p.occurs_in(terms)))
        });
        let queue = match (escalated, route) {
            (true, _) => self.routing.escalation_queue.clone(),
            (false, Some((_, r))) => r.queue.clone(),
            (false, None) => self.routing.default_queue.clone(),
        };
        RouteDecision {
            queue,
            needs_review: escalated || needs_review,
            self_service_first: route.is_some_and(|(_, r)| r.self_service_first),
            issue_type: route.and_then(|(_, r)| r.issue_type.clone()),
        }
    }

    /// Plays customer messages through the rules as a conversation would.
    pub fn simulate(
        &self,
        messages: &[String],
        tier: Option<&str>,
        troubleshooting_suggested: bool,
        tags: &[String],
    ) -> Simulation {
        let mut fired = Vec::new();
        for (i, message) in messages.iter().enumerate() {
            let ctx = Context {
                tier,
                troubleshooting_suggested,
                first_message: i == 0,
            };
            fired.extend(self.evaluate(message, ctx).into_iter().map(|f| f.fired));
        }
        let tags: BTreeSet<String> = tags.iter().cloned().collect();
        let queue = self
            .route(
                &tags,
                !fired.is_empty(),
                messages.iter().map(String::as_str),
            )
            .queue;
        Simulation { fired, queue }
    }

    /// The analysed terms of each stretch of `text` outside quotations.
    fn unquoted_terms(&self, text: &str) -> Vec<Vec<String>> {
        let mut analyzer = self.analyzer.borrow_mut();
        unquoted(text)
            .into_iter()
            .map(|part| analysis::terms(&mut analyzer, part, "en"))
            .filter(|terms| !terms.is_empty())
            .collect()
    }
}

/// Pairs of quotation marks; the straight apostrophe is handled apart because it is
/// also the apostrophe of "don't".
const QUOTE_PAIRS: &[(char, char)] = &[('"', '"'), ('“', '”'), ('‘', '’'), ('«', '»'), ('„', '“')];

/// The stretches of `text` that are not inside a closed quotation.
fn unquoted(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut part_start = 0;
    let mut iter = text.char_indices().peekable();
    let mut previous: Option<char> = None;
    while let Some((i, c)) = iter.next() {
        let after = i + c.len_utf8();
        let close = match QUOTE_PAIRS.iter().find(|(open, _)| *open == c) {
            Some(&(_, close)) => find_close(&text[after..], close, false),
            None if c == '\'' && previous.is_none_or(|p| !p.is_alphanumeric()) => {
                find_close(&text[after..], '\'', true)
            }
            None => None,
        };
        previous = Some(c);
        if let Some(len) = close {
            parts.push(&text[part_start..i]);
            let resume = after + len;
            part_start = resume;
            while iter.peek().is_some_and(|(j, _)| *j < resume) {
                iter.next();
            }
            previous = text[..resume].chars().next_back();
        }
    }
    parts.push(&text[part_start..]);
    parts
}

/// Bytes up to and including the closing mark, if the quotation is closed. A closing
/// apostrophe must end a word (`'chargeback notice'`, not the one in "don't").
fn find_close(rest: &str, close: char, word_end: bool) -> Option<usize> {
    rest.char_indices()
        .find(|&(i, c)| {
            c == close
                && (!word_end
                    || rest[i + c.len_utf8()..]
                        .chars()
                        .next()
                        .is_none_or(|next| !next.is_alphanumeric()))
        })
        .map(|(i, c)| i + c.len_utf8())
}

fn fired(rule: &EscalationRule, text: String, phrase: Option<String>) -> FiredRule {
    FiredRule {
        rule_id: rule.id.clone(),
        reason: rule.reason.clone(),
        text,
        phrase,
    }
}

/// Whether `phrase` occurs as adjacent terms of `terms`, not right after a negation.
fn occurs_unnegated(terms: &[String], phrase: &[String]) -> bool {
    if phrase.is_empty() || phrase.len() > terms.len() {
        return false;
    }
    (0..=terms.len() - phrase.len()).any(|start| {
        terms[start..start + phrase.len()] == *phrase
            && !terms[start.saturating_sub(NEGATION_WINDOW)..start]
                .iter()
                .any(|t| NEGATIONS.contains(&t.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Route, Routing};

    fn rules() -> RuleMatcher {
        let rule = |id: &str, phrases: &[&str]| EscalationRule {
            id: id.into(),
            reason: id.into(),
            phrases: phrases.iter().map(|p| p.to_string()).collect(),
            tiers: vec![],
            after_troubleshooting: false,
            priority: Priority::Urgent,
            issue_type: None,
            ask: Default::default(),
        };
        let mut refund = rule("refund", &["refund", "money back"]);
        refund.after_troubleshooting = true;
        let mut vip = rule("vip", &[]);
        vip.tiers = vec!["vip".into()];
        RuleMatcher::new(&RuleSet {
            escalate: vec![
                rule("chargeback", &["chargeback", "contacted my bank"]),
                rule("legal", &["sue", "lawyer"]),
                rule("human", &["talk to a person", "^agent$"]),
                refund,
                vip,
            ],
            routing: Routing {
                escalation_queue: "Human-Escalation".into(),
                default_queue: "Tier-1".into(),
                routes: vec![Route {
                    tags: vec!["billing".into()],
                    queue: "Billing".into(),
                    review_phrases: vec!["refund".into()],
                    self_service_first: false,
                    issue_type: None,
                }],
            },
        })
    }

    fn ids(m: &RuleMatcher, text: &str, ctx: Context<'_>) -> Vec<String> {
        m.evaluate(text, ctx)
            .into_iter()
            .map(|f| f.fired.rule_id)
            .collect()
    }

    #[test]
    fn phrases_match_whole_stemmed_words() {
        let m = rules();
        let ctx = Context::default();
        assert_eq!(
            ids(&m, "I already contacted my bank about a chargeback", ctx),
            ["chargeback"]
        );
        assert_eq!(ids(&m, "I'm contacting my bank", ctx), ["chargeback"]);
        assert!(ids(&m, "The banking module won't load", ctx).is_empty());
        assert!(ids(&m, "I want to pursue watercolor", ctx).is_empty());
        assert_eq!(ids(&m, "I will SUE you", ctx), ["legal"]);
        assert_eq!(ids(&m, "my lawyers will hear of this", ctx), ["legal"]);
    }

    #[test]
    fn whole_message_phrases_fire_only_alone() {
        let m = rules();
        let ctx = Context::default();
        assert_eq!(ids(&m, "agent", ctx), ["human"]);
        assert_eq!(ids(&m, "Agent please!", ctx), ["human"]);
        assert!(ids(&m, "I am an affiliate agent", ctx).is_empty());
        assert!(ids(&m, "agent not working", ctx).is_empty());
    }

    #[test]
    fn negated_phrases_do_not_fire() {
        let m = rules();
        let ctx = Context::default();
        assert!(ids(&m, "this is not a chargeback", ctx).is_empty());
        assert!(ids(&m, "I don't want to sue anyone", ctx).is_empty());
        assert!(ids(&m, "I never contacted my bank", ctx).is_empty());
    }

    #[test]
    fn quoted_text_does_not_fire() {
        let m = rules();
        let ctx = Context::default();
        assert!(ids(&m, "the email said \"chargeback notice\"", ctx).is_empty());
        assert!(ids(&m, "the subject was “Chargeback filed”, is that you?", ctx).is_empty());
        assert!(ids(&m, "a popup said 'contact your lawyer' and froze", ctx).is_empty());
        assert!(ids(&m, "I got «chargeback» in the email", ctx).is_empty());
    }

    #[test]
    fn text_outside_quotation_still_fires() {
        let m = rules();
        let ctx = Context::default();
        assert_eq!(
            ids(&m, "the email said \"hi\" so I contacted my bank", ctx),
            ["chargeback"]
        );
        // An unclosed quotation mark quotes nothing.
        assert_eq!(ids(&m, "I filed a \"chargeback", ctx), ["chargeback"]);
        // Apostrophes inside words are not quotation marks.
        assert_eq!(
            ids(&m, "I don't care, I'm talking to my lawyer's office", ctx),
            ["legal"]
        );
        // A phrase does not span a quotation.
        assert!(ids(&m, "contacted my \"x\" bank", ctx).is_empty());
    }

    #[test]
    fn unquoted_splits_around_closed_quotations_only() {
        assert_eq!(unquoted("a \"b\" c"), ["a ", " c"]);
        assert_eq!(unquoted("don't 'x' y"), ["don't ", " y"]);
        assert_eq!(unquoted("it's Sam's"), ["it's Sam's"]);
        assert_eq!(unquoted("open \" only"), ["open \" only"]);
        assert_eq!(unquoted("“é” ü"), ["", " ü"]);
    }

    #[test]
    fn refund_fires_only_after_troubleshooting() {
        let m = rules();
        assert!(ids(&m, "I want a refund", Context::default()).is_empty());
        let after = Context {
            troubleshooting_suggested: true,
            ..Context::default()
        };
        assert_eq!(ids(&m, "I want a refund", after), ["refund"]);
    }

    #[test]
    fn tier_fires_on_the_first_message_only() {
        let m = rules();
        let first = Context {
            tier: Some("VIP"),
            first_message: true,
            ..Context::default()
        };
        assert_eq!(ids(&m, "hello", first), ["vip"]);
        assert!(
            ids(
                &m,
                "hello",
                Context {
                    first_message: false,
                    ..first
                }
            )
            .is_empty()
        );
    }

    #[test]
    fn routing_follows_tags_then_default() {
        let m = rules();
        let billing: BTreeSet<String> = ["billing".to_string()].into();
        let r = m.route(&billing, false, ["please refund me"]);
        assert_eq!((r.queue.as_str(), r.needs_review), ("Billing", true));
        assert_eq!(m.route(&billing, true, ["x"]).queue, "Human-Escalation");
        assert_eq!(m.route(&BTreeSet::new(), false, ["x"]).queue, "Tier-1");
    }
}
