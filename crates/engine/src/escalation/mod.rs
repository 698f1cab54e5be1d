//! Escalation rules at run time: which rules a customer message fires, and which queue
//! a handoff goes to.
//!
//! What rules can express:
//! - **Examples** (`examples`): messages that mean the rule; a message close enough in
//!   meaning to them fires it, whatever its words ([`meaning`]: the nearest example
//!   and the article classifier, which learns the examples as the rule's class), with
//!   the rule's `threshold` on the chance.
//! - **Languages**: phrases and examples in the KB's default language apply to every
//!   message; those of `[escalate.languages.<code>]` to messages in that language.
//! - **Phrases** match whole analysed words (lower-cased, folded, stemmed, common words
//!   dropped), in order and adjacent, so "contacted my bank" matches "I contacted my
//!   bank" but never "the banking module", and "sue" never matches "pursue".
//! - **Negation**: a phrase right after a negation ("not", "no", "never", "without",
//!   "nor", within two words; "don't" counts as "do not"; "no", "nunca", "sin"… in
//!   Spanish) does not fire: "this is not a chargeback"; words a negation takes back
//!   are left out before comparing with examples.
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
//! fires); and, for phrases, misspellings. Repeated failure ("did not
//! help" twice, a flow that ends in a handoff) and "Talk to a person" buttons are not
//! rules: the conversation hands off for them (see `conversation`).

use std::collections::BTreeSet;

use crate::model::{EscalationRule, Priority, Routing, RuleSet};
use crate::search::SearchIndex;
use crate::ticket::FiredRule;

mod explain;
mod language;
pub mod meaning;
mod phrases;
mod quotes;

pub use explain::{ExampleMatch, RuleExplanation};
use language::{Affirmed, RuleLanguage};
pub use meaning::Closeness;
use meaning::{LanguageMeaning, Profile, RuleMeaning};
use phrases::Phrase;

/// Rules with their phrases analysed and their examples profiled once.
pub struct RuleMatcher {
    /// The default language first, then every other language a rule is written in.
    languages: Vec<Language>,
    rules: Vec<CompiledRule>,
    routing: Routing,
    /// Per route, its review phrases (default language).
    review_phrases: Vec<Vec<Phrase>>,
}

/// One language's analysis and example weights.
struct Language {
    words: RuleLanguage,
    meaning: LanguageMeaning,
}

impl Language {
    /// What `text` affirms, as compared with examples.
    fn profile(&self, text: &str, index: Option<&SearchIndex>) -> Profile {
        self.profile_of(&self.words.affirmed(text), index)
    }

    /// Affirmed terms as compared with examples.
    fn profile_of(&self, terms: &[String], index: Option<&SearchIndex>) -> Profile {
        let vector = index.and_then(|ix| ix.meaning_vector(terms, &self.words.lang));
        Profile::new(terms, &self.meaning, vector)
    }

    /// The example question of the KB's top answers to `text` nearest to it.
    fn nearest_answer(
        &self,
        text: &str,
        profile: &Profile,
        index: &SearchIndex,
    ) -> Option<AnswerMatch> {
        let lang = &self.words.lang;
        let hits = index.search(text, lang, COMPETING_ANSWERS).ok()?;
        hits.iter()
            .filter_map(|hit| {
                index
                    .entries()
                    .iter()
                    .find(|e| e.id == hit.id && e.kind == hit.kind && &e.lang == lang)
            })
            .flat_map(|entry| {
                let all = entry.questions.join(". ");
                entry
                    .questions
                    .iter()
                    .map(move |q| (entry, q.clone()))
                    .chain(std::iter::once((entry, all)))
            })
            .map(|(entry, question)| AnswerMatch {
                id: entry.id.clone(),
                closeness: profile.closeness(&self.profile(&question, Some(index))),
                question,
            })
            .max_by(|a, b| a.closeness.sum().total_cmp(&b.closeness.sum()))
    }
}

