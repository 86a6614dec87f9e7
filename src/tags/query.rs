//! Database access for tags.

use std::collections::HashMap;

use crate::db::Conn;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::model::{Tag, TagInput, TagRef, TagRow};
use crate::content::visibility::is_public_faq;
use crate::content::Status;
use crate::content::{grouped, Viewer};
use crate::db::{sync_row, Change};
use crate::http::list_query::ListQuery;
use crate::schema::{faq_tags, faqs, post_tags, tagged_posts, tags};

/// The tags with these ids, in that order, with how many visible posts and FAQ entries each has.
pub fn by_ids(conn: &mut Conn, ids: &[i32], _query: &ListQuery, viewer: &Viewer) -> QueryResult<Vec<Tag>> {
    let rows: Vec<(i32, TagRow)> =
        tags::table.filter(tags::id.eq_any(ids)).select((tags::id, TagRow::as_select())).load(conn)?;
    let (post_counts, faq_counts) = counts(conn, viewer, ids)?;
    let tags = rows
        .into_iter()
        .map(|(id, row)| {
            let posts = post_counts.get(&id).copied().unwrap_or(0);
            let faqs = faq_counts.get(&id).copied().unwrap_or(0);
            (id, Tag::from_row(row, posts, faqs))
        })
        .collect();
    Ok(crate::db::in_order(ids, tags))
}

pub fn find_by_slug(conn: &mut Conn, slug: &str, _query: &ListQuery, viewer: &Viewer) -> QueryResult<Option<Tag>> {
    let Some((id, row)) = tags::table
        .filter(tags::slug.eq(slug))
        .select((tags::id, TagRow::as_select()))
        .first::<(i32, TagRow)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let (post_counts, faq_counts) = counts(conn, viewer, &[id])?;
    let posts = post_counts.get(&id).copied().unwrap_or(0);
    let faqs = faq_counts.get(&id).copied().unwrap_or(0);
    Ok(Some(Tag::from_row(row, posts, faqs)))
}

type Counts = HashMap<i32, i64>;

/// Visible posts and FAQ entries per tag, for the given tags, remembered until the content
/// changes as list totals are (a sync page or tag list asked again costs no count).
fn counts(conn: &mut Conn, viewer: &Viewer, tag_ids: &[i32]) -> QueryResult<(Counts, Counts)> {
    let keys: Vec<String> = ["posts", "faqs"]
        .iter()
        .flat_map(|kind| tag_ids.iter().map(move |id| format!("tag-{kind}|{id}|{}", viewer.preview)))
        .collect();
    let n = tag_ids.len();
    let found = viewer.totals(&keys, |missing| {
        let ids: Vec<i32> =
            missing.iter().map(|i| tag_ids[i % n]).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        let (posts, faqs) = count(conn, viewer, &ids)?;
        Ok(missing
            .iter()
            .map(|i| {
                let counted = if *i < n { &posts } else { &faqs };
                counted.get(&tag_ids[i % n]).copied().unwrap_or(0)
            })
            .collect())
    })?;
    let (posts, faqs) = found.split_at(n);
    Ok((
        tag_ids.iter().copied().zip(posts.iter().copied()).collect(),
        tag_ids.iter().copied().zip(faqs.iter().copied()).collect(),
    ))
}

