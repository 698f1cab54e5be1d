//! Load test of the reference inbox over loopback: concurrent clients post tickets,
//! a share of them twice (as retries and page reloads do, often at the same moment),
//! then every unique ticket must be stored exactly once.
//!
//! ```sh
//! cargo run --release --example inbox_load                      # 2,000 posts, 20% duplicates, 16 clients
//! cargo run --release --example inbox_load -- 5000 0.3 32       # posts, duplicate share, clients
//! npm run bench:inbox
//! ```
//!
//! Prints throughput and latency percentiles; exits non-zero if a ticket is missing,
//! stored twice, or answered with anything but 201 (first copy) or 200 (a repeat).
//! `tests/inbox_load.rs` runs a smaller version of the same code.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use deflect_engine::ticket::Ticket;
use deflect_server::{self as inbox, InboxOptions, Store};

/// What to send.
#[derive(Debug, Clone, Copy)]
pub struct LoadPlan {
    pub posts: usize,
    /// Share of the posts that repeat an earlier ticket, 0.0..1.0.
    pub duplicate_share: f64,
    pub clients: usize,
}

/// What happened.
#[derive(Debug)]
pub struct LoadReport {
    pub posts: usize,
    pub unique: usize,
    pub created: usize,
    pub repeats: usize,
    pub stored: u64,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
    /// Everything that broke the exactly-once contract; empty when all is well.
    pub problems: Vec<String>,
}

impl LoadReport {
    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    pub fn throughput(&self) -> f64 {
        self.posts as f64 / self.elapsed.as_secs_f64()
    }
}

/// The ticket posted as `id`.
pub fn ticket(id: &str) -> Ticket {
    Ticket::example(id)
}

/// The ids to post, in order: each repeat follows its original closely, so copies of a
/// ticket are in flight on different clients at the same time.
fn schedule(plan: LoadPlan) -> Vec<String> {
    let repeats = (plan.posts as f64 * plan.duplicate_share).round() as usize;
    let unique = plan.posts - repeats;
    let mut ids: Vec<String> = (0..unique).map(|i| format!("load-{i:08}")).collect();
    // Spread the repeats evenly over the unique tickets, each right after its original.
    for r in 0..repeats {
        let original = r * unique / repeats.max(1);
        let at = ids
            .iter()
            .position(|id| *id == format!("load-{original:08}"))
            .expect("original is scheduled");
        ids.insert(at + 1, format!("load-{original:08}"));
    }
    ids
}

/// Posts `plan` to the inbox at `base` (e.g. `http://127.0.0.1:8080`) and checks the
/// store holds every unique ticket once.
pub fn run(base: &str, store: &Store, plan: LoadPlan) -> LoadReport {
    let ids = schedule(plan);
    let bodies: HashMap<&str, String> = ids
        .iter()
        .map(|id| (id.as_str(), serde_json::to_string(&ticket(id)).unwrap()))
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(String, u16, Duration)>> = Mutex::new(Vec::with_capacity(ids.len()));
    let url = format!("{base}/api/tickets");
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..plan.clients {
            scope.spawn(|| {
                let agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .new_agent();
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(id) = ids.get(i) else { break };
                    let sent = Instant::now();
                    let status = agent
                        .post(&url)
                        .header("Content-Type", "application/json")
                        .send(bodies[id.as_str()].as_str())
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0);
                    mine.push((id.clone(), status, sent.elapsed()));
                }
                results.lock().unwrap().extend(mine);
            });
        }
    });
    let elapsed = started.elapsed();
    let results = results.into_inner().unwrap();

    let mut problems = Vec::new();
    let mut per_id: HashMap<&str, Vec<u16>> = HashMap::new();
    for (id, status, _) in &results {
        per_id.entry(id.as_str()).or_default().push(*status);
    }
    let (mut created, mut repeats) = (0, 0);
    for (id, statuses) in &per_id {
        let first = statuses.iter().filter(|s| **s == 201).count();
        let again = statuses.iter().filter(|s| **s == 200).count();
        created += first;
        repeats += again;
        if first != 1 || first + again != statuses.len() {
            problems.push(format!(
                "{id}: answered {statuses:?}, want one 201 and the rest 200"
            ));
        }
        match store.get(id) {
            Ok(Some(stored)) if stored.deliveries == statuses.len() as u64 => {}
            Ok(Some(stored)) => problems.push(format!(
                "{id}: stored with {} deliveries, posted {} times",
                stored.deliveries,
                statuses.len()
            )),
            Ok(None) => problems.push(format!("{id}: not stored")),
            Err(e) => problems.push(format!("{id}: {e}")),
        }
    }
    let stored = store.count().unwrap_or(0);
    if stored != per_id.len() as u64 {
        problems.push(format!(
            "{stored} tickets stored, {} unique posted",
            per_id.len()
        ));
    }
    LoadReport {
        posts: results.len(),
        unique: per_id.len(),
        created,
        repeats,
        stored,
        elapsed,
        latencies: results.into_iter().map(|(_, _, d)| d).collect(),
        problems,
    }
}

/// An inbox on a free loopback port, served from its own runtime until the process ends.
pub fn start_inbox(db: &Path) -> (String, Store) {
    let store = Store::open(db).expect("open the ticket database");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let serving = store.clone();
    std::thread::spawn(move || {
        runtime.block_on(inbox::serve(
            listener,
            serving,
            InboxOptions::default(),
            std::future::pending(),
        ))
    });
    (format!("http://{addr}"), store)
}

#[allow(dead_code)] // tests include this file for `run` and `ticket` only
fn main() {
    let mut args = std::env::args().skip(1);
    let plan = LoadPlan {
        posts: args
            .next()
            .map_or(2000, |a| a.parse().expect("posts: a number")),
        duplicate_share: args
            .next()
            .map_or(0.2, |a| a.parse().expect("duplicate share: 0.0..1.0")),
        clients: args
            .next()
            .map_or(16, |a| a.parse().expect("clients: a number")),
    };
    let dir = tempfile::tempdir().unwrap();
    let (base, store) = start_inbox(&dir.path().join("inbox.sqlite"));
    println!(
        "posting {} tickets ({:.0}% duplicates) from {} concurrent clients to {base} (SQLite WAL, synchronous=FULL)",
        plan.posts,
        plan.duplicate_share * 100.0,
        plan.clients
    );
    let report = run(&base, &store, plan);
    println!(
        "{} posts in {:.2?}: {:.0} tickets/s; latency p50 {:.1?}, p99 {:.1?}, max {:.1?}",
        report.posts,
        report.elapsed,
        report.throughput(),
        report.percentile(50.0),
        report.percentile(99.0),
        report.percentile(100.0),
    );
    println!(
        "{} unique tickets: {} answered 201 created, {} answered 200 duplicate; {} stored",
        report.unique, report.created, report.repeats, report.stored
    );
    if report.problems.is_empty() {
        println!("every unique ticket stored exactly once");
    } else {
        for problem in report.problems.iter().take(20) {
            eprintln!("{problem}");
        }
        eprintln!("{} problems", report.problems.len());
        std::process::exit(1);
    }
}