struct CompiledRule {
    rule: EscalationRule,
    /// Per language (index into `languages`), its phrases and examples.
    phrases: Vec<(usize, Phrase)>,
    examples: Vec<(usize, Example)>,
}

/// An example message as compared.
struct Example {
    text: String,
    profile: Profile,
}

/// What the conversation knows when a message arrives.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    pub tier: Option<&'a str>,
    pub troubleshooting_suggested: bool,
    /// Tier rules fire once, on the first message.
    pub first_message: bool,
    /// The conversation's KB language ("" for the default language).
    pub lang: &'a str,
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

/// A message as one language reads it.
struct Reading {
    /// Analysed terms of each unquoted stretch, for phrases.
    segments: Vec<Vec<String>>,
    /// What the message affirms, for examples.
    profile: Profile,
    /// The KB's answer nearest to it, which a rule's example must beat.
    answer: Option<AnswerMatch>,
    /// Per rule the classifier learned in this language: the chance it is meant.
    learned: Vec<(usize, f32)>,
}

impl RuleMatcher {
    /// Phrases only, every language's: what a KB without a bundle can check.
    pub fn new(rules: &RuleSet, default_lang: &str) -> Self {
        Self::with_meaning(rules, default_lang, &RuleMeaning::default(), None)
    }

    /// The rules with their examples weighed by `meaning` and, where `index` has
    /// sentence vectors, compared by meaning too.
    pub fn with_meaning(
        rules: &RuleSet,
        default_lang: &str,
        meaning: &RuleMeaning,
        index: Option<&SearchIndex>,
    ) -> Self {
        let mut codes = vec![default_lang.to_string()];
        for rule in &rules.escalate {
            codes.extend(
                rules_languages(rule)
                    .filter(|l| !codes.contains(l))
                    .collect::<Vec<_>>(),
            );
        }
        let languages: Vec<Language> = codes
            .iter()
            .map(|code| Language {
                words: RuleLanguage::new(code),
                meaning: meaning.for_lang(code).cloned().unwrap_or_else(|| {
                    LanguageMeaning::untrained(code, index.is_some() && code == "en")
                }),
            })
            .collect();
        let compiled = rules
            .escalate
            .iter()
            .map(|rule| compile_rule(rule, default_lang, &languages, index))
            .collect();
        let review_phrases = rules
            .routing
            .routes
            .iter()
            .map(|r| {
                r.review_phrases
                    .iter()
                    .filter_map(|p| Phrase::new(p, &languages[0].words))
                    .collect()
            })
            .collect();
        RuleMatcher {
            languages,
            rules: compiled,
            routing: rules.routing.clone(),
            review_phrases,
        }
    }

    /// The rules one customer message fires; `index` gives sentence vectors.
    pub fn evaluate(
        &self,
        text: &str,
        ctx: Context<'_>,
        index: Option<&SearchIndex>,
    ) -> Vec<Firing> {
        let readings = self.read(text, ctx.lang, index);
        let phrase_fired = self
            .rules
            .iter()
            .filter(|r| !r.rule.after_troubleshooting || ctx.troubleshooting_suggested)
            .any(|r| self.phrase_found(r, &readings).is_some());
        // A phrase says what the message means; examples are for when none does.
        let meant = (!phrase_fired)
            .then(|| self.meant_rule(&readings, &ctx))
            .flatten();
        let mut out = Vec::new();
        for (i, compiled) in self.rules.iter().enumerate() {
            let rule = &compiled.rule;
            if let Some(tier) = ctx.tier
                && ctx.first_message
                && rule.tiers.iter().any(|t| t.eq_ignore_ascii_case(tier))
            {
                out.push(firing(rule, format!("customer tier: {tier}"), None));
                continue;
            }
            if rule.after_troubleshooting && !ctx.troubleshooting_suggested {
                continue;
            }
            if let Some(phrase) = self.phrase_found(compiled, &readings) {
                out.push(firing(rule, text.to_string(), Some(phrase.text.clone())));
            } else if meant == Some(i) {
                out.push(firing(rule, text.to_string(), None));
            }
        }
        out
    }

