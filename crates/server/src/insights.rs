//! What the widget's events say about the knowledge base: how many conversations ended
//! without a person (deflection rate), how many were handed off and by which rule to
//! which queue, and the questions it could not answer confidently (the knowledge-gap
//! report: the articles worth writing next). Served as `/inbox/insights` (HTML) and
//! `/api/insights` (JSON).

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rusqlite::ErrorCode;
use serde::Serialize;

use super::api_error::{ApiError, blocking};
use super::auth::{ApiAgent, PageAgent};
use super::db::{Dialect, Tx, args};
use super::limits::Limits;
use super::page::{self, escape};
use super::state::AppState;
use super::store::{Store, StoreError};

/// How many unanswered questions the report lists.
pub const TOP_GAPS: usize = 20;

/// Everything the insights page shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Insights {
    /// Conversations that sent at least one event.
    pub conversations: u64,
    pub counts: Counts,
    /// Share of conversations marked deflected and never handed off (0..=1).
    pub deflection_rate: f64,
    /// Share of conversations handed off to a person (0..=1).
    pub handoff_rate: f64,
    /// Handoffs grouped by queue and the rule that fired, most first.
    pub handoffs: Vec<HandoffGroup>,
    /// Questions without a confident answer, most asked first.
    pub knowledge_gaps: Vec<Gap>,
}

/// Event totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub questions: u64,
    pub suggestions_shown: u64,
    pub articles_opened: u64,
    pub helped: u64,
    pub not_helped: u64,
    pub flows_finished: u64,
    pub deflected: u64,
    pub handoffs: u64,
    pub unanswered: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HandoffGroup {
    pub queue: String,
    /// The first rule that fired, or `none` (the visitor asked, or answers missed).
    pub rule: String,
    pub count: u64,
    /// Share of all conversations (0..=1).
    pub rate: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The most recent wording of the question.
    pub question: String,
    pub count: u64,
    pub last_at_ms: u64,
}

/// How many SQLite steps run between two questions whether to stop (a few tens of
/// microseconds of work).
const STEPS_PER_CHECK: i32 = 10_000;

/// Computes the report from the events table, however long it takes.
pub fn compute(store: &Store) -> Result<Insights, StoreError> {
    Ok(compute_watched(store, || false)?.expect("never asked to stop"))
}

/// Computes the report, asking `stop` whether to give up; `None` when it did. On SQLite
/// it runs on a read-only connection of its own (never the writer's lock, so tickets
/// are stored while it runs) and `stop` is asked every few thousand steps; on
/// PostgreSQL it is asked between the report's queries.
pub fn compute_watched(
    store: &Store,
    mut stop: impl FnMut() -> bool + Send + 'static,
) -> Result<Option<Insights>, StoreError> {
    let Some(conn) = store.reader()? else {
        let unbounded = Duration::ZERO;
        return Ok(store
            .database()
            .postgres_report(unbounded, |tx| report(tx, &mut stop))?
            .flatten());
    };
    conn.progress_handler(STEPS_PER_CHECK, Some(stop));
    // One read transaction, so every query sees the same events.
    let snapshot = conn.unchecked_transaction()?;
    match report(&mut Tx::sqlite(&snapshot), &mut || false) {
        Err(StoreError::Sqlite(err))
            if err.sqlite_error_code() == Some(ErrorCode::OperationInterrupted) =>
        {
            Ok(None)
        }
        done => done,
    }
}

/// Computes the report unless it takes longer than `budget`; `None` when it did. On
/// PostgreSQL the server cancels it (a statement timeout), so a slow query cannot run
/// on after the answer was given up.
pub fn compute_within(store: &Store, budget: Duration) -> Result<Option<Insights>, StoreError> {
    if store.dialect() == Dialect::Postgres {
        return Ok(store
            .database()
            .postgres_report(budget, |tx| report(tx, &mut || false))?
            .flatten());
    }
    let deadline = Instant::now() + budget;
    compute_watched(store, move || Instant::now() > deadline)
}

