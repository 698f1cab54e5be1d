//! Fuzzing that runs on stable, bounded in time: property tests feed arbitrary and
//! mutated input to everything a stranger or a careless author reaches — the KB
//! compiler, the inbox's parsers over HTTP, the matcher and whole conversations — and
//! require 0 panics and a clear error for every rejection.
//!
//! Each property runs a fixed number of cases so `npm test` stays quick; set
//! `PROPTEST_CASES` to run any of them longer. A failure prints the shrunk input that
//! broke it.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::LazyLock;

use deflect::ticket::Ticket;
use deflect::{Conversation, Engine};
use deflect_server::{InboxOptions, Limits};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;

use crate::common;
use crate::common::inbox::{Server, agent, with_server};

/// `cases` unless `PROPTEST_CASES` asks for more (or fewer).
fn config(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Card numbers as visitors type them; each stands between words in [`hostile_text`],
/// as the masking rule reads a card: whole digit groups. (Two numbers typed with no
/// separator between them are one longer run, which the rule leaves alone: see
/// `tests/vectors/masking.json`.)
const CARDS: &[&str] = &[
    "4111 1111 1111 1111",
    "4111111111111111",
    "5500-0000-0000-0004",
    "٤١١١١١١١١١١١١١١١",
    "３７８２ ８２２４６３ １０００５",
];

/// Text as customers and careless pastes write it: query syntax, quotes, emoji, RTL and
/// bidi controls, NUL and other control characters, digits of other scripts, and words.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\"".to_owned()),
        Just("title:(refund OR \\".to_owned()),
        Just("+-&&||!(){}[]^\"~*?:\\/".to_owned()),
        Just("AND NOT".to_owned()),
        Just("😀👩‍👩‍👧‍👦🏳️‍🌈".to_owned()),
        Just("مرحبا أريد استرداد".to_owned()),
        Just("\u{202E}\u{2066}\u{200F}".to_owned()),
        Just("\u{0}\u{1b}[2J\r\n\t\u{85}\u{feff}".to_owned()),
        prop::sample::select(CARDS).prop_map(|card| format!("card {card} ok")),
        Just("refund".to_owned()),
        Just("password".to_owned()),
        Just("chargeback".to_owned()),
        Just("hablar con una persona".to_owned()),
        Just(" ".to_owned()),
        "\\PC{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(pieces, 0..12).prop_map(|p| p.concat())
}

// ---------------------------------------------------------------------------------
// The KB compiler

/// The sample KB's files a fuzz case may replace, one of each kind.
const KB_FILES: &[&str] = &[
    "settings.toml",
    "rules.toml",
    "checklists.toml",
    "synonyms.toml",
    "rule-tests.toml",
    "matching-tests.toml",
    "flows/cant-log-in.toml",
    "articles/refund-policy.md",
];

/// One edit of a file's text: how real typos break files.
#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    let syntax = prop_oneof![
        Just("\"".to_owned()),
        Just("[".to_owned()),
        Just("]]".to_owned()),
        Just("+++".to_owned()),
        Just("=".to_owned()),
        Just("\n".to_owned()),
        Just("[[rule]]\n".to_owned()),
        Just("id = \"x\"\n".to_owned()),
        Just("\u{0}".to_owned()),
        Just("\u{FEFF}".to_owned()),
        Just("'''".to_owned()),
        any::<String>(),
    ];
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), syntax).prop_map(|(at, text)| Edit::Insert { at, text }),
        any::<usize>().prop_map(|line| Edit::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines { a, b }),
    ]
}

impl Edit {
    fn apply(&self, text: &str) -> String {
        let boundary = |at: usize| {
            let at = at % (text.len() + 1);
            (0..=at)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0)
        };
        let mut lines: Vec<&str> = text.split('\n').collect();
        match self {
            Edit::Delete { at, len } => {
                let start = boundary(*at);
                let end = (start..=text.len().min(start + len))
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(start);
                format!("{}{}", &text[..start], &text[end..])
            }
            Edit::Insert { at, text: inserted } => {
                let at = boundary(*at);
                format!("{}{inserted}{}", &text[..at], &text[at..])
            }
            Edit::DuplicateLine { line } => {
                let line = line % lines.len();
                lines.insert(line, lines[line]);
                lines.join("\n")
            }
            Edit::SwapLines { a, b } => {
                let n = lines.len();
                lines.swap(a % n, b % n);
                lines.join("\n")
            }
        }
    }
}

