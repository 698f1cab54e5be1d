//! HTTP surface of the inbox: the ticket endpoint the widget posts to, a JSON listing,
//! the `/inbox` page, CORS for the sites embedding the widget and, optionally, a static
//! site so one process can host the demo and receive its tickets. Reads need an agent
//! (`auth`); CORS covers only the widget's writes; the Host check covers everything.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};

use deflect_engine::ticket::{FollowUp, Ticket};

use super::api_error::{ApiError, blocking};
use super::auth::{self, AllowedHosts, ApiAgent, PageAgent, PublicUrl};
use super::identity::IdentitySecret;
use super::limits::{Guard, Limits};
use super::page;
use super::page_url;
use super::paging::{PageQuery, TicketPage};
use super::receipt::{Arrival, Received};
use super::relay::config::RelayConfig;
use super::request::{BodyRules, parse_json, read_text};
use super::server_check::Verifier;
use super::server_kb::ServerKb;
use super::state::AppState;
use super::store::{Inserted, Store, StoreError};
use super::{ticket_token, validate};

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
    /// The compiled KB tickets are checked against (rules, routing, bot lines); without
    /// one, tickets are stored unchecked (`server_check: null`).
    pub kb: Option<ServerKb>,
    /// The secret identities are signed with; without one, no customer is verified
    /// and no tier is believed.
    pub identity_secret: Option<IdentitySecret>,
    /// Where agents and widgets reach the inbox: requests must name one of these hosts
    /// (or a loopback name at the bound port), and an https one makes cookies `Secure`.
    pub public_urls: Vec<PublicUrl>,
    /// Bounds on client rates, ticket sizes, timeouts and connections.
    pub limits: Limits,
    /// Where tickets and follow-ups are delivered (the config file's `[relay]`); none
    /// keeps them in the inbox only.
    pub relay: Option<RelayConfig>,
}

/// Builds the inbox application served at `bound` (whose port the loopback host names
/// must carry).
pub fn router(store: Store, options: InboxOptions, bound: SocketAddr) -> Router {
    // Inside CORS, so a refusal (403, 429, 408) still reaches an allowed page readably.
    let guard = Guard::new(&options.limits, &options.allowed_origins);
    // The widget's writes: the only routes another origin's page may call.
    let mut writes = guard.apply(
        Router::new()
            .route("/api/tickets", post(create_ticket))
            .route("/api/tickets/{id}/messages", post(add_follow_up))
            .merge(super::attachments::api_routes())
            .merge(super::events::routes()),
    );
    if let Some(cors) = cors_layer(&options.allowed_origins) {
        writes = writes.layer(cors);
    }
    let store = store.with_caps(options.limits.caps);
    let mut state = AppState::new(store, &options.public_urls, options.limits);
    state.verifier = Verifier {
        kb: options.kb,
        identity: options.identity_secret,
    };
    let reads = guard.apply(
        Router::new()
            .route("/api/tickets", get(list_tickets))
            .route("/inbox", get(inbox_page))
            .merge(super::attachments::page_routes())
            .merge(super::insights::routes())
            .merge(super::delivery_page::routes())
            .merge(super::resolution::routes())
            .merge(auth::routes()),
    );
    // The writes are merged last: where a path has a read too (`/api/tickets`), axum
    // keeps the fallback of the router merged in, the CORS-wrapped one, so the widget's
    // preflight still reaches CORS, which grants only POST and PUT.
    let app = reads.merge(writes).with_state(state);
    let app = match options.site_dir {
        Some(dir) => app.fallback_service(super::site::service(dir)),
        // Without a site, the root is most useful as a way into the inbox.
        None => app.route("/", get(|| async { Redirect::to("/inbox") })),
    };
    let hosts = AllowedHosts::new(&options.public_urls, bound);
    app.layer(axum::middleware::from_fn_with_state(
        hosts,
        auth::check_host,
    ))
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
            // PUT: screenshots are uploaded to their own URL. No GET: reads are for
            // agents, never for a script on another site.
            .allow_methods([Method::POST, Method::PUT])
            .allow_headers([
                header::CONTENT_TYPE,
                header::HeaderName::from_static(ticket_token::TICKET_TOKEN_HEADER),
            ])
            // The widget reads it from a 429 to know when to try again.
            .expose_headers([header::RETRY_AFTER])
            .max_age(Duration::from_secs(24 * 60 * 60)),
    )
}

