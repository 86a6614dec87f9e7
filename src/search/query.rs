//! Searching every kind of content at once, ranked (titles weigh ten times the body), with
//! highlighted snippets. Only what the viewer may see is found. SQLite's FTS5 is searched here;
//! PostgreSQL's documents in `postgres`, which hands back the same rows.

use crate::db::{Conn, Dialect};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};
use serde::Serialize;
use utoipa::ToSchema;

use super::index::Kind;
use crate::content::Viewer;
use crate::http::list_query::Bind;
use crate::http::prepared::Prepared;
use crate::http::search_terms::SearchTerms;

/// One search result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    /// `post`, `faq`, `condition` or `guidance`.
    #[serde(rename = "type")]
    #[schema(example = "post")]
    pub kind: String,
    #[schema(example = "is-massage-therapy-worth-it-for-back-pain")]
    pub slug: String,
    /// The title (or question, or name) as plain text: render it as text, never as HTML.
    #[schema(example = "Is Massage Therapy Worth It for Back Pain? An Honest Answer")]
    pub title: String,
    /// The title as HTML: escaped, with the matches wrapped in `<mark>` (and no other markup).
    #[schema(example = "Is <mark>Massage</mark> Therapy Worth It for Back Pain? An Honest Answer")]
    pub title_highlighted: String,
    /// A passage around the best match as HTML: escaped, with the matches wrapped in `<mark>`.
    pub snippet: String,
    /// The score, lower is a better match: bm25 on SQLite, `-ts_rank` on PostgreSQL; compare
    /// ranks only within one answer (their scale differs between backends and databases).
    pub rank: f64,
    /// Where to read the resource.
    #[schema(example = "/v1/posts/is-massage-therapy-worth-it-for-back-pain")]
    pub href: String,
}

/// A hit as a backend finds it: the title and snippet with matches between U+0002 and U+0003.
#[derive(QueryableByName)]
pub(super) struct Row {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub snippet: String,
    #[diesel(sql_type = Double)]
    pub rank: f64,
}

