//! Columns added to a table after its first release: a database written by an older
//! `deflect serve` gains them (nullable, so its rows stay valid) when it is opened.

use std::collections::HashSet;

use rusqlite::Connection;

/// Adds each of `columns` (name, SQL type) that `table` lacks. Call it inside an
/// immediate transaction (the store opens the file in one), so two processes opening
/// one file cannot both add a column.
pub(super) fn add_missing(
    tx: &Connection,
    table: &str,
    columns: &[(&str, &str)],
) -> rusqlite::Result<()> {
    let existing = tx
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<Result<HashSet<_>, _>>()?;
    for (name, kind) in columns {
        if !existing.contains(*name) {
            tx.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {name} {kind}"))?;
        }
    }
    Ok(())
}
