//! An agent resolves a ticket with the KB article that answers it: a small form on each
//! ticket of the inbox page (CSRF-protected, like every inbox form), kept one per
//! ticket (a later choice replaces an earlier one). `deflect learn` reads these pairs —
//! the visitor's question and the article an agent says answers it — to propose new
//! example questions for that article.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde::{Deserialize, Serialize};

use super::api_error::{ApiError, blocking};
use super::auth::csrf;
use super::auth::{PageAgent, see_other};
use super::db::{Table, ToValue, Tx, args};
use super::page::{TicketForms, escape, format_time};
use super::server_check::Verifier;
use super::state::AppState;
use super::store::{Store, StoreError, StoredTicket, now_ms};

/// The resolutions table in both dialects.
pub(super) const TABLE: Table = Table {
    sqlite: |conn| Ok(conn.execute_batch(&SCHEMA.replace("BIGINT", "INTEGER"))?),
    postgres: SCHEMA,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS resolutions (
    ticket_id      TEXT PRIMARY KEY NOT NULL REFERENCES tickets (id),
    article        TEXT NOT NULL,
    agent          TEXT NOT NULL,
    resolved_at_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS resolutions_resolved ON resolutions (resolved_at_ms);
";

/// The longest article id the form takes (KB ids are at most 80 characters).
const MAX_ARTICLE_CHARS: usize = 80;

/// Which article answered a ticket, according to which agent, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    pub article: String,
    /// The agent's email.
    pub agent: String,
    pub resolved_at_ms: u64,
}

impl Store {
    /// Records that `article` answers ticket `ticket_id`, replacing an earlier choice;
    /// `false` (nothing written) when the ticket is not stored.
    pub fn resolve(&self, ticket_id: &str, article: &str, agent: &str) -> Result<bool, StoreError> {
        self.write(|tx| {
            let known = tx.query_opt("SELECT 1 FROM tickets WHERE id = ?1", args![ticket_id])?;
            if known.is_none() {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO resolutions (ticket_id, article, agent, resolved_at_ms)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (ticket_id) DO UPDATE SET article = excluded.article,
                     agent = excluded.agent, resolved_at_ms = excluded.resolved_at_ms",
                args![ticket_id, article, agent, now_ms()],
            )?;
            Ok(true)
        })
    }
}

/// The resolutions of these tickets, by ticket id.
pub(super) fn by_ticket(
    tx: &mut Tx<'_>,
    ticket_ids: &[&str],
) -> Result<HashMap<String, Resolution>, StoreError> {
    if ticket_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders: Vec<String> = (1..=ticket_ids.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "SELECT ticket_id, article, agent, resolved_at_ms FROM resolutions WHERE ticket_id IN ({})",
        placeholders.join(", ")
    );
    let ids: Vec<_> = ticket_ids.iter().map(ToValue::to_value).collect();
    let mut out = HashMap::new();
    for row in tx.query(&sql, &ids)? {
        let resolution = Resolution {
            article: row.get(1)?,
            agent: row.get(2)?,
            resolved_at_ms: row.get(3)?,
        };
        out.insert(row.get::<String>(0)?, resolution);
    }
    Ok(out)
}

/// The agent's form.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/inbox/tickets/{id}/resolve", post(resolve))
}

/// Which article resolved the ticket, and the form to say (or change) it: a choice of
/// the KB's articles, or the article's id when the inbox has no KB.
pub(super) fn section(html: &mut String, stored: &StoredTicket, forms: Option<&TicketForms>) {
    if let Some(r) = &stored.resolution {
        let _ = writeln!(
            html,
            "<p class=\"resolved\">Resolved with <code>{}</code> by {} · {}</p>",
            escape(&r.article),
            escape(&r.agent),
            format_time(r.resolved_at_ms)
        );
    }
    let Some(forms) = forms else {
        return;
    };
    let chosen = stored.resolution.as_ref().map(|r| r.article.as_str());
    let _ = write!(
        html,
        "<form class=\"resolve\" method=\"post\" action=\"/inbox/tickets/{}/resolve\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><label>Answered by the article ",
        escape(
            &percent_encoding::utf8_percent_encode(
                &stored.ticket.id,
                percent_encoding::NON_ALPHANUMERIC
            )
            .to_string()
        ),
        escape(&forms.csrf)
    );
    if forms.articles.is_empty() {
        let _ = write!(
            html,
            "<input name=\"article\" required maxlength=\"{MAX_ARTICLE_CHARS}\" placeholder=\"article id\" value=\"{}\">",
            escape(chosen.unwrap_or(""))
        );
    } else {
        html.push_str("<select name=\"article\" required><option value=\"\"></option>");
        for (id, title) in forms.articles.iter() {
            let selected = if chosen == Some(id.as_str()) {
                " selected"
            } else {
                ""
            };
            let _ = write!(
                html,
                "<option value=\"{}\"{selected}>{} ({})</option>",
                escape(id),
                escape(title),
                escape(id)
            );
        }
        html.push_str("</select>");
    }
    html.push_str("</label> <button type=\"submit\">Resolve</button></form>\n");
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResolveForm {
    csrf: String,
    article: String,
}

/// `POST /inbox/tickets/{id}/resolve`: records the article, then back to the inbox.
/// Only a logged-in agent's own form (CSRF) may; with a KB, only one of its articles.
async fn resolve(
    PageAgent(agent): PageAgent,
    State(store): State<Store>,
    State(verifier): State<Verifier>,
    Path(id): Path<String>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, ApiError> {
    csrf::check_inbox_form(&agent, &form.csrf, "resolving")?;
    let article = form.article.trim().to_owned();
    check_article(&article, &verifier)?;
    let who = agent.who();
    let known = blocking(
        move || store.resolve(&id, &article, &who),
        "could not resolve the ticket",
    )
    .await?;
    if !known {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "no such ticket"));
    }
    Ok(see_other("/inbox"))
}

/// An article id of the KB's shape, and one of its articles when the inbox has a KB.
fn check_article(article: &str, verifier: &Verifier) -> Result<(), ApiError> {
    let shaped = !article.is_empty()
        && article.chars().count() <= MAX_ARTICLE_CHARS
        && article
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    let known = verifier
        .kb
        .as_ref()
        .is_none_or(|kb| kb.articles().iter().any(|(id, _)| id == article));
    if shaped && known {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{article:?} is not an article of the KB"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::test_stores::on_both;
    use deflect_engine::ticket::Ticket;

    #[test]
    fn a_resolution_is_kept_once_per_ticket_and_shown_with_it() {
        on_both(|store| {
            let ticket = Ticket::example("t-resolve-1");
            store
                .insert(&ticket, &serde_json::to_string(&ticket).unwrap())
                .unwrap();
            assert!(
                !store
                    .resolve("t-unknown-1", "refund-policy", "ann@shop.example")
                    .unwrap()
            );
            assert!(
                store
                    .resolve("t-resolve-1", "duplicate-charge", "ann@shop.example")
                    .unwrap()
            );
            assert!(
                store
                    .resolve("t-resolve-1", "refund-policy", "bob@shop.example")
                    .unwrap()
            );
            let stored = store.get("t-resolve-1").unwrap().unwrap();
            let resolution = stored.resolution.expect("resolved");
            assert_eq!(resolution.article, "refund-policy");
            assert_eq!(resolution.agent, "bob@shop.example");
            let count: u64 = store
                .read(|tx| {
                    tx.query_one("SELECT COUNT(*) FROM resolutions", &[])?
                        .get(0)
                })
                .unwrap();
            assert_eq!(count, 1);
        });
    }
}
