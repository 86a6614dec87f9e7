//! Searching every kind of content at once, ranked by bm25 (titles weigh ten times the body),
//! with highlighted snippets. Only what the viewer may see is found.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};
use diesel::sqlite::SqliteConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::visibility::Viewer;

/// One search result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    /// `post`, `faq`, `condition` or `guidance`.
    #[serde(rename = "type")]
    #[schema(example = "post")]
    pub kind: String,
    #[schema(example = "is-massage-therapy-worth-it-for-back-pain")]
    pub slug: String,
    /// The title (or question, or name), matches wrapped in `<mark>`; HTML-escaped.
    #[schema(example = "Is <mark>Massage</mark> Therapy Worth It for Back Pain? An Honest Answer")]
    pub title: String,
    /// A passage around the best match, matches wrapped in `<mark>`; HTML-escaped.
    pub snippet: String,
    /// The bm25 score; lower is a better match.
    pub rank: f64,
    /// Where to read the resource.
    #[schema(example = "/v1/posts/is-massage-therapy-worth-it-for-back-pain")]
    pub href: String,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    snippet: String,
    #[diesel(sql_type = Double)]
    rank: f64,
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

fn href(kind: &str, slug: &str) -> String {
    match kind {
        "post" => format!("/v1/posts/{slug}"),
        "faq" => format!("/v1/faqs/{slug}"),
        "condition" => format!("/v1/conditions/{slug}"),
        _ => format!("/v1/guidance/{slug}"),
    }
}

/// The WHERE clause shared by the page and the count; binds: the MATCH, then `now` four times
/// for the public.
fn conditions(kinds: &[String], viewer: &Viewer) -> String {
    let kinds: Vec<String> = kinds.iter().map(|k| format!("'{k}'")).collect();
    let mut sql = format!("search_index MATCH ? AND kind IN ({})", kinds.join(", "));
    if !viewer.preview {
        // Correlated lookups by primary key: cheap per match, unlike materialising every
        // public id for each search.
        sql.push_str(
            " AND (kind <> 'post' OR EXISTS (SELECT 1 FROM posts p WHERE p.id = search_index.rowid - (1 << 40)
                     AND p.status IN ('published', 'scheduled') AND p.published_at <= ?))
              AND (kind <> 'faq' OR EXISTS (SELECT 1 FROM faqs f LEFT JOIN posts p ON p.id = f.post_id
                     WHERE f.id = search_index.rowid - (2 << 40)
                     AND f.status IN ('published', 'scheduled') AND f.published_at <= ?
                     AND (f.post_id IS NULL OR (p.status IN ('published', 'scheduled') AND p.published_at <= ?))))",
        );
    }
    sql
}

/// A page of hits for an FTS5 expression (from `terms::to_fts`), best first, and the total.
/// `kinds` are validated names (post, faq, condition, guidance).
pub fn search(
    conn: &mut SqliteConnection,
    fts: &str,
    kinds: &[String],
    viewer: &Viewer,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<SearchHit>, i64)> {
    let filter = conditions(kinds, viewer);
    let publics = if viewer.preview { 0 } else { 3 };
    // Rank every match but build snippets only for the page: SQLite would otherwise compute
    // them for every matching row before sorting.
    let page_sql = format!(
        "WITH top AS (SELECT rowid AS id, bm25(search_index, 0.0, 0.0, 10.0, 1.0) AS rank
                      FROM search_index WHERE {filter} ORDER BY rank, rowid LIMIT ? OFFSET ?)
         SELECT kind, slug,
                highlight(search_index, 2, char(2), char(3)) AS title,
                snippet(search_index, 3, char(2), char(3), '…', 24) AS snippet,
                top.rank AS rank
         FROM search_index JOIN top ON search_index.rowid = top.id
         WHERE search_index MATCH ?
         ORDER BY top.rank, top.id"
    );
    let mut page = diesel::sql_query(page_sql).into_boxed().bind::<Text, _>(fts.to_string());
    for _ in 0..publics {
        page = page.bind::<Text, _>(viewer.now.clone());
    }
    let rows: Vec<Row> =
        page.bind::<BigInt, _>(limit).bind::<BigInt, _>(offset).bind::<Text, _>(fts.to_string()).load(conn)?;
    let key = format!("search|{fts}|{}|{}", kinds.join(","), viewer.preview);
    let total = viewer.total(&key, || {
        let mut count = diesel::sql_query(format!("SELECT count(*) AS n FROM search_index WHERE {filter}"))
            .into_boxed()
            .bind::<Text, _>(fts.to_string());
        for _ in 0..publics {
            count = count.bind::<Text, _>(viewer.now.clone());
        }
        Ok(count.get_result::<CountRow>(conn)?.n)
    })?;
    let hits = rows
        .into_iter()
        .map(|row| SearchHit {
            href: href(&row.kind, &row.slug),
            title: marked(&row.title),
            snippet: marked(&row.snippet),
            rank: row.rank,
            kind: row.kind,
            slug: row.slug,
        })
        .collect();
    Ok((hits, total))
}
