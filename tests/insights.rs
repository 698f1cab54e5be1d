//! Widget analytics end to end: event batches posted to a real inbox on a free local
//! port, stored in a real SQLite file, and read back as the insights report.

use deflect_server::{InboxOptions, RunningInbox, Store};
use serde_json::{Value, json};
use tempfile::TempDir;

mod common;
use common::inbox::{agent, agent_token, get_as_agent};

/// A running inbox over a throwaway database.
struct Server {
    running: RunningInbox,
    token: String,
    _dir: TempDir,
}

impl Server {
    fn start(options: InboxOptions) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path().join("inbox.db")).expect("open store");
        Self {
            token: agent_token(&store),
            running: RunningInbox::start(store, options),
            _dir: dir,
        }
    }

    fn post_events(&self, content_type: &str, body: &str) -> (u16, Value) {
        let mut resp = agent()
            .post(format!("{}/api/events", self.running.base))
            .header("Content-Type", content_type)
            .send(body)
            .expect("POST reaches the server");
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {e}: {text}")),
        )
    }

    fn insights(&self) -> Value {
        common::inbox::insights(&self.running.base, &self.token)
    }

    fn page(&self) -> String {
        let mut resp = get_as_agent(
            &format!("{}/inbox/insights", self.running.base),
            &self.token,
        );
        assert_eq!(resp.status().as_u16(), 200);
        let csp = resp
            .headers()
            .get("content-security-policy")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        assert!(csp.contains("default-src 'none'"), "CSP: {csp:?}");
        resp.body_mut().read_to_string().unwrap()
    }
}