/// The report's queries, asking `stop` before each; `None` when it said to.
fn report(tx: &mut Tx<'_>, stop: &mut dyn FnMut() -> bool) -> Result<Option<Insights>, StoreError> {
    let mut counts = [0; 3];
    let queries = [
        "SELECT COUNT(DISTINCT conversation_id) FROM events",
        "SELECT COUNT(DISTINCT conversation_id) FROM events WHERE kind = 'deflected'
           AND conversation_id NOT IN (SELECT conversation_id FROM events WHERE kind = 'handoff')",
        "SELECT COUNT(DISTINCT conversation_id) FROM events WHERE kind = 'handoff'",
    ];
    for (n, sql) in counts.iter_mut().zip(queries) {
        if stop() {
            return Ok(None);
        }
        *n = tx.query_one(sql, &[])?.get(0)?;
    }
    let [conversations, deflected, handed_off] = counts;
    let rate = |n: u64| share(n, conversations);
    if stop() {
        return Ok(None);
    }
    let counts = event_counts(tx)?;
    if stop() {
        return Ok(None);
    }
    let handoffs = handoff_groups(tx, rate)?;
    if stop() {
        return Ok(None);
    }
    Ok(Some(Insights {
        conversations,
        counts,
        deflection_rate: rate(deflected),
        handoff_rate: rate(handed_off),
        handoffs,
        knowledge_gaps: knowledge_gaps(tx)?,
    }))
}

/// `n` as a share of `total` (0 when there is nothing to share).
fn share(n: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 / total as f64
    }
}

/// How many events of each kind were stored.
fn event_counts(tx: &mut Tx<'_>) -> Result<Counts, StoreError> {
    let mut counts = Counts::default();
    for row in tx.query("SELECT kind, COUNT(*) FROM events GROUP BY kind", &[])? {
        let (kind, n): (String, u64) = (row.get(0)?, row.get(1)?);
        let slot = match kind.as_str() {
            "question" => &mut counts.questions,
            "suggestions_shown" => &mut counts.suggestions_shown,
            "article_opened" => &mut counts.articles_opened,
            "helped" => &mut counts.helped,
            "not_helped" => &mut counts.not_helped,
            "flow_finished" => &mut counts.flows_finished,
            "deflected" => &mut counts.deflected,
            "handoff" => &mut counts.handoffs,
            "unanswered" => &mut counts.unanswered,
            _ => continue,
        };
        *slot = n;
    }
    Ok(counts)
}

/// Conversations handed off, by queue and first rule, most first; `rate` turns a count
/// into its share of all conversations.
fn handoff_groups(
    tx: &mut Tx<'_>,
    rate: impl Fn(u64) -> f64,
) -> Result<Vec<HandoffGroup>, StoreError> {
    let rows = tx.query(
        "SELECT COALESCE(queue, 'unknown'), COALESCE(NULLIF(rule, ''), 'none'),
                COUNT(DISTINCT conversation_id) AS n
           FROM events WHERE kind = 'handoff'
          GROUP BY 1, 2 ORDER BY n DESC, 1, 2",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            let count = r.get(2)?;
            Ok(HandoffGroup {
                queue: r.get(0)?,
                rule: r.get(1)?,
                count,
                rate: rate(count),
            })
        })
        .collect()
}

/// The [`TOP_GAPS`] questions asked most without a confident answer, grouped case- and
/// space-insensitively and shown in their latest wording (the first row of its group
/// newest first: window functions, which both databases have).
fn knowledge_gaps(tx: &mut Tx<'_>) -> Result<Vec<Gap>, StoreError> {
    let rows = tx.query(
        "SELECT text, n, last FROM (
             SELECT text, COUNT(*) OVER question AS n, MAX(at_ms) OVER question AS last,
                    ROW_NUMBER() OVER (PARTITION BY lower(trim(text))
                                       ORDER BY at_ms DESC, id DESC) AS newest
               FROM events
              WHERE kind = 'unanswered' AND text IS NOT NULL AND trim(text) != ''
             WINDOW question AS (PARTITION BY lower(trim(text)))
         ) AS asked
         WHERE newest = 1
         ORDER BY n DESC, last DESC
         LIMIT ?1",
        args![TOP_GAPS],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Gap {
                question: r.get(0)?,
                count: r.get(1)?,
                last_at_ms: r.get(2)?,
            })
        })
        .collect()
}

/// `/inbox/insights` and `/api/insights`.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox/insights", get(insights_page))
        .route("/api/insights", get(insights_json))
}

/// The report within the inbox's time budget for it: past it, a 503 instead of a
/// query running on.
async fn load(store: Store, limits: Arc<Limits>) -> Result<Insights, ApiError> {
    let budget = limits.insights_time;
    let within = move || compute_within(&store, budget);
    blocking(within, "could not compute insights")
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "insights took longer than {} s and were abandoned; fewer days of events (--events-retention-days) make them faster",
                    budget.as_secs_f64()
                ),
            )
        })
}

