//! The outbox: events are written in the same transaction as the content change that caused
//! them, one delivery row per matching subscription, so an acknowledged write always has its
//! events and a rolled-back one never does. The worker sends them later.
//!
//! What an event says is decided from the public representation before and after the write
//! (see `events::action`), so drafts are never announced and `data` is exactly what a public
//! read returns.

use crate::db::Conn;
use diesel::prelude::*;
use serde_json::Value;

use super::events;
use super::model::{EventResource, WebhookEvent};
use crate::clock;
use crate::error::ApiError;
use crate::http::changes::{public, Change, Public, Source};
use crate::http::write::Writable;
use crate::schema::{site, webhook_deliveries, webhook_events, webhook_schedule, webhooks};

/// What the app's change log does with a write's change: records its event, and when a
/// scheduled resource is due.
pub fn log(conn: &mut Conn, change: &Change, site_url: Option<&str>) -> Result<(), ApiError> {
    let source = &change.source;
    record(conn, source, change.before.clone(), change.after.clone(), change.deleted, site_url)?;
    let due = if change.deleted { None } else { change.scheduled_at };
    schedule(conn, source.kind, change.id, due, &clock::now())
}

/// Records the event a write means, if any: `before` and `after` are the public
/// representations around the write.
pub fn record(
    conn: &mut Conn,
    source: &Source,
    before: Option<Public>,
    after: Option<Public>,
    deleted: bool,
    site_url: Option<&str>,
) -> Result<(), ApiError> {
    let Some(action) = events::action(before.is_some(), after.is_some(), deleted) else {
        return Ok(());
    };
    if let (Some((old_slug, old)), Some((new_slug, new))) = (&before, &after) {
        if old_slug == new_slug && old == new {
            return Ok(()); // nothing the public sees changed
        }
    }
    let event_type = format!("{}.{action}", source.kind);
    let subscribers = subscribers(conn, &event_type)?;
    if subscribers.is_empty() {
        return Ok(());
    }
    let slug = after.as_ref().or(before.as_ref()).map(|(slug, _)| slug.clone()).unwrap_or_default();
    let previous_slug = before.as_ref().map(|(old, _)| old.clone()).filter(|old| *old != slug);
    let data = if deleted { None } else { after.map(|(_, data)| data) };
    let base = site_base(conn, site_url)?;
    let url = (source.page_url)(&base, &slug, data.as_ref().unwrap_or(&Value::Null));
    let resource = EventResource {
        kind: source.kind.to_string(),
        path: format!("{}/{slug}", source.collection),
        slug,
        previous_slug,
        url,
    };
    enqueue(conn, &event_type, Some(resource), data, &subscribers)?;
    Ok(())
}

/// Records the events of a write that replaced a whole set (the guidance bands): one per
/// resource that appeared, changed or went.
pub fn record_set(
    conn: &mut Conn,
    source: &Source,
    before: Vec<Public>,
    after: Vec<Public>,
    site_url: Option<&str>,
) -> Result<(), ApiError> {
    for (slug, old) in &before {
        let new = after.iter().find(|(s, _)| s == slug).cloned();
        let deleted = new.is_none();
        record(conn, source, Some((slug.clone(), old.clone())), new, deleted, site_url)?;
    }
    for (slug, new) in after {
        if !before.iter().any(|(s, _)| *s == slug) {
            record(conn, source, None, Some((slug, new)), false, site_url)?;
        }
    }
    Ok(())
}

