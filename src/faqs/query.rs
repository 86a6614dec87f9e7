//! Database access for FAQ entries. Reads return only public entries: published (or
//! scheduled and due) and, when tied to a post, only while that post is public too.

use std::collections::HashMap;

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use diesel::sqlite::{Sqlite, SqliteConnection};

use super::model::{Faq, FaqContent, FaqInput, FaqLinks, FaqRow};
use crate::db::{sync_row, Change};
use crate::http::list_query::ListQuery;
use crate::markdown;
use crate::posts::model::{Body, PostRef};
use crate::schema::{faq_tags, faqs, posts};
use crate::search::index as search;
use crate::tags::query as tag_query;
use crate::visibility::Viewer;

/// What the public sees: published (or scheduled and due) entries whose post, if any, is public
/// too, with the current time at each `?`. The post is checked by its id, one lookup per entry
/// examined (`post_id IN (every public post)` would build that whole list for every query).
/// The unary `+` keeps SQLite from answering "published before now" with an index range over
/// nearly every entry: lists walk their sort index instead and stop after a page.
pub const PUBLIC_FAQS: &str = "+faqs.status IN ('published', 'scheduled') AND +faqs.published_at <= ?
     AND (faqs.post_id IS NULL OR EXISTS (SELECT 1 FROM posts p WHERE p.id = faqs.post_id
          AND p.status IN ('published', 'scheduled') AND p.published_at <= ?))";

/// `PUBLIC_FAQS` as a diesel expression, for any query whose FROM has `faqs`.
pub fn is_public_faq<'a, QS: 'a>(now: &'a str) -> Box<dyn BoxableExpression<QS, Sqlite, SqlType = Bool> + 'a> {
    let [before, between, after] = PUBLIC_FAQS.splitn(3, '?').collect::<Vec<_>>()[..] else {
        unreachable!("PUBLIC_FAQS binds the time twice")
    };
    Box::new(sql::<Bool>(before).bind::<Text, _>(now).sql(between).bind::<Text, _>(now).sql(after))
}

/// The FAQ entries the viewer may see: with a preview token all of them; otherwise the public ones.
fn visible(viewer: &Viewer) -> faqs::BoxedQuery<'_, Sqlite> {
    if viewer.preview {
        return faqs::table.into_boxed();
    }
    faqs::table.filter(is_public_faq(&viewer.now)).into_boxed()
}

/// The FAQ entries with these ids, in that order.
pub fn by_ids(conn: &mut SqliteConnection, ids: &[i32], _query: &ListQuery, _viewer: &Viewer) -> QueryResult<Vec<Faq>> {
    let rows: Vec<FaqRow> = faqs::table.filter(faqs::id.eq_any(ids)).select(FaqRow::as_select()).load(conn)?;
    let faqs = with_relations(conn, rows)?;
    Ok(crate::db::in_order(ids, faqs))
}

/// The visible FAQ entries of each given post, in order (for `include=faqs`).
pub fn for_posts(
    conn: &mut SqliteConnection,
    post_ids: &[i32],
    viewer: &Viewer,
) -> QueryResult<HashMap<i32, Vec<Faq>>> {
    let rows: Vec<FaqRow> = visible(viewer)
        .filter(faqs::post_id.eq_any(post_ids))
        .order((faqs::post_id, faqs::position, faqs::id))
        .select(FaqRow::as_select())
        .load(conn)?;
    let post_of: HashMap<i32, i32> =
        rows.iter().filter_map(|row| row.content.post_id.map(|post| (row.id, post))).collect();
    let mut grouped: HashMap<i32, Vec<Faq>> = HashMap::new();
    for (id, faq) in with_relations(conn, rows)? {
        if let Some(post) = post_of.get(&id) {
            grouped.entry(*post).or_default().push(faq);
        }
    }
    Ok(grouped)
}

/// The visible FAQ entries among these ids, by id.
pub fn find_by_ids(conn: &mut SqliteConnection, ids: &[i32], viewer: &Viewer) -> QueryResult<HashMap<i32, Faq>> {
    let rows: Vec<FaqRow> = visible(viewer).filter(faqs::id.eq_any(ids)).select(FaqRow::as_select()).load(conn)?;
    Ok(with_relations(conn, rows)?.into_iter().collect())
}

