//! HTTP surface of the inbox: the ticket endpoint the widget posts to, a JSON listing,
//! the `/inbox` page, CORS for the sites embedding the widget and, optionally, a static
//! site so one process can host the demo and receive its tickets.

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

use deflect_engine::ticket::{FollowUp, SCHEMA_VERSION, Ticket};

use super::body::{BodyError, read_capped};
use super::page;
use super::store::{Inserted, Store, StoreError};

/// Largest ticket body accepted. Real tickets are a few KiB; the cap keeps a
/// misbehaving or hostile client from filling memory or the database.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How the inbox is exposed; `Default` allows no cross-origin callers and serves no site.
#[derive(Debug, Clone, Default)]
pub struct InboxOptions {
    /// Origins (e.g. `https://shop.example`) whose pages may post tickets from the
    /// browser. `*` allows any origin.
    pub allowed_origins: Vec<String>,
    /// A directory served at `/` (with `.gz`/`.br` siblings used when the client
    /// accepts them); `/api/*` and `/inbox` take precedence over its files.
    pub site_dir: Option<PathBuf>,
}

/// Builds the inbox application.
pub fn router(store: Store, options: InboxOptions) -> Router {
    let mut api = Router::new()
        .route("/api/tickets", get(list_tickets).post(create_ticket))
        .route("/api/tickets/{id}/messages", post(add_follow_up))
        .merge(super::events::routes());
    if let Some(cors) = cors_layer(&options.allowed_origins) {
        api = api.layer(cors);
    }
    let app = Router::new()
        .route("/inbox", get(inbox_page))
        .merge(super::insights::routes())
        .merge(api)
        .with_state(store);
    match options.site_dir {
        Some(dir) => {
            app.fallback_service(ServeDir::new(dir).precompressed_gzip().precompressed_br())
        }
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
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE])
            .max_age(Duration::from_secs(24 * 60 * 60)),
    )
}

/// A client or server error answered as `{"error": "..."}`.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// Logs the detail server-side and tells the client only that it was our fault.
    fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        eprintln!("deflect inbox: {context}: {err}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{context}; try again"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(json!({ "error": self.message }))).into_response()
    }
}

/// `POST /api/tickets`: validate, store idempotently, answer 201 (new) or 200 (repeat).
async fn create_ticket(State(store): State<Store>, req: Request) -> Result<Response, ApiError> {
    let text = read_body(req, "ticket").await?;
    let ticket: Ticket = parse_json(&text, "ticket")?;
    validate(&ticket)?;

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
    let text = read_body(req, "follow-up").await?;
    let follow_up: FollowUp = parse_json(&text, "follow-up")?;
    validate_follow_up(&follow_up, &ticket_id)?;
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

fn created_or_repeat(id: &str, inserted: Inserted) -> Response {
    let (status, label) = match inserted {
        Inserted::Created => (StatusCode::CREATED, "created"),
        Inserted::Duplicate => (StatusCode::OK, "duplicate"),
    };
    (status, axum::Json(json!({ "id": id, "status": label }))).into_response()
}

/// Parses a body, naming the field at fault (`redactions.card_numbers: …`) so a sender
/// can fix it; `what` names the body in the message.
fn parse_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, ApiError> {
    let invalid = |detail: String| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("invalid {what} JSON: {detail}"),
        )
    };
    let mut json = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut json).map_err(|err| {
        let path = err.path().to_string();
        match path.as_str() {
            "." => invalid(err.into_inner().to_string()),
            _ => invalid(format!("{path}: {}", err.into_inner())),
        }
    })?;
    json.end().map_err(|err| invalid(err.to_string()))?;
    Ok(value)
}

/// The request body as text, after checking its type and size; `what` names it in errors.
async fn read_body(req: Request, what: &str) -> Result<String, ApiError> {
    // Checked before reading the body so a wrong client is told the real problem.
    check_content_type(req.headers())?;
    let body = read_capped(req.into_body(), MAX_BODY_BYTES)
        .await
        .map_err(|err| match err {
            BodyError::TooLarge => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("{what} body is larger than the {MAX_BODY_BYTES} byte limit"),
            ),
            BodyError::Read(err) => ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("could not read request body: {err}"),
            ),
        })?;
    String::from_utf8(body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("{what} body is not UTF-8 text"),
        )
    })
}

