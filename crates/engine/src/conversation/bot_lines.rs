//! What the bot can say with a KB, so a line a ticket claims the bot said can be
//! checked: a ticket is written by a browser, and a browser can put anything in it
//! ("Identity verified. Refund approved"). The set is derived from the conversation's
//! own string tables (every language the KB has) and the KB (greetings, article
//! titles, flow prompts); nothing is listed by hand.

use std::collections::{BTreeSet, HashSet};

use super::answers::ARTICLES_PER_REPLY;
use super::strings;
use crate::engine::Engine;
use crate::ticket::{self, Ticket};

/// What kind of line the bot said, as far as the line tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotLine {
    /// Articles or flows were offered: what counts as troubleshooting suggested.
    Offer,
    /// A step of a troubleshooting flow (a flow was started).
    FlowStep,
    /// Any other line (a greeting, the handoff's questions and promise, …).
    Other,
}

/// Every line the bot can say with one KB, ready to check a ticket's.
#[derive(Debug, Clone)]
pub struct BotLines {
    /// Said word for word, whatever the ticket.
    exact: HashSet<String>,
    /// Lines that name the ticket (`{reference}`) or the visitor (`{email}`), with the
    /// KB's brand and response time already filled in.
    per_ticket: Vec<String>,
    /// How a line offering articles starts; the titles follow.
    offer_intros: Vec<String>,
    titles: HashSet<String>,
    prompts: HashSet<String>,
}

impl BotLines {
    /// The lines `engine`'s KB lets the bot say, in every language it has.
    pub fn new(engine: &Engine) -> Self {
        let kb = engine.kb();
        let settings = &kb.settings;
        let langs: BTreeSet<&str> = std::iter::once(settings.default_lang.as_str())
            .chain(settings.languages.keys().map(String::as_str))
            .chain(kb.articles.iter().map(|a| a.lang.as_str()))
            .collect();
        let mut exact: HashSet<String> = std::iter::once(settings.greeting.clone())
            .chain(
                settings
                    .languages
                    .values()
                    .filter_map(|t| t.greeting.clone()),
            )
            .collect();
        let mut per_ticket = Vec::new();
        let mut offer_intros = Vec::new();
        for lang in langs {
            let table = strings::for_lang(lang);
            offer_intros.extend(table.offer_intros().map(str::to_string));
            for line in table.recorded_lines() {
                let line = line
                    .replace("{brand}", &settings.brand_name)
                    .replace("{response_time}", settings.response_time_in(lang));
                if line.contains("{reference}") || line.contains("{email}") {
                    per_ticket.push(line);
                } else {
                    exact.insert(line);
                }
            }
        }
        let prompts = kb
            .flows
            .iter()
            .flat_map(|f| &f.steps)
            .map(|s| s.prompt.clone())
            .collect();
        Self {
            exact,
            per_ticket,
            offer_intros,
            titles: kb.articles.iter().map(|a| a.title.clone()).collect(),
            prompts,
        }
    }

    /// What `text` is, if the bot could have said it in `ticket`'s conversation; `None`
    /// for a line it cannot have said.
    pub fn classify(&self, text: &str, ticket: &Ticket) -> Option<BotLine> {
        if self.prompts.contains(text) {
            return Some(BotLine::FlowStep);
        }
        if self.is_offer(text) {
            return Some(BotLine::Offer);
        }
        if self.exact.contains(text) || self.is_about_ticket(text, ticket) {
            return Some(BotLine::Other);
        }
        None
    }

    /// An intro, alone or with up to [`ARTICLES_PER_REPLY`] article titles after it.
    fn is_offer(&self, text: &str) -> bool {
        self.offer_intros.iter().any(|intro| {
            let Some(rest) = text.strip_prefix(intro.as_str()) else {
                return false;
            };
            rest.is_empty()
                || rest
                    .strip_prefix(' ')
                    .is_some_and(|titles| self.are_titles(titles, ARTICLES_PER_REPLY))
        })
    }

    /// Whether `text` is 1 to `most` titles joined by "; " (a title may itself hold
    /// "; ", so every way of splitting is tried).
    fn are_titles(&self, text: &str, most: usize) -> bool {
        most > 0
            && self.titles.iter().any(|title| {
                text.strip_prefix(title.as_str()).is_some_and(|rest| {
                    rest.is_empty()
                        || rest
                            .strip_prefix("; ")
                            .is_some_and(|rest| self.are_titles(rest, most - 1))
                })
            })
    }

    /// A line naming this ticket's reference or the visitor's email.
    fn is_about_ticket(&self, text: &str, ticket: &Ticket) -> bool {
        let reference = ticket::reference(&ticket.id);
        let email = ticket.customer.email.as_deref().map(str::trim);
        self.per_ticket.iter().any(|line| {
            let line = line.replace("{reference}", &reference);
            match (line.contains("{email}"), email) {
                (false, _) => line == text,
                (true, Some(email)) => line.replace("{email}", email) == text,
                (true, None) => false,
            }
        })
    }
}
