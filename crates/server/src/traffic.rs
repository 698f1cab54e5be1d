//! What the inbox has seen that a KB can learn from (`deflect learn`): questions whose
//! article the visitor said helped (analytics `helped` events that carry the question),
//! questions of tickets an agent resolved with an article (`resolution`), and questions
//! nothing answered confidently (`unanswered` events), since a moment. Without
//! analytics only the tickets are there.
//!
//! Every text is masked once more here (card numbers), whatever stored it.

use deflect_engine::conversation::mask_card_numbers;
use deflect_engine::ticket::{Author, Ticket};

use super::db::{Row, args};
use super::store::{Store, StoreError};

/// A question the inbox saw, and the article it got (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenQuestion {
    pub text: String,
    /// The article that answered it; `None` for an unanswered question.
    pub article: Option<String>,
    /// When the inbox received it (or the ticket was resolved), Unix milliseconds.
    pub at_ms: u64,
    /// The conversation (the ticket id, for a resolved ticket): several events of one
    /// conversation count once.
    pub conversation_id: String,
    pub lang: Option<String>,
}

/// Everything `deflect learn` reads, by source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Questions whose article the visitor marked helpful.
    pub helped: Vec<SeenQuestion>,
    /// The question of each ticket an agent resolved with an article.
    pub resolved: Vec<SeenQuestion>,
    /// Questions without a confident answer: knowledge gaps.
    pub unanswered: Vec<SeenQuestion>,
}

impl Store {
    /// What the inbox has seen since `since_ms` (0: ever), oldest first.
    pub fn traffic(&self, since_ms: u64) -> Result<Traffic, StoreError> {
        self.read(|tx| {
            let events = |kind: &str| {
                format!(
                    "SELECT text, article, received_at_ms, conversation_id, lang FROM events
                     WHERE kind = '{kind}' AND text IS NOT NULL AND received_at_ms >= ?1
                     ORDER BY received_at_ms, id"
                )
            };
            let helped = tx.query(&events("helped"), args![since_ms])?;
            let unanswered = tx.query(&events("unanswered"), args![since_ms])?;
            let resolved = tx.query(
                "SELECT t.id, t.json, r.article, r.resolved_at_ms FROM resolutions r
                 JOIN tickets t ON t.id = r.ticket_id
                 WHERE r.resolved_at_ms >= ?1 ORDER BY r.resolved_at_ms, t.id",
                args![since_ms],
            )?;
            Ok(Traffic {
                helped: read_all(&helped, event_question)?
                    .into_iter()
                    .filter(|q| q.article.is_some())
                    .collect(),
                resolved: read_all(&resolved, resolved_question)?,
                unanswered: read_all(&unanswered, |row| {
                    event_question(row).map(|q| q.map(|q| SeenQuestion { article: None, ..q }))
                })?,
            })
        })
    }
}

fn read_all(
    rows: &[Row],
    read: impl Fn(&Row) -> Result<Option<SeenQuestion>, StoreError>,
) -> Result<Vec<SeenQuestion>, StoreError> {
    let mut out = Vec::new();
    for row in rows {
        out.extend(read(row)?);
    }
    Ok(out)
}

fn event_question(row: &Row) -> Result<Option<SeenQuestion>, StoreError> {
    let text: String = row.get(0)?;
    let Some(text) = masked(&text) else {
        return Ok(None);
    };
    Ok(Some(SeenQuestion {
        text,
        article: row.get(1)?,
        at_ms: row.get(2)?,
        conversation_id: row.get(3)?,
        lang: row.get(4)?,
    }))
}

fn resolved_question(row: &Row) -> Result<Option<SeenQuestion>, StoreError> {
    let id: String = row.get(0)?;
    let json: String = row.get(1)?;
    let article: String = row.get(2)?;
    let at_ms: u64 = row.get(3)?;
    let ticket: Ticket = serde_json::from_str(&json).map_err(|source| StoreError::CorruptRow {
        id: id.clone(),
        source,
    })?;
    Ok(ticket_question(&ticket).map(|text| SeenQuestion {
        text,
        article: Some(article),
        at_ms,
        conversation_id: id,
        lang: Some(ticket.lang.clone()),
    }))
}

