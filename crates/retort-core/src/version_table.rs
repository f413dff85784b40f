//! The version table (DESIGN §5, R31–R35): Alembic's `alembic_version`, one row per current head.
//! Reading never creates it; it is created by the first write.

use crate::db::Database;
use crate::dialect::{self, TableName};
use crate::error::{Error, Result};
use crate::revision::RowChange;

/// Whether the version table exists.
pub async fn exists(db: &mut Database, table: &str) -> Result<bool> {
    let name = TableName::parse(table);
    let dialect = db.dialect();
    let sql = dialect::table_exists_sql(dialect, &name);
    let binds = dialect::table_exists_binds(dialect, &name);
    Ok(!db.query_strings_bound(&sql, &binds).await?.is_empty())
}

/// The version rows in the order the database returns them (Alembic's order, which `downgrade
/// -1` from several heads depends on, R22); `None` when the table does not exist. Never
/// creates anything.
pub async fn read_rows(db: &mut Database, table: &str) -> Result<Option<Vec<String>>> {
    if !exists(db, table).await? {
        return Ok(None);
    }
    let sql = dialect::select_versions_sql(db.dialect(), &TableName::parse(table));
    db.query_strings(&sql).await.map(Some)
}

/// Creates the table with Alembic's DDL unless it exists. Returns whether it created it.
pub async fn ensure_table(db: &mut Database, table: &str) -> Result<bool> {
    if exists(db, table).await? {
        return Ok(false);
    }
    let sql = dialect::create_version_table_sql(db.dialect(), &TableName::parse(table));
    db.execute(&sql).await?;
    Ok(true)
}

/// Applies one row change. An UPDATE or DELETE must match exactly one row, as in Alembic;
/// otherwise the table no longer says what the plan assumed and the run must stop.
pub async fn apply_change(db: &mut Database, table: &str, change: &RowChange) -> Result<()> {
    let name = TableName::parse(table);
    let (sql, binds) = dialect::row_change_bound(db.dialect(), &name, change);
    let matched = db.execute_bound(&sql, &binds).await?;
    if matched == 1 {
        return Ok(());
    }
    match change {
        RowChange::Insert { .. } => Ok(()),
        RowChange::Update { from, to } => Err(Error::command(format!(
            "Online migration expected to match one row when updating '{from}' to '{to}' in '{}'; {matched} found",
            name.name
        ))),
        RowChange::Delete { revision } => Err(Error::command(format!(
            "Online migration expected to match one row when deleting '{revision}' in '{}'; {matched} found",
            name.name
        ))),
    }
}

/// The literal SQL of a row change, for messages and logs (R35).
pub fn change_sql(dialect: dialect::Dialect, table: &str, change: &RowChange) -> String {
    dialect::row_change_sql(dialect, &TableName::parse(table), change, false)
}