    /// The one rule a message means, if any: the rule of the example most likely
    /// meant, when that chance reaches the rule's threshold. Rules compete, as
    /// articles do: "Can I talk to a person?" is nearer to asking for a person than to
    /// "I'm talking to an attorney".
    fn meant_rule(&self, readings: &[Option<Reading>], ctx: &Context<'_>) -> Option<usize> {
        let (i, example) = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.rule.after_troubleshooting || ctx.troubleshooting_suggested)
            .filter_map(|(i, rule)| Some((i, self.nearest_example(i, rule, readings)?)))
            .max_by(|a, b| a.1.chance.total_cmp(&b.1.chance))?;
        (example.chance >= self.rules[i].rule.threshold()).then_some(i)
    }

    /// The queue for a handoff: fired rules first, then the conversation's tags in the
    /// order routes are written, else the default queue.
    pub fn route<'a>(
        &self,
        tags: &BTreeSet<String>,
        escalated: bool,
        customer_texts: impl IntoIterator<Item = &'a str>,
    ) -> RouteDecision {
        let default = &self.languages[0].words;
        let texts: Vec<Vec<String>> = customer_texts
            .into_iter()
            .flat_map(|t| default.unquoted_segments(t))
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
                .any(|p| texts.iter().any(|terms| p.occurs_in(terms, default)))
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
    pub fn simulate(&self, play: &Play<'_>, index: Option<&SearchIndex>) -> Simulation {
        let mut fired = Vec::new();
        for (i, message) in play.messages.iter().enumerate() {
            let ctx = play.context(i);
            fired.extend(
                self.evaluate(message, ctx, index)
                    .into_iter()
                    .map(|f| f.fired),
            );
        }
        let tags: BTreeSet<String> = play.tags.iter().cloned().collect();
        let queue = self
            .route(
                &tags,
                !fired.is_empty(),
                play.messages.iter().map(String::as_str),
            )
            .queue;
        Simulation { fired, queue }
    }

    /// The message read in the default language and in the conversation's.
    fn read(&self, text: &str, lang: &str, index: Option<&SearchIndex>) -> Vec<Option<Reading>> {
        self.languages
            .iter()
            .enumerate()
            .map(|(i, language)| {
                (i == 0 || language.words.lang == lang).then(|| self.read_in(i, text, index))
            })
            .collect()
    }

    /// `text` read in the `position`th language. Its meaning (and the search for the
    /// KB's nearest answer) is worked out only where a rule has examples to compare.
    fn read_in(&self, position: usize, text: &str, index: Option<&SearchIndex>) -> Reading {
        let language = &self.languages[position];
        let has_examples = self
            .rules
            .iter()
            .any(|rule| rule.examples.iter().any(|(lang, _)| *lang == position));
        let affirmed = if has_examples {
            language.words.affirmed_parts(text)
        } else {
            Affirmed::default()
        };
        let profile = language.profile_of(&affirmed.terms, index);
        let index = index.filter(|_| !profile.is_empty());
        let answer = index.and_then(|ix| language.nearest_answer(text, &profile, ix));
        let learned = index
            .map(|ix| ix.rule_chances(&affirmed.text, &language.words.lang))
            .unwrap_or_default();
        Reading {
            segments: language.words.unquoted_segments(text),
            profile,
            answer,
            learned,
        }
    }

    fn phrase_found<'r>(
        &self,
        rule: &'r CompiledRule,
        readings: &[Option<Reading>],
    ) -> Option<&'r Phrase> {
        rule.phrases.iter().find_map(|(lang, phrase)| {
            let reading = readings[*lang].as_ref()?;
            let words = &self.languages[*lang].words;
            reading
                .segments
                .iter()
                .any(|terms| phrase.occurs_in(terms, words))
                .then_some(phrase)
        })
    }

    /// The rule's example nearest to the message, in the languages read, with the
    /// chance that the message means the rule: by the example or by the classifier.
    fn nearest_example(
        &self,
        position: usize,
        rule: &CompiledRule,
        readings: &[Option<Reading>],
    ) -> Option<ExampleMatch> {
        rule.examples
            .iter()
            .filter_map(|(lang, example)| {
                let reading = readings[*lang].as_ref().filter(|r| !r.profile.is_empty())?;
                let closeness = reading.profile.closeness(&example.profile);
                let margin = closeness.minus(reading.answer.as_ref().map(|a| a.closeness));
                let learned = reading
                    .learned
                    .iter()
                    .find(|(rule, _)| *rule == position)
                    .map_or(0.0, |(_, chance)| *chance);
                let nearest = self.languages[*lang]
                    .meaning
                    .calibration
                    .chance(margin, closeness);
                Some(ExampleMatch {
                    example: example.text.clone(),
                    lang: self.languages[*lang].words.lang.clone(),
                    closeness,
                    margin,
                    learned,
                    chance: 1.0 - (1.0 - nearest) * (1.0 - learned),
                })
            })
            .max_by(|a, b| a.chance.total_cmp(&b.chance))
    }
}

