//! The PostgreSQL schema (migrations/postgres) matches the SQLite one (migrations/sqlite): the
//! same migration steps; the same tables, columns (kinds of type, nullability), primary and unique
//! keys, named indexes and triggers; the same rows the migrations insert. Any difference must be
//! in `ALLOWED`, with its reason.

use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use clinic_content::db;

use crate::catalog::{self, Catalog, Table};
use crate::pg::PgDatabase;

const SQLITE_TEXT_KEY: &str = "SQLite lets a TEXT PRIMARY KEY column of a rowid table hold NULL unless it is declared \
     NOT NULL (a legacy quirk); PostgreSQL's key columns are NOT NULL. Nothing writes NULL there.";

/// An entry allows every difference whose description starts with it. An entry that allows
/// nothing fails the test, so the list cannot outlive the differences it explains.
const ALLOWED: &[(&str, &str)] = &[
    (
        "table search_index",
        "SQLite's search index: the FTS5 table and its shadow tables (search_index_data, _idx, _content, \
         _docsize, _config). PostgreSQL's is search_documents; no other object refers to either.",
    ),
    (
        "table search_documents",
        "PostgreSQL's search index (a tsvector per resource under a GIN index); SQLite's is the FTS5 \
         table search_index. No other object refers to either.",
    ),
    (
        "table search_totals",
        "How many documents and words PostgreSQL's search index holds, for bm25 (FTS5 keeps the same \
         inside search_index).",
    ),
    ("index search_documents_match", "The GIN index of PostgreSQL's search documents (see table search_documents)."),
    (
        "column webhooks.active: Integer on SQLite, Bool on PostgreSQL",
        "INTEGER CHECK (active IN (0, 1)) on SQLite; src/schema.rs reads it as Bool on both.",
    ),
    ("column post_redirects.old_slug: nullable on SQLite, NOT NULL on PostgreSQL", SQLITE_TEXT_KEY),
    ("column red_flag_symptoms.symptom: nullable on SQLite, NOT NULL on PostgreSQL", SQLITE_TEXT_KEY),
    ("column service_secrets.name: nullable on SQLite, NOT NULL on PostgreSQL", SQLITE_TEXT_KEY),
];

fn step_names<DB: diesel::backend::Backend>(source: impl MigrationSource<DB>) -> Vec<String> {
    source.migrations().expect("embedded migrations").iter().map(|m| m.name().to_string()).collect()
}

#[test]
fn both_backends_have_the_same_migration_steps() {
    let sqlite = step_names::<diesel::sqlite::Sqlite>(db::sqlite::MIGRATIONS);
    let postgres = step_names::<diesel::pg::Pg>(db::postgres::MIGRATIONS);
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres have the same steps, with the same names");
}

fn only_in<'a>(left: impl Iterator<Item = &'a String>, right: &[&String]) -> Vec<&'a String> {
    left.filter(|name| !right.contains(name)).collect()
}

fn compare_table(name: &str, sqlite: &Table, postgres: &Table, found: &mut Vec<String>) {
    let names = |table: &Table| table.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(", ");
    if names(sqlite) != names(postgres) {
        found.push(format!("table {name}: columns ({}) on SQLite, ({}) on PostgreSQL", names(sqlite), names(postgres)));
    }
    for lite in &sqlite.columns {
        let Some(pg) = postgres.columns.iter().find(|c| c.name == lite.name) else { continue };
        if lite.kind != pg.kind {
            found.push(format!("column {name}.{}: {:?} on SQLite, {:?} on PostgreSQL", lite.name, lite.kind, pg.kind));
        }
        if lite.not_null != pg.not_null {
            let says = |not_null: bool| if not_null { "NOT NULL" } else { "nullable" };
            found.push(format!(
                "column {name}.{}: {} on SQLite, {} on PostgreSQL",
                lite.name,
                says(lite.not_null),
                says(pg.not_null)
            ));
        }
    }
    if sqlite.primary_key != postgres.primary_key {
        found.push(format!(
            "table {name}: primary key ({}) on SQLite, ({}) on PostgreSQL",
            sqlite.primary_key.join(", "),
            postgres.primary_key.join(", ")
        ));
    }
    for key in sqlite.unique.difference(&postgres.unique) {
        found.push(format!("table {name}: unique ({}) only on SQLite", key.join(", ")));
    }
    for key in postgres.unique.difference(&sqlite.unique) {
        found.push(format!("table {name}: unique ({}) only on PostgreSQL", key.join(", ")));
    }
}