/// `POST /api/tickets`: validate, check (who the customer is, where the KB's rules send
/// it, which bot lines are real), store idempotently, answer 201 (new) or 200 (repeat)
/// with the ticket's token when the sender gets one.
async fn create_ticket(
    State(store): State<Store>,
    State(verifier): State<Verifier>,
    req: Request,
) -> Result<Response, ApiError> {
    let body = read_text(req, &TICKET_BODY).await?;
    let ticket: Ticket = parse_json(&body, "ticket")?;
    validate::ticket(&ticket)?;
    let id = ticket.id.clone();
    let received = blocking(
        move || check_and_store(&store, &verifier, ticket, &body),
        "could not store ticket",
    )
    .await?;
    let mut response = json!({ "id": id, "status": status_label(received.inserted) });
    if let Some(token) = received.token {
        response["token"] = token.into();
    }
    Ok((status_code(received.inserted), axum::Json(response)).into_response())
}

/// Assesses `ticket` (on a blocking thread: the rules run on the KB's engine), then
/// stores it without what it must not keep: the signature has done its work (kept, it
/// would let anyone who reads the inbox claim this customer's identity), and the page's
/// secrets (the widget drops them; a sender that did not is not believed either).
fn check_and_store(
    store: &Store,
    verifier: &Verifier,
    mut ticket: Ticket,
    body: &str,
) -> Result<Received, StoreError> {
    let assessment = verifier.assess(&ticket);
    let signed = ticket.customer.signature.take().is_some();
    let stored = match drop_page_secrets(&mut ticket) || signed {
        true => serde_json::to_string(&ticket).map_err(StoreError::Encode)?,
        false => body.to_owned(),
    };
    let arrival = Arrival {
        body,
        assessment: &assessment,
    };
    store.receive(&ticket, &stored, arrival)
}

/// `POST /api/tickets/{id}/messages`: a follow-up to a stored ticket, stored once by its
/// id; 404 while the ticket is unknown, 403 without the ticket's token.
async fn add_follow_up(
    State(store): State<Store>,
    Path(ticket_id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let token = ticket_token::presented(req.headers());
    let given = token.is_some();
    let text = read_text(req, &FOLLOW_UP_BODY).await?;
    let follow_up: FollowUp = parse_json(&text, "follow-up")?;
    validate::follow_up(&follow_up, &ticket_id)?;
    match ticket_token::opens(&store, &ticket_id, token).await? {
        Some(true) => {}
        Some(false) => return Err(ticket_token::refused(&ticket_id, given)),
        None => return Err(unknown_ticket(&ticket_id)),
    }
    let id = follow_up.id.clone();
    let inserted = blocking(
        move || store.add_follow_up(&follow_up),
        "could not store follow-up",
    )
    .await?
    .ok_or_else(|| unknown_ticket(&ticket_id))?;
    Ok(created_or_repeat(&id, inserted))
}

/// 404 for a follow-up to a ticket the inbox does not have (yet).
fn unknown_ticket(ticket_id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no ticket {ticket_id:?}: send the ticket before its follow-ups"),
    )
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
    let body = json!({ "id": id, "status": status_label(inserted) });
    (status_code(inserted), axum::Json(body)).into_response()
}

fn status_code(inserted: Inserted) -> StatusCode {
    match inserted {
        Inserted::Created => StatusCode::CREATED,
        Inserted::Duplicate => StatusCode::OK,
    }
}

fn status_label(inserted: Inserted) -> &'static str {
    match inserted {
        Inserted::Created => "created",
        Inserted::Duplicate => "duplicate",
    }
}

/// `GET /api/tickets`: a page of stored tickets, newest first, as a JSON array; the
/// next page is in a `Link: <…>; rel="next"` header.
async fn list_tickets(
    _agent: ApiAgent,
    State(store): State<Store>,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let request = query.request()?;
    let page = blocking(move || store.list(request), "could not list tickets").await?;
    let mut response = axum::Json(&page.tickets).into_response();
    if let Some(next) = page.next {
        let link = format!("</api/tickets?{}>; rel=\"next\"", request.next_query(next));
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

/// `GET /inbox`: the human-readable view, a page at a time.
async fn inbox_page(
    PageAgent(agent): PageAgent,
    State(store): State<Store>,
    State(verifier): State<Verifier>,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let request = query.request()?;
    let (page, total): (TicketPage, u64) = blocking(
        move || Ok((store.list(request)?, store.count()?)),
        "could not list tickets",
    )
    .await?;
    let chrome = page::Chrome {
        total,
        signed_in: agent.who(),
        logout_csrf: agent
            .session()
            .map(|s| auth::csrf::token(s, auth::csrf::FormKind::Inbox)),
        older: page
            .next
            .map(|next| format!("/inbox?{}", request.next_query(next))),
        later_page: request.before.is_some(),
        articles: verifier
            .kb
            .as_ref()
            .map(|kb| kb.articles().to_vec())
            .unwrap_or_default(),
    };
    Ok(page::respond(page::render(&page.tickets, &chrome)))
}
