//! Writing a post and its children from an input: the seed and import sync, and the write API.

use crate::db::Conn;
use diesel::prelude::*;

use super::body;
use super::model::{PostContent, PostInput, SectionContent};
use super::query;
use crate::citations::query as citations;
use crate::conditions::query as conditions;
use crate::content::{Status, Stored};
use crate::db::{sync_row, Change};
use crate::markdown::{self, reading_time_minutes};
use crate::schema::{
    faqs, post_citations, post_condition_categories, post_key_points, post_redirects, post_tags, posts,
};
use crate::search::index as search;
use crate::tags::query as tags;

/// The relations of a post, resolved to ids, in the post's order.
#[derive(Debug, PartialEq, Eq)]
struct Relations {
    tags: Vec<i32>,
    citations: Vec<(i32, String)>,
    categories: Vec<i32>,
    key_points: Vec<(String, String)>,
    /// Old slugs that answer 301 to this post, sorted.
    redirects: Vec<String>,
}

fn current_relations(conn: &mut Conn, post_id: i32) -> QueryResult<Relations> {
    let tags = post_tags::table
        .filter(post_tags::post_id.eq(post_id))
        .order(post_tags::position)
        .select(post_tags::tag_id)
        .load(conn)?;
    let citations = post_citations::table
        .filter(post_citations::post_id.eq(post_id))
        .order(post_citations::position)
        .select((post_citations::citation_id, post_citations::claim))
        .load(conn)?;
    let mut categories: Vec<i32> = post_condition_categories::table
        .filter(post_condition_categories::post_id.eq(post_id))
        .select(post_condition_categories::category_id)
        .load(conn)?;
    categories.sort_unstable();
    let key_points = post_key_points::table
        .filter(post_key_points::post_id.eq(post_id))
        .order((post_key_points::kind, post_key_points::position))
        .select((post_key_points::kind, post_key_points::text))
        .load(conn)?;
    let redirects = post_redirects::table
        .filter(post_redirects::post_id.eq(post_id))
        .order(post_redirects::old_slug)
        .select(post_redirects::old_slug)
        .load(conn)?;
    Ok(Relations { tags, citations, categories, key_points, redirects })
}

fn wanted_relations(conn: &mut Conn, input: &PostInput) -> Stored<Relations> {
    let tag_ids = tags::ids_by_slugs(conn, &input.tags)?;
    let citation_slugs: Vec<String> = input.citations.iter().map(|c| c.citation.clone()).collect();
    let citation_ids = citations::ids_by_slugs(conn, &citation_slugs)?;
    let mut category_ids = conditions::category_ids_by_slugs(conn, &input.condition_categories)?;
    category_ids.sort_unstable();
    // Stored order: "limitation" sorts before "mechanism".
    let key_points = input
        .key_points
        .limitations
        .iter()
        .map(|text| ("limitation".to_string(), text.clone()))
        .chain(input.key_points.mechanisms.iter().map(|text| ("mechanism".to_string(), text.clone())))
        .collect();
    Ok(Relations {
        tags: tag_ids,
        citations: citation_ids.into_iter().zip(input.citations.iter().map(|c| c.claim.clone())).collect(),
        categories: category_ids,
        key_points,
        redirects: {
            // Its own slug is live, so it is not a redirect.
            let mut redirects: Vec<String> =
                input.redirect_from.iter().filter(|old| **old != input.slug).cloned().collect();
            redirects.sort();
            redirects
        },
    })
}

