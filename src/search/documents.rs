//! PostgreSQL's search index: a row of `search_documents` per resource, keyed by (kind, id),
//! with the title and body as written (for highlighting) and a `tsvector` of them, the title
//! weighted A and the body B. The words are cut out here, as SQLite's tokenizer cuts them
//! (`search_terms::words_only`), so both backends index the same words whatever the server's
//! locale; PostgreSQL stems them and folds their accents (`search_terms::POSTGRES_CONFIG`).
//! Each document's word count and the index's totals (`search_totals`) are what bm25 needs.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text};

use super::index::{alias, source, Kind};
use crate::db::{Conn, Dialect};
use crate::http::list_query::Bind;
use crate::http::prepared::Prepared;
use crate::http::search_terms::{words, words_only, POSTGRES_CONFIG};

/// Resources read and written per statement: a bulk load's texts never all sit in memory.
const BATCH: i32 = 500;

#[derive(QueryableByName)]
struct Source {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    body: String,
}

#[derive(QueryableByName)]
struct Last {
    #[diesel(sql_type = Nullable<Integer>)]
    id: Option<i32>,
}

/// Keeps `search_totals` (documents and words in the index, for bm25) in step with a statement
/// that adds or removes documents and returns their `words`.
fn counted(change: &str, sign: char) -> String {
    format!(
        "WITH changed AS ({change} RETURNING words)
         UPDATE search_totals SET documents = documents {sign} (SELECT count(*) FROM changed),
                                  words = words {sign} coalesce((SELECT sum(words) FROM changed), 0)"
    )
}

pub fn remove(conn: &mut Conn, kind: Kind, id: i32) -> QueryResult<()> {
    let delete = format!("DELETE FROM search_documents WHERE kind = {} AND id = ?", kind as i64);
    Prepared::once(&counted(&delete, '-'), [Bind::Int(i64::from(id))]).execute(conn)?;
    Ok(())
}

/// Adds the documents of the resources of one kind with ids `first..=last` (that have none).
pub fn add_range(conn: &mut Conn, kind: Kind, first: i32, last: i32) -> QueryResult<()> {
    // A long range ends at the last id there is, so that "everything" (`i32::MAX`) is a few
    // batches, not millions; one batch (a single resource's write) needs no lookup.
    let last = if last.saturating_sub(first) < BATCH {
        last
    } else {
        let highest =
            diesel::sql_query(format!("SELECT max(id) AS id FROM {}", kind.table())).get_result::<Last>(conn)?;
        last.min(highest.id.unwrap_or(0))
    };
    let mut start = first;
    while start <= last {
        let end = start.saturating_add(BATCH - 1).min(last);
        add_batch(conn, kind, start, end)?;
        if end == i32::MAX {
            break;
        }
        start = end + 1;
    }
    Ok(())
}

fn add_batch(conn: &mut Conn, kind: Kind, first: i32, last: i32) -> QueryResult<()> {
    let filter = format!("WHERE {alias}.id BETWEEN ? AND ?", alias = alias(kind));
    let rows: Vec<Source> = Prepared::once(
        &source(Dialect::Postgres, kind, &filter),
        [Bind::Int(i64::from(first)), Bind::Int(i64::from(last))],
    )
    .load(conn)?;
    if rows.is_empty() {
        return Ok(());
    }
    let document = format!(
        "setweight(to_tsvector('{POSTGRES_CONFIG}', ?), 'A') || setweight(to_tsvector('{POSTGRES_CONFIG}', ?), 'B')"
    );
    let values = vec![format!("({}, ?, ?, ?, ?, {document}, ?)", kind as i64); rows.len()].join(", ");
    let binds = rows.into_iter().flat_map(|row| {
        let count = words(&row.title).count() + words(&row.body).count();
        let (title_words, body_words) = (words_only(&row.title), words_only(&row.body));
        [
            Bind::Int(i64::from(row.id)),
            Bind::Text(row.slug),
            Bind::Text(row.title),
            Bind::Text(row.body),
            Bind::Text(title_words),
            Bind::Text(body_words),
            Bind::Int(count as i64),
        ]
    });
    let insert = format!("INSERT INTO search_documents (kind, id, slug, title, body, document, words) VALUES {values}");
    Prepared::once(&counted(&insert, '+'), binds).execute(conn)?;
    Ok(())
}

/// Every document made again from the tables.
pub fn rebuild(conn: &mut Conn) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM search_documents").execute(conn)?;
    diesel::sql_query("UPDATE search_totals SET documents = 0, words = 0").execute(conn)?;
    for kind in Kind::ALL {
        add_range(conn, kind, 0, i32::MAX)?;
    }
    Ok(())
}
