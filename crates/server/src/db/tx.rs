//! [`Tx`]: the one handle every store query runs on, over a SQLite connection or a
//! PostgreSQL transaction or client. SQL is written once, SQLite-style (`?1`, `?2`, …),
//! and turned into PostgreSQL's `$1`, `$2`, … when it runs there.

use std::collections::HashMap;

use postgres::Statement;
use postgres::types::ToSql;

use super::value::{Row, Value};
use crate::store::StoreError;

/// Which SQL dialect a [`Tx`] speaks, for the few statements that differ (row locks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// What to append to a `SELECT` that claims rows another instance must skip: `FOR
    /// UPDATE SKIP LOCKED` on PostgreSQL; nothing on SQLite, whose write transaction
    /// (see [`Store::write`](crate::Store)) already excludes every other writer.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }
}

/// What a PostgreSQL [`Tx`] runs on: a transaction or a client in autocommit.
pub(super) trait PgSession {
    fn prepare(&mut self, sql: &str) -> Result<Statement, postgres::Error>;
    fn run(&mut self, st: &Statement, args: &[&(dyn ToSql + Sync)]) -> PgResult<u64>;
    fn rows(&mut self, st: &Statement, args: &[&(dyn ToSql + Sync)]) -> PgResult<PgRows>;
    fn batch(&mut self, sql: &str) -> PgResult<()>;
}

type PgResult<T> = Result<T, postgres::Error>;
type PgRows = Vec<postgres::Row>;

/// Both implementations are the same calls on two types the driver does not unify.
macro_rules! pg_session {
    ($t:ty) => {
        impl PgSession for $t {
            fn prepare(&mut self, sql: &str) -> PgResult<Statement> {
                <$t>::prepare(self, sql)
            }
            fn run(&mut self, st: &Statement, args: &[&(dyn ToSql + Sync)]) -> PgResult<u64> {
                <$t>::execute(self, st, args)
            }
            fn rows(&mut self, st: &Statement, args: &[&(dyn ToSql + Sync)]) -> PgResult<PgRows> {
                <$t>::query(self, st, args)
            }
            fn batch(&mut self, sql: &str) -> PgResult<()> {
                <$t>::batch_execute(self, sql)
            }
        }
    };
}
pg_session!(postgres::Client);
pg_session!(postgres::Transaction<'_>);

enum Conn<'a> {
    Sqlite(&'a rusqlite::Connection),
    Postgres {
        session: &'a mut dyn PgSession,
        /// Statements prepared in this transaction, by their SQLite-style text.
        prepared: HashMap<String, Statement>,
    },
}

/// A connection to run queries on, inside [`Store::read`](crate::Store) or
/// [`Store::write`](crate::Store). Parameters are [`Value`]s; build them with
/// [`args!`](crate::db::args).
pub struct Tx<'a> {
    conn: Conn<'a>,
}

impl<'a> Tx<'a> {
    pub(crate) fn sqlite(conn: &'a rusqlite::Connection) -> Self {
        Self {
            conn: Conn::Sqlite(conn),
        }
    }

    pub(super) fn postgres(session: &'a mut dyn PgSession) -> Self {
        Self {
            conn: Conn::Postgres {
                session,
                prepared: HashMap::new(),
            },
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self.conn {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// Runs one statement; how many rows it changed.
    pub fn execute(&mut self, sql: &str, args: &[Value]) -> Result<usize, StoreError> {
        match &mut self.conn {
            Conn::Sqlite(conn) => Ok(conn
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(args))?),
            Conn::Postgres { session, prepared } => {
                let st = prepare(*session, prepared, sql)?;
                let n = session.run(&st, &pg_args(args))?;
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
        }
    }

    /// Every row `sql` selects.
    pub fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        match &mut self.conn {
            Conn::Sqlite(conn) => {
                let mut st = conn.prepare_cached(sql)?;
                let width = st.column_count();
                let rows = st.query_map(rusqlite::params_from_iter(args), |row| {
                    (0..width)
                        .map(|i| row.get_ref(i).map(Value::from_sqlite))
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .map(Row)
                })?;
                Ok(rows.collect::<Result<_, _>>()?)
            }
            Conn::Postgres { session, prepared } => {
                let st = prepare(*session, prepared, sql)?;
                let rows = session.rows(&st, &pg_args(args))?;
                rows.iter()
                    .map(|row| {
                        (0..row.len())
                            .map(|i| row.try_get::<_, Value>(i))
                            .collect::<Result<Vec<_>, _>>()
                            .map(Row)
                            .map_err(StoreError::from)
                    })
                    .collect()
            }
        }
    }

    /// The first row `sql` selects, if any.
    pub fn query_opt(&mut self, sql: &str, args: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// The row `sql` must select (an aggregate, `EXISTS`, `RETURNING`).
    pub fn query_one(&mut self, sql: &str, args: &[Value]) -> Result<Row, StoreError> {
        self.query_opt(sql, args)?
            .ok_or_else(|| StoreError::NoRow(sql.split_whitespace().take(6).collect()))
    }

    /// Runs statements without parameters, separated by `;` (schema, settings).
    pub fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        match &mut self.conn {
            Conn::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Conn::Postgres { session, .. } => Ok(session.batch(sql)?),
        }
    }

    /// Makes every other write transaction that calls this with the same `key` wait
    /// until this one ends: a PostgreSQL advisory lock held to the end of the
    /// transaction. On SQLite nothing is needed: a write transaction there is already
    /// the only writer.
    pub fn serialize_on(&mut self, key: &str) -> Result<(), StoreError> {
        if self.dialect() == Dialect::Postgres {
            self.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))",
                &[Value::Text(key.to_owned())],
            )?;
        }
        Ok(())
    }
}

/// The prepared form of `sql` on this PostgreSQL session, prepared once per transaction.
fn prepare(
    session: &mut dyn PgSession,
    prepared: &mut HashMap<String, Statement>,
    sql: &str,
) -> Result<Statement, StoreError> {
    if let Some(st) = prepared.get(sql) {
        return Ok(st.clone());
    }
    let st = session.prepare(&dollar_placeholders(sql))?;
    prepared.insert(sql.to_owned(), st.clone());
    Ok(st)
}

fn pg_args(args: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

/// `?1` → `$1`, outside quoted strings and identifiers.
pub(super) fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '?') if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            dollar_placeholders("SELECT '?1', \"a?2\" FROM t WHERE a = ?1 AND b < ?12"),
            "SELECT '?1', \"a?2\" FROM t WHERE a = $1 AND b < $12"
        );
    }
}