/// What one case writes in place of a KB file: arbitrary bytes, or the real file with
/// a few edits (which gets past the TOML parser into the compiler's own checks).
#[derive(Debug, Clone)]
enum Replacement {
    Bytes(Vec<u8>),
    Edited(Vec<Edit>),
}

fn replacement() -> impl Strategy<Value = Replacement> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..600).prop_map(Replacement::Bytes),
        4 => prop::collection::vec(edit(), 1..5).prop_map(Replacement::Edited),
    ]
}

/// One scratch copy of the sample KB per test run; each case rewrites one file and
/// puts it back.
static ORIGINALS: LazyLock<BTreeMap<&'static str, String>> = LazyLock::new(|| {
    KB_FILES
        .iter()
        .map(|f| (*f, fs::read_to_string(common::kb_dir().join(f)).unwrap()))
        .collect()
});

/// Compiles `kb` and checks that a rejection names a file of the KB and a line.
fn compile_is_clear(kb: &Path) -> Result<(), TestCaseError> {
    let Err(errors) = deflect_compile::compile_dir(kb) else {
        return Ok(());
    };
    prop_assert!(!errors.0.is_empty(), "a rejection without a mistake");
    for error in &errors.0 {
        prop_assert!(error.line >= 1, "{error}: no line");
        prop_assert!(!error.message.trim().is_empty(), "{error}: no message");
        prop_assert!(
            error.file.starts_with(kb) && error.file != kb,
            "{error}: names no file of the KB"
        );
    }
    Ok(())
}

#[test]
fn the_kb_compiler_answers_any_file_with_a_located_error_or_a_kb() {
    let scratch = common::scratch_kb();
    let kb = scratch.path();
    let files = 0..KB_FILES.len();
    proptest!(config(48), |(file in files, replacement in replacement())| {
        let name = KB_FILES[file];
        let original = &ORIGINALS[name];
        let bytes = match &replacement {
            Replacement::Bytes(bytes) => bytes.clone(),
            Replacement::Edited(edits) => edits
                .iter()
                .fold(original.clone(), |text, edit| edit.apply(&text))
                .into_bytes(),
        };
        fs::write(kb.join(name), bytes).unwrap();
        let result = compile_is_clear(kb);
        fs::write(kb.join(name), original).unwrap();
        result?;
    });
}

// ---------------------------------------------------------------------------------
// The inbox's parsers, over real HTTP

/// A valid ticket's JSON with one value somewhere replaced by arbitrary JSON.
fn mutated_ticket() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        ".{0,40}".prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    (any::<prop::sample::Index>(), value).prop_map(|(which, value)| {
        let mut ticket = serde_json::to_value(Ticket::example("fuzz-ticket-0001")).unwrap();
        let paths = leaf_paths(&ticket, String::new());
        let path = which.get(&paths);
        *ticket.pointer_mut(path).unwrap() = value;
        ticket.to_string()
    })
}

/// JSON pointers to every value in `value`, containers included.
fn leaf_paths(value: &Value, at: String) -> Vec<String> {
    let mut paths = vec![at.clone()];
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                paths.extend(leaf_paths(child, format!("{at}/{key}")));
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                paths.extend(leaf_paths(child, format!("{at}/{i}")));
            }
        }
        _ => {}
    }
    paths
}

/// A body: arbitrary bytes, a mutated ticket, or a valid ticket's text cut short.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let cut = (0usize..2000).prop_map(|n| {
        let text = serde_json::to_string(&Ticket::example("fuzz-ticket-0002")).unwrap();
        text.as_bytes()[..n.min(text.len())].to_vec()
    });
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..400),
        4 => mutated_ticket().prop_map(String::into_bytes),
        1 => cut,
    ]
}