pub fn find_by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
    _query: &ListQuery,
    viewer: &Viewer,
) -> QueryResult<Option<Faq>> {
    let row =
        visible(viewer).filter(faqs::slug.eq(slug.to_string())).select(FaqRow::as_select()).first(conn).optional()?;
    Ok(with_relations(conn, row.into_iter().collect())?.pop().map(|(_, faq)| faq))
}

fn with_relations(conn: &mut SqliteConnection, rows: Vec<FaqRow>) -> QueryResult<Vec<(i32, Faq)>> {
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

/// Syncs an FAQ entry by slug (the seed and import path).
pub fn sync(
    conn: &mut SqliteConnection,
    input: &FaqInput,
    position: i32,
    now: &str,
) -> QueryResult<Result<Change, String>> {
    let existing: Option<i32> =
        faqs::table.filter(faqs::slug.eq(&input.slug)).select(faqs::id).first(conn).optional()?;
    Ok(write(conn, input, existing, position, now)?.map(|(_, change)| change))
}

/// Writes an FAQ entry with its tags: a new one or the row with that id (whose slug may
/// change). `Err(message)` names an unknown reference.
pub fn write(
    conn: &mut SqliteConnection,
    input: &FaqInput,
    existing: Option<i32>,
    position: i32,
    now: &str,
) -> QueryResult<Result<(i32, Change), String>> {
    let post_id = match &input.post {
        Some(slug) => match crate::posts::query::ids_by_slugs(conn, std::slice::from_ref(slug))? {
            Ok(ids) => ids.first().copied(),
            Err(error) => return Ok(Err(format!("FAQ '{}': {error}", input.slug))),
        },
        None => None,
    };
    let mut tag_ids = match tag_query::ids_by_slugs(conn, &input.tags)? {
        Ok(ids) => ids,
        Err(error) => return Ok(Err(format!("FAQ '{}': {error}", input.slug))),
    };
    tag_ids.sort_unstable();
    let answer = markdown::render(&input.answer);
    let content = FaqContent {
        slug: input.slug.clone(),
        post_id,
        position,
        question: input.question.clone(),
        answer_markdown: input.answer.clone(),
        answer_html: answer.html,
        answer_text: answer.text,
        status: input.status.clone(),
        published_at: input.published_at.clone(),
    };
    let existing = match existing {
        Some(id) => Some((id, faqs::table.find(id).select(FaqContent::as_select()).first(conn)?)),
        None => None,
    };
    let (faq_id, change) = sync_row(
        conn,
        existing,
        &content,
        |conn| {
            diesel::insert_into(faqs::table)
                .values((&content, faqs::created_at.eq(now), faqs::updated_at.eq(now)))
                .returning(faqs::id)
                .get_result(conn)
        },
        |conn, id| diesel::update(faqs::table.find(id)).set((&content, faqs::updated_at.eq(now))).execute(conn),
    )?;
    let current: Vec<i32> = faq_tags::table
        .filter(faq_tags::faq_id.eq(faq_id))
        .order(faq_tags::tag_id)
        .select(faq_tags::tag_id)
        .load(conn)?;
    if change != Change::Unchanged {
        search::reindex(conn, search::Kind::Faq, faq_id)?;
    }
    if current == tag_ids {
        return Ok(Ok((faq_id, change)));
    }
    diesel::delete(faq_tags::table.filter(faq_tags::faq_id.eq(faq_id))).execute(conn)?;
    for tag_id in &tag_ids {
        diesel::insert_into(faq_tags::table)
            .values((faq_tags::faq_id.eq(faq_id), faq_tags::tag_id.eq(tag_id)))
            .execute(conn)?;
    }
    if change == Change::Unchanged {
        diesel::update(faqs::table.find(faq_id)).set(faqs::updated_at.eq(now)).execute(conn)?;
        return Ok(Ok((faq_id, Change::Updated)));
    }
    Ok(Ok((faq_id, change)))
}
