//! Reading the change log: which resources changed after a `seq`, and what to send for each.

use std::collections::HashMap;

use crate::db::Conn;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};

use super::model::{SyncChange, SyncData};
use crate::content::Viewer;
use crate::http::list_query::{Bind, ListQuery};
use crate::http::prepared::Prepared;

/// Log rows read at a time while filling a page.
const BATCH: i64 = 1000;

/// At most this many log rows per page: one resource changed many times is one change, so a
/// page may end short of `limit` (with `has_more`) rather than read the log without bound.
const MAX_ROWS_PER_PAGE: usize = 10 * BATCH as usize;

#[derive(Debug, Clone, QueryableByName)]
pub struct LogRow {
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
    #[diesel(sql_type = Text)]
    pub resource: String,
    #[diesel(sql_type = Integer)]
    pub resource_id: i32,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub op: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub visible_from: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub parent_id: Option<i32>,
    #[diesel(sql_type = Text)]
    pub at: String,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Integer)]
    id: i32,
}

#[derive(QueryableByName)]
struct Seq {
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

/// A resource in the log: its type and id.
type Key = (String, i32);

/// What a page covers.
pub struct Page {
    pub changes: Vec<SyncChange>,
    /// The last `seq` the page covers.
    pub last_seq: i64,
    pub has_more: bool,
}

const COLUMNS: &str = "CAST(seq AS BIGINT) AS seq, resource, resource_id, slug, op, visible_from, parent_id, at";

pub fn max_seq(conn: &mut Conn) -> QueryResult<i64> {
    Ok(diesel::sql_query("SELECT CAST(coalesce(max(seq), 0) AS BIGINT) AS seq FROM change_log")
        .get_result::<Seq>(conn)?
        .seq)
}

/// The table of a resource type, and how its slug reads.
fn table(resource: &str) -> (&'static str, &'static str) {
    match resource {
        "post" => ("posts", "slug"),
        "faq" => ("faqs", "slug"),
        "condition" => ("conditions", "slug"),
        "condition_category" => ("condition_categories", "slug"),
        "guidance_band" => ("guidance_bands", "slug"),
        "guidance_course" => ("guidance_course", "'course'"),
        "tag" => ("tags", "slug"),
        "citation" => ("citations", "slug"),
        _ => ("site", "'site'"),
    }
}

#[derive(QueryableByName)]
struct IdSlug {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    slug: String,
}

/// The slugs now of the resources of one type with these ids (those that still exist).
fn current_slugs(conn: &mut Conn, resource: &str, ids: &[i32]) -> QueryResult<HashMap<i32, String>> {
    let (table, slug) = table(resource);
    let marks = vec!["?"; ids.len()].join(", ");
    let query = Prepared::once(
        &format!("SELECT id, {slug} AS slug FROM {table} WHERE id IN ({marks})"),
        ids.iter().map(|id| Bind::Int(i64::from(*id))),
    );
    Ok(query.load::<IdSlug>(conn)?.into_iter().map(|row| (row.id, row.slug)).collect())
}

/// What the public sees now of the resources of one type with these ids and current slugs: a
/// query per relation for all of them where the type has a batch read.
fn load_all(
    conn: &mut Conn,
    resource: &str,
    slugs: &HashMap<i32, String>,
    viewer: &Viewer,
) -> QueryResult<HashMap<i32, SyncData>> {
    let ids: Vec<i32> = slugs.keys().copied().collect();
    let none = ListQuery::none();
    let by_slug = |items: Vec<(String, SyncData)>| -> HashMap<i32, SyncData> {
        let mut items: HashMap<String, SyncData> = items.into_iter().collect();
        slugs.iter().filter_map(|(id, slug)| items.remove(slug).map(|item| (*id, item))).collect()
    };
    Ok(match resource {
        "post" => crate::posts::query::find_by_ids(conn, &ids, &none, viewer)?
            .into_iter()
            .map(|(id, post)| (id, SyncData::Post(Box::new(post))))
            .collect(),
        "faq" => crate::faqs::query::find_by_ids(conn, &ids, viewer)?
            .into_iter()
            .map(|(id, faq)| (id, SyncData::Faq(Box::new(faq))))
            .collect(),
        "tag" => by_slug(
            crate::tags::query::by_ids(conn, &ids, &none, viewer)?
                .into_iter()
                .map(|tag| (tag.slug.clone(), SyncData::Tag(Box::new(tag))))
                .collect(),
        ),
        "citation" => by_slug(
            crate::citations::query::by_ids(conn, &ids, &none, viewer)?
                .into_iter()
                .map(|citation| (citation.slug.clone(), SyncData::Citation(Box::new(citation))))
                .collect(),
        ),
        // Few of these exist (conditions, categories, guidance, the site): one at a time.
        _ => {
            let mut loaded = HashMap::new();
            for (id, slug) in slugs {
                if let Some(data) = load(conn, resource, slug, viewer)? {
                    loaded.insert(*id, data);
                }
            }
            loaded
        }
    })
}

/// One resource of a type without a batch read, as the public sees it now, if it is public.
fn load(conn: &mut Conn, resource: &str, slug: &str, viewer: &Viewer) -> QueryResult<Option<SyncData>> {
    let none = ListQuery::none();
    Ok(match resource {
        "condition" => crate::conditions::query::find_condition(conn, slug, &none, viewer)?
            .map(|x| SyncData::Condition(Box::new(x))),
        "condition_category" => crate::conditions::query::find_category(conn, slug, &none, viewer)?
            .map(|x| SyncData::ConditionCategory(Box::new(x))),
        "guidance_band" => crate::guidance::query::find_band(conn, slug)?.map(|x| SyncData::GuidanceBand(Box::new(x))),
        "guidance_course" => crate::guidance::query::course(conn)?.map(|x| SyncData::GuidanceCourse(Box::new(x))),
        _ => crate::site::query::find(conn)?.map(|x| SyncData::Site(Box::new(x))),
    })
}

/// The last log row of a resource at or before `seq`: its state as of then.
fn state_at(conn: &mut Conn, key: &Key, seq: i64) -> QueryResult<Option<LogRow>> {
    Prepared::new(
        &format!(
            "SELECT {COLUMNS} FROM change_log WHERE resource = ? AND resource_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1"
        ),
        [Bind::Text(key.0.clone()), Bind::Int(key.1.into()), Bind::Int(seq)],
    )
    .get_result(conn)
    .optional()
}

/// The slug a resource had at `seq`, if the public could see it then (`time` is when the token
/// was issued: scheduled content whose time had come by then was public too).
fn public_at(conn: &mut Conn, key: &Key, seq: i64, time: &str) -> QueryResult<Option<String>> {
    let Some(row) = state_at(conn, key, seq)? else { return Ok(None) };
    let public =
        row.op != "delete" && row.visible_from.as_deref().is_some_and(|from| from <= time || from <= row.at.as_str());
    if !public {
        return Ok(None);
    }
    if let (true, Some(post_id)) = (row.resource == "faq", row.parent_id) {
        // An FAQ entry tied to a post is public only while its post is.
        if public_at(conn, &("post".to_string(), post_id), seq, time)?.is_none() {
            return Ok(None);
        }
    }
    Ok(Some(row.slug))
}

/// Resources whose public representation depends on this one: a post's FAQ entries, a
/// category's conditions.
fn dependents(conn: &mut Conn, key: &Key) -> QueryResult<Vec<Key>> {
    let (sql, kind) = match key.0.as_str() {
        "post" => ("SELECT id FROM faqs WHERE post_id = ? ORDER BY id", "faq"),
        "condition_category" => ("SELECT id FROM conditions WHERE category_id = ? ORDER BY id", "condition"),
        _ => return Ok(Vec::new()),
    };
    let ids: Vec<Id> = Prepared::new(sql, [Bind::Int(key.1.into())]).load(conn)?;
    Ok(ids.into_iter().map(|id| (kind.to_string(), id.id)).collect())
}

/// Posts and FAQ entries whose scheduled time came in `(after, until]`: public now with no
/// write to log.
fn scheduled_between(conn: &mut Conn, after: &str, until: &str) -> QueryResult<Vec<Key>> {
    let mut keys = Vec::new();
    for (table, kind) in [("posts", "post"), ("faqs", "faq")] {
        let ids: Vec<Id> = Prepared::new(
            &format!(
                "SELECT id FROM {table} WHERE status IN {public} AND published_at > ? AND published_at <= ? ORDER BY published_at, id",
                public = crate::public_statuses!()
            ),
            [Bind::Text(after.to_string()), Bind::Text(until.to_string())],
        )
        .load(conn)?;
        keys.extend(ids.into_iter().map(|id| (kind.to_string(), id.id)));
    }
    Ok(keys)
}

/// The changes after `since` (a `seq`, with the time its token was issued), about `limit`
/// resources at most (a post's FAQ entries come with it, so a page may hold a few more).
pub fn page(conn: &mut Conn, since: i64, time: &str, limit: usize, viewer: &Viewer) -> QueryResult<Page> {
    let max = max_seq(conn)?;
    let mut keys: Vec<(Key, String)> = Vec::new();
    let mut seen: HashMap<Key, usize> = HashMap::new();
    let mut last_seq = since;
    let mut rows_read = 0;
    'walk: while last_seq < max && rows_read < MAX_ROWS_PER_PAGE {
        let rows: Vec<LogRow> = Prepared::new(
            &format!("SELECT {COLUMNS} FROM change_log WHERE seq > ? ORDER BY seq LIMIT {BATCH}"),
            [Bind::Int(last_seq)],
        )
        .load(conn)?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            last_seq = row.seq;
            rows_read += 1;
            let key = (row.resource.clone(), row.resource_id);
            let mut touched = vec![key.clone()];
            touched.extend(dependents(conn, &key)?);
            for key in touched {
                match seen.get(&key) {
                    // Seen earlier in this page: it changed again, later.
                    Some(&index) => keys[index].1 = row.at.clone(),
                    None => {
                        seen.insert(key.clone(), keys.len());
                        keys.push((key, row.at.clone()));
                    }
                }
            }
            if keys.len() >= limit || rows_read >= MAX_ROWS_PER_PAGE {
                break 'walk;
            }
        }
    }
    let has_more = last_seq < max;
    if !has_more {
        last_seq = max;
        for key in scheduled_between(conn, time, &viewer.now)? {
            let mut touched = vec![key.clone()];
            touched.extend(dependents(conn, &key)?);
            for key in touched {
                if let std::collections::hash_map::Entry::Vacant(entry) = seen.entry(key.clone()) {
                    entry.insert(keys.len());
                    keys.push((key, viewer.now.clone()));
                }
            }
        }
    }

    // What each resource is now, a type at a time: its slug, and what the public sees of it.
    let mut ids_by_type: HashMap<&str, Vec<i32>> = HashMap::new();
    for ((resource, id), _) in &keys {
        ids_by_type.entry(resource.as_str()).or_default().push(*id);
    }
    let mut slugs: HashMap<Key, String> = HashMap::new();
    let mut loaded: HashMap<Key, SyncData> = HashMap::new();
    for (resource, ids) in ids_by_type {
        let found = current_slugs(conn, resource, &ids)?;
        for (id, data) in load_all(conn, resource, &found, viewer)? {
            loaded.insert((resource.to_string(), id), data);
        }
        slugs.extend(found.into_iter().map(|(id, slug)| ((resource.to_string(), id), slug)));
    }

    let mut changes = Vec::new();
    for (key, changed_at) in keys {
        let had = if since > 0 { public_at(conn, &key, since, time)? } else { None };
        let slug_now = slugs.remove(&key);
        let data = loaded.remove(&key);
        let tombstone = |slug: String, reason: &str| SyncChange {
            type_: key.0.clone(),
            slug,
            action: "delete".into(),
            changed_at: changed_at.clone(),
            reason: Some(reason.into()),
            data: None,
        };
        match (data, had) {
            (Some(data), had) => {
                let slug = slug_now.expect("loaded by slug");
                if let Some(old) = had.filter(|old| *old != slug) {
                    changes.push(tombstone(old, "renamed"));
                }
                changes.push(SyncChange {
                    type_: key.0.clone(),
                    slug,
                    action: "upsert".into(),
                    changed_at: changed_at.clone(),
                    reason: None,
                    data: Some(data),
                });
            }
            (None, Some(old)) => {
                let reason = if slug_now.is_some() { "unpublished" } else { "deleted" };
                changes.push(tombstone(old, reason));
            }
            (None, None) => {} // never public as far as the app knows: nothing to say
        }
    }
    Ok(Page { changes, last_seq, has_more })
}
