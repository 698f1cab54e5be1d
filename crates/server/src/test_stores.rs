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