fn replace_relations(conn: &mut Conn, post_id: i32, relations: &Relations) -> QueryResult<()> {
    diesel::delete(post_tags::table.filter(post_tags::post_id.eq(post_id))).execute(conn)?;
    diesel::delete(post_citations::table.filter(post_citations::post_id.eq(post_id))).execute(conn)?;
    diesel::delete(post_condition_categories::table.filter(post_condition_categories::post_id.eq(post_id)))
        .execute(conn)?;
    diesel::delete(post_key_points::table.filter(post_key_points::post_id.eq(post_id))).execute(conn)?;
    diesel::delete(post_redirects::table.filter(post_redirects::post_id.eq(post_id))).execute(conn)?;
    for old_slug in &relations.redirects {
        // An old slug moves to this post, whichever post it pointed to before.
        diesel::delete(post_redirects::table.filter(post_redirects::old_slug.eq(old_slug))).execute(conn)?;
        diesel::insert_into(post_redirects::table)
            .values((
                post_redirects::old_slug.eq(old_slug),
                post_redirects::post_id.eq(post_id),
                post_redirects::created_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
    }
    for (position, tag_id) in relations.tags.iter().enumerate() {
        diesel::insert_into(post_tags::table)
            .values((
                post_tags::post_id.eq(post_id),
                post_tags::tag_id.eq(tag_id),
                post_tags::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    for (position, (citation_id, claim)) in relations.citations.iter().enumerate() {
        diesel::insert_into(post_citations::table)
            .values((
                post_citations::post_id.eq(post_id),
                post_citations::citation_id.eq(citation_id),
                post_citations::position.eq(position as i32),
                post_citations::claim.eq(claim),
            ))
            .execute(conn)?;
    }
    for category_id in &relations.categories {
        diesel::insert_into(post_condition_categories::table)
            .values((
                post_condition_categories::post_id.eq(post_id),
                post_condition_categories::category_id.eq(category_id),
            ))
            .execute(conn)?;
    }
    let mut positions = std::collections::HashMap::new();
    for (kind, text) in &relations.key_points {
        let position = positions.entry(kind.clone()).or_insert(0);
        diesel::insert_into(post_key_points::table)
            .values((
                post_key_points::post_id.eq(post_id),
                post_key_points::kind.eq(kind),
                post_key_points::position.eq(*position),
                post_key_points::text.eq(text),
            ))
            .execute(conn)?;
        *position += 1;
    }
    Ok(())
}

fn replace_sections(conn: &mut Conn, post_id: i32, sections: &[SectionContent]) -> QueryResult<()> {
    use crate::schema::post_sections;
    diesel::delete(post_sections::table.filter(post_sections::post_id.eq(post_id))).execute(conn)?;
    for section in sections {
        diesel::insert_into(post_sections::table)
            .values((post_sections::post_id.eq(post_id), section))
            .execute(conn)?;
    }
    Ok(())
}

/// Words of the post's published FAQ entries: readers read them on the same page, so they
/// count towards the reading time.
fn faq_words(conn: &mut Conn, post_id: i32) -> QueryResult<usize> {
    let texts: Vec<(String, String)> = faqs::table
        .filter(faqs::post_id.eq(post_id))
        .filter(faqs::status.eq("published"))
        .select((faqs::question, faqs::answer_text))
        .load(conn)?;
    Ok(texts.iter().map(|(question, answer)| markdown::word_count(question) + markdown::word_count(answer)).sum())
}

/// Recomputes the reading time (after the post's FAQ entries changed); true when it changed.
pub fn refresh_reading_time(conn: &mut Conn, post_id: i32, now: &str) -> QueryResult<bool> {
    let words: i32 = posts::table.find(post_id).select(posts::word_count).first(conn)?;
    let minutes = reading_time_minutes(words as usize + faq_words(conn, post_id)?);
    let changed = diesel::update(posts::table.find(post_id).filter(posts::reading_time_minutes.ne(minutes)))
        .set((posts::reading_time_minutes.eq(minutes), posts::updated_at.eq(now)))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Syncs a post by slug (the seed and import path). `Err(message)` names an unknown reference.
pub fn sync_post(conn: &mut Conn, input: &PostInput, now: &str) -> Stored<Change> {
    let existing: Option<i32> =
        posts::table.filter(posts::slug.eq(&input.slug)).select(posts::id).first(conn).optional()?;
    Ok(write_post(conn, input, existing, now)?.1)
}

/// Writes a post with everything it owns: a new one (`existing` None) or the row with that id,
/// whose slug may change. Returns its id and what changed.
pub fn write_post(conn: &mut Conn, input: &PostInput, existing: Option<i32>, now: &str) -> Stored<(i32, Change)> {
    let sections = body::render_sections(&input.sections);
    let words = body::word_count(&sections);
    let faq_words = match existing {
        Some(id) => faq_words(conn, id)?,
        None => 0,
    };
    let cta = input.cta.clone();
    let content = PostContent {
        slug: input.slug.clone(),
        title: input.title.clone(),
        excerpt: input.excerpt.clone(),
        // Validated before it gets here; a status that is not one is never public.
        status: Status::parse(&input.status).unwrap_or_default(),
        published_at: input.published_at.clone(),
        reading_time_minutes: reading_time_minutes(words + faq_words),
        word_count: words as i32,
        meta_title: input.meta_title.clone(),
        meta_description: input.meta_description.clone(),
        canonical_url: input.canonical_url.clone(),
        cta_label: cta.as_ref().map(|c| c.label.clone()),
        cta_url: cta.map(|c| c.url),
    };
    let relations = wanted_relations(conn, input).map_err(|error| error.within(&format!("post '{}'", input.slug)))?;

    // The slug is live now, so it no longer redirects anywhere (whichever post it pointed to).
    diesel::delete(post_redirects::table.filter(post_redirects::old_slug.eq(&input.slug))).execute(conn)?;
    let current = match existing {
        Some(id) => Some((id, posts::table.find(id).select(PostContent::as_select()).first(conn)?)),
        None => None,
    };
    let (post_id, change) = sync_row(
        conn,
        current,
        &content,
        |conn| crate::insert_stamped!(conn, posts, &content, now),
        |conn, id| crate::update_stamped!(conn, posts, id, &content, now),
    )?;

    let mut children_changed = false;
    if query::sections(conn, post_id)? != sections {
        replace_sections(conn, post_id, &sections)?;
        children_changed = true;
    }
    if current_relations(conn, post_id)? != relations {
        replace_relations(conn, post_id, &relations)?;
        children_changed = true;
    }
    let change = if change == Change::Unchanged && children_changed {
        diesel::update(posts::table.find(post_id)).set(posts::updated_at.eq(now)).execute(conn)?;
        Change::Updated
    } else {
        change
    };
    if change != Change::Unchanged {
        search::reindex(conn, search::Kind::Post, post_id)?;
    }
    Ok((post_id, change))
}