fn event(n: u32, conversation: &str, kind: &str, extra: Value) -> Value {
    let mut e = json!({
        "id": format!("evt-{conversation}-{n:04}"),
        "at_ms": 1_767_000_000_000u64 + u64::from(n) * 1000,
        "conversation_id": conversation,
        "kind": kind,
    });
    for (k, v) in extra.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

fn batch(events: Vec<Value>) -> String {
    json!({ "events": events }).to_string()
}

/// Three conversations: one helped by an article, one handed off by a rule, one that
/// asked twice without a confident answer and then asked for a person.
fn three_conversations() -> Vec<Value> {
    vec![
        event(
            1,
            "conv-helped",
            "question",
            json!({"text": "how do I reset my password"}),
        ),
        event(2, "conv-helped", "suggestions_shown", json!({})),
        event(
            3,
            "conv-helped",
            "article_opened",
            json!({"article": "reset-password"}),
        ),
        event(
            4,
            "conv-helped",
            "helped",
            json!({"article": "reset-password"}),
        ),
        event(5, "conv-helped", "deflected", json!({})),
        event(1, "conv-rule", "question", json!({"text": "chargeback"})),
        event(
            2,
            "conv-rule",
            "handoff",
            json!({"queue": "Human-Escalation", "rule": "chargeback"}),
        ),
        event(
            1,
            "conv-missed",
            "question",
            json!({"text": "Do you ship to <Mars>?"}),
        ),
        event(
            2,
            "conv-missed",
            "unanswered",
            json!({"text": "Do you ship to <Mars>?"}),
        ),
        event(
            3,
            "conv-missed",
            "question",
            json!({"text": "do you ship to <mars>? "}),
        ),
        event(
            4,
            "conv-missed",
            "unanswered",
            json!({"text": "do you ship to <mars>? "}),
        ),
        event(
            5,
            "conv-missed",
            "not_helped",
            json!({"article": "shipping"}),
        ),
        event(6, "conv-missed", "flow_finished", json!({})),
        event(7, "conv-missed", "handoff", json!({"queue": "Tier-1"})),
    ]
}

#[test]
fn a_batch_is_stored_once_even_when_the_widget_sends_it_again() {
    let server = Server::start(InboxOptions::default());
    let body = batch(three_conversations());
    let (status, first) = server.post_events("application/json", &body);
    assert_eq!(status, 200, "{first}");
    assert_eq!(first, json!({"accepted": 14, "duplicates": 0}));
    let (status, again) = server.post_events("text/plain;charset=UTF-8", &body);
    assert_eq!(status, 200, "{again}");
    assert_eq!(again, json!({"accepted": 0, "duplicates": 14}));
    let insights = server.insights();
    assert_eq!(insights["counts"]["questions"], 4);
    assert_eq!(insights["counts"]["handoffs"], 2);
}

#[test]
fn insights_report_deflection_handoffs_by_rule_and_queue_and_the_top_unanswered_questions() {
    let server = Server::start(InboxOptions::default());
    let (status, _) = server.post_events("application/json", &batch(three_conversations()));
    assert_eq!(status, 200);
    let insights = server.insights();
    assert_eq!(insights["conversations"], 3);
    assert_eq!(
        insights["counts"],
        json!({
            "questions": 4, "suggestions_shown": 1, "articles_opened": 1, "helped": 1,
            "not_helped": 1, "flows_finished": 1, "deflected": 1, "handoffs": 2, "unanswered": 2
        })
    );
    let third = 1.0 / 3.0;
    assert!((insights["deflection_rate"].as_f64().unwrap() - third).abs() < 1e-9);
    assert!((insights["handoff_rate"].as_f64().unwrap() - 2.0 * third).abs() < 1e-9);
    let groups: Vec<(String, String, u64)> = insights["handoffs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["queue"].as_str().unwrap().to_owned(),
                g["rule"].as_str().unwrap().to_owned(),
                g["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        vec![
            ("Human-Escalation".into(), "chargeback".into(), 1),
            ("Tier-1".into(), "none".into(), 1)
        ]
    );
    // Two wordings of one question are one gap, shown in its latest wording.
    let gaps = insights["knowledge_gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["count"], 2);
    assert_eq!(gaps[0]["question"], "do you ship to <mars>?");

    let page = server.page();
    assert!(page.contains("Deflection rate"), "{page}");
    assert!(page.contains("<b>33%</b>"), "{page}");
    assert!(page.contains("Human-Escalation") && page.contains("chargeback"));
    assert!(
        page.contains("do you ship to &lt;mars&gt;?"),
        "visitor text escaped"
    );
    assert!(!page.contains("<mars>"), "visitor text is never markup");
}

#[test]
fn an_empty_inbox_shows_zero_rates_not_an_error() {
    let server = Server::start(InboxOptions::default());
    let insights = server.insights();
    assert_eq!(insights["conversations"], 0);
    assert_eq!(insights["deflection_rate"], 0.0);
    assert!(
        server
            .page()
            .contains("Every question had a confident answer.")
    );
}

#[test]
fn a_bad_batch_is_refused_with_a_clear_error_and_nothing_is_stored() {
    let server = Server::start(InboxOptions::default());
    let good = event(1, "conv-okay", "question", json!({}));
    let cases = [
        (
            "application/json",
            "{not json".to_owned(),
            400,
            "invalid event batch JSON",
        ),
        (
            "application/json",
            batch(vec![
                good.clone(),
                event(2, "conv-okay", "teleported", json!({})),
            ]),
            400,
            "unknown variant",
        ),
        (
            "application/json",
            batch(vec![
                good.clone(),
                event(
                    3,
                    "conv-okay",
                    "question",
                    json!({"conversation_id": "bad id!"}),
                ),
            ]),
            422,
            "events[1].conversation_id",
        ),
        (
            "application/xml",
            batch(vec![good.clone()]),
            415,
            "Content-Type",
        ),
    ];
    for (content_type, body, want, message) in cases {
        let (status, reply) = server.post_events(content_type, &body);
        assert_eq!(status, want, "{reply}");
        let error = reply["error"].as_str().unwrap_or_default();
        assert!(error.contains(message), "{error:?} lacks {message:?}");
    }
    assert_eq!(server.insights()["conversations"], 0);
}

#[test]
fn events_from_an_allowed_origin_pass_cors() {
    let server = Server::start(InboxOptions {
        allowed_origins: vec!["https://creator.example".into()],
        ..InboxOptions::default()
    });
    let resp = agent()
        .options(format!("{}/api/events", server.running.base))
        .header("Origin", "https://creator.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .call()
        .expect("preflight");
    assert_eq!(
        resp.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://creator.example")
    );
}
