//! A read-only look at a table's data: its row count and its first rows, as text. Never reads
//! the whole table: the rows are fetched with a LIMIT, the count is one `COUNT(*)`.

use serde::{Deserialize, Serialize};

use crate::db::Database;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::schema::Table;

/// The most rows one call returns, whatever the caller asks for.
pub const MAX_ROWS: u32 = 1000;

/// The first rows of a table and how many it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TableRows {
    /// Column names, in table order.
    pub columns: Vec<String>,
    /// Each value rendered as text by the database (`None` = NULL).
    pub rows: Vec<Vec<Option<String>>>,
    /// `COUNT(*)` of the whole table.
    pub total_count: u64,
}

/// `schema.table` quoted for the dialect (SQLite's `main` left out).
pub fn qualified_name(dialect: Dialect, table: &Table) -> String {
    let name = dialect.quote_identifier(&table.name);
    if dialect == Dialect::Sqlite && table.schema == "main" {
        name
    } else {
        format!("{}.{name}", dialect.quote_identifier(&table.schema))
    }
}

/// `SELECT COUNT(*) FROM table`.
pub fn count_sql(dialect: Dialect, table: &Table) -> String {
    format!("SELECT COUNT(*) FROM {}", qualified_name(dialect, table))
}

/// The first `limit` rows, each column cast to text where the dialect needs it (SQLite blobs
/// become `X'..'` literals, PostgreSQL values their text form).
pub fn first_rows_sql(dialect: Dialect, table: &Table, limit: u32) -> String {
    let columns = table
        .columns
        .iter()
        .map(|c| {
            let q = dialect.quote_identifier(&c.name);
            match dialect {
                Dialect::Sqlite => format!(
                    "CASE WHEN typeof({q}) = 'blob' THEN 'X''' || hex({q}) || '''' ELSE CAST({q} AS TEXT) END"
                ),
                Dialect::Postgresql => format!("CAST({q} AS text)"),
                // Binary values are not text: show them as hex literals, like SQLite's.
                Dialect::Mysql if is_mysql_binary(&c.data_type) => {
                    format!("CONCAT('0x', HEX({q}))")
                }
                Dialect::Mysql => q,
            }
        })
        .collect::<Vec<_>>();
    let select = if columns.is_empty() {
        "*".to_string()
    } else {
        columns.join(", ")
    };
    format!(
        "SELECT {select} FROM {} LIMIT {}",
        qualified_name(dialect, table),
        limit.min(MAX_ROWS)
    )
}

fn is_mysql_binary(data_type: &str) -> bool {
    let t = data_type.to_ascii_lowercase();
    [
        "blob",
        "binary",
        "bit",
        "geometry",
        "point",
        "polygon",
        "linestring",
    ]
    .iter()
    .any(|b| t.contains(b))
}

/// Counts the rows of `table` (an introspected table or view) and reads its first `limit` rows.
pub async fn table_rows(db: &mut Database, table: &Table, limit: u32) -> Result<TableRows> {
    let dialect = db.dialect();
    let count = db.query_strings(&count_sql(dialect, table)).await?;
    let total_count = count
        .first()
        .and_then(|c| c.trim().parse::<u64>().ok())
        .ok_or_else(|| Error::database(format!("could not count the rows of {}", table.name)))?;
    let rows = if limit == 0 {
        Vec::new()
    } else {
        db.query_text_rows(&first_rows_sql(dialect, table, limit))
            .await?
    };
    Ok(TableRows {
        columns: table.columns.iter().map(|c| c.name.clone()).collect(),
        rows,
        total_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, TableKind};

    fn table(schema: &str, name: &str) -> Table {
        Table {
            schema: schema.to_string(),
            name: name.to_string(),
            kind: TableKind::Table,
            columns: vec![Column {
                name: "select".to_string(),
                data_type: "integer".to_string(),
                nullable: true,
                default: None,
                primary_key: None,
                generated: None,
            }],
            primary_key: None,
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            unique_constraints: Vec::new(),
            check_constraints: Vec::new(),
            triggers: Vec::new(),
            is_version_table: false,
            ddl: None,
        }
    }

    #[test]
    fn quotes_odd_names_and_caps_the_limit() {
        let t = table("main", "order items");
        assert_eq!(
            count_sql(Dialect::Sqlite, &t),
            "SELECT COUNT(*) FROM \"order items\""
        );
        let sql = first_rows_sql(Dialect::Postgresql, &table("public", "user"), 5000);
        assert_eq!(
            sql,
            "SELECT CAST(\"select\" AS text) FROM public.\"user\" LIMIT 1000"
        );
        let mut t = table("app", "t");
        let sql = first_rows_sql(Dialect::Mysql, &t, 10);
        assert_eq!(sql, "SELECT `select` FROM app.t LIMIT 10");
        t.columns[0].data_type = "varbinary(16)".to_string();
        let sql = first_rows_sql(Dialect::Mysql, &t, 10);
        assert_eq!(
            sql,
            "SELECT CONCAT('0x', HEX(`select`)) FROM app.t LIMIT 10"
        );
    }

    #[tokio::test]
    async fn reads_count_and_first_rows_of_sqlite() {
        let mut db = Database::connect_to(Dialect::Sqlite, "sqlite::memory:")
            .await
            .unwrap();
        db.execute("CREATE TABLE \"select\" (\"select\" integer, b blob)")
            .await
            .unwrap();
        db.execute("INSERT INTO \"select\" VALUES (1, x'00ff'), (NULL, NULL), (3, NULL)")
            .await
            .unwrap();
        let mut t = table("main", "select");
        t.columns.push(Column {
            name: "b".to_string(),
            ..t.columns[0].clone()
        });
        let rows = table_rows(&mut db, &t, 2).await.unwrap();
        assert_eq!(rows.total_count, 3);
        assert_eq!(rows.columns, vec!["select", "b"]);
        assert_eq!(
            rows.rows,
            vec![
                vec![Some("1".to_string()), Some("X'00FF'".to_string())],
                vec![None, None]
            ]
        );
    }
}
