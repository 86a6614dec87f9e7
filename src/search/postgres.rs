//! Searching PostgreSQL's documents (`documents`): the same filters, order and page as FTS5's
//! (`query`), ranked by bm25 as FTS5 ranks (`http::bm25`), ties in index order (kind, then id, as
//! FTS5's rowid). Highlights are made only for the page's rows.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Text};

use super::highlight::{self, START, STOP};
use super::index::Kind;
use super::query::{codes, prepared_limit, CountRow, Row};
use crate::content::Viewer;
use crate::db::Conn;
use crate::http::bm25;
use crate::http::list_query::Bind;
use crate::http::prepared::Prepared;
use crate::http::search_terms::{words_only, SearchTerms, POSTGRES_CONFIG};

/// Words in a snippet, as FTS5's `snippet(…, 24)`.
const SNIPPET_WORDS: usize = 24;

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = BigInt)]
    kind: i64,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Double)]
    rank: f64,
}

#[derive(QueryableByName)]
struct Headline {
    #[diesel(sql_type = Integer)]
    n: i32,
    #[diesel(sql_type = Text)]
    marked: String,
}

/// The WHERE clause shared by the page and the count; binds: `now` three times for the public.
/// The lookups are by primary key for each match: `OFFSET 0` keeps PostgreSQL from turning an
/// `EXISTS` into a hash of every public post (a scan of `posts` per search; 7 ms at 10,000 posts).
fn conditions(kinds: &[String], viewer: &Viewer) -> String {
    let mut sql = format!("d.document @@ q.q AND d.kind IN ({})", codes(kinds));
    if !viewer.preview {
        sql.push_str(concat!(
            " AND (d.kind <> 1 OR EXISTS (SELECT 1 FROM posts p WHERE p.id = d.id AND p.status IN ",
            crate::public_statuses!(),
            " AND p.published_at <= ? OFFSET 0))
              AND (d.kind <> 2 OR EXISTS (SELECT 1 FROM faqs f LEFT JOIN posts p ON p.id = f.post_id
                     WHERE f.id = d.id AND f.status IN ",
            crate::public_statuses!(),
            " AND f.published_at <= ?
                     AND (f.post_id IS NULL OR (p.status IN ",
            crate::public_statuses!(),
            " AND p.published_at <= ?)) OFFSET 0))",
        ));
    }
    sql
}

fn kind_name(code: i64) -> &'static str {
    Kind::ALL.into_iter().find(|kind| *kind as i64 == code).map_or("post", Kind::name)
}

/// A page of hits for `terms`, best first, and the total.
pub(super) fn page(
    conn: &mut Conn,
    terms: &SearchTerms,
    kinds: &[String],
    viewer: &Viewer,
    limit: i64,
    offset: i64,
    key: &str,
) -> QueryResult<(Vec<Row>, i64)> {
    let tsquery = terms.tsquery.as_str();
    let filter = conditions(kinds, viewer);
    let publics = if viewer.preview { 0 } else { 3 };
    let from = format!("FROM search_documents d, to_tsquery('{POSTGRES_CONFIG}', ?) AS q(q) WHERE {filter}");
    let binds = || {
        std::iter::once(Bind::Text(tsquery.to_string()))
            .chain(std::iter::repeat_n(Bind::Text(viewer.now.clone()), publics))
    };
    let rank = bm25::rank(conn, viewer, terms)?;
    let page_sql = format!(
        "SELECT CAST(d.kind AS BIGINT) AS kind, d.slug AS slug, d.title AS title, d.body AS body, {rank} AS rank
         {from} ORDER BY rank, d.kind, d.id LIMIT {limit} OFFSET ?",
        rank = rank.sql,
        limit = prepared_limit(limit)
    );
    let values = rank.binds.into_iter().chain(binds()).chain(std::iter::once(Bind::Int(offset)));
    let mut found: Vec<Found> = Prepared::new(&page_sql, values).load(conn)?;
    found.truncate(usize::try_from(limit).unwrap_or(0));
    let total = viewer.total(key, || {
        Ok(Prepared::new(&format!("SELECT count(*) AS n {from}"), binds()).get_result::<CountRow>(conn)?.n)
    })?;
    let marks = headlines(conn, tsquery, &found)?;
    let rows = found
        .into_iter()
        .zip(marks.chunks(2))
        .map(|(hit, marks)| Row {
            kind: kind_name(hit.kind).to_string(),
            title: highlight::highlight(&hit.title, &marks[0]),
            snippet: highlight::snippet(&hit.body, &marks[1], SNIPPET_WORDS),
            slug: hit.slug,
            rank: hit.rank,
        })
        .collect();
    Ok((rows, total))
}

/// `ts_headline` of every hit's title and body (in that order), as their words alone: which
/// words matched, for `highlight` to mark in the text as written.
fn headlines(conn: &mut Conn, tsquery: &str, found: &[Found]) -> QueryResult<Vec<String>> {
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let texts: Vec<String> = found.iter().flat_map(|hit| [words_only(&hit.title), words_only(&hit.body)]).collect();
    let values: Vec<String> = (0..texts.len()).map(|n| format!("({n}, ?)")).collect();
    let sql = format!(
        "SELECT v.n AS n, ts_headline('{POSTGRES_CONFIG}', v.t, to_tsquery('{POSTGRES_CONFIG}', ?),
                'HighlightAll=true, StartSel={START}, StopSel={STOP}') AS marked
         FROM (VALUES {values}) AS v(n, t) ORDER BY v.n",
        values = values.join(", ")
    );
    let binds = std::iter::once(Bind::Text(tsquery.to_string())).chain(texts.into_iter().map(Bind::Text));
    let rows: Vec<Headline> = Prepared::once(&sql, binds).load(conn)?;
    debug_assert!(rows.iter().enumerate().all(|(i, row)| row.n as usize == i));
    Ok(rows.into_iter().map(|row| row.marked).collect())
}
