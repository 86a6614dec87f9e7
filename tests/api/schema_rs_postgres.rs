//! `src/schema.rs` also describes the PostgreSQL tables exactly: each column's diesel type is
//! the PostgreSQL type it decodes (Integer is int4, BigInt int8, ...), with the same nullability.
//! SQLite forgives a wrong width; PostgreSQL fails the read. (Column names and their order are
//! checked against SQLite by tests/api/schema.rs, and SQLite against PostgreSQL by schema_parity.)

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Binary, Bool, Integer, Nullable, Text};

use clinic_content::schema;

use crate::pg::PgDatabase;

/// A diesel SQL type as PostgreSQL's `udt_name` calls it, and whether it is nullable.
trait PgName {
    const NAME: &'static str;
    const NULLABLE: bool = false;
}

impl PgName for Integer {
    const NAME: &'static str = "int4";
}
impl PgName for BigInt {
    const NAME: &'static str = "int8";
}
impl PgName for Text {
    const NAME: &'static str = "text";
}
impl PgName for Bool {
    const NAME: &'static str = "bool";
}
impl PgName for Binary {
    const NAME: &'static str = "bytea";
}
impl<T: PgName + diesel::sql_types::SqlType<IsNull = diesel::sql_types::is_nullable::NotNull>> PgName for Nullable<T> {
    const NAME: &'static str = T::NAME;
    const NULLABLE: bool = true;
}

/// The columns of a table's row type, in order.
trait PgColumns {
    fn describe() -> Vec<(&'static str, bool)>;
}

macro_rules! pg_columns {
    ($($T:ident),+) => {
        impl<$($T: PgName),+> PgColumns for ($($T,)+) {
            fn describe() -> Vec<(&'static str, bool)> {
                vec![$(($T::NAME, $T::NULLABLE)),+]
            }
        }
    };
}
macro_rules! pg_columns_up_to {
    ($first:ident $(, $rest:ident)*) => {
        pg_columns_up_to!(@ [$first] $($rest),*);
    };
    (@ [$($done:ident),+] $next:ident $(, $rest:ident)*) => {
        pg_columns!($($done),+);
        pg_columns_up_to!(@ [$($done,)+ $next] $($rest),*);
    };
    (@ [$($done:ident),+]) => {
        pg_columns!($($done),+);
    };
}
pg_columns_up_to!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    udt_name: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

macro_rules! row_type {
    ($table:ident) => {
        <<<schema::$table::table as diesel::Table>::AllColumns as diesel::Expression>::SqlType as PgColumns>::describe()
    };
}

macro_rules! check_tables {
    ($columns:expr, $($table:ident),+ $(,)?) => {{
        let mut checked = Vec::new();
        $(
            let name = stringify!($table);
            let in_database: Vec<(&str, bool)> = $columns
                .iter()
                .filter(|c| c.table_name == name)
                .map(|c| (c.udt_name.as_str(), c.nullable))
                .collect();
            assert_eq!(row_type!($table), in_database, "src/schema.rs against PostgreSQL's table {name}");
            checked.push(name.to_string());
        )+
        checked
    }};
}

#[test]
fn schema_rs_types_are_the_postgresql_columns() {
    let Some(database) = PgDatabase::create("schema_rs") else { return };
    let mut conn = database.connect();
    clinic_content::db::postgres::migrate(&mut conn).expect("PostgreSQL migrations");
    // The search index has no diesel definition on either backend (on SQLite it is an FTS5
    // table diesel cannot describe): src/search reads and writes it as SQL text.
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT table_name::text, udt_name::text, is_nullable = 'YES' AS nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT IN ('__diesel_schema_migrations', 'search_documents', 'search_totals')
         ORDER BY table_name, ordinal_position",
    )
    .load(&mut conn)
    .unwrap();
    let mut checked = check_tables!(
        columns,
        site,
        tags,
        citations,
        posts,
        post_sections,
        post_key_points,
        post_tags,
        post_citations,
        condition_categories,
        conditions,
        post_condition_categories,
        faqs,
        faq_tags,
        guidance_bands,
        guidance_course,
        api_tokens,
        post_redirects,
        content_version,
        service_secrets,
        change_log,
        red_flag_symptoms,
        webhooks,
        webhook_events,
        webhook_deliveries,
        webhook_schedule,
        tagged_posts,
        cited_posts,
    );
    checked.sort();
    let mut tables: Vec<String> = columns.iter().map(|c| c.table_name.clone()).collect();
    tables.dedup();
    assert_eq!(checked, tables, "every PostgreSQL table has a diesel definition");
}