/// Remembers when a scheduled resource becomes public, so the worker announces it then; a
/// write that unschedules it (or deletes it) forgets it.
pub fn schedule(conn: &mut Conn, kind: &str, id: i32, due_at: Option<&str>, now: &str) -> Result<(), ApiError> {
    diesel::delete(
        webhook_schedule::table.filter(webhook_schedule::kind.eq(kind)).filter(webhook_schedule::resource_id.eq(id)),
    )
    .execute(conn)?;
    if let Some(due_at) = due_at.and_then(clock::normalize).filter(|due| due.as_str() > now) {
        diesel::insert_into(webhook_schedule::table)
            .values((
                webhook_schedule::kind.eq(kind),
                webhook_schedule::resource_id.eq(id),
                webhook_schedule::due_at.eq(due_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Announces a resource of kind `R` whose scheduled time has come (`*.published`).
pub fn announce<R: Writable>(conn: &mut Conn, id: i32, site_url: Option<&str>) -> Result<(), ApiError> {
    if let Some(slug) = R::slug_of(conn, id)? {
        let after = public::<R>(conn, &slug)?;
        record(conn, &Source::of::<R>(), None, after, false, site_url)?;
    }
    Ok(())
}

/// A kind whose scheduled resources are announced, and how.
pub type Announcer = (&'static str, fn(&mut Conn, i32, Option<&str>) -> Result<(), ApiError>);

/// The announcer of `R`'s scheduled resources.
pub const fn announcer<R: Writable>() -> Announcer {
    (R::EVENT_KIND, announce::<R>)
}

/// Announces scheduled posts and FAQ entries whose time has come (`*.published`). Runs in the
/// worker when a schedule row is due; returns how many this call announced. Each row is
/// claimed by deleting it, so with several instances only the one whose delete removed it
/// announces it.
pub fn announce_due(
    conn: &mut Conn,
    now: &str,
    site_url: Option<&str>,
    announcers: &[Announcer],
) -> Result<usize, ApiError> {
    crate::db::write_transaction(conn, |conn| {
        let due: Vec<(String, i32)> = webhook_schedule::table
            .filter(webhook_schedule::due_at.le(now))
            .select((webhook_schedule::kind, webhook_schedule::resource_id))
            .load(conn)?;
        let mut announced = 0;
        for (kind, id) in &due {
            let claimed = diesel::delete(
                webhook_schedule::table
                    .filter(webhook_schedule::kind.eq(kind))
                    .filter(webhook_schedule::resource_id.eq(id))
                    .filter(webhook_schedule::due_at.le(now)),
            )
            .execute(conn)?;
            if claimed == 0 {
                continue;
            }
            announced += 1;
            if let Some((_, announce)) = announcers.iter().find(|(announced_kind, _)| announced_kind == kind) {
                announce(conn, *id, site_url)?;
            }
        }
        Ok(announced)
    })
}

/// The active subscriptions that want this event type.
fn subscribers(conn: &mut Conn, event_type: &str) -> Result<Vec<i32>, ApiError> {
    let active: Vec<(i32, String)> =
        webhooks::table.filter(webhooks::active.eq(true)).select((webhooks::id, webhooks::events)).load(conn)?;
    Ok(active
        .into_iter()
        .filter(|(_, patterns)| {
            let patterns: Vec<String> = serde_json::from_str(patterns).unwrap_or_default();
            events::matches(&patterns, event_type)
        })
        .map(|(id, _)| id)
        .collect())
}

/// The front end's base URL: `PUBLIC_SITE_URL`, else the site's website.
fn site_base(conn: &mut Conn, configured: Option<&str>) -> Result<String, ApiError> {
    let website: Option<String> = match configured {
        Some(_) => None,
        None => site::table.select(site::website_url).first(conn).optional()?,
    };
    Ok(crate::seo::base(configured, &website.unwrap_or_default()))
}

/// Writes an event and one pending delivery of it per subscription; returns the event's row id.
pub fn enqueue(
    conn: &mut Conn,
    event_type: &str,
    resource: Option<EventResource>,
    data: Option<Value>,
    subscribers: &[i32],
) -> Result<i32, ApiError> {
    let now = clock::now();
    let public_id =
        format!("evt_{}", crate::crypto::hex(&crate::crypto::random_bytes::<12>().map_err(ApiError::internal)?));
    let payload = WebhookEvent {
        id: public_id.clone(),
        event_type: event_type.to_string(),
        created_at: now.clone(),
        resource,
        data,
    };
    let payload = serde_json::to_string(&payload).map_err(ApiError::internal)?;
    let event_id: i32 = diesel::insert_into(webhook_events::table)
        .values((
            webhook_events::public_id.eq(&public_id),
            webhook_events::event_type.eq(event_type),
            webhook_events::payload.eq(&payload),
            webhook_events::created_at.eq(&now),
        ))
        .returning(webhook_events::id)
        .get_result(conn)?;
    for webhook in subscribers {
        add_delivery(conn, *webhook, event_id)?;
    }
    Ok(event_id)
}

/// A new pending delivery of an event, due now; returns its id.
pub fn add_delivery(conn: &mut Conn, webhook: i32, event_id: i32) -> Result<i32, ApiError> {
    Ok(diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::webhook_id.eq(webhook),
            webhook_deliveries::event_id.eq(event_id),
            webhook_deliveries::next_attempt_ms.eq(chrono::Utc::now().timestamp_millis()),
            webhook_deliveries::created_at.eq(clock::now()),
        ))
        .returning(webhook_deliveries::id)
        .get_result(conn)?)
}
