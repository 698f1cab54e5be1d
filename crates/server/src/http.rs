//! HTTP surface of the inbox: the ticket endpoint the widget posts to, a JSON listing,
//! the `/inbox` page, CORS for the sites embedding the widget and, optionally, a static
//! site so one process can host the demo and receive its tickets.

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};

use deflect_engine::ticket::{FollowUp, Ticket};

use super::api_error::{ApiError, blocking};
use super::limits::{Guard, Limits};
use super::page;
use super::page_url;
use super::request::{BodyRules, parse_json, read_text};
use super::state::AppState;
use super::store::{Inserted, Store};
use super::validate;

/// Largest ticket body accepted. Real tickets are a few KiB; the cap keeps a
/// misbehaving or hostile client from filling memory or the database.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

const TICKET_BODY: BodyRules = BodyRules {
    limit: MAX_BODY_BYTES,
    name: "ticket body",
    echo_content_type: true,
};

const FOLLOW_UP_BODY: BodyRules = BodyRules {
    name: "follow-up body",
    ..TICKET_BODY
};

/// How the inbox is exposed; `Default` allows no cross-origin callers and serves no site.
#[derive(Debug, Clone, Default)]
pub struct InboxOptions {
    /// Origins (e.g. `https://shop.example`) whose pages may post tickets from the
    /// browser. `*` allows any origin.
    pub allowed_origins: Vec<String>,
    /// A directory served at `/` (with `.gz`/`.br` siblings used when the client
    /// accepts them); `/api/*` and `/inbox` take precedence over its files.
    pub site_dir: Option<PathBuf>,
    /// Bounds on client rates, ticket sizes, timeouts and connections.
    pub limits: Limits,
}

/// Builds the inbox application.
pub fn router(store: Store, options: InboxOptions) -> Router {
    // Inside CORS, so a refusal (403, 429, 408) still reaches an allowed page readably.
    let guard = Guard::new(&options.limits, &options.allowed_origins);
    let mut api = guard.apply(
        Router::new()
            .route("/api/tickets", get(list_tickets).post(create_ticket))
            .route("/api/tickets/{id}/messages", post(add_follow_up))
            .merge(super::attachments::api_routes())
            .merge(super::events::routes()),
    );
    if let Some(cors) = cors_layer(&options.allowed_origins) {
        api = api.layer(cors);
    }
    let pages = guard.apply(
        Router::new()
            .route("/inbox", get(inbox_page))
            .merge(super::attachments::page_routes())
            .merge(super::insights::routes()),
    );
    let store = store.with_caps(options.limits.caps);
    let app = pages
        .merge(api)
        .with_state(AppState::new(store, options.limits));
    match options.site_dir {
        Some(dir) => app.fallback_service(super::site::service(dir)),
        // Without a site, the root is most useful as a way into the inbox.
        None => app.route("/", get(|| async { Redirect::to("/inbox") })),
    }
}

/// CORS for the ticket API, or `None` when no origin is allowed (then browsers on other
/// origins are refused by default and the layer would only add noise).
fn cors_layer(allowed: &[String]) -> Option<CorsLayer> {
    let origin = if allowed.iter().any(|o| o.trim() == "*") {
        AllowOrigin::any()
    } else {
        // An origin never ends in '/', but it is an easy thing to paste; a string that
        // is not a valid header value can never match a request, so skipping it is exact.
        let list: Vec<HeaderValue> = allowed
            .iter()
            .filter_map(|o| HeaderValue::from_str(o.trim().trim_end_matches('/')).ok())
            .collect();
        if list.is_empty() {
            return None;
        }
        AllowOrigin::list(list)
    };
    Some(
        CorsLayer::new()
            .allow_origin(origin)
            // PUT: screenshots are uploaded to their own URL.
            .allow_methods([Method::GET, Method::POST, Method::PUT])
            .allow_headers([header::CONTENT_TYPE])
            // The widget reads it from a 429 to know when to try again.
            .expose_headers([header::RETRY_AFTER])
            .max_age(Duration::from_secs(24 * 60 * 60)),
    )
}

/// `POST /api/tickets`: validate, store idempotently, answer 201 (new) or 200 (repeat).
async fn create_ticket(State(store): State<Store>, req: Request) -> Result<Response, ApiError> {
    let text = read_text(req, &TICKET_BODY).await?;
    let mut ticket: Ticket = parse_json(&text, "ticket")?;
    validate::ticket(&ticket)?;
    // The widget already dropped them; a sender that did not is not believed either.
    let text = match drop_page_secrets(&mut ticket) {
        true => serde_json::to_string(&ticket).map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("could not encode ticket: {e}"),
            )
        })?,
        false => text,
    };

    let id = ticket.id.clone();
    let inserted = blocking(
        move || store.insert(&ticket, &text),
        "could not store ticket",
    )
    .await?;
    Ok(created_or_repeat(&id, inserted))
}

/// `POST /api/tickets/{id}/messages`: a follow-up to a stored ticket, stored once by its
/// id; 404 while the ticket is unknown.
async fn add_follow_up(
    State(store): State<Store>,
    Path(ticket_id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let text = read_text(req, &FOLLOW_UP_BODY).await?;
    let follow_up: FollowUp = parse_json(&text, "follow-up")?;
    validate::follow_up(&follow_up, &ticket_id)?;
    let id = follow_up.id.clone();
    let inserted = blocking(
        move || store.add_follow_up(&follow_up),
        "could not store follow-up",
    )
    .await?
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no ticket {ticket_id:?}: send the ticket before its follow-ups"),
        )
    })?;
    Ok(created_or_repeat(&id, inserted))
}

/// Removes secrets from the ticket's page and referrer URLs; whether any were there.
fn drop_page_secrets(ticket: &mut Ticket) -> bool {
    let mut changed = false;
    for url in [&mut ticket.page.url, &mut ticket.page.referrer] {
        let clean = page_url::without_secrets(url);
        if clean != *url {
            *url = clean;
            changed = true;
        }
    }
    changed
}

fn created_or_repeat(id: &str, inserted: Inserted) -> Response {
    let (status, label) = match inserted {
        Inserted::Created => (StatusCode::CREATED, "created"),
        Inserted::Duplicate => (StatusCode::OK, "duplicate"),
    };
    (status, axum::Json(json!({ "id": id, "status": label }))).into_response()
}

/// `GET /api/tickets`: every stored ticket, newest first.
async fn list_tickets(State(store): State<Store>) -> Result<Response, ApiError> {
    let tickets = blocking(move || store.list(), "could not list tickets").await?;
    Ok(axum::Json(tickets).into_response())
}

/// `GET /inbox`: the human-readable view.
async fn inbox_page(State(store): State<Store>) -> Result<Response, ApiError> {
    let tickets = blocking(move || store.list(), "could not list tickets").await?;
    Ok(page::respond(page::render(&tickets)))
}