/// Where a stranger can send a body, and the Content-Type sent with it.
const ENDPOINTS: &[(&str, &str, &str)] = &[
    ("POST", "/api/tickets", "application/json"),
    ("POST", "/api/tickets", "text/plain;charset=UTF-8"),
    (
        "POST",
        "/api/tickets/fuzz-ticket-0001/messages",
        "application/json",
    ),
    ("POST", "/api/events", "application/json"),
    (
        "PUT",
        "/api/tickets/fuzz-ticket-0001/attachments/fuzz-shot-0001",
        "image/png",
    ),
    (
        "PUT",
        "/api/tickets/fuzz-ticket-0001/attachments/fuzz-shot-0002",
        "image/webp",
    ),
];

fn send(server: &Server, endpoint: usize, body: &[u8]) -> (u16, String) {
    let (method, path, content_type) = ENDPOINTS[endpoint];
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(server.url(path))
        .header("Content-Type", content_type)
        .body(body.to_vec())
        .unwrap();
    let mut resp = agent().run(request).expect("the server answers");
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap_or_default())
}

#[test]
fn the_inbox_answers_any_body_with_a_clear_refusal_or_stores_it_readably() {
    // Every case reaches the parsers: the per-client write rate (its own attack test is
    // in `limits`) would otherwise answer most of them 429 before they are read.
    let limits = Limits {
        write_burst: 10_000,
        writes_per_minute: 600_000,
        ..Limits::default()
    };
    let (_dir, server) = with_server(InboxOptions {
        limits,
        ..InboxOptions::default()
    });
    let endpoints = 0..ENDPOINTS.len();
    proptest!(config(300), |(endpoint in endpoints, body in body())| {
        let (status, text) = send(&server, endpoint, &body);
        prop_assert!(status < 500, "{status} for {:?}: {text}", String::from_utf8_lossy(&body));
        if status >= 400 {
            let error: Value = serde_json::from_str(&text)
                .map_err(|e| TestCaseError::fail(format!("{status}: not JSON ({e}): {text}")))?;
            let message = error["error"].as_str().unwrap_or("");
            prop_assert!(!message.trim().is_empty(), "{status} without a message: {text}");
        }
    });
    // Whatever was accepted reads back: no stored row breaks the inbox.
    let listed = server.get_json("/api/tickets?limit=200");
    let stored = server.store.count().unwrap();
    assert_eq!(listed.as_array().unwrap().len() as u64, stored.min(200));
    let (status, page) = server.get_text("/inbox");
    assert_eq!(status, 200, "{page}");
}

// ---------------------------------------------------------------------------------
// The matcher and whole conversations

#[test]
fn the_matcher_answers_any_text() {
    let engine = common::sample_engine();
    let langs = prop::sample::select(vec!["en", "es", "fr", "", "zz-Hant", "\u{0}"]);
    proptest!(config(400), |(text in hostile_text(), lang in langs, limit in 0usize..12)| {
        let found = engine.search(&text, lang, limit);
        prop_assert!(found.is_ok(), "search {:?}: {:?}", text, found.err());
        prop_assert!(found.unwrap().len() <= limit);
        let suggested = engine.suggest(&text, lang, limit);
        prop_assert!(suggested.is_ok(), "suggest {:?}: {:?}", text, suggested.err());
    });
}

/// A 100 KB paste of each kind of hostile text is answered, not choked on.
#[test]
fn the_matcher_and_a_conversation_answer_a_100_kb_paste() {
    let engine = common::sample_engine();
    for unit in [
        "refund ",
        "4111 1111 1111 1111 ",
        "😀\u{202E}",
        "\"(:*",
        "١ ",
    ] {
        let paste = unit.repeat(100 * 1024 / unit.len());
        assert!(engine.search(&paste, "en", 5).is_ok(), "{unit:?}");
        let mut conversation = common::start_in(&engine, "en");
        let reply = conversation.say(&engine, &paste, 1_700_000_000_001);
        assert!(reply.is_ok(), "{unit:?}: {:?}", reply.err());
    }
}

/// Everything a widget can ask of a conversation, with arbitrary arguments.
#[derive(Debug, Clone)]
enum Action {
    Say(String),
    Choose(usize),
    OpenArticle(String),
    Feedback(String, bool),
    StartFlow(String),
    Back,
    StartOver,
    RequestHuman,
    GiveContact(Option<String>, Option<String>),
    SubmitDetails(BTreeMap<String, String>),
    SkipDetails,
}

