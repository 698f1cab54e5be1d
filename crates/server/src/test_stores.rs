//! Unit tests on both databases: a fresh SQLite file and a real PostgreSQL started for
//! the test (`tests/common/postgres.rs`, shared with the integration tests).

#[path = "../../../tests/common/postgres.rs"]
mod temp_postgres;

use crate::Store;
pub(crate) use temp_postgres::TempPostgres;

/// Runs `test` on a new SQLite store, then on a new PostgreSQL one.
pub(crate) fn on_both(test: impl Fn(&Store)) {
    let dir = tempfile::tempdir().unwrap();
    test(&Store::open(dir.path().join("db.sqlite")).unwrap());
    let pg = TempPostgres::start();
    test(&Store::open_postgres(&pg.url()).unwrap());
}

/// PostgreSQL itself cancels a report past its budget (a statement timeout), so a slow
/// query stops when the inbox gives up on it; within budget it answers.
#[test]
fn a_postgres_report_past_its_budget_is_cancelled() {
    use std::time::{Duration, Instant};
    let pg = TempPostgres::start();
    let store = Store::open_postgres(&pg.url()).unwrap();
    let started = Instant::now();
    let slow = store
        .database()
        .postgres_report(Duration::from_millis(100), |tx| {
            tx.execute("SELECT pg_sleep(5)", &[])
        })
        .unwrap();
    assert_eq!(slow, None);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let quick = store
        .database()
        .postgres_report(Duration::from_secs(5), |tx| {
            tx.query_one("SELECT COUNT(*) FROM tickets", &[])?
                .get::<u64>(0)
        })
        .unwrap();
    assert_eq!(quick, Some(0));
}