fn differences(sqlite: &Catalog, postgres: &Catalog) -> Vec<String> {
    let mut found = Vec::new();
    let sides = [("SQLite", sqlite, postgres), ("PostgreSQL", postgres, sqlite)];
    for (side, this, other) in sides {
        let other_tables: Vec<&String> = other.tables.keys().collect();
        for table in only_in(this.tables.keys(), &other_tables) {
            found.push(format!("table {table}: only on {side}"));
        }
        let other_indexes: Vec<&String> = other.indexes.iter().collect();
        for index in only_in(this.indexes.iter(), &other_indexes) {
            found.push(format!("index {index}: only on {side}"));
        }
        let other_triggers: Vec<&String> = other.triggers.iter().collect();
        for trigger in only_in(this.triggers.iter(), &other_triggers) {
            found.push(format!("trigger {trigger}: only on {side}"));
        }
    }
    for (name, table) in &sqlite.tables {
        if let Some(other) = postgres.tables.get(name) {
            compare_table(name, table, other, &mut found);
        }
    }
    found
}

#[derive(QueryableByName, Debug, PartialEq)]
struct RedFlag {
    #[diesel(sql_type = Text)]
    symptom: String,
    #[diesel(sql_type = Text)]
    condition_slug: String,
    #[diesel(sql_type = Text)]
    label: String,
    #[diesel(sql_type = Integer)]
    position: i32,
}

#[derive(QueryableByName, Debug, PartialEq)]
struct Version {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Text)]
    changed_at: String,
}

const RED_FLAGS: &str = "SELECT symptom, condition_slug, label, position FROM red_flag_symptoms ORDER BY symptom";
const VERSION: &str = "SELECT id, version, changed_at FROM content_version";

/// A fresh SQLite database migrated the way the app does it (`db::migrate`).
pub fn migrated_sqlite() -> (tempfile::TempDir, SqliteConnection) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("parity.db");
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).expect("open SQLite");
    db::sqlite::migrate(&mut conn).expect("SQLite migrations");
    (dir, conn)
}

#[test]
fn postgres_schema_matches_sqlite() {
    let Some(database) = PgDatabase::create("parity") else { return };
    let mut pg = database.connect();
    db::postgres::migrate(&mut pg).expect("PostgreSQL migrations");
    let (_dir, mut lite) = migrated_sqlite();
    let (sqlite, postgres) = (catalog::sqlite(&mut lite), catalog::postgres(&mut pg));
    assert!(sqlite.tables.len() > 20 && sqlite.triggers.len() > 30, "the SQLite catalog was read");

    let found = differences(&sqlite, &postgres);
    let unexplained: Vec<&String> =
        found.iter().filter(|d| !ALLOWED.iter().any(|(allowed, _)| d.starts_with(allowed))).collect();
    assert!(unexplained.is_empty(), "schema differences not in ALLOWED:\n{unexplained:#?}");
    let stale: Vec<&str> = ALLOWED
        .iter()
        .map(|(allowed, _)| *allowed)
        .filter(|allowed| !found.iter().any(|d| d.starts_with(allowed)))
        .collect();
    assert!(stale.is_empty(), "ALLOWED entries that match no difference (remove them): {stale:#?}");

    // Byte order everywhere, as SQLite's BINARY collation (sorting, keyset cursors, comparisons).
    let not_c: Vec<String> = postgres
        .tables
        .iter()
        .flat_map(|(table, t)| t.columns.iter().map(move |c| (table, c)))
        .filter(|(_, c)| c.kind == catalog::Kind::Text && c.collation.as_deref() != Some("C"))
        .map(|(table, c)| format!("{table}.{}: {:?}", c.name, c.collation))
        .collect();
    assert!(not_c.is_empty(), "text columns without COLLATE \"C\": {not_c:#?}");

    let red_flags = |rows: Vec<RedFlag>| rows;
    assert_eq!(
        red_flags(diesel::sql_query(RED_FLAGS).load(&mut lite).unwrap()),
        red_flags(diesel::sql_query(RED_FLAGS).load(&mut pg).unwrap())
    );
    let versions = |rows: Vec<Version>| rows;
    assert_eq!(
        versions(diesel::sql_query(VERSION).load(&mut lite).unwrap()),
        versions(diesel::sql_query(VERSION).load(&mut pg).unwrap())
    );
}