/// An action, naming the KB's articles and flows (and things that do not exist).
fn action(engine: &Engine) -> impl Strategy<Value = Action> + use<> {
    let kb = engine.kb();
    let mut ids: Vec<String> = kb.articles.iter().map(|a| a.id.clone()).collect();
    ids.extend(kb.flows.iter().map(|f| f.id.clone()));
    ids.push("no-such-thing".to_owned());
    let id = prop_oneof![3 => prop::sample::select(ids), 1 => hostile_text()];
    let email = prop_oneof![
        Just("maya@example.com".to_owned()),
        Just("not an email".to_owned()),
        hostile_text(),
    ];
    let field = prop::sample::select(vec![
        "email",
        "order",
        "last4",
        "details",
        "screenshot",
        "name",
        "card",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        8 => hostile_text().prop_map(Action::Say),
        3 => (0usize..6).prop_map(Action::Choose),
        2 => id.clone().prop_map(Action::OpenArticle),
        2 => (id.clone(), any::<bool>()).prop_map(|(id, h)| Action::Feedback(id, h)),
        1 => id.prop_map(Action::StartFlow),
        1 => Just(Action::Back),
        1 => Just(Action::StartOver),
        1 => Just(Action::RequestHuman),
        2 => (prop::option::of(email), prop::option::of(hostile_text()))
            .prop_map(|(e, n)| Action::GiveContact(e, n)),
        2 => prop::collection::btree_map(field, hostile_text(), 0..4)
            .prop_map(Action::SubmitDetails),
        1 => Just(Action::SkipDetails),
    ]
}

impl Action {
    /// Applies the action; `Err` is fine when it says what was wrong.
    fn apply(&self, e: &Engine, c: &mut Conversation, now: u64) -> Result<(), String> {
        let result = match self {
            Action::Say(text) => c.say(e, text, now).map(drop),
            Action::Choose(i) => c.choose(e, *i, now).map(drop),
            Action::OpenArticle(id) => c.open_article(e, id, now).map(drop),
            Action::Feedback(id, helped) => c.feedback(e, id, *helped, now).map(drop),
            Action::StartFlow(id) => c.start_flow(e, id, now).map(drop),
            Action::Back => c.back(e, now).map(drop),
            Action::StartOver => c.start_over(e, now).map(drop),
            Action::RequestHuman => {
                c.request_human(e, now);
                Ok(())
            }
            Action::GiveContact(email, name) => c
                .give_contact(e, email.as_deref(), name.as_deref(), now)
                .map(drop),
            Action::SubmitDetails(values) => c.submit_details(e, values, now).map(drop),
            Action::SkipDetails => c.skip_details(e, now).map(drop),
        };
        result.map_err(|err| err.to_string())
    }
}

/// Every string value in `value` (times and counts are numbers, so they are not text).
fn strings_in(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => vec![text.as_str()],
        Value::Array(items) => items.iter().flat_map(strings_in).collect(),
        Value::Object(map) => map.values().flat_map(strings_in).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn any_sequence_of_visitor_actions_keeps_the_conversation_sound() {
    let engine = common::sample_engine();
    let langs = prop::sample::select(vec!["en", "es", "de"]);
    let actions = prop::collection::vec(action(&engine), 1..14);
    proptest!(config(250), |(lang in langs, actions in actions)| {
        let mut conversation = common::start_in(&engine, lang);
        for (i, action) in actions.iter().enumerate() {
            if let Err(message) = action.apply(&engine, &mut conversation, 1_700_000_000_001 + i as u64) {
                prop_assert!(!message.trim().is_empty(), "{action:?}: an error without words");
            }
        }
        // Card numbers never reach a ticket, by any path visitor text takes into it.
        if let Some(ticket) = conversation.ticket(&engine) {
            for text in strings_in(&serde_json::to_value(&ticket).unwrap()) {
                for card in CARDS {
                    prop_assert!(!text.contains(card), "{card} reached the ticket: {text:?}");
                }
            }
        }
    });
}
