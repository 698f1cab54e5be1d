//! Widget analytics without an analytics server: `POST /api/events` stores the counts
//! the widget keeps (questions, suggestions shown, articles opened, helped yes/no, flows
//! finished, handoffs, questions without a confident answer) next to the tickets.
//! Question text arrives with two kinds only, masked by the widget as tickets are:
//! `unanswered` (the knowledge-gap report) and `helped` (the question the article
//! answered, which `deflect learn` proposes as an example question); the server masks
//! card numbers again before storing it, as the relay does for tickets.
//!
//! The widget delivers events the way it delivers tickets — from a browser outbox, in
//! batches, retried until acknowledged — so every event carries its own id and a repeat
//! is ignored: a retried batch never counts twice.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::{Deserialize, Serialize};

use deflect_engine::conversation::mask_card_numbers;

use super::api_error::{ApiError, blocking};
use super::db::{Table, args};
use super::request::{BodyRules, read_body};
use super::state::AppState;
use super::store::{Store, StoreError, now_ms};
use super::validate::{is_id, times_in_range};

/// Largest batch body accepted; a full outbox of events is a few tens of KiB.
pub const MAX_EVENTS_BODY_BYTES: usize = 256 * 1024;
/// Most events in one batch.
pub const MAX_EVENTS_PER_BATCH: usize = 500;
/// Question text is kept for the knowledge-gap report and `deflect learn`, cut to this
/// many characters.
const MAX_TEXT_CHARS: usize = 300;

/// The events table in both dialects (`INTEGER` is 64-bit in SQLite, so `BIGINT` in
/// PostgreSQL).
pub(super) const TABLE: Table = Table {
    sqlite: |conn| Ok(conn.execute_batch(&SCHEMA.replace("BIGINT", "INTEGER"))?),
    postgres: SCHEMA,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    id              TEXT PRIMARY KEY NOT NULL,
    received_at_ms  BIGINT NOT NULL,
    at_ms           BIGINT NOT NULL,
    conversation_id TEXT NOT NULL,
    kind            TEXT NOT NULL,
    article         TEXT,
    queue           TEXT,
    rule            TEXT,
    text            TEXT,
    lang            TEXT
);
CREATE INDEX IF NOT EXISTS events_kind ON events (kind);
-- Insights count conversations per kind; retention deletes by age.
CREATE INDEX IF NOT EXISTS events_kind_conversation ON events (kind, conversation_id);
CREATE INDEX IF NOT EXISTS events_received ON events (received_at_ms);
";

/// What happened in the widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The visitor sent a question.
    Question,
    /// Suggestions were shown while the visitor typed.
    SuggestionsShown,
    ArticleOpened,
    /// "Did this help?" — Yes; `text` is the question that led to the article.
    Helped,
    /// "Did this help?" — No.
    NotHelped,
    /// A troubleshooting flow reached an end.
    FlowFinished,
    /// The conversation was marked deflected (solved without a person).
    Deflected,
    /// A person took over; `queue` and `rule` say where and why.
    Handoff,
    /// A question with no confident answer (`text` feeds the knowledge-gap report).
    Unanswered,
}

impl EventKind {
    /// Whether the event may carry the visitor's question; other kinds' text is not
    /// stored, whatever the sender put there.
    pub fn carries_text(self) -> bool {
        matches!(self, Self::Unanswered | Self::Helped)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Question => "question",
            Self::SuggestionsShown => "suggestions_shown",
            Self::ArticleOpened => "article_opened",
            Self::Helped => "helped",
            Self::NotHelped => "not_helped",
            Self::FlowFinished => "flow_finished",
            Self::Deflected => "deflected",
            Self::Handoff => "handoff",
            Self::Unanswered => "unanswered",
        }
    }
}

/// One event as the widget sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Unique per event; the idempotency key.
    pub id: String,
    pub at_ms: u64,
    pub conversation_id: String,
    pub kind: EventKind,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub queue: Option<String>,
    #[serde(default)]
    pub rule: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
}

