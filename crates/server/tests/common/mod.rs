//! The relay's test servers as the Rust tests run them: `tests/relay/*.mjs` spawned
//! with node on a free loopback port, read one JSON line at a time, and ended when
//! dropped (they also end by themselves when their stdin closes).

// Each test binary uses only some of these.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Lines, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::Value;

use deflect_engine::ticket::{Contact, FollowUp, Ticket};
use deflect_server::StoredTicket;

/// The repository, where `node_modules` and the test servers are.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running `node tests/relay/<script>`.
pub struct NodeServer {
    child: Child,
    pub port: u16,
    lines: Lines<BufReader<ChildStdout>>,
}

impl NodeServer {
    /// Starts `script` (e.g. `smtp-sink.mjs`) on port 0 with `args`, and waits for the
    /// port it printed.
    pub fn start(script: &str, args: &[&str]) -> Self {
        let mut child = Command::new("node")
            .arg(format!("tests/relay/{script}"))
            .args(["--port", "0", "--max-seconds", "120"])
            .args(args)
            .current_dir(root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs tests/relay/ (npm ci installs its packages)");
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let port = next_json(&mut lines)["port"]
            .as_u64()
            .expect("the port line");
        Self {
            child,
            port: u16::try_from(port).expect("a TCP port"),
            lines,
        }
    }

    /// The next line it printed with `"event": event`.
    pub fn next(&mut self, event: &str) -> Value {
        loop {
            let line = next_json(&mut self.lines);
            if line["event"] == event {
                return line;
            }
        }
    }
}

impl Drop for NodeServer {
    fn drop(&mut self) {
        let _ = self.child.stdin.take().map(|mut s| s.write_all(b"close\n"));
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn next_json(lines: &mut Lines<BufReader<ChildStdout>>) -> Value {
    let line = lines.next().expect("the server printed a line");
    serde_json::from_str(&line.expect("a UTF-8 line")).expect("a JSON line")
}

/// A ticket as the widget sends it: a card number masked, markup typed, and an email
/// given after the handoff together with the order number.
pub fn stored() -> (StoredTicket, FollowUp) {
    let id = "5f1d2e3c-aaaa-4bbb-8ccc-0123456789ab";
    let mut ticket = Ticket::example(id);
    ticket.transcript[0].text =
        "I was charged twice on **** **** **** 4242 <script>alert(1)</script>".to_owned();
    let follow_up = FollowUp {
        schema_version: 2,
        id: format!("{id}-3"),
        ticket_id: id.to_owned(),
        at_ms: ticket.created_at_ms + 60_000,
        text: "Email: maya@example.com".to_owned(),
        contact: Some(Contact {
            email: "maya@example.com".to_owned(),
            name: Some("Maya".to_owned()),
        }),
        details: BTreeMap::from([("order_id".to_owned(), "BA-10432".to_owned())]),
    };
    let stored = StoredTicket::new(ticket, 1_767_000_100_000, 1, vec![follow_up.clone()]);
    (stored, follow_up)
}
