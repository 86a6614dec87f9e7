//! Database access for FAQ entries. Reads return only public entries: published (or
//! scheduled and due) and, when tied to a post, only while that post is public too.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::Integer;
use diesel::sqlite::{Sqlite, SqliteConnection};

use super::model::{Faq, FaqContent, FaqInput, FaqLinks, FaqRow};
use crate::db::{sync_row, Change};
use crate::http::list_query::ListQuery;
use crate::markdown;
use crate::posts::model::{Body, PostRef};
use crate::posts::query::{is_public_post, PUBLIC_STATUSES};
use crate::schema::{faq_tags, faqs, posts, tags};
use crate::tags::query as tag_query;

fn public<'a>(now: &'a str) -> faqs::BoxedQuery<'a, Sqlite> {
    let public_posts = posts::table
        .filter(is_public_post(now))
        .select(posts::id.nullable());
    faqs::table
        .filter(faqs::status.eq_any(PUBLIC_STATUSES))
        .filter(faqs::published_at.le(now))
        .filter(
            faqs::post_id
                .is_null()
                .or(faqs::post_id.eq_any(public_posts)),
        )
        .into_boxed()
}

/// The ids of public FAQ entries, as a subquery.
pub fn public_faq_ids(now: &str) -> faqs::BoxedQuery<'_, Sqlite, Integer> {
    public(now).select(faqs::id)
}

fn filtered<'a>(query: &ListQuery, now: &'a str) -> faqs::BoxedQuery<'a, Sqlite> {
    let mut boxed = public(now);
    if let Some(post) = query.text("post") {
        let post_ids = posts::table
            .filter(posts::slug.eq(post.to_string()))
            .select(posts::id.nullable());
        boxed = boxed.filter(faqs::post_id.eq_any(post_ids));
    }
    if let Some(tag) = query.text("tag") {
        let tagged = faq_tags::table
            .inner_join(tags::table)
            .filter(tags::slug.eq(tag.to_string()))
            .select(faq_tags::faq_id);
        boxed = boxed.filter(faqs::id.eq_any(tagged));
    }
    boxed
}

/// A page of public FAQ entries, grouped by post and in each post's order, with the total.
pub fn list(
    conn: &mut SqliteConnection,
    query: &ListQuery,
    now: &str,
) -> QueryResult<(Vec<Faq>, i64)> {
    let total = filtered(query, now).count().get_result(conn)?;
    let rows: Vec<FaqRow> = filtered(query, now)
        .order((faqs::post_id, faqs::position, faqs::id))
        .limit(query.page.per_page)
        .offset(query.page.offset())
        .select(FaqRow::as_select())
        .load(conn)?;
    Ok((with_relations(conn, rows)?, total))
}

pub fn find_by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
    now: &str,
) -> QueryResult<Option<Faq>> {
    let row = public(now)
        .filter(faqs::slug.eq(slug.to_string()))
        .select(FaqRow::as_select())
        .first(conn)
        .optional()?;
    Ok(with_relations(conn, row.into_iter().collect())?.pop())
}

fn with_relations(conn: &mut SqliteConnection, rows: Vec<FaqRow>) -> QueryResult<Vec<Faq>> {
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
            Faq {
                links: FaqLinks {
                    self_: format!("/v1/faqs/{}", content.slug),
                },
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
            }
        })
        .collect())
}

/// Words a reader reads in an FAQ entry: the question and the answer.
pub fn word_count(input: &FaqInput) -> usize {
    markdown::word_count(&input.question)
        + markdown::word_count(&markdown::render(&input.answer).text)
}

/// Syncs an FAQ entry by slug, with its tags. `Err(message)` names an unknown reference.
pub fn sync(
    conn: &mut SqliteConnection,
    input: &FaqInput,
    position: i32,
    now: &str,
) -> QueryResult<Result<Change, String>> {
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
    let existing = faqs::table
        .filter(faqs::slug.eq(&input.slug))
        .select((faqs::id, FaqContent::as_select()))
        .first::<(i32, FaqContent)>(conn)
        .optional()?;
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
        |conn, id| {
            diesel::update(faqs::table.find(id))
                .set((&content, faqs::updated_at.eq(now)))
                .execute(conn)
        },
    )?;
    let current: Vec<i32> = faq_tags::table
        .filter(faq_tags::faq_id.eq(faq_id))
        .order(faq_tags::tag_id)
        .select(faq_tags::tag_id)
        .load(conn)?;
    if current == tag_ids {
        return Ok(Ok(change));
    }
    diesel::delete(faq_tags::table.filter(faq_tags::faq_id.eq(faq_id))).execute(conn)?;
    for tag_id in &tag_ids {
        diesel::insert_into(faq_tags::table)
            .values((faq_tags::faq_id.eq(faq_id), faq_tags::tag_id.eq(tag_id)))
            .execute(conn)?;
    }
    if change == Change::Unchanged {
        diesel::update(faqs::table.find(faq_id))
            .set(faqs::updated_at.eq(now))
            .execute(conn)?;
        return Ok(Ok(Change::Updated));
    }
    Ok(Ok(change))
}
