//! The client side of inbox tests; the server is [`deflect_server::RunningInbox`].

use std::path::Path;
use std::time::Duration;

use deflect::ticket::Ticket;
use deflect_server::{InboxOptions, RunningInbox, Store, TICKET_TOKEN_HEADER};
use serde_json::Value;
use tempfile::TempDir;
use ureq::config::RedirectAuthHeaders;
use ureq::http::Response;

/// A client that returns 4xx/5xx responses instead of turning them into errors, and
/// keeps its Authorization header on redirects within the inbox.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .redirect_auth_headers(RedirectAuthHeaders::SameHost)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// A client that shows redirects (303 to the login page) instead of following them.
pub fn no_redirects() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// The name of the API token [`agent_token`] makes.
pub const TEST_TOKEN: &str = "tests";

/// An API token that reads `store`'s inbox, made as `deflect token create` makes it
/// (a token made earlier on the same database is replaced).
pub fn agent_token(store: &Store) -> String {
    let _ = store.revoke_token(TEST_TOKEN);
    store.create_token(TEST_TOKEN).expect("create an API token")
}

/// GET `url` as an agent: the one way tests read tickets, insights and screenshots.
pub fn get_as_agent(url: &str, token: &str) -> Response<ureq::Body> {
    agent()
        .get(url)
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .expect("GET reaches the server")
}

pub fn to_json(ticket: &Ticket) -> String {
    serde_json::to_string(ticket).expect("ticket serializes")
}

/// A running inbox plus the store it writes to, for checking what actually got stored,
/// and an API token to read it with.
pub struct Server {
    pub running: RunningInbox,
    pub store: Store,
    pub token: String,
}

impl Server {
    pub fn start(db: &Path, options: InboxOptions) -> Self {
        Self::on(Store::open(db).expect("open store"), options)
    }

    /// Serves `store`, whichever database it is on.
    pub fn on(store: Store, options: InboxOptions) -> Self {
        Self {
            token: agent_token(&store),
            running: RunningInbox::start(store.clone(), options),
            store,
        }
    }

    /// GET `path` as an agent.
    pub fn read(&self, path: &str) -> Response<ureq::Body> {
        get_as_agent(&self.url(path), &self.token)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.base)
    }

    pub fn post(&self, content_type: Option<&str>, body: &str) -> (u16, Value) {
        self.post_to("/api/tickets", content_type, body)
    }

    pub fn post_to(&self, path: &str, content_type: Option<&str>, body: &str) -> (u16, Value) {
        let mut req = agent().post(self.url(path));
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        let resp = req.send(body).expect("POST reaches the server");
        json_of(resp)
    }

    pub fn post_ticket(&self, ticket: &Ticket) -> (u16, Value) {
        self.post(Some("application/json"), &to_json(ticket))
    }

    /// Posts `ticket` and returns the token its 201 carries.
    pub fn post_ticket_for_token(&self, ticket: &Ticket) -> String {
        let (status, body) = self.post_ticket(ticket);
        assert_eq!(status, 201, "{body}");
        body["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token in {body}"))
            .to_owned()
    }

    /// POSTs a follow-up (`follow_up["ticket_id"]` names its ticket) with `token` in the
    /// ticket-token header, or without one.
    pub fn post_follow_up(&self, follow_up: &Value, token: Option<&str>) -> (u16, Value) {
        let ticket_id = follow_up["ticket_id"].as_str().expect("ticket_id");
        let path = format!("/api/tickets/{ticket_id}/messages");
        let mut req = agent()
            .post(self.url(&path))
            .header("Content-Type", "application/json");
        if let Some(token) = token {
            req = req.header(TICKET_TOKEN_HEADER, token);
        }
        json_of(
            req.send(follow_up.to_string())
                .expect("POST reaches the server"),
        )
    }

    /// The ticket with this id as `GET /api/tickets` lists it.
    pub fn listed(&self, id: &str) -> Value {
        let list = self.get_json("/api/tickets");
        list.as_array()
            .expect("an array of tickets")
            .iter()
            .find(|t| t["id"] == id)
            .unwrap_or_else(|| panic!("{id} not listed in {list}"))
            .clone()
    }

    pub fn get_json(&self, path: &str) -> Value {
        let (status, body) = json_of(self.read(path));
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    pub fn insights(&self) -> Value {
        insights(&self.running.base, &self.token)
    }

    pub fn get_text(&self, path: &str) -> (u16, String) {
        let mut resp = self.read(path);
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_to_string().expect("text body"))
    }
}

/// `GET /api/insights` of the inbox at `base`, read as the agent whose API token is
/// `token`: its status and JSON. The one place tests read insights.
pub fn insights_response(base: &str, token: &str) -> (u16, Value) {
    json_of(get_as_agent(&format!("{base}/api/insights"), token))
}

/// The insights report of the inbox at `base`, which must answer 200.
pub fn insights(base: &str, token: &str) -> Value {
    let (status, body) = insights_response(base, token);
    assert_eq!(status, 200, "GET /api/insights: {body}");
    body
}

pub fn json_of(mut resp: Response<ureq::Body>) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().expect("response body");
    let value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("status {status}: body is not JSON ({e}): {text:?}"));
    (status, value)
}

pub fn error_of(body: &Value) -> &str {
    body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no \"error\" string in {body}"))
}

pub fn with_server(options: InboxOptions) -> (TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("tickets.db"), options);
    (dir, server)
}

/// A follow-up of `ticket_id` as the engine sends it: message `n` of the conversation.
pub fn follow_up(ticket_id: &str, n: u32, text: &str) -> Value {
    serde_json::json!({
        "schema_version": 2,
        "id": format!("{ticket_id}-{n}"),
        "ticket_id": ticket_id,
        "at_ms": 1_767_000_100_000u64 + u64::from(n),
        "text": text,
    })
}