/// How many of the KB's top answers to a message compete with a rule's examples.
const COMPETING_ANSWERS: usize = 3;

/// The KB's answer nearest to a message, by one of its example questions.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerMatch {
    /// The article's or flow's id.
    pub id: String,
    pub question: String,
    pub closeness: Closeness,
}

/// What to play through the rules: a conversation's customer messages and context.
#[derive(Debug, Clone, Copy, Default)]
pub struct Play<'a> {
    pub messages: &'a [String],
    pub tier: Option<&'a str>,
    pub troubleshooting_suggested: bool,
    /// Tags the conversation carries, for routing.
    pub tags: &'a [String],
    /// The conversation's KB language ("" for the default).
    pub lang: &'a str,
}

impl<'a> Play<'a> {
    /// What the conversation knows when its `i`th message (from 0) arrives.
    pub fn context(&self, i: usize) -> Context<'a> {
        Context {
            tier: self.tier,
            troubleshooting_suggested: self.troubleshooting_suggested,
            first_message: i == 0,
            lang: self.lang,
        }
    }
}

/// The languages a rule is written in besides the default.
fn rules_languages(rule: &EscalationRule) -> impl Iterator<Item = String> + '_ {
    rule.languages.keys().cloned()
}

fn compile_rule(
    rule: &EscalationRule,
    default_lang: &str,
    languages: &[Language],
    index: Option<&SearchIndex>,
) -> CompiledRule {
    let mut phrases = Vec::new();
    let mut examples = Vec::new();
    for (code, rule_phrases, rule_examples) in rule.words_by_language(default_lang) {
        let Some(i) = languages.iter().position(|l| l.words.lang == code) else {
            continue;
        };
        let language = &languages[i];
        phrases.extend(
            rule_phrases
                .iter()
                .filter_map(|p| Phrase::new(p, &language.words))
                .map(|p| (i, p)),
        );
        examples.extend(rule_examples.iter().map(|text| {
            let profile = language.profile(text, index);
            (
                i,
                Example {
                    text: text.clone(),
                    profile,
                },
            )
        }));
        // All of them together too: a customer often says what two examples say.
        if rule_examples.len() > 1 {
            let all = rule_examples.join(". ");
            let profile = language.profile(&all, index);
            examples.push((i, Example { text: all, profile }));
        }
    }
    CompiledRule {
        rule: rule.clone(),
        phrases,
        examples,
    }
}

