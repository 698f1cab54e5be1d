//! The inbox page's view of the relay: where each ticket and follow-up was delivered
//! (the helpdesk address, each webhook, the customer's confirmation), what is still
//! pending and why the last attempt failed, and the operator's "Retry now" form for a
//! ticket whose deliveries failed or wait for their next try.

use std::fmt::Write as _;

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use super::api_error::{ApiError, blocking};
use super::auth::csrf;
use super::auth::{PageAgent, see_other};
use super::page::{escape, format_time};
use super::relay::event::CREATED_KEY;
use super::relay::outbox::DeliveryState;
use super::state::AppState;
use super::store::{Store, StoredTicket};

/// The operator's retry.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/inbox/tickets/{id}/retry", post(retry))
}

/// A table of the ticket's deliveries, with the retry form when one has not arrived.
pub(super) fn section(html: &mut String, stored: &StoredTicket, csrf: Option<&str>) {
    if stored.deliveries_out.is_empty() {
        return;
    }
    html.push_str("<h3>Delivered to</h3>\n<table class=\"deliveries\">\n");
    html.push_str(
        "<tr><th>Destination</th><th>What</th><th>State</th><th>Attempts</th><th>Last error</th></tr>\n",
    );
    for state in &stored.deliveries_out {
        let what = describe(stored, state);
        let status = match state.status {
            "delivered" => format!(
                "delivered {}",
                state.delivered_at_ms.map(format_time).unwrap_or_default()
            ),
            "pending" => match state.next_try_ms {
                Some(at) if state.attempts > 0 => format!("retrying at {}", format_time(at)),
                _ => "queued".to_owned(),
            },
            other => other.to_owned(),
        };
        let _ = writeln!(
            html,
            "<tr class=\"delivery {}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            state.status,
            escape(&state.destination),
            escape(&what),
            escape(&status),
            state.attempts,
            escape(state.last_error.as_deref().unwrap_or("")),
        );
    }
    html.push_str("</table>\n");
    let retryable = stored
        .deliveries_out
        .iter()
        .any(|d| d.status == "failed" || (d.status == "pending" && d.attempts > 0));
    if let (true, Some(csrf)) = (retryable, csrf) {
        let _ = writeln!(
            html,
            "<form method=\"post\" action=\"/inbox/tickets/{}/retry\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Retry now</button></form>",
            escape(
                &percent_encoding::utf8_percent_encode(
                    &stored.ticket.id,
                    percent_encoding::NON_ALPHANUMERIC
                )
                .to_string()
            ),
            escape(csrf)
        );
    }
}

/// What a delivery carried: "ticket" or "follow-up 2".
fn describe(stored: &StoredTicket, state: &DeliveryState) -> String {
    if state.event == CREATED_KEY {
        return "ticket".to_owned();
    }
    match stored.follow_ups.iter().position(|f| f.id == state.event) {
        Some(i) => format!("follow-up {}", i + 1),
        None => "follow-up".to_owned(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RetryForm {
    csrf: String,
}

/// `POST /inbox/tickets/{id}/retry`: every undelivered delivery of the ticket is due
/// now, then back to the inbox. Only a logged-in agent's own form (CSRF) may ask.
async fn retry(
    PageAgent(agent): PageAgent,
    State(store): State<Store>,
    Path(id): Path<String>,
    Form(form): Form<RetryForm>,
) -> Result<Response, ApiError> {
    csrf::check_inbox_form(&agent, &form.csrf, "retrying")?;
    let store_for_retry = store.clone();
    let retried = blocking(
        move || store_for_retry.retry_deliveries(&id),
        "could not retry deliveries",
    )
    .await?;
    if retried > 0 {
        store.wake_relay();
    }
    Ok(see_other("/inbox"))
}