/// `application/json` for `fetch`, `text/plain` because `navigator.sendBeacon` cannot
/// send anything else without a preflight; parameters such as `charset` are ignored.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = value.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("text/plain")
    {
        Ok(())
    } else {
        let got = if value.is_empty() { "none" } else { value };
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content-Type must be application/json or text/plain, got {got}"),
        ))
    }
}

/// Rules of `schema/ticket.v1.json` that serde's types cannot express. All problems
/// are reported at once so a sender can fix them in one round.
fn validate(ticket: &Ticket) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    if ticket.schema_version != SCHEMA_VERSION {
        problems.push(format!(
            "schema_version: unsupported version {}, this inbox accepts {SCHEMA_VERSION}",
            ticket.schema_version
        ));
    }
    if !is_id(&ticket.id, 8..=64) {
        problems.push("id: must be 8 to 64 characters of A-Z, a-z, 0-9 and '-'".to_owned());
    }
    if ticket.queue.is_empty() {
        problems.push("queue: must not be empty".to_owned());
    }
    if ticket.reason.is_empty() {
        problems.push("reason: must not be empty".to_owned());
    }
    if ticket.transcript.is_empty() {
        problems.push("transcript: must hold at least one message".to_owned());
    }
    if let Some(a) = ticket
        .articles_shown
        .iter()
        .find(|a| !(0.0..=1.0).contains(&a.confidence))
    {
        problems.push(format!(
            "articles_shown: confidence of {:?} must be between 0 and 1",
            a.id
        ));
    }
    all_or_nothing("ticket", &problems)
}

/// Rules of `schema/follow-up.v2.json` that serde's types cannot express.
fn validate_follow_up(follow_up: &FollowUp, ticket_id: &str) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    if follow_up.schema_version != SCHEMA_VERSION {
        problems.push(format!(
            "schema_version: unsupported version {}, this inbox accepts {SCHEMA_VERSION}",
            follow_up.schema_version
        ));
    }
    if follow_up.ticket_id != ticket_id {
        problems.push(format!(
            "ticket_id: {:?} is not the ticket in the URL, {ticket_id:?}",
            follow_up.ticket_id
        ));
    }
    if !follow_up.id.starts_with(&format!("{ticket_id}-")) || !is_id(&follow_up.id, 10..=80) {
        problems.push("id: must be the ticket id, '-' and a number".to_owned());
    }
    if follow_up.text.trim().is_empty() {
        problems.push("text: must not be empty".to_owned());
    }
    all_or_nothing("follow-up", &problems)
}

/// 422 listing every problem found in a `what`, so a sender can fix them in one round.
fn all_or_nothing(what: &str, problems: &[String]) -> Result<(), ApiError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("invalid {what}: {}", problems.join("; ")),
        ))
    }
}

/// An id of `len` characters of A-Z, a-z, 0-9 and '-'.
fn is_id(id: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&id.chars().count()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `GET /api/tickets`: every stored ticket, newest first.
async fn list_tickets(State(store): State<Store>) -> Result<Response, ApiError> {
    let tickets = blocking(move || store.list(), "could not list tickets").await?;
    Ok(axum::Json(tickets).into_response())
}

/// `GET /inbox`: the human-readable view.
async fn inbox_page(State(store): State<Store>) -> Result<Response, ApiError> {
    let tickets = blocking(move || store.list(), "could not list tickets").await?;
    let headers = [
        // Defence in depth: even if escaping had a hole, no script could run.
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    Ok((headers, Html(page::render(&tickets))).into_response())
}

/// Runs a blocking store call off the async workers; SQLite fsyncs on every commit.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
    context: &str,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(ApiError::internal(context, err)),
        Err(join) => Err(ApiError::internal(context, join)),
    }
}