fn firing(rule: &EscalationRule, text: String, phrase: Option<String>) -> Firing {
    Firing {
        fired: FiredRule {
            rule_id: rule.id.clone(),
            reason: rule.reason.clone(),
            text,
            phrase,
        },
        priority: rule.priority,
    }
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
            examples: vec![],
            threshold: None,
            languages: Default::default(),
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
        RuleMatcher::new(
            &RuleSet {
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
            },
            "en",
        )
    }

    fn ids(m: &RuleMatcher, text: &str, ctx: Context<'_>) -> Vec<String> {
        m.evaluate(text, ctx, None)
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

    fn by_meaning() -> RuleMatcher {
        let mut chargeback = EscalationRule {
            id: "chargeback".into(),
            reason: "chargeback".into(),
            phrases: vec!["chargeback".into()],
            examples: vec![
                "I disputed the payment with my credit card company".into(),
                "My bank is reversing the charge".into(),
            ],
            threshold: None,
            languages: Default::default(),
            tiers: vec![],
            after_troubleshooting: false,
            priority: Priority::Urgent,
            issue_type: None,
            ask: Default::default(),
        };
        chargeback.languages.insert(
            "es".into(),
            crate::model::RuleWords {
                phrases: vec!["contracargo".into()],
                examples: vec!["Abrí una disputa del cobro con mi banco".into()],
            },
        );
        let mut human = chargeback.clone();
        human.id = "human".into();
        human.phrases = vec!["talk to a person".into()];
        human.examples = vec!["I want to speak with a real human being".into()];
        human.languages.clear();
        RuleMatcher::new(
            &RuleSet {
                escalate: vec![chargeback, human],
                routing: Routing::default(),
            },
            "en",
        )
    }

    fn meant(m: &RuleMatcher, text: &str, lang: &str) -> Vec<String> {
        let ctx = Context {
            lang,
            ..Context::default()
        };
        ids(m, text, ctx)
    }

    #[test]
    fn examples_fire_for_other_words_that_mean_the_same() {
        let m = by_meaning();
        assert_eq!(
            meant(&m, "my credit card company is disputing the payment", ""),
            ["chargeback"]
        );
        assert_eq!(meant(&m, "can I speak with a human being", ""), ["human"]);
        assert!(meant(&m, "where do I download my files", "").is_empty());
    }

    #[test]
    fn only_the_rule_most_likely_meant_fires_by_meaning() {
        let m = by_meaning();
        let fired = meant(
            &m,
            "a real human being disputed the payment with my credit card company",
            "",
        );
        assert_eq!(fired.len(), 1, "{fired:?}");
    }

    #[test]
    fn negated_and_quoted_meaning_does_not_fire() {
        let m = by_meaning();
        assert!(
            meant(
                &m,
                "my credit card company is not disputing the payment",
                ""
            )
            .is_empty()
        );
        assert!(
            meant(
                &m,
                "the letter said \"the bank is reversing the charge\"",
                ""
            )
            .is_empty()
        );
        assert_eq!(
            meant(&m, "I am not happy and my bank is reversing the charge", ""),
            ["chargeback"]
        );
    }

    #[test]
    fn a_rules_other_languages_apply_to_conversations_in_them() {
        let m = by_meaning();
        assert_eq!(
            meant(&m, "abrí una disputa del cobro con el banco", "es"),
            ["chargeback"]
        );
        assert_eq!(meant(&m, "es un contracargo", "es"), ["chargeback"]);
        assert!(
            meant(&m, "es un contracargo", "").is_empty(),
            "Spanish words on an English page"
        );
        assert!(meant(&m, "no abrí ninguna disputa del cobro con mi banco", "es").is_empty());
    }

    #[test]
    fn the_same_message_always_gets_the_same_verdict() {
        let m = by_meaning();
        let text = "my card company is disputing the charge";
        let first = m.explain(text, Context::default(), None);
        for _ in 0..3 {
            assert_eq!(m.explain(text, Context::default(), None), first);
        }
    }
}