/// The body of `POST /api/events`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    pub events: Vec<Event>,
}

/// How many events of a batch were new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stored {
    pub accepted: usize,
    pub duplicates: usize,
}

/// Stores a batch in one transaction; events already stored are skipped.
pub fn insert(store: &Store, events: &[Event]) -> Result<Stored, StoreError> {
    let now = now_ms();
    let accepted = store.write(|tx| {
        let mut accepted = 0;
        for e in events {
            let text = e.text.as_deref().filter(|_| e.kind.carries_text()).map(stored_text);
            let sql = "INSERT INTO events
                 (id, received_at_ms, at_ms, conversation_id, kind, article, queue, rule, text, lang)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (id) DO NOTHING";
            accepted += tx.execute(sql, args![
                e.id,
                now,
                e.at_ms,
                e.conversation_id,
                e.kind.as_str(),
                e.article,
                e.queue,
                e.rule,
                text,
                e.lang,
            ])?;
        }
        Ok::<_, StoreError>(accepted)
    })?;
    Ok(Stored {
        accepted,
        duplicates: events.len() - accepted,
    })
}

/// Question text as stored: trimmed, cut to [`MAX_TEXT_CHARS`], card numbers masked
/// (whatever the sender did).
fn stored_text(text: &str) -> String {
    // Masked before it is cut, so a cut cannot leave a card number too short to mask.
    let (masked, _) = mask_card_numbers(text.trim());
    masked.chars().take(MAX_TEXT_CHARS).collect()
}

/// The `/api/events` route, merged into the inbox's API router (and its CORS).
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/events", post(create_events))
}

/// How `/api/events` reads its body; text/plain too, because `navigator.sendBeacon` on
/// page hide cannot send anything else.
const EVENTS_BODY: BodyRules = BodyRules {
    limit: MAX_EVENTS_BODY_BYTES,
    name: "event batch",
    echo_content_type: false,
};

/// `POST /api/events`: validate the whole batch, then store it idempotently (200).
async fn create_events(State(store): State<Store>, req: Request) -> Result<Response, ApiError> {
    let body = read_body(req, &EVENTS_BODY).await?;
    let batch: Batch = serde_json::from_slice(&body).map_err(|err| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("invalid event batch JSON: {err}"),
        )
    })?;
    let times = batch.events.iter().enumerate();
    times_in_range(
        "event batch",
        times.map(|(i, e)| (format!("events[{i}].at_ms"), e.at_ms)),
    )?;
    validate(&batch).map_err(|problem| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("invalid event batch: {problem}"),
        )
    })?;
    let stored = blocking(
        move || insert(&store, &batch.events),
        "could not store events",
    )
    .await?;
    Ok((StatusCode::OK, axum::Json(stored)).into_response())
}

/// Rules serde cannot express; the first problem is reported with the event's index.
fn validate(batch: &Batch) -> Result<(), String> {
    if batch.events.len() > MAX_EVENTS_PER_BATCH {
        return Err(format!(
            "{} events; send at most {MAX_EVENTS_PER_BATCH} per batch",
            batch.events.len()
        ));
    }
    let id_ok = |id: &str| is_id(id, 8..=64);
    for (i, e) in batch.events.iter().enumerate() {
        if !id_ok(&e.id) {
            return Err(format!(
                "events[{i}].id: must be 8 to 64 characters of A-Z, a-z, 0-9 and '-'"
            ));
        }
        if !id_ok(&e.conversation_id) {
            return Err(format!(
                "events[{i}].conversation_id: must be 8 to 64 characters of A-Z, a-z, 0-9 and '-'"
            ));
        }
        let short = |v: &Option<String>| v.as_ref().is_none_or(|s| s.len() <= 200);
        if !(short(&e.article) && short(&e.queue) && short(&e.rule) && short(&e.lang)) {
            return Err(format!(
                "events[{i}]: article, queue, rule and lang must be at most 200 bytes"
            ));
        }
    }
    Ok(())
}
