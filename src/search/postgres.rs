//! Searching PostgreSQL's documents (`documents`): the same filters, order and page as FTS5's
//! (`query`), ranked by bm25 as FTS5 ranks (`http::bm25`), ties in index order (kind, then id, as
//! FTS5's rowid). Highlights are made only for the page's rows, from their `tsvector`s.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

use super::highlight;
use super::index::Kind;
use super::query::{codes, prepared_limit, CountRow, Row};
use crate::content::Viewer;
use crate::db::Conn;
use crate::http::bm25;
use crate::http::list_query::Bind;
use crate::http::prepared::Prepared;
use crate::http::search_terms::{SearchTerms, POSTGRES_CONFIG};

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
    #[diesel(sql_type = Text)]
    lexemes: String,
    #[diesel(sql_type = Text)]
    query_lexemes: String,
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
    // The page's keys, ranked and sorted; then for its rows only, their text, each document's
    // lexemes with their positions, and (once) the lexemes of the query's words, to find which
    // words to mark (`highlight`). (Carrying title, body and document through the sort of every
    // match cost more than looking the page's rows up again.)
    let query_words: Vec<&str> =
        terms.term_words.iter().flat_map(|(words, _)| words.iter().map(String::as_str)).collect();
    let page_sql = format!(
        "SELECT CAST(page.kind AS BIGINT) AS kind, hit.slug AS slug, hit.title AS title, hit.body AS body,
                page.rank AS rank, CAST(hit.document AS TEXT) AS lexemes,
                (SELECT CAST(to_tsvector('{POSTGRES_CONFIG}', ?) AS TEXT)) AS query_lexemes
         FROM (SELECT d.kind AS kind, d.id AS id, {rank} AS rank
               {from} ORDER BY rank, d.kind, d.id LIMIT {limit} OFFSET ?) AS page
         JOIN search_documents hit ON hit.kind = page.kind AND hit.id = page.id
         ORDER BY page.rank, page.kind, page.id",
        rank = rank.sql,
        limit = prepared_limit(limit)
    );
    let values = std::iter::once(Bind::Text(query_words.join(" ")))
        .chain(rank.binds)
        .chain(binds())
        .chain(std::iter::once(Bind::Int(offset)));
    let mut found: Vec<Found> = Prepared::new(&page_sql, values).load(conn)?;
    found.truncate(usize::try_from(limit).unwrap_or(0));
    let total = viewer.total(key, || {
        Ok(Prepared::new(&format!("SELECT count(*) AS n {from}"), binds()).get_result::<CountRow>(conn)?.n)
    })?;
    let terms = query_lexemes(terms, found.first().map_or("", |hit| hit.query_lexemes.as_str()));
    let rows = found
        .into_iter()
        .map(|hit| {
            let found = highlight::matched(&highlight::lexemes(&hit.lexemes), &terms);
            // Positions run through the title's words, then the body's.
            let in_title = highlight::word_spans(&hit.title).len();
            let in_body = highlight::word_spans(&hit.body).len();
            let title = highlight::within(&found, 0, in_title);
            let body = highlight::within(&found, in_title, in_body);
            Row {
                kind: kind_name(hit.kind).to_string(),
                title: highlight::highlight(&hit.title, &title),
                snippet: highlight::snippet(&hit.body, &body, SNIPPET_WORDS),
                slug: hit.slug,
                rank: hit.rank,
            }
        })
        .collect();
    Ok((rows, total))
}

/// The terms' words as lexemes: the query's words were given to `to_tsvector` in order, one
/// position each. A term with a word PostgreSQL gave no lexeme at that position is left out.
fn query_lexemes(terms: &SearchTerms, query_lexemes: &str) -> Vec<(Vec<String>, bool)> {
    let by_position: std::collections::HashMap<u32, String> = highlight::lexemes(query_lexemes)
        .into_iter()
        .flat_map(|(lexeme, positions)| positions.into_iter().map(move |p| (p, lexeme.clone())))
        .collect();
    let mut position = 0;
    terms
        .term_words
        .iter()
        .filter_map(|(words, prefix)| {
            let lexemes: Option<Vec<String>> = words
                .iter()
                .map(|_| {
                    position += 1;
                    by_position.get(&position).cloned()
                })
                .collect();
            lexemes.map(|lexemes| (lexemes, *prefix))
        })
        .collect()
}
