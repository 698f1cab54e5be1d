//! Where the store's rows live: one SQLite file (the embedded default) or a PostgreSQL
//! database that several `deflect serve` instances share behind a load balancer.
//!
//! Every query is written once, in the SQL both dialects accept: `?1`-style
//! placeholders (turned into `$1` for PostgreSQL), `INSERT … ON CONFLICT … DO
//! NOTHING/UPDATE`, `RETURNING`, row values, `COALESCE`, window functions; no `rowid`
//! (tickets page by their `seq` column), no `INSERT OR IGNORE`, no `json_each`. Values
//! cross through [`Value`] (see `value`), so a query binds `args![id, now_ms()]` and
//! reads `row.get::<u64>(0)?` on either database. Only the schema is per dialect, since
//! column types and auto-increment differ.
//!
//! # Adding a table (e.g. an outbox)
//! 1. In its module, a [`Table`]: the SQLite DDL as a function (it runs in the one
//!    immediate transaction that opens the file, so it may also migrate an older
//!    table), and the PostgreSQL DDL as a string (`BIGINT` for integers, `BYTEA` for
//!    blobs, `BOOLEAN`, `BIGINT GENERATED ALWAYS AS IDENTITY` for a sequence); both
//!    with `IF NOT EXISTS`. Add it to `store::TABLES`.
//! 2. Queries run in [`Store::read`](crate::Store::read) (no transaction on SQLite,
//!    autocommit on PostgreSQL) or [`Store::write`](crate::Store::write) (a transaction:
//!    `BEGIN IMMEDIATE` on SQLite, so it is the only writer; `BEGIN` on PostgreSQL),
//!    through the [`Tx`] the closure gets: `tx.execute`, `tx.query`, `tx.query_opt`,
//!    `tx.query_one`. An error returned from the closure rolls the transaction back.
//! 3. Where instances must not race (a check before an insert), call
//!    [`Tx::serialize_on`] with the key first; to claim rows that another instance
//!    must skip, append [`Dialect::skip_locked`] of [`Tx::dialect`] to the `SELECT`.
//!
//! A claim of due rows, as an outbox worker on several instances would make it (the
//! lease column is what keeps a claimed row from a second sender once this
//! transaction has committed; `SKIP LOCKED` keeps two claims from waiting on, or
//! taking, the same rows meanwhile):
//!
//! ```ignore
//! let claimed: Vec<i64> = store.write(|tx| {
//!     let due = format!(
//!         "SELECT id FROM outbox WHERE lease_until_ms < ?1 ORDER BY next_try_at_ms LIMIT ?2{}",
//!         tx.dialect().skip_locked()
//!     );
//!     let ids = tx.query(&due, args![now, 10])?
//!         .iter()
//!         .map(|row| row.get::<i64>(0))
//!         .collect::<Result<Vec<_>, _>>()?;
//!     for id in &ids {
//!         tx.execute("UPDATE outbox SET lease_until_ms = ?2 WHERE id = ?1", args![id, now + 60_000])?;
//!     }
//!     Ok::<_, StoreError>(ids)
//! })?;
//! ```

mod pg;
mod tx;
mod value;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, TransactionBehavior};

pub use tx::{Dialect, Tx};
pub use value::{FromValue, Row, ToValue, Value};

use crate::store::StoreError;

/// Query parameters as [`Value`]s: `args![ticket.id, now_ms(), None::<&str>]`.
macro_rules! args {
    ($($arg:expr),* $(,)?) => {
        &[$($crate::db::ToValue::to_value(&$arg)),*]
    };
}
pub(crate) use args;

/// One table (or a few that belong together) in both dialects.
pub(crate) struct Table {
    /// Creates the table in SQLite, or brings an older one up to date.
    pub sqlite: fn(&Connection) -> Result<(), StoreError>,
    /// Creates the table in PostgreSQL (all columns from the start).
    pub postgres: &'static str,
}

/// The database behind a [`Store`](crate::Store); cheap to clone.
#[derive(Clone)]
pub(crate) enum Database {
    /// One connection behind a mutex: SQLite serializes writers anyway.
    Sqlite {
        conn: Arc<Mutex<Connection>>,
        /// The file, for readers that must not wait for the writer's lock.
        path: Arc<PathBuf>,
    },
    /// A pool of connections, each request taking one for its transaction.
    Postgres {
        pool: pg::Pool,
        /// Host, port, database and user, never the password (for messages).
        target: Arc<str>,
    },
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite { path, .. } => write!(f, "SQLite {}", path.display()),
            Self::Postgres { target, .. } => write!(f, "PostgreSQL {target}"),
        }
    }
}

impl Database {
    /// The SQLite file at `path` with `tables` created; `conn` is already set up.
    pub(crate) fn sqlite(
        mut conn: Connection,
        path: &Path,
        tables: &[Table],
    ) -> Result<Self, StoreError> {
        // One immediate transaction: two processes opening one file cannot both
        // create or migrate a table.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for table in tables {
            (table.sqlite)(&tx)?;
        }
        tx.commit()?;
        Ok(Self::Sqlite {
            conn: Arc::new(Mutex::new(conn)),
            path: Arc::new(path.to_owned()),
        })
    }

    /// The PostgreSQL database at `url` with `tables` created.
    pub(crate) fn postgres(url: &str, tables: &[Table]) -> Result<Self, StoreError> {
        let (pool, target) = pg::open(url, tables)?;
        Ok(Self::Postgres {
            pool,
            target: target.into(),
        })
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Self::Sqlite { .. } => Dialect::Sqlite,
            Self::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// Runs `f` on a connection without a transaction of its own.
    pub(crate) fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        match self {
            Self::Sqlite { conn, .. } => f(&mut Tx::sqlite(&lock(conn))),
            Self::Postgres { pool, target } => {
                let mut client = pg::checkout(pool, target)?;
                f(&mut Tx::postgres(&mut *client))
            }
        }
    }

    /// Runs `f` in a write transaction, committed when it returns `Ok`.
    pub(crate) fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        match self {
            Self::Sqlite { conn, .. } => {
                let mut conn = lock(conn);
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(StoreError::from)?;
                let out = f(&mut Tx::sqlite(&tx))?;
                tx.commit().map_err(StoreError::from)?;
                Ok(out)
            }
            Self::Postgres { pool, target } => {
                let mut client = pg::checkout(pool, target)?;
                let mut tx = client.transaction().map_err(StoreError::from)?;
                let out = f(&mut Tx::postgres(&mut tx))?;
                tx.commit().map_err(StoreError::from)?;
                Ok(out)
            }
        }
    }

    /// Runs `f` in a read-only transaction that PostgreSQL cancels after `budget`
    /// (`Duration::ZERO`: never), so a long report cannot run on; `None` when it was
    /// cancelled. SQLite callers bound
    /// their reports themselves (a progress handler on a reader connection).
    pub(crate) fn postgres_report<T>(
        &self,
        budget: std::time::Duration,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let Self::Postgres { pool, target } = self else {
            return Err(StoreError::NotPostgres);
        };
        let mut client = pg::checkout(pool, target)?;
        pg::report(&mut client, budget, f)
    }

    /// The SQLite file, for a reader connection of its own; `None` on PostgreSQL.
    pub(crate) fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Self::Sqlite { path, .. } => Some(path),
            Self::Postgres { .. } => None,
        }
    }
}

/// A panic while holding the lock cannot leave a half-written row (a write is one
/// transaction, rolled back when dropped), so a poisoned lock is safe to keep using.
pub(crate) fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(PoisonError::into_inner)
}
