//! Database access for citations.

use std::collections::HashMap;

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{Citation, CitationInput, CitationRow, CitedClaim, PostCitation, CLAIMS_SHOWN};
use crate::content::Viewer;
use crate::content::{grouped, PostRef};
use crate::db::{sync_row, Change};
use crate::http::list_query::ListQuery;
use crate::schema::{citations, cited_posts, post_citations, posts};

/// The citations with these ids, in that order, each with the visible claims it backs.
pub fn by_ids(conn: &mut Conn, ids: &[i32], _query: &ListQuery, viewer: &Viewer) -> QueryResult<Vec<Citation>> {
    let rows: Vec<CitationRow> =
        citations::table.filter(citations::id.eq_any(ids)).select(CitationRow::as_select()).load(conn)?;
    let citations = with_claims(conn, rows, viewer)?;
    Ok(crate::db::in_order(ids, citations))
}

pub fn find_by_slug(conn: &mut Conn, slug: &str, _query: &ListQuery, viewer: &Viewer) -> QueryResult<Option<Citation>> {
    let row =
        citations::table.filter(citations::slug.eq(slug)).select(CitationRow::as_select()).first(conn).optional()?;
    Ok(with_claims(conn, row.into_iter().collect(), viewer)?.pop().map(|(_, citation)| citation))
}

/// Each row's count of visible claims and `CLAIMS_SHOWN` of them, the newest-written posts'
/// first, read off `cited_posts` (the posts' visibility per citation): a range of one index per
/// citation, however many posts cite it.
fn with_claims(conn: &mut Conn, rows: Vec<CitationRow>, viewer: &Viewer) -> QueryResult<Vec<(i32, Citation)>> {
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    // Grouped queries cannot be boxed: the two visibilities are two queries.
    let cited = cited_posts::table.filter(cited_posts::citation_id.eq_any(&ids));
    let count = (cited_posts::citation_id, diesel::dsl::count_star());
    let counts: Vec<(i32, i64)> = if viewer.preview {
        cited.group_by(cited_posts::citation_id).select(count).load(conn)?
    } else {
        cited
            .filter(crate::is_public!(cited_posts, &viewer.now))
            .group_by(cited_posts::citation_id)
            .select(count)
            .load(conn)?
    };
    let counts: HashMap<i32, i64> = counts.into_iter().collect();
    rows.into_iter()
        .map(|row| {
            let claim_count = counts.get(&row.id).copied().unwrap_or(0);
            let claims = if claim_count == 0 { Vec::new() } else { shown_claims(conn, row.id, viewer)? };
            Ok((row.id, row.into_citation(claims, claim_count)))
        })
        .collect()
}

/// `CLAIMS_SHOWN` visible claims of a citation, the newest-written posts' first.
fn shown_claims(conn: &mut Conn, citation_id: i32, viewer: &Viewer) -> QueryResult<Vec<CitedClaim>> {
    let mut shown = cited_posts::table.filter(cited_posts::citation_id.eq(citation_id)).into_boxed();
    if !viewer.preview {
        shown = shown.filter(crate::is_public!(cited_posts, &viewer.now));
    }
    let shown: Vec<i32> = shown.order(cited_posts::id.desc()).limit(CLAIMS_SHOWN).select(cited_posts::id).load(conn)?;
    let claims: Vec<(String, String, String)> = post_citations::table
        .inner_join(posts::table)
        .filter(post_citations::citation_id.eq(citation_id))
        .filter(post_citations::post_id.eq_any(&shown))
        .order(post_citations::post_id.desc())
        .select((posts::slug, posts::title, post_citations::claim))
        .load(conn)?;
    Ok(claims.into_iter().map(|(slug, title, claim)| CitedClaim { post: PostRef::new(slug, title), claim }).collect())
}

/// The citations of each given post, in the post's order, with the claim each backs.
pub fn for_posts(conn: &mut Conn, post_ids: &[i32]) -> QueryResult<HashMap<i32, Vec<PostCitation>>> {
    let rows: Vec<(i32, PostCitation)> = post_citations::table
        .inner_join(citations::table)
        .filter(post_citations::post_id.eq_any(post_ids))
        .order((post_citations::post_id, post_citations::position))
        .select((
            post_citations::post_id,
            (
                citations::slug,
                citations::publisher,
                citations::title,
                citations::year,
                citations::url,
                post_citations::claim,
            ),
        ))
        .load(conn)?;
    Ok(grouped(rows))
}

/// Citation ids by slug; an error names the first unknown slug.
pub fn ids_by_slugs(conn: &mut Conn, slugs: &[String]) -> crate::content::Stored<Vec<i32>> {
    let found =
        citations::table.filter(citations::slug.eq_any(slugs)).select((citations::slug, citations::id)).load(conn)?;
    crate::content::store::resolve_slugs(found, slugs, "citation")
}

/// Inserts the citation or updates it by slug; unchanged content writes nothing.
pub fn sync(conn: &mut Conn, input: &CitationInput, now: &str) -> QueryResult<Change> {
    let existing = citations::table
        .filter(citations::slug.eq(&input.slug))
        .select((citations::id, CitationInput::as_select()))
        .first::<(i32, CitationInput)>(conn)
        .optional()?;
    let insert = |conn: &mut Conn| insert(conn, input, now);
    let update = |conn: &mut Conn, id: i32| update(conn, id, input, now);
    Ok(sync_row(conn, existing, input, insert, update)?.1)
}

/// Inserts a new row; returns its id. (The seed sync and the write API both write through here.)
pub fn insert(conn: &mut Conn, input: &CitationInput, now: &str) -> QueryResult<i32> {
    crate::insert_stamped!(conn, citations, input, now)
}

pub fn update(conn: &mut Conn, id: i32, input: &CitationInput, now: &str) -> QueryResult<usize> {
    crate::update_stamped!(conn, citations, id, input, now)
}
