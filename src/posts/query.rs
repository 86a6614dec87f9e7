//! Database reads for posts. Only public posts are ever returned here.

use std::collections::HashMap;

use crate::db::{Backend, Conn};
use diesel::prelude::*;

use super::body;
use super::model::{Author, KeyPoints, Post, PostLinks, PostRow, PostSummary, SectionContent};
use crate::citations::query as citations;
use crate::conditions::query as conditions;
use crate::content::Status;
use crate::content::{grouped, Viewer};
use crate::faqs::query as faq_query;
use crate::http::list_query::ListQuery;
use crate::schema::{post_key_points, post_redirects, post_sections, posts};
use crate::site::query as site;
use crate::tags::query as tag_query;

pub type IsPublicPost<'a> =
    diesel::dsl::And<diesel::dsl::EqAny<posts::status, [Status; 2]>, diesel::dsl::LtEq<posts::published_at, &'a str>>;

/// A post is public when it is published (or scheduled) and its time has come.
pub fn is_public_post(now: &str) -> IsPublicPost<'_> {
    crate::is_public!(posts, now)
}

/// The posts the viewer may see.
pub fn visible(viewer: &Viewer) -> posts::BoxedQuery<'_, Backend> {
    if viewer.preview {
        posts::table.into_boxed()
    } else {
        posts::table.filter(is_public_post(&viewer.now)).into_boxed()
    }
}

/// The posts with these ids, in that order, with what the query includes (one query per
/// relation for the whole page).
pub fn by_ids(conn: &mut Conn, ids: &[i32], query: &ListQuery, viewer: &Viewer) -> QueryResult<Vec<PostSummary>> {
    let rows: Vec<PostRow> = posts::table.filter(posts::id.eq_any(ids)).select(PostRow::as_select()).load(conn)?;
    let mut tags = tag_query::refs_for_posts(conn, ids)?;
    let mut faqs = if query.includes("faqs") { Some(faq_query::for_posts(conn, ids, viewer)?) } else { None };
    let mut conditions =
        if query.includes("conditions") { Some(conditions::conditions_for_posts(conn, ids)?) } else { None };
    let mut citations = if query.includes("citations") { Some(citations::for_posts(conn, ids)?) } else { None };
    let posts = rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let summary = PostSummary {
                links: PostLinks::for_slug(&row.content.slug),
                cta: row.content.cta(),
                tags: tags.remove(&id).unwrap_or_default(),
                slug: row.content.slug,
                title: row.content.title,
                excerpt: row.content.excerpt,
                status: row.content.status,
                published_at: row.content.published_at,
                updated_at: row.updated_at,
                reading_time_minutes: row.content.reading_time_minutes,
                faqs: faqs.as_mut().map(|all| all.remove(&id).unwrap_or_default()),
                conditions: conditions.as_mut().map(|all| all.remove(&id).unwrap_or_default()),
                citations: citations.as_mut().map(|all| all.remove(&id).unwrap_or_default()),
            };
            (id, summary)
        })
        .collect();
    Ok(crate::db::in_order(ids, posts))
}

/// One visible post with everything it embeds, and what the query includes.
pub fn find_by_slug(conn: &mut Conn, slug: &str, query: &ListQuery, viewer: &Viewer) -> QueryResult<Option<Post>> {
    let rows = visible(viewer).filter(posts::slug.eq(slug)).select(PostRow::as_select()).load(conn)?;
    Ok(whole(conn, rows, query, viewer)?.pop().map(|(_, post)| post))
}

/// The visible posts among these ids, each with everything it embeds (one query per relation
/// for all of them), by id.
pub fn find_by_ids(
    conn: &mut Conn,
    ids: &[i32],
    query: &ListQuery,
    viewer: &Viewer,
) -> QueryResult<HashMap<i32, Post>> {
    let rows = visible(viewer).filter(posts::id.eq_any(ids)).select(PostRow::as_select()).load(conn)?;
    Ok(whole(conn, rows, query, viewer)?.into_iter().collect())
}

