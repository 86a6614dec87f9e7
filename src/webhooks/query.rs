//! Database access for subscriptions and deliveries.

use crate::db::Conn;
use crate::http::list_query::Bind;
use crate::http::prepared::Prepared;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::delivery::{new_secret, Attempt};
use super::model::{DeliveredEvent, Delivery, DeliveryLinks, Webhook, WebhookInput, WebhookLinks};
use super::{outbox, WebhookSettings};
use crate::clock;
use crate::error::ApiError;
use crate::schema::{webhook_deliveries, webhook_events, webhooks};

/// At most this many subscriptions (each write fans out to every one of them).
pub const MAX_WEBHOOKS: i64 = 100;

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhooks)]
struct Row {
    id: i32,
    url: String,
    events: String,
    description: String,
    active: bool,
    created_at: String,
    updated_at: String,
}

fn pending_count(conn: &mut Conn, id: i32) -> QueryResult<i64> {
    webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(id))
        .filter(webhook_deliveries::status.eq("pending"))
        .count()
        .get_result(conn)
}

fn to_webhook(conn: &mut Conn, row: Row) -> QueryResult<Webhook> {
    Ok(Webhook {
        pending_deliveries: pending_count(conn, row.id)?,
        id: row.id,
        url: row.url,
        events: serde_json::from_str(&row.events).unwrap_or_default(),
        description: row.description,
        active: row.active,
        secret: None,
        created_at: row.created_at,
        updated_at: row.updated_at,
        links: WebhookLinks::new(row.id),
    })
}

pub fn list(conn: &mut Conn) -> QueryResult<Vec<Webhook>> {
    let rows: Vec<Row> = webhooks::table.order(webhooks::id).select(Row::as_select()).load(conn)?;
    rows.into_iter().map(|row| to_webhook(conn, row)).collect()
}

pub fn find(conn: &mut Conn, id: i32) -> QueryResult<Option<Webhook>> {
    let row: Option<Row> = webhooks::table.find(id).select(Row::as_select()).first(conn).optional()?;
    row.map(|row| to_webhook(conn, row)).transpose()
}

pub fn load_input(conn: &mut Conn, id: i32) -> QueryResult<Option<WebhookInput>> {
    let row: Option<Row> = webhooks::table.find(id).select(Row::as_select()).first(conn).optional()?;
    Ok(row.map(|row| WebhookInput {
        url: row.url,
        events: serde_json::from_str(&row.events).unwrap_or_default(),
        description: row.description,
        active: row.active,
    }))
}

/// Creates a subscription; the answer carries its secret, the only time it is shown.
pub fn create(conn: &mut Conn, input: &WebhookInput) -> Result<Webhook, ApiError> {
    let count: i64 = webhooks::table.count().get_result(conn)?;
    if count >= MAX_WEBHOOKS {
        return Err(ApiError::Conflict(format!("There are already {MAX_WEBHOOKS} webhooks; delete one first.")));
    }
    let secret = new_secret().map_err(ApiError::internal)?;
    let now = clock::now();
    let id: i32 = diesel::insert_into(webhooks::table)
        .values((
            webhooks::url.eq(&input.url),
            webhooks::events.eq(serde_json::to_string(&input.events).map_err(ApiError::internal)?),
            webhooks::description.eq(&input.description),
            webhooks::secret.eq(&secret),
            webhooks::active.eq(input.active),
            webhooks::created_at.eq(&now),
            webhooks::updated_at.eq(&now),
        ))
        .returning(webhooks::id)
        .get_result(conn)?;
    let mut created = find(conn, id)?.ok_or_else(|| ApiError::internal("created webhook not found"))?;
    created.secret = Some(secret);
    Ok(created)
}

pub fn update(conn: &mut Conn, id: i32, input: &WebhookInput) -> Result<(), ApiError> {
    diesel::update(webhooks::table.find(id))
        .set((
            webhooks::url.eq(&input.url),
            webhooks::events.eq(serde_json::to_string(&input.events).map_err(ApiError::internal)?),
            webhooks::description.eq(&input.description),
            webhooks::active.eq(input.active),
            webhooks::updated_at.eq(clock::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes a subscription and its deliveries; events no delivery refers to any more go too.
pub fn delete(conn: &mut Conn, id: i32) -> QueryResult<usize> {
    let deleted = diesel::delete(webhooks::table.find(id)).execute(conn)?;
    prune_orphan_events(conn)?;
    Ok(deleted)
}

fn prune_orphan_events(conn: &mut Conn) -> QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM webhook_events WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)",
    )
    .execute(conn)
}

/// Forgets finished deliveries older than `before` (RFC 3339), and events left without one.
pub fn prune(conn: &mut Conn, before: &str) -> QueryResult<usize> {
    let removed = diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::status.ne("pending"))
            .filter(webhook_deliveries::created_at.lt(before)),
    )
    .execute(conn)?;
    prune_orphan_events(conn)?;
    Ok(removed)
}