/// The question a ticket is about: the visitor's first line that is not an answer to a
/// flow step (a choice or a checklist they filled in), masked.
pub fn ticket_question(ticket: &Ticket) -> Option<String> {
    let answers: Vec<&str> = ticket.flow_path.iter().map(|s| s.answer.as_str()).collect();
    ticket
        .transcript
        .iter()
        .filter(|m| m.from == Author::Customer)
        .map(|m| m.text.trim())
        .find(|text| !text.is_empty() && !answers.contains(text))
        .and_then(masked)
}

/// The text with card numbers masked; `None` when nothing is left.
fn masked(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| mask_card_numbers(text).0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{self, Event, EventKind};
    use crate::test_stores::on_both;
    use deflect_engine::ticket::{FlowStepRecord, Message};

    fn event(id: &str, kind: EventKind, article: Option<&str>, text: Option<&str>) -> Event {
        Event {
            id: id.into(),
            at_ms: 1_767_000_000_000,
            conversation_id: format!("conv-{id}"),
            kind,
            article: article.map(Into::into),
            queue: None,
            rule: None,
            text: text.map(Into::into),
            lang: Some("en".into()),
        }
    }

    fn resolved_ticket(store: &Store, id: &str, first: &str) {
        let mut ticket = Ticket::example(id);
        ticket.flow_path = vec![FlowStepRecord {
            flow_id: "billing".into(),
            step_id: "which".into(),
            prompt: "Which charge?".into(),
            answer: "The second one".into(),
            at_ms: 1,
        }];
        let line = |text: &str| Message {
            at_ms: 1,
            from: Author::Customer,
            text: text.into(),
        };
        ticket.transcript = vec![line("The second one"), line(first), line("later line")];
        store
            .insert(&ticket, &serde_json::to_string(&ticket).unwrap())
            .unwrap();
        assert!(
            store
                .resolve(id, "refund-policy", "ann@shop.example")
                .unwrap()
        );
    }

    /// Each source is read with its article, texts masked again, events without text
    /// (analytics without questions) and other kinds left out, and `since` honoured.
    #[test]
    fn the_three_sources_are_read_masked() {
        on_both(|store| {
            let card = "4242 4242 4242 4242";
            events::insert(
                store,
                &[
                    event(
                        "ev-helped-1",
                        EventKind::Helped,
                        Some("refund-policy"),
                        Some(&format!("refund to {card}?")),
                    ),
                    event(
                        "ev-helped-2",
                        EventKind::Helped,
                        Some("refund-policy"),
                        None,
                    ),
                    event(
                        "ev-opened-1",
                        EventKind::ArticleOpened,
                        Some("refund-policy"),
                        Some("x"),
                    ),
                    event(
                        "ev-gap-0001",
                        EventKind::Unanswered,
                        None,
                        Some("do you sell easels"),
                    ),
                ],
            )
            .unwrap();
            resolved_ticket(store, "t-traffic-1", "charged twice for the course");
            let traffic = store.traffic(0).unwrap();
            assert_eq!(traffic.helped.len(), 1, "{traffic:?}");
            assert_eq!(traffic.helped[0].text, "refund to **** **** **** 4242?");
            assert_eq!(traffic.helped[0].article.as_deref(), Some("refund-policy"));
            assert_eq!(traffic.resolved.len(), 1);
            assert_eq!(traffic.resolved[0].text, "charged twice for the course");
            assert_eq!(traffic.resolved[0].conversation_id, "t-traffic-1");
            assert_eq!(traffic.unanswered.len(), 1);
            assert_eq!(traffic.unanswered[0].article, None);
            let texts: u64 = store
                .read(|tx| {
                    tx.query_one("SELECT COUNT(*) FROM events WHERE text IS NOT NULL", &[])?
                        .get(0)
                })
                .unwrap();
            assert_eq!(
                texts, 2,
                "only helped and unanswered events keep their text"
            );
            let later = store.traffic(4_000_000_000_000).unwrap();
            assert_eq!(later, Traffic::default());
        });
    }
}
