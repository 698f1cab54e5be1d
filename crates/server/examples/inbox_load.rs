//! Load test of the reference inbox over loopback: concurrent clients post tickets,
//! a share of them twice (as retries and page reloads do, often at the same moment),
//! then every unique ticket must be stored exactly once. The inbox runs with its rate
//! limits on (all clients share one address, so they share one allowance): a client
//! answered 429 waits as long as `Retry-After` says and sends the ticket again, as the
//! widget's retry queue does.
//!
//! ```sh
//! cargo run --release --example inbox_load                      # 2,000 posts, 20% duplicates, 16 clients
//! cargo run --release --example inbox_load -- 5000 0.3 32 600   # posts, duplicate share, clients, writes/s allowed
//! DEFLECT_DATABASE_URL=postgres://… cargo run --release --example inbox_load   # on an empty PostgreSQL database
//! npm run bench:inbox
//! ```
//!
//! Prints throughput, latency percentiles and how many posts were answered 429; exits
//! non-zero if a ticket is missing, stored twice, or finally answered with anything but
//! 201 (first copy) or 200 (a repeat).
//! `cargo test` runs a smaller version of the same code (the `tests` module below).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use deflect_engine::ticket::Ticket;
use deflect_server::{InboxOptions, Limits, RunningInbox, Store};

/// What to send.
#[derive(Debug, Clone, Copy)]
struct LoadPlan {
    posts: usize,
    /// Share of the posts that repeat an earlier ticket, 0.0..1.0.
    duplicate_share: f64,
    clients: usize,
    /// Writes per second the inbox allows the one address all clients share.
    writes_per_second: u32,
}

impl LoadPlan {
    /// The inbox's limits for this run: a burst of a second's allowance, then the rate.
    fn options(&self) -> InboxOptions {
        InboxOptions {
            limits: Limits {
                write_burst: self.writes_per_second,
                writes_per_minute: self.writes_per_second * 60,
                ..Limits::default()
            },
            ..InboxOptions::default()
        }
    }
}

/// What happened.
#[derive(Debug)]
struct LoadReport {
    posts: usize,
    unique: usize,
    created: usize,
    repeats: usize,
    stored: u64,
    /// Posts answered 429 (and sent again after `Retry-After`).
    throttled: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    /// Everything that broke the exactly-once contract; empty when all is well.
    problems: Vec<String>,
}

impl LoadReport {
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    fn throughput(&self) -> f64 {
        self.posts as f64 / self.elapsed.as_secs_f64()
    }
}

/// The ticket posted as `id`.
fn ticket(id: &str) -> Ticket {
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

/// One post: the ticket id, the status finally answered (0 when the request failed),
/// how long that answer took and how many 429s came before it.
type Post = (String, u16, Duration, usize);

/// Posts `plan` to the inbox at `base` (e.g. `http://127.0.0.1:8080`) and checks the
/// store holds every unique ticket once.
fn run(base: &str, store: &Store, plan: LoadPlan) -> LoadReport {
    let ids = schedule(plan);
    let started = Instant::now();
    let results = post_all(&format!("{base}/api/tickets"), &ids, plan.clients);
    check(store, &results, started.elapsed())
}

/// Posts the ticket of every id in `ids` from `clients` concurrent clients, each taking
/// the next id as soon as its previous post was answered.
fn post_all(url: &str, ids: &[String], clients: usize) -> Vec<Post> {
    let bodies: HashMap<&str, String> = ids
        .iter()
        .map(|id| (id.as_str(), serde_json::to_string(&ticket(id)).unwrap()))
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Post>> = Mutex::new(Vec::with_capacity(ids.len()));
    std::thread::scope(|scope| {
        for _ in 0..clients {
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
                    let (status, latency, throttled) =
                        post_until_let_in(&agent, url, &bodies[id.as_str()]);
                    mine.push((id.clone(), status, latency, throttled));
                }
                results.lock().unwrap().extend(mine);
            });
        }
    });
    results.into_inner().unwrap()
}

/// Posts `body`, and after each 429 waits its `Retry-After` and posts it again: the
/// final status, how long its answer took and how many 429s came first.
fn post_until_let_in(agent: &ureq::Agent, url: &str, body: &str) -> (u16, Duration, usize) {
    let mut throttled = 0;
    loop {
        let sent = Instant::now();
        let answer = agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body);
        let latency = sent.elapsed();
        let Ok(response) = answer else {
            return (0, latency, throttled);
        };
        let status = response.status().as_u16();
        if status != 429 {
            return (status, latency, throttled);
        }
        throttled += 1;
        let wait = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .unwrap_or(1);
        std::thread::sleep(Duration::from_secs(wait));
    }
}

/// Checks the exactly-once contract: one 201 per ticket and 200 for its repeats, and
/// the store holding each ticket once with as many deliveries as it was posted;
/// `elapsed` is how long the posts took.
fn check(store: &Store, results: &[Post], elapsed: Duration) -> LoadReport {
    let mut problems = Vec::new();
    let mut per_id: HashMap<&str, Vec<u16>> = HashMap::new();
    for (id, status, _, _) in results {
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
        throttled: results.iter().map(|(_, _, _, n)| n).sum(),
        elapsed,
        latencies: results.iter().map(|(_, _, d, _)| *d).collect(),
        problems,
    }
}

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
        writes_per_second: args
            .next()
            .map_or(400, |a| a.parse().expect("writes/s: a number")),
    };
    let dir = tempfile::tempdir().unwrap();
    let (store, database) = match std::env::var("DEFLECT_DATABASE_URL") {
        Ok(url) => (Store::open_url(&url), "PostgreSQL"),
        Err(_) => (
            Store::open(dir.path().join("inbox.sqlite")),
            "SQLite WAL, synchronous=FULL",
        ),
    };
    let store = store.expect("open the ticket database");
    let inbox = RunningInbox::start(store.clone(), plan.options());
    let base = &inbox.base;
    println!(
        "posting {} tickets ({:.0}% duplicates) from {} concurrent clients to {base} ({database}; {} writes/s allowed per address)",
        plan.posts,
        plan.duplicate_share * 100.0,
        plan.clients,
        plan.writes_per_second
    );
    let report = run(base, &store, plan);
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
        "{} answered 429 by the rate limit and sent again after Retry-After",
        report.throttled
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A smaller run: concurrent clients, a fifth of the posts repeats, more posts than
    /// the rate limit lets through at once, and every unique ticket stored exactly once.
    #[test]
    fn concurrent_posts_with_duplicates_store_each_ticket_exactly_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("inbox.sqlite")).unwrap();
        let plan = LoadPlan {
            posts: 300,
            duplicate_share: 0.2,
            clients: 8,
            writes_per_second: 100,
        };
        let inbox = RunningInbox::start(store.clone(), plan.options());
        let report = run(&inbox.base, &store, plan);
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
        assert_eq!(report.posts, 300);
        assert_eq!(report.unique, 240);
        assert_eq!((report.created, report.repeats), (240, 60));
        assert_eq!(report.stored, 240);
        assert!(report.throttled > 0, "the rate limit never engaged");
    }
}
