//! The client side of inbox tests; the server is [`deflect_server::RunningInbox`].

use std::path::Path;
use std::time::Duration;

use deflect::ticket::Ticket;
use deflect_server::{InboxOptions, RunningInbox, Store};
use serde_json::Value;
use tempfile::TempDir;
use ureq::http::Response;

/// A client that returns 4xx/5xx responses instead of turning them into errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

pub fn to_json(ticket: &Ticket) -> String {
    serde_json::to_string(ticket).expect("ticket serializes")
}

/// A running inbox plus the store it writes to, for checking what actually got stored.
pub struct Server {
    pub running: RunningInbox,
    pub store: Store,
}

impl Server {
    pub fn start(db: &Path, options: InboxOptions) -> Self {
        let store = Store::open(db).expect("open store");
        Self {
            running: RunningInbox::start(store.clone(), options),
            store,
        }
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

    pub fn get_json(&self, path: &str) -> Value {
        let (status, body) = json_of(agent().get(self.url(path)).call().expect("GET"));
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    pub fn insights(&self) -> Value {
        insights(&self.running.base)
    }

    pub fn get_text(&self, path: &str) -> (u16, String) {
        let mut resp = agent().get(self.url(path)).call().expect("GET");
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_to_string().expect("text body"))
    }
}

/// `GET /api/insights` of the inbox at `base`: its status and JSON. The one place tests
/// read insights, so how an agent is let in changes here only.
pub fn insights_response(base: &str) -> (u16, Value) {
    let resp = agent()
        .get(format!("{base}/api/insights"))
        .call()
        .expect("GET /api/insights reaches the server");
    json_of(resp)
}

/// The insights report of the inbox at `base`, which must answer 200.
pub fn insights(base: &str) -> Value {
    let (status, body) = insights_response(base);
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