type DeliveryRow = (
    (i32, String, i32, i64, Option<String>, Option<i32>, Option<String>, Option<i32>, Option<String>, String),
    (String, String, String),
    i32,
);

fn to_delivery(row: DeliveryRow) -> Delivery {
    let (
        (id, status, attempts, next_ms, last_attempt_at, code, error, latency, delivered_at, created_at),
        event,
        webhook,
    ) = row;
    let next_attempt_at =
        (status == "pending").then(|| chrono::DateTime::from_timestamp_millis(next_ms).map(clock::format)).flatten();
    Delivery {
        id,
        event: DeliveredEvent { id: event.0, event_type: event.1, created_at: event.2 },
        status,
        attempts,
        next_attempt_at,
        last_attempt_at,
        last_status_code: code,
        last_error: error,
        last_latency_ms: latency,
        delivered_at,
        created_at,
        links: DeliveryLinks { redeliver: format!("/v1/webhooks/{webhook}/deliveries/{id}/redeliver") },
    }
}

macro_rules! delivery_columns {
    () => {
        (
            (
                webhook_deliveries::id,
                webhook_deliveries::status,
                webhook_deliveries::attempts,
                webhook_deliveries::next_attempt_ms,
                webhook_deliveries::last_attempt_at,
                webhook_deliveries::last_status_code,
                webhook_deliveries::last_error,
                webhook_deliveries::last_latency_ms,
                webhook_deliveries::delivered_at,
                webhook_deliveries::created_at,
            ),
            (webhook_events::public_id, webhook_events::event_type, webhook_events::created_at),
            webhook_deliveries::webhook_id,
        )
    };
}

/// Deliveries with these ids, in this order.
pub fn deliveries_by_ids(conn: &mut Conn, ids: &[i32]) -> QueryResult<Vec<Delivery>> {
    let rows: Vec<DeliveryRow> = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::id.eq_any(ids))
        .select(delivery_columns!())
        .load(conn)?;
    let mut deliveries: Vec<Delivery> = rows.into_iter().map(to_delivery).collect();
    deliveries.sort_by_key(|d| ids.iter().position(|id| *id == d.id));
    Ok(deliveries)
}

pub fn delivery(conn: &mut Conn, webhook: i32, id: i32) -> QueryResult<Option<Delivery>> {
    let row: Option<DeliveryRow> = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::id.eq(id))
        .filter(webhook_deliveries::webhook_id.eq(webhook))
        .select(delivery_columns!())
        .first(conn)
        .optional()?;
    Ok(row.map(to_delivery))
}

/// Sends a delivery's event again, as a new delivery at the end of the subscription's queue.
pub fn redeliver(conn: &mut Conn, webhook: i32, id: i32) -> Result<Option<Delivery>, ApiError> {
    let event: Option<i32> = webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(id))
        .filter(webhook_deliveries::webhook_id.eq(webhook))
        .select(webhook_deliveries::event_id)
        .first(conn)
        .optional()?;
    let Some(event) = event else { return Ok(None) };
    let new = outbox::add_delivery(conn, webhook, event)?;
    Ok(delivery(conn, webhook, new)?)
}

/// Queues a `ping` event for one subscription.
pub fn ping(conn: &mut Conn, webhook: i32) -> Result<Delivery, ApiError> {
    let event = outbox::enqueue(conn, super::events::PING, None, None, &[])?;
    let new = outbox::add_delivery(conn, webhook, event)?;
    delivery(conn, webhook, new)?.ok_or_else(|| ApiError::internal("queued delivery not found"))
}

/// A delivery this instance has claimed and is about to attempt.
#[derive(Debug, Clone, Queryable)]
pub struct Due {
    pub delivery_id: i32,
    pub webhook_id: i32,
    pub url: String,
    pub secret: String,
    pub public_id: String,
    pub payload: String,
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
}

/// What the worker has to do, and when: the earliest scheduled publication (RFC 3339) and the
/// earliest moment a subscription's next delivery may be attempted (Unix ms: its retry time,
/// or when the lease on it runs out). One cheap read, so an idle worker asks once a second.
#[derive(Debug, Default, QueryableByName)]
pub struct NextWork {
    #[diesel(sql_type = Nullable<Text>)]
    pub announcement: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub delivery_ms: Option<i64>,
}