#[derive(QueryableByName)]
pub struct CountRow {
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Marks from FTS5 (control characters no text contains) become `<mark>` after escaping.
fn marked(text: &str) -> String {
    crate::posts::body::escape_html(text).replace('\u{2}', "<mark>").replace('\u{3}', "</mark>")
}

/// The text without FTS5's marks.
fn unmarked(text: &str) -> String {
    text.replace(['\u{2}', '\u{3}'], "")
}

fn href(kind: &str, slug: &str) -> String {
    match kind {
        "post" => format!("/v1/posts/{slug}"),
        "faq" => format!("/v1/faqs/{slug}"),
        "condition" => format!("/v1/conditions/{slug}"),
        _ => format!("/v1/guidance/{slug}"),
    }
}

/// The kinds' codes, for `IN (…)` (on SQLite a row's kind is its rowid's top bits: `kind × 2^40 + id`, see `index`).
pub(super) fn codes(kinds: &[String]) -> String {
    let codes: Vec<String> = kinds
        .iter()
        .filter_map(|kind| Kind::ALL.into_iter().find(|k| k.name() == kind).map(|k| (k as i64).to_string()))
        .collect();
    codes.join(", ")
}

/// The page size a statement is prepared for: one of four, so that their shapes stay few (the
/// rows past the page are dropped).
pub(super) fn prepared_limit(limit: i64) -> i64 {
    [10, 20, 50, 100].into_iter().find(|size| *size >= limit).unwrap_or(limit)
}

/// The WHERE clause shared by the page and the count; binds: the MATCH, then `now` three times
/// for the public (compared with unary `+`: the rows are found by id, and a value compared with
/// an indexed column would make SQLite re-prepare the statement on every run). The kind is read off the rowid, never the `kind` column: reading a column
/// loads the row's whole document, which at thousands of matches costs more than the search.
fn conditions(kinds: &[String], viewer: &Viewer) -> String {
    let mut sql = format!("search_index MATCH ? AND (search_index.rowid >> 40) IN ({})", codes(kinds));
    if !viewer.preview {
        // Correlated lookups by primary key: cheap per match, unlike materialising every
        // public id for each search.
        sql.push_str(concat!(
            " AND ((search_index.rowid >> 40) <> 1 OR EXISTS (SELECT 1 FROM posts p WHERE p.id = search_index.rowid - (1 << 40)
                     AND +p.status IN ",
            crate::public_statuses!(),
            " AND +p.published_at <= ?))
              AND ((search_index.rowid >> 40) <> 2 OR EXISTS (SELECT 1 FROM faqs f LEFT JOIN posts p ON p.id = f.post_id
                     WHERE f.id = search_index.rowid - (2 << 40)
                     AND +f.status IN ",
            crate::public_statuses!(),
            " AND +f.published_at <= ?
                     AND (f.post_id IS NULL OR (+p.status IN ",
            crate::public_statuses!(),
            " AND +p.published_at <= ?))))",
        ));
    }
    sql
}

/// A page of hits for `q`, best first, and the total. `kinds` are validated names (post, faq,
/// condition, guidance).
pub fn search(
    conn: &mut Conn,
    terms: &SearchTerms,
    kinds: &[String],
    viewer: &Viewer,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<SearchHit>, i64)> {
    let key = format!("search|{}|{}|{}", terms.fts, kinds.join(","), viewer.preview);
    let (rows, total) = match conn.dialect() {
        Dialect::Sqlite => sqlite_page(conn, &terms.fts, kinds, viewer, limit, offset, &key)?,
        Dialect::Postgres => super::postgres::page(conn, terms, kinds, viewer, limit, offset, &key)?,
    };
    let hits = rows
        .into_iter()
        .map(|row| SearchHit {
            href: href(&row.kind, &row.slug),
            title: unmarked(&row.title),
            title_highlighted: marked(&row.title),
            snippet: marked(&row.snippet),
            rank: row.rank,
            kind: row.kind,
            slug: row.slug,
        })
        .collect();
    Ok((hits, total))
}

fn sqlite_page(
    conn: &mut Conn,
    fts: &str,
    kinds: &[String],
    viewer: &Viewer,
    limit: i64,
    offset: i64,
    key: &str,
) -> QueryResult<(Vec<Row>, i64)> {
    let filter = conditions(kinds, viewer);
    let publics = if viewer.preview { 0 } else { 3 };
    // FTS5 ranks every match itself (`rank` is the bm25 below) and hands them over best first,
    // so the filters run only until the page is full and the title and snippet are made only
    // for the page (SQLite skips the OFFSET rows before computing the columns). Its sort is
    // stable over the matches in rowid order, so ties come by rowid, as `ORDER BY rank, rowid`.
    // The limit (a number, not input) is written in: SQLite plans for a bound limit's value and
    // would prepare the statement a second time on every run.
    // The page's SQL is kept prepared (`Prepared`), so its shapes must stay few: the limit is
    // one of four sizes (the rows past the page are dropped) and the kinds a subset of four.
    let prepared_limit = prepared_limit(limit);
    let page_sql = format!(
        "SELECT kind, slug,
                highlight(search_index, 2, char(2), char(3)) AS title,
                snippet(search_index, 3, char(2), char(3), '…', 24) AS snippet,
                rank
         FROM search_index
         WHERE {filter} AND rank MATCH 'bm25(0.0, 0.0, 10.0, 1.0)'
         ORDER BY rank LIMIT {prepared_limit} OFFSET ?"
    );
    let values = std::iter::once(Bind::Text(fts.to_string()))
        .chain(std::iter::repeat_n(Bind::Text(viewer.now.clone()), publics))
        .chain(std::iter::once(Bind::Int(offset)));
    let page = Prepared::new(&page_sql, values);
    let mut rows: Vec<Row> = page.load(conn)?;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let total = viewer.total(key, || {
        let mut count = diesel::sql_query(format!("SELECT count(*) AS n FROM search_index WHERE {filter}"))
            .into_boxed()
            .bind::<Text, _>(fts.to_string());
        for _ in 0..publics {
            count = count.bind::<Text, _>(viewer.now.clone());
        }
        Ok(count.get_result::<CountRow>(conn)?.n)
    })?;
    Ok((rows, total))
}

crate::list_envelope!(SearchResults, SearchHit);
