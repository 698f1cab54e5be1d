//! Answering from the KB: matching a question, offering articles and the flows they
//! link to, opening an article, and "Did this help?".

use std::collections::BTreeSet;

use super::{Conversation, FlowOffer, Reply, Status, Suggestion, known, strings};
use crate::engine::Engine;
use crate::error::Result;
use crate::search::{EntryKind, Match};
use crate::ticket::{ArticleShown, Author, Message};

use super::reply::ArticleView;

/// Articles offered per answer.
pub(super) const ARTICLES_PER_REPLY: usize = 3;
/// Flows offered per answer.
const FLOWS_PER_REPLY: usize = 2;
/// "No, that didn't help" this many times hands the conversation to a person.
const MISSES_BEFORE_HANDOFF: u32 = 2;

impl Conversation {
    /// Answers a question no rule escalated: a confident flow starts, a confident
    /// article is offered, anything else is offered as "maybe" and counts as a miss.
    pub(super) fn answer(
        &mut self,
        engine: &Engine,
        mut reply: Reply,
        text: &str,
        now: u64,
    ) -> Result<Reply> {
        self.position = None;
        self.status = Status::Open;
        // Two more than shown: the flows of lower matches may still be worth offering.
        let matches = engine.search(text, &self.lang, ARTICLES_PER_REPLY + 2)?;
        let threshold = engine.kb().settings.confident_threshold;
        match matches.first() {
            Some(top) if top.confidence >= threshold && top.kind == EntryKind::Flow => {
                let flow_id = top.id.clone();
                return self.start_flow(engine, &flow_id, now);
            }
            Some(top) if top.confidence >= threshold => {
                self.adopt_article_context(engine, &top.id);
                self.offer(
                    engine,
                    &mut reply,
                    self.strings().found,
                    &matches,
                    true,
                    now,
                );
            }
            Some(_) => {
                self.misses += 1;
                let intro = self.strings().not_sure;
                self.offer(engine, &mut reply, intro, &matches, false, now);
            }
            None => {
                self.misses += 1;
                reply.sure = false;
                self.bot(&mut reply, self.strings().nothing_found.to_string(), now);
            }
        }
        Ok(reply)
    }

    /// The visitor opened a suggested article.
    pub fn open_article(&mut self, engine: &Engine, id: &str, now: u64) -> Result<ArticleView> {
        let article = known(engine.kb().article(id), "article", id)?;
        match self.articles_shown.iter_mut().rev().find(|a| a.id == id) {
            Some(shown) => shown.opened = true,
            None => self.articles_shown.push(ArticleShown {
                id: id.into(),
                title: article.title.clone(),
                at_ms: now,
                confidence: 1.0,
                opened: true,
                helped: None,
            }),
        }
        self.troubleshooting_suggested = true;
        Ok(ArticleView {
            id: article.id.clone(),
            title: article.title.clone(),
            fragment: article.fragment.clone(),
            url: article.url.clone(),
        })
    }

    /// "Did this help?" on an article: yes solves the conversation; no starts the
    /// article's flow, or offers the articles not yet refused, or after
    /// [`MISSES_BEFORE_HANDOFF`] hands off.
    pub fn feedback(&mut self, engine: &Engine, id: &str, helped: bool, now: u64) -> Result<Reply> {
        let article = known(engine.kb().article(id), "article", id)?;
        if let Some(shown) = self.articles_shown.iter_mut().rev().find(|a| a.id == id) {
            shown.helped = Some(helped);
        }
        let mut reply = Reply::sure();
        if helped {
            self.status = Status::Solved;
            reply.solved = true;
            self.bot(&mut reply, self.strings().solved.to_string(), now);
            return Ok(reply);
        }
        self.misses += 1;
        if self.misses >= MISSES_BEFORE_HANDOFF {
            let reason = strings::MISSES_REASON.to_string();
            self.hand_off(engine, &mut reply, reason, None, None, now);
            return Ok(reply);
        }
        if let Some(flow) = article.flow.as_ref().and_then(|f| engine.kb().flow(f)) {
            return self.start_flow(engine, &flow.id.clone(), now);
        }
        reply.articles = self.articles_not_refused();
        self.bot(&mut reply, self.strings().try_next.to_string(), now);
        Ok(reply)
    }

    /// The articles offered so far that the visitor has not said were no help.
    fn articles_not_refused(&self) -> Vec<Suggestion> {
        let unhelpful: BTreeSet<&str> = self
            .articles_shown
            .iter()
            .filter(|a| a.helped == Some(false))
            .map(|a| a.id.as_str())
            .collect();
        self.articles_shown
            .iter()
            .filter(|a| !unhelpful.contains(a.id.as_str()))
            .map(|a| Suggestion {
                id: a.id.clone(),
                title: a.title.clone(),
                confidence: a.confidence,
            })
            .take(ARTICLES_PER_REPLY)
            .collect()
    }

    /// Shows articles (and the flows they link to) and records them for the ticket.
    pub(super) fn offer(
        &mut self,
        engine: &Engine,
        reply: &mut Reply,
        intro: &str,
        matches: &[Match],
        sure: bool,
        now: u64,
    ) {
        reply.sure = sure;
        for m in matches
            .iter()
            .filter(|m| m.kind == EntryKind::Article)
            .take(ARTICLES_PER_REPLY)
        {
            reply.articles.push(Suggestion {
                id: m.id.clone(),
                title: m.title.clone(),
                confidence: m.confidence,
            });
            self.articles_shown.push(ArticleShown {
                id: m.id.clone(),
                title: m.title.clone(),
                at_ms: now,
                confidence: m.confidence,
                opened: false,
                helped: None,
            });
        }
        reply.flows = linked_flows(engine, matches);
        self.troubleshooting_suggested |= !reply.articles.is_empty() || !reply.flows.is_empty();
        let titles: Vec<&str> = reply.articles.iter().map(|a| a.title.as_str()).collect();
        let line = if titles.is_empty() {
            intro.to_string()
        } else {
            format!("{intro} {}", titles.join("; "))
        };
        self.transcript.push(Message {
            at_ms: now,
            from: Author::Bot,
            text: line,
        });
        reply.messages.push(intro.to_string());
    }

    /// A confident article match tells us what the conversation is about.
    fn adopt_article_context(&mut self, engine: &Engine, article_id: &str) {
        if let Some(article) = engine.kb().article(article_id) {
            self.tags.extend(article.tags.iter().cloned());
        }
    }
}

/// The flows among `matches` and those their articles link to, distinct, best first.
fn linked_flows(engine: &Engine, matches: &[Match]) -> Vec<FlowOffer> {
    let mut flows: Vec<FlowOffer> = Vec::new();
    let linked = matches.iter().filter_map(|m| match m.kind {
        EntryKind::Flow => Some(m.id.clone()),
        EntryKind::Article => engine.kb().article(&m.id).and_then(|a| a.flow.clone()),
    });
    for flow_id in linked {
        if let Some(flow) = engine.kb().flow(&flow_id)
            && !flows.iter().any(|f| f.id == flow.id)
        {
            flows.push(FlowOffer {
                id: flow.id.clone(),
                title: flow.title.clone(),
            });
        }
    }
    flows.truncate(FLOWS_PER_REPLY);
    flows
}