pub fn next_work(conn: &mut Conn) -> QueryResult<NextWork> {
    diesel::sql_query(
        "SELECT (SELECT min(due_at) FROM webhook_schedule) AS announcement,
                (SELECT min(CASE WHEN d.lease_until_ms > d.next_attempt_ms THEN d.lease_until_ms ELSE d.next_attempt_ms END)
                 FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                 WHERE w.active AND d.status = 'pending'
                   AND d.id = (SELECT min(p.id) FROM webhook_deliveries p
                               WHERE p.webhook_id = d.webhook_id AND p.status = 'pending')) AS delivery_ms",
    )
    .get_result(conn)
}

/// Claims, for `owner` until `lease_until_ms`, the oldest pending delivery of each active
/// subscription where it is due and nobody holds it: a subscription's events go out one at a
/// time, in order, and a retry holds back the ones after it. One `UPDATE … RETURNING`, so two
/// instances never claim the same delivery (the conditions on the row itself are re-checked
/// under the row lock on PostgreSQL too); returns what was claimed.
pub fn claim(conn: &mut Conn, owner: &str, now_ms: i64, lease_until_ms: i64) -> QueryResult<Vec<Due>> {
    let claimed: Vec<Claimed> = Prepared::new(
        "UPDATE webhook_deliveries SET lease_owner = ?, lease_until_ms = ?
         WHERE status = 'pending' AND next_attempt_ms <= ? AND (lease_until_ms IS NULL OR lease_until_ms <= ?)
           AND id IN (SELECT min(p.id) FROM webhook_deliveries p JOIN webhooks w ON w.id = p.webhook_id
                      WHERE p.status = 'pending' AND w.active GROUP BY p.webhook_id)
         RETURNING id",
        [Bind::Text(owner.to_string()), Bind::Int(lease_until_ms), Bind::Int(now_ms), Bind::Int(now_ms)],
    )
    .load(conn)?;
    let claimed: Vec<i32> = claimed.into_iter().map(|row| row.id).collect();
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    webhook_deliveries::table
        .inner_join(webhooks::table)
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::id.eq_any(&claimed))
        .filter(webhook_deliveries::lease_owner.eq(owner))
        .select((
            webhook_deliveries::id,
            webhook_deliveries::webhook_id,
            webhooks::url,
            webhooks::secret,
            webhook_events::public_id,
            webhook_events::payload,
        ))
        .load(conn)
}

/// Gives back the deliveries an instance holds (it is shutting down), so they are sent
/// again at once rather than when their leases run out.
pub fn release(conn: &mut Conn, owner_prefix: &str) -> QueryResult<usize> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::status.eq("pending"))
            .filter(webhook_deliveries::lease_owner.like(format!("{owner_prefix}%"))),
    )
    .set((webhook_deliveries::lease_owner.eq(None::<String>), webhook_deliveries::lease_until_ms.eq(None::<i64>)))
    .execute(conn)
}

/// Records an attempt made under `owner`'s lease and ends the lease: delivered, retried later
/// (doubling the wait each time, at most an hour), or failed for good after the last attempt.
/// Returns false (and records nothing) when the lease was no longer this owner's.
pub fn finish_attempt(
    conn: &mut Conn,
    delivery_id: i32,
    owner: &str,
    attempt: &Attempt,
    settings: &WebhookSettings,
) -> QueryResult<bool> {
    let now = clock::now();
    let held = webhook_deliveries::table
        .find(delivery_id)
        .filter(webhook_deliveries::status.eq("pending"))
        .filter(webhook_deliveries::lease_owner.eq(owner));
    let attempts: Option<i32> = held.select(webhook_deliveries::attempts).first(conn).optional()?;
    let Some(attempts) = attempts.map(|n| n + 1) else { return Ok(false) };
    let (status, next_ms) = if attempt.delivered {
        ("delivered", 0)
    } else if attempts >= settings.max_attempts {
        ("failed", 0)
    } else {
        ("pending", chrono::Utc::now().timestamp_millis() + settings.backoff_ms(attempts))
    };
    let updated = diesel::update(held)
        .set((
            webhook_deliveries::status.eq(status),
            webhook_deliveries::attempts.eq(attempts),
            webhook_deliveries::next_attempt_ms.eq(next_ms),
            webhook_deliveries::last_attempt_at.eq(&now),
            webhook_deliveries::last_status_code.eq(attempt.status_code),
            webhook_deliveries::last_error.eq(&attempt.error),
            webhook_deliveries::last_latency_ms.eq(attempt.latency_ms),
            webhook_deliveries::delivered_at.eq(attempt.delivered.then_some(&now)),
            webhook_deliveries::lease_owner.eq(None::<String>),
            webhook_deliveries::lease_until_ms.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}