async fn insights_json(
    _agent: ApiAgent,
    State(store): State<Store>,
    State(limits): State<Arc<Limits>>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(load(store, limits).await?).into_response())
}

async fn insights_page(
    _agent: PageAgent,
    State(store): State<Store>,
    State(limits): State<Arc<Limits>>,
) -> Result<Response, ApiError> {
    Ok(page::respond(render(&load(store, limits).await?)))
}

const STYLE: &str = "
:root { color-scheme: light dark; --fg: #1d232b; --muted: #5d6773; --bg: #f4f5f7;
  --card: #fff; --line: #dde1e6; --accent: #2563eb; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ee; --muted: #9aa4b1;
  --bg: #12161c; --card: #1b2129; --line: #2c343f; --accent: #7aa2ff; } }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: .75rem; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
.tile b { display: block; font-size: 1.5rem; }
.tile span { color: var(--muted); font-size: .9em; }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); }
th, td { text-align: left; padding: .4rem .75rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
td.n, th.n { text-align: right; }
.empty { color: var(--muted); }
";

fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

/// The insights page. Question text came from visitors: every value is escaped.
pub fn render(insights: &Insights) -> String {
    let mut html = String::with_capacity(4096);
    page::open_page(&mut html, "Deflect insights", &[STYLE]);
    html.push_str("<h1>Deflect insights</h1>\n");
    html.push_str("<p><a href=\"/inbox\">Back to the tickets</a></p>\n");
    totals_section(&mut html, insights);
    handoffs_section(&mut html, &insights.handoffs);
    gaps_section(&mut html, &insights.knowledge_gaps);
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

/// The totals as tiles: conversations, the two rates, then every event count.
fn totals_section(html: &mut String, insights: &Insights) {
    let c = &insights.counts;
    let tiles: [(&str, String); 11] = [
        ("Conversations", insights.conversations.to_string()),
        ("Deflection rate", percent(insights.deflection_rate)),
        ("Handoff rate", percent(insights.handoff_rate)),
        ("Questions", c.questions.to_string()),
        ("Suggestions shown", c.suggestions_shown.to_string()),
        ("Articles opened", c.articles_opened.to_string()),
        ("Helped: yes", c.helped.to_string()),
        ("Helped: no", c.not_helped.to_string()),
        ("Flows finished", c.flows_finished.to_string()),
        ("Handoffs", c.handoffs.to_string()),
        ("No confident answer", c.unanswered.to_string()),
    ];
    html.push_str("<section aria-label=\"Totals\" class=\"tiles\">\n");
    for (label, value) in tiles {
        let _ = writeln!(
            html,
            "<div class=\"tile\"><b>{}</b><span>{}</span></div>",
            escape(&value),
            escape(label)
        );
    }
    html.push_str("</section>\n");
}

/// Handoffs by queue and rule, or a note that there were none.
fn handoffs_section(html: &mut String, handoffs: &[HandoffGroup]) {
    html.push_str("<h2>Handoffs by queue and rule</h2>\n");
    if handoffs.is_empty() {
        html.push_str("<p class=\"empty\">No handoffs yet.</p>\n");
    } else {
        html.push_str("<table><thead><tr><th scope=\"col\">Queue</th><th scope=\"col\">Rule</th><th scope=\"col\" class=\"n\">Handoffs</th><th scope=\"col\" class=\"n\">Of conversations</th></tr></thead><tbody>\n");
        for g in handoffs {
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&g.queue),
                escape(&g.rule),
                g.count,
                percent(g.rate)
            );
        }
        html.push_str("</tbody></table>\n");
    }
}

/// The knowledge-gap report, or a note that every question had a confident answer.
fn gaps_section(html: &mut String, gaps: &[Gap]) {
    html.push_str("<h2>Top unanswered questions</h2>\n");
    if gaps.is_empty() {
        html.push_str("<p class=\"empty\">Every question had a confident answer.</p>\n");
    } else {
        html.push_str("<table><thead><tr><th scope=\"col\">Question</th><th scope=\"col\" class=\"n\">Asked</th><th scope=\"col\">Last asked (UTC)</th></tr></thead><tbody>\n");
        for gap in gaps {
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                escape(&gap.question),
                gap.count,
                escape(&page::format_time(gap.last_at_ms))
            );
        }
        html.push_str("</tbody></table>\n");
    }
}
