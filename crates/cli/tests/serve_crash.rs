//! Crash safety of the inbox: the real `deflect serve` process is killed with SIGKILL
//! while clients are posting, and every ticket it acknowledged must be in the database
//! when it comes back.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use deflect_engine::ticket::Ticket;

/// Starts `deflect serve` on a free port; returns the process and its base URL.
fn serve(dir: &Path) -> (Child, String) {
    let site = dir.join("site");
    std::fs::create_dir_all(&site).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_deflect"))
        .arg("serve")
        .arg("--site")
        .arg(&site)
        .args(["--port", "0", "--db"])
        .arg(dir.join("inbox.sqlite"))
        // Eight clients on one address stand for many visitors here: the per-client
        // rate limit (tests/security/limits.rs) is raised out of the way.
        .args(["--rate-burst", "100000", "--rate-per-minute", "6000000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.split("demo site: ").nth(1) {
            // Keep reading, or the server's next line would hit a closed pipe.
            std::thread::spawn(move || lines.for_each(drop));
            return (child, rest.trim().trim_end_matches('/').to_string());
        }
    }
    let _ = child.kill();
    let status = child.wait();
    panic!("deflect serve exited before printing its address ({status:?})");
}

/// An API token for the inbox at `dir`, made with `deflect token create` as an
/// operator would.
fn token(dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_deflect"))
        .args(["token", "create", "--name", "crash-test", "--db"])
        .arg(dir.join("inbox.sqlite"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Every ticket the inbox at `base` lists, page by page along its `Link: rel="next"`.
fn list_all(base: &str, token: &str) -> Vec<serde_json::Value> {
    let mut listed = Vec::new();
    let mut next = Some("/api/tickets?limit=200".to_owned());
    while let Some(path) = next.take() {
        let mut resp = agent()
            .get(format!("{base}{path}"))
            .header("Authorization", format!("Bearer {token}"))
            .call()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "GET {path}");
        next = resp
            .headers()
            .get("link")
            .and_then(|v| v.to_str().ok())
            .and_then(|link| link.strip_prefix('<')?.split_once(">; rel=\"next\""))
            .map(|(path, _)| path.to_owned());
        let page: Vec<serde_json::Value> = resp.body_mut().read_json().unwrap();
        listed.extend(page);
    }
    listed
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .new_agent()
}

#[test]
fn every_acknowledged_ticket_survives_sigkill_mid_load() {
    let dir = tempfile::tempdir().unwrap();
    let token = token(dir.path());
    let (mut child, base) = serve(dir.path());
    let url = format!("{base}/api/tickets");
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let failed_after_ack = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..8)
        .map(|client| {
            let (url, stop, acknowledged, failed) = (
                url.clone(),
                stop.clone(),
                acknowledged.clone(),
                failed_after_ack.clone(),
            );
            std::thread::spawn(move || {
                let agent = agent();
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let id = format!("crash-{client}-{n:06}");
                    let body = serde_json::to_string(&Ticket::example(&id)).unwrap();
                    match agent
                        .post(&url)
                        .header("Content-Type", "application/json")
                        .send(body.as_str())
                    {
                        Ok(r) if matches!(r.status().as_u16(), 200 | 201) => {
                            acknowledged.lock().unwrap().insert(id);
                        }
                        Ok(r) => panic!("{id}: unexpected HTTP {}", r.status()),
                        // The server is gone: this ticket was never acknowledged.
                        Err(_) => {
                            failed.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            })
        })
        .collect();

    // Let the load build up, then kill the server without warning (SIGKILL).
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().unwrap().len() < 300 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let acked_at_kill = acknowledged.lock().unwrap().len();
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acked_at_kill >= 300,
        "only {acked_at_kill} tickets acknowledged before the kill"
    );
    assert!(
        failed_after_ack.load(Ordering::Relaxed) > 0,
        "no client was cut off, so the kill did not happen mid-load"
    );

    // Restart on the same database and read everything back over HTTP.
    let (mut child, base) = serve(dir.path());
    let listed = list_all(&base, &token);
    child.kill().unwrap();
    child.wait().unwrap();
    let stored: BTreeSet<String> = listed
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(stored.len(), listed.len(), "a ticket is stored twice");
    let lost: Vec<&String> = acknowledged.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged tickets lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    eprintln!(
        "{} acknowledged before SIGKILL, {} stored after restart",
        acknowledged.len(),
        stored.len()
    );
}
