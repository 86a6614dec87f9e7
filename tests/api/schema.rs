//! `src/schema.rs` (diesel's view of the tables) must match what the migrations create.

use clinic_content::db::Conn;
use diesel::prelude::*;
use diesel::query_builder::debug_query;
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use clinic_content::schema;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

fn columns_in_database(conn: &mut Conn, table: &str) -> Vec<String> {
    diesel::sql_query(format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
        .load::<Name>(conn)
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect()
}

/// Column names in the order diesel selects them, read off the SQL diesel generates.
fn columns_in_schema(select_sql: &str, table: &str) -> Vec<String> {
    let list = select_sql.strip_prefix("SELECT ").unwrap().split(" FROM ").next().unwrap();
    list.split(", ")
        .map(|column| column.trim_start_matches(&format!("`{table}`.")).trim_matches('`').to_string())
        .collect()
}

macro_rules! check_tables {
    ($conn:expr, $tables:expr, $($table:ident),+ $(,)?) => {{
        let mut checked = Vec::new();
        $(
            let sql = debug_query::<Sqlite, _>(&schema::$table::table.select(schema::$table::all_columns)).to_string();
            let name = stringify!($table);
            assert_eq!(columns_in_schema(&sql, name), columns_in_database($conn, name), "table {name}");
            checked.push(name.to_string());
        )+
        checked.sort();
        let mut tables: Vec<String> = $tables;
        tables.sort();
        assert_eq!(checked, tables, "every table has a diesel definition");
    }};
}

#[actix_web::test]
async fn schema_rs_matches_the_migrations() {
    let app = crate::helpers::spawn_sqlite_app().await;
    let mut conn = app.connection();
    let tables: Vec<String> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '__diesel_schema_migrations' AND name NOT LIKE 'search_index%'",
    )
    .load::<Name>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|n| n.name)
    .collect();
    check_tables!(
        &mut conn,
        tables,
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
}
