//! Database reads for FAQ entries. Reads return only public entries: published (or
//! scheduled and due) and, when tied to a post, only while that post is public too.

use std::collections::HashMap;

use crate::db::{Backend, Conn};
use diesel::prelude::*;

use super::model::{Faq, FaqLinks, FaqRow};
use crate::content::Viewer;
use crate::content::{grouped, Body, PostRef};
use crate::http::list_query::ListQuery;
use crate::schema::{faqs, posts};
use crate::tags::query as tag_query;

/// The FAQ entries the viewer may see: with a preview token all of them; otherwise the public ones.
fn visible(viewer: &Viewer) -> faqs::BoxedQuery<'_, Backend> {
    if viewer.preview {
        return faqs::table.into_boxed();
    }
    faqs::table.filter(crate::content::visibility::is_public_faq(&viewer.now)).into_boxed()
}

/// The FAQ entries with these ids, in that order.
pub fn by_ids(conn: &mut Conn, ids: &[i32], _query: &ListQuery, _viewer: &Viewer) -> QueryResult<Vec<Faq>> {
    let rows: Vec<FaqRow> = faqs::table.filter(faqs::id.eq_any(ids)).select(FaqRow::as_select()).load(conn)?;
    let faqs = with_relations(conn, rows)?;
    Ok(crate::db::in_order(ids, faqs))
}

/// The visible FAQ entries of each given post, in order (for `include=faqs`).
pub fn for_posts(conn: &mut Conn, post_ids: &[i32], viewer: &Viewer) -> QueryResult<HashMap<i32, Vec<Faq>>> {
    let rows: Vec<FaqRow> = visible(viewer)
        .filter(faqs::post_id.eq_any(post_ids))
        .order((faqs::post_id, faqs::position, faqs::id))
        .select(FaqRow::as_select())
        .load(conn)?;
    let post_of: HashMap<i32, i32> =
        rows.iter().filter_map(|row| row.content.post_id.map(|post| (row.id, post))).collect();
    let faqs = with_relations(conn, rows)?;
    Ok(grouped(faqs.into_iter().filter_map(|(id, faq)| post_of.get(&id).map(|post| (*post, faq)))))
}

/// The visible FAQ entries among these ids, by id.
pub fn find_by_ids(conn: &mut Conn, ids: &[i32], viewer: &Viewer) -> QueryResult<HashMap<i32, Faq>> {
    let rows: Vec<FaqRow> = visible(viewer).filter(faqs::id.eq_any(ids)).select(FaqRow::as_select()).load(conn)?;
    Ok(with_relations(conn, rows)?.into_iter().collect())
}

pub fn find_by_slug(conn: &mut Conn, slug: &str, _query: &ListQuery, viewer: &Viewer) -> QueryResult<Option<Faq>> {
    let row =
        visible(viewer).filter(faqs::slug.eq(slug.to_string())).select(FaqRow::as_select()).first(conn).optional()?;
    Ok(with_relations(conn, row.into_iter().collect())?.pop().map(|(_, faq)| faq))
}

fn with_relations(conn: &mut Conn, rows: Vec<FaqRow>) -> QueryResult<Vec<(i32, Faq)>> {
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    let post_ids: Vec<i32> = rows.iter().filter_map(|row| row.content.post_id).collect();
    let mut tags = tag_query::refs_for_faqs(conn, &ids)?;
    let posts: HashMap<i32, PostRef> = posts::table
        .filter(posts::id.eq_any(&post_ids))
        .select((posts::id, posts::slug, posts::title))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(id, slug, title)| (id, PostRef::new(slug, title)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let content = row.content;
            let faq = Faq {
                links: FaqLinks { self_: format!("/v1/faqs/{}", content.slug) },
                tags: tags.remove(&row.id).unwrap_or_default(),
                post: content.post_id.and_then(|id| posts.get(&id).cloned()),
                slug: content.slug,
                question: content.question,
                answer: Body {
                    markdown: content.answer_markdown,
                    html: content.answer_html,
                    text: content.answer_text,
                },
                position: content.position,
                status: content.status,
                published_at: content.published_at,
                updated_at: row.updated_at,
            };
            (row.id, faq)
        })
        .collect())
}