fn whole(conn: &mut Conn, rows: Vec<PostRow>, query: &ListQuery, viewer: &Viewer) -> QueryResult<Vec<(i32, Post)>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    let mut sections = sections_of(conn, &ids)?;
    let mut key_points = key_points_of(conn, &ids)?;
    let mut redirects = redirects_of(conn, &ids)?;
    let mut tags = tag_query::refs_for_posts(conn, &ids)?;
    let mut citations = citations::for_posts(conn, &ids)?;
    let mut categories = conditions::categories_for_posts(conn, &ids)?;
    let mut faqs = if query.includes("faqs") { Some(faq_query::for_posts(conn, &ids, viewer)?) } else { None };
    let mut included_conditions =
        if query.includes("conditions") { Some(conditions::conditions_for_posts(conn, &ids)?) } else { None };
    let author = match site::find(conn)? {
        Some(site) => Author { name: site.name, url: site.website_url, kind: "organization".to_string() },
        None => return Err(diesel::result::Error::NotFound),
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let content = row.content;
            let sections = sections.remove(&id).unwrap_or_default();
            let post = Post {
                links: PostLinks::for_slug(&content.slug),
                cta: content.cta(),
                body: body::assemble(&sections),
                sections: body::into_sections(sections),
                slug: content.slug,
                title: content.title,
                excerpt: content.excerpt,
                status: content.status,
                published_at: content.published_at,
                updated_at: row.updated_at,
                reading_time_minutes: content.reading_time_minutes,
                word_count: content.word_count,
                meta_title: content.meta_title,
                meta_description: content.meta_description,
                canonical_url: content.canonical_url,
                author: author.clone(),
                tags: tags.remove(&id).unwrap_or_default(),
                citations: citations.remove(&id).unwrap_or_default(),
                condition_categories: categories.remove(&id).unwrap_or_default(),
                key_points: key_points.remove(&id).unwrap_or_default(),
                redirect_from: redirects.remove(&id).unwrap_or_default(),
                faqs: faqs.as_mut().map(|all| all.remove(&id).unwrap_or_default()),
                conditions: included_conditions.as_mut().map(|all| all.remove(&id).unwrap_or_default()),
                jsonld: None,
                categories: None,
                guidance: None,
                site: None,
            };
            (id, post)
        })
        .collect())
}

pub fn sections(conn: &mut Conn, post_id: i32) -> QueryResult<Vec<SectionContent>> {
    Ok(sections_of(conn, &[post_id])?.remove(&post_id).unwrap_or_default())
}

/// The sections of each given post, in order.
fn sections_of(conn: &mut Conn, post_ids: &[i32]) -> QueryResult<HashMap<i32, Vec<SectionContent>>> {
    let rows: Vec<(i32, SectionContent)> = post_sections::table
        .filter(post_sections::post_id.eq_any(post_ids))
        .order((post_sections::post_id, post_sections::position))
        .select((post_sections::post_id, SectionContent::as_select()))
        .load(conn)?;
    Ok(grouped(rows))
}

/// The post's old slugs (each answers `301` to it), in order.
/// A post's old slugs, in order.
pub fn redirects(conn: &mut Conn, post_id: i32) -> QueryResult<Vec<String>> {
    Ok(redirects_of(conn, &[post_id])?.remove(&post_id).unwrap_or_default())
}

/// The old slugs of each given post, in order.
fn redirects_of(conn: &mut Conn, ids: &[i32]) -> QueryResult<HashMap<i32, Vec<String>>> {
    let rows: Vec<(i32, String)> = post_redirects::table
        .filter(post_redirects::post_id.eq_any(ids))
        .order((post_redirects::post_id, post_redirects::old_slug))
        .select((post_redirects::post_id, post_redirects::old_slug))
        .load(conn)?;
    Ok(grouped(rows))
}

pub fn key_points(conn: &mut Conn, post_id: i32) -> QueryResult<KeyPoints> {
    Ok(key_points_of(conn, &[post_id])?.remove(&post_id).unwrap_or_default())
}

/// The key points of each given post.
fn key_points_of(conn: &mut Conn, post_ids: &[i32]) -> QueryResult<HashMap<i32, KeyPoints>> {
    let rows: Vec<(i32, String, String)> = post_key_points::table
        .filter(post_key_points::post_id.eq_any(post_ids))
        .order((post_key_points::post_id, post_key_points::kind, post_key_points::position))
        .select((post_key_points::post_id, post_key_points::kind, post_key_points::text))
        .load(conn)?;
    let mut grouped: HashMap<i32, KeyPoints> = HashMap::new();
    for (post_id, kind, text) in rows {
        let points = grouped.entry(post_id).or_default();
        match kind.as_str() {
            "mechanism" => points.mechanisms.push(text),
            _ => points.limitations.push(text),
        }
    }
    Ok(grouped)
}

/// Post ids by slug (any status); an error names the first unknown slug.
pub fn ids_by_slugs(conn: &mut Conn, slugs: &[String]) -> crate::content::Stored<Vec<i32>> {
    let found = posts::table.filter(posts::slug.eq_any(slugs)).select((posts::slug, posts::id)).load(conn)?;
    crate::content::store::resolve_slugs(found, slugs, "post")
}
