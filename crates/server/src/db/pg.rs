//! PostgreSQL: connecting (with errors that say where, never the password), the schema
//! set up once however many instances start together, a pool of connections, and
//! reports under a statement timeout.

use std::time::Duration;

use postgres::config::Host;
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};
use r2d2_postgres::PostgresConnectionManager;

use super::{Table, Tx};
use crate::store::StoreError;

pub(crate) type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// Connections one instance keeps at most: more than the blocking tasks that write at
/// once in practice, few enough that several instances fit PostgreSQL's default 100.
const POOL_SIZE: u32 = 16;

/// How long connecting, or waiting for a free pooled connection, may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The advisory lock every instance takes to set up the schema: `CREATE TABLE IF NOT
/// EXISTS` run by two sessions at once can fail on PostgreSQL's catalog.
const SCHEMA_LOCK: i64 = 0x0064_6566_6c65_6374; // "deflect" in ASCII

/// Connects to `url`, creates `tables` and returns a pool, with where it connected.
pub(super) fn open(url: &str, tables: &[Table]) -> Result<(Pool, String), StoreError> {
    let mut config: Config = url
        .parse()
        .map_err(|err: postgres::Error| StoreError::BadUrl(err.to_string()))?;
    config.connect_timeout(CONNECT_TIMEOUT);
    let target = describe(&config);
    let mut client = config
        .connect(NoTls)
        .map_err(|source| StoreError::Connect {
            target: target.clone(),
            source,
        })?;
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
    for table in tables {
        tx.batch_execute(table.postgres)?;
    }
    tx.commit()?;
    let pool = r2d2::Pool::builder()
        .max_size(POOL_SIZE)
        .min_idle(Some(1))
        .connection_timeout(CONNECT_TIMEOUT)
        .build_unchecked(PostgresConnectionManager::new(config, NoTls));
    Ok((pool, target))
}

/// A pooled connection, or an error naming the database that did not give one.
pub(super) fn checkout(
    pool: &Pool,
    target: &str,
) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, StoreError> {
    pool.get().map_err(|err| StoreError::Pool {
        target: target.to_owned(),
        message: err.to_string(),
    })
}

/// `f` in a read-only, repeatable-read transaction (one snapshot for every query)
/// cancelled by PostgreSQL after `budget` (`Duration::ZERO`: never); `None` when it was.
pub(super) fn report<T>(
    client: &mut Client,
    budget: Duration,
    f: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let mut tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let ms = match budget.is_zero() {
        true => 0,
        false => budget.as_millis().max(1),
    };
    tx.batch_execute(&format!("SET LOCAL statement_timeout = {ms}"))?;
    match f(&mut Tx::postgres(&mut tx)) {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::Postgres(err)) if err.code() == Some(&SqlState::QUERY_CANCELED) => Ok(None),
        Err(err) => Err(err),
    }
}

/// "host:port/dbname as user", for messages: never the password.
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        Some(Host::Unix(dir)) => dir.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().or(config.get_user()).unwrap_or("?");
    let user = config.get_user().unwrap_or("(default user)");
    format!("{host}:{port}/{db} as {user}")
}