/// Counts them: two grouped queries, each reading only the given tags' rows by index, so the
/// work is the tags' own counts, whatever the size of the library.
fn count(conn: &mut Conn, viewer: &Viewer, tag_ids: &[i32]) -> QueryResult<(Counts, Counts)> {
    // Grouped queries cannot be boxed, so the two visibilities are two queries each. Posts are
    // counted in tagged_posts (a post's list columns per tag, kept by triggers), whose indexes
    // lead with the tag and carry status and publication time: a tag's count reads a few
    // adjacent index pages instead of each post's row.
    let tagged = tagged_posts::table.filter(tagged_posts::tag_id.eq_any(tag_ids));
    let count = (tagged_posts::tag_id, count_star());
    let posts: Vec<(i32, i64)> = if viewer.preview {
        tagged.group_by(tagged_posts::tag_id).select(count).load(conn)?
    } else {
        tagged
            .filter(tagged_posts::status.eq_any(Status::PUBLIC))
            .filter(tagged_posts::published_at.le(&viewer.now))
            .group_by(tagged_posts::tag_id)
            .select(count)
            .load(conn)?
    };
    let tagged = faq_tags::table.inner_join(faqs::table).filter(faq_tags::tag_id.eq_any(tag_ids));
    let count = (faq_tags::tag_id, count_star());
    let faqs: Vec<(i32, i64)> = if viewer.preview {
        tagged.group_by(faq_tags::tag_id).select(count).load(conn)?
    } else {
        tagged.filter(is_public_faq(&viewer.now)).group_by(faq_tags::tag_id).select(count).load(conn)?
    };
    Ok((posts.into_iter().collect(), faqs.into_iter().collect()))
}

/// The tags of each given post, in the post's order.
pub fn refs_for_posts(conn: &mut Conn, post_ids: &[i32]) -> QueryResult<HashMap<i32, Vec<TagRef>>> {
    let rows: Vec<(i32, String, String)> = post_tags::table
        .inner_join(tags::table)
        .filter(post_tags::post_id.eq_any(post_ids))
        .order((post_tags::post_id, post_tags::position))
        .select((post_tags::post_id, tags::slug, tags::name))
        .load(conn)?;
    Ok(group_refs(rows))
}

/// The tags of each given FAQ entry, by name.
pub fn refs_for_faqs(conn: &mut Conn, faq_ids: &[i32]) -> QueryResult<HashMap<i32, Vec<TagRef>>> {
    let rows: Vec<(i32, String, String)> = faq_tags::table
        .inner_join(tags::table)
        .filter(faq_tags::faq_id.eq_any(faq_ids))
        .order((faq_tags::faq_id, tags::name))
        .select((faq_tags::faq_id, tags::slug, tags::name))
        .load(conn)?;
    Ok(group_refs(rows))
}

fn group_refs(rows: Vec<(i32, String, String)>) -> HashMap<i32, Vec<TagRef>> {
    grouped(rows.into_iter().map(|(owner, slug, name)| (owner, TagRef { slug, name })))
}

/// Tag ids by slug, for resolving references; `None` if any slug is unknown (named in the error).
pub fn ids_by_slugs(conn: &mut Conn, slugs: &[String]) -> crate::content::Stored<Vec<i32>> {
    let found = tags::table.filter(tags::slug.eq_any(slugs)).select((tags::slug, tags::id)).load(conn)?;
    crate::content::store::resolve_slugs(found, slugs, "tag")
}

/// Inserts the tag or updates it by slug; unchanged content writes nothing.
pub fn sync(conn: &mut Conn, input: &TagInput, now: &str) -> QueryResult<Change> {
    let existing = tags::table
        .filter(tags::slug.eq(&input.slug))
        .select((tags::id, TagInput::as_select()))
        .first::<(i32, TagInput)>(conn)
        .optional()?;
    let insert = |conn: &mut Conn| insert(conn, input, now);
    let update = |conn: &mut Conn, id: i32| update(conn, id, input, now);
    Ok(sync_row(conn, existing, input, insert, update)?.1)
}

/// Inserts a new row; returns its id. (The seed sync and the write API both write through here.)
pub fn insert(conn: &mut Conn, input: &TagInput, now: &str) -> QueryResult<i32> {
    crate::insert_stamped!(conn, tags, input, now)
}

pub fn update(conn: &mut Conn, id: i32, input: &TagInput, now: &str) -> QueryResult<usize> {
    crate::update_stamped!(conn, tags, id, input, now)
}
