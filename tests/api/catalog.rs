//! What a migrated database holds, read from its own catalog (SQLite's pragmas, PostgreSQL's
//! information_schema and pg_catalog) into one model the schema comparison works on.

use std::collections::{BTreeMap, BTreeSet};

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};

/// Types reduced to what both backends can store alike (widths are PostgreSQL's own business:
/// they follow src/schema.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Text,
    Bool,
    Blob,
    Real,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    pub not_null: bool,
    /// PostgreSQL only: the text column's collation.
    pub collation: Option<String>,
}

#[derive(Debug, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    /// The column lists of unique constraints and unique indexes (not the primary key).
    pub unique: BTreeSet<Vec<String>>,
}

#[derive(Debug, Default)]
pub struct Catalog {
    pub tables: BTreeMap<String, Table>,
    /// Indexes created by name (not those behind a primary key or unique constraint).
    pub indexes: BTreeSet<String>,
    pub triggers: BTreeSet<String>,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

fn sqlite_names(conn: &mut SqliteConnection, sql: &str) -> Vec<String> {
    diesel::sql_query(sql).load::<Name>(conn).expect(sql).into_iter().map(|n| n.name).collect()
}

fn postgres_names(conn: &mut PgConnection, sql: &str) -> Vec<String> {
    diesel::sql_query(sql).load::<Name>(conn).expect(sql).into_iter().map(|n| n.name).collect()
}

fn sqlite_kind(declared: &str) -> Kind {
    match declared.to_ascii_uppercase().as_str() {
        "INTEGER" => Kind::Integer,
        "TEXT" => Kind::Text,
        "BOOLEAN" => Kind::Bool,
        // No declared type has BLOB affinity (the FTS5 shadow tables' columns).
        "BLOB" | "" => Kind::Blob,
        "REAL" => Kind::Real,
        other => panic!("no kind for the SQLite type '{other}': add it to catalog::sqlite_kind"),
    }
}

fn postgres_kind(data_type: &str) -> Kind {
    match data_type {
        "smallint" | "integer" | "bigint" => Kind::Integer,
        "text" => Kind::Text,
        "boolean" => Kind::Bool,
        // A search document (tsvector) is opaque bytes to the service, as FTS5's segments.
        "bytea" | "tsvector" => Kind::Blob,
        "real" | "double precision" => Kind::Real,
        other => panic!("no kind for the PostgreSQL type '{other}': add it to catalog::postgres_kind"),
    }
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    declared: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct SqliteIndex {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Bool)]
    unique: bool,
    #[diesel(sql_type = Text)]
    origin: String,
}

pub fn sqlite(conn: &mut SqliteConnection) -> Catalog {
    let mut catalog = Catalog::default();
    let tables = sqlite_names(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name != '__diesel_schema_migrations' ORDER BY name",
    );
    for table_name in tables {
        let mut table = Table::default();
        let columns: Vec<SqliteColumn> = diesel::sql_query(format!(
            "SELECT name, type AS declared, \"notnull\" AS not_null, pk FROM pragma_table_info('{table_name}') ORDER BY cid"
        ))
        .load(conn)
        .unwrap();
        let mut key: Vec<(i32, String)> = columns.iter().filter(|c| c.pk > 0).map(|c| (c.pk, c.name.clone())).collect();
        key.sort();
        // An INTEGER PRIMARY KEY is the rowid, which is never NULL (the pragma says nullable).
        let rowid_alias =
            key.len() == 1 && columns.iter().any(|c| c.pk == 1 && c.declared.eq_ignore_ascii_case("INTEGER"));
        for column in &columns {
            table.columns.push(Column {
                name: column.name.clone(),
                kind: sqlite_kind(&column.declared),
                not_null: column.not_null || (rowid_alias && column.pk == 1),
                collation: None,
            });
        }
        table.primary_key = key.into_iter().map(|(_, name)| name).collect();
        let indexes: Vec<SqliteIndex> = diesel::sql_query(format!(
            "SELECT name, \"unique\" AS \"unique\", origin FROM pragma_index_list('{table_name}')"
        ))
        .load(conn)
        .unwrap();
        for index in indexes {
            if index.origin == "c" {
                catalog.indexes.insert(index.name.clone());
            }
            if index.unique && index.origin != "pk" {
                let columns =
                    sqlite_names(conn, &format!("SELECT name FROM pragma_index_info('{}') ORDER BY seqno", index.name));
                table.unique.insert(columns);
            }
        }
        catalog.tables.insert(table_name, table);
    }
    catalog.triggers =
        sqlite_names(conn, "SELECT name FROM sqlite_master WHERE type = 'trigger'").into_iter().collect();
    catalog
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    collation: Option<String>,
}

#[derive(QueryableByName)]
struct PgUnique {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Bool)]
    primary: bool,
    #[diesel(sql_type = Text)]
    columns: String,
}

/// The `public` schema of the database `conn` is connected to.
pub fn postgres(conn: &mut PgConnection) -> Catalog {
    let mut catalog = Catalog::default();
    let columns: Vec<PgColumn> = diesel::sql_query(
        "SELECT c.table_name::text, c.column_name::text AS name, c.data_type::text, c.is_nullable = 'NO' AS not_null,
                c.collation_name::text AS collation
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
           AND c.table_name <> '__diesel_schema_migrations'
         ORDER BY c.table_name, c.ordinal_position",
    )
    .load(conn)
    .unwrap();
    for column in columns {
        catalog.tables.entry(column.table_name).or_default().columns.push(Column {
            name: column.name,
            kind: postgres_kind(&column.data_type),
            not_null: column.not_null,
            collation: column.collation,
        });
    }
    let uniques: Vec<PgUnique> = diesel::sql_query(
        "SELECT t.relname::text AS table_name, i.indisprimary AS primary,
                (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord)
                 FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS columns
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
         WHERE t.relnamespace = 'public'::regnamespace AND i.indisunique
           AND t.relname <> '__diesel_schema_migrations'",
    )
    .load(conn)
    .unwrap();
    for unique in uniques {
        let table = catalog.tables.entry(unique.table_name).or_default();
        let columns: Vec<String> = unique.columns.split(',').map(str::to_string).collect();
        if unique.primary {
            table.primary_key = columns;
        } else {
            table.unique.insert(columns);
        }
    }
    catalog.indexes = postgres_names(
        conn,
        "SELECT ic.relname::text AS name FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
         WHERE ic.relnamespace = 'public'::regnamespace
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
    )
    .into_iter()
    .collect();
    catalog.triggers = postgres_names(
        conn,
        "SELECT t.tgname::text AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace",
    )
    .into_iter()
    .collect();
    catalog
}
