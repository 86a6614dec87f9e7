//! The background worker: every `POLL` it announces scheduled content whose time came and
//! sends the due deliveries, at most one in flight per subscription (so each receiver gets its
//! events in order) and any number of subscriptions at once, so a slow or dead receiver only
//! delays itself. It runs beside the HTTP workers, never on them: API requests never wait for
//! a receiver. Pending deliveries live in the database, so a restart resumes them.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::time::Duration;

use super::{delivery, outbox, query, WebhookSettings};
use crate::clock;
use crate::db::{self, DbPool};

pub const POLL: Duration = Duration::from_millis(200);
/// Finished deliveries are kept this long for `GET /v1/webhooks/{id}/deliveries`.
const KEEP_DAYS: i64 = 30;

pub async fn run(pool: DbPool, settings: WebhookSettings) {
    let client = Rc::new(delivery::client(settings.timeout));
    let settings = Rc::new(settings);
    let in_flight: Rc<RefCell<HashSet<i32>>> = Rc::default();
    let mut tick = actix_web::rt::time::interval(POLL);
    let mut ticks: u64 = 0;
    loop {
        tick.tick().await;
        ticks += 1;
        let site_url = settings.public_site_url.clone();
        let announced =
            db::run(&pool, move |conn| outbox::announce_due(conn, &clock::now(), site_url.as_deref())).await;
        if let Err(error) = announced {
            log::warn!("webhooks: cannot announce scheduled content: {error}");
        }
        if ticks % 18_000 == 1 {
            let before = clock::format(chrono::Utc::now() - chrono::Duration::days(KEEP_DAYS));
            if let Err(error) = db::run(&pool, move |conn| Ok(query::prune(conn, &before)?)).await {
                log::warn!("webhooks: cannot prune old deliveries: {error}");
            }
        }
        let now_ms = chrono::Utc::now().timestamp_millis();
        let due = match db::run(&pool, move |conn| Ok(query::due(conn, now_ms)?)).await {
            Ok(due) => due,
            Err(error) => {
                log::warn!("webhooks: cannot read due deliveries: {error}");
                continue;
            }
        };
        for due in due {
            if !in_flight.borrow_mut().insert(due.webhook_id) {
                continue; // the one before it is still being sent
            }
            let (client, settings, in_flight, pool) =
                (client.clone(), settings.clone(), in_flight.clone(), pool.clone());
            actix_web::rt::spawn(async move {
                let attempt = delivery::send(&client, &settings, &due).await;
                log::info!(
                    "webhook {} delivery {} ({}): {}",
                    due.webhook_id,
                    due.delivery_id,
                    due.public_id,
                    attempt.error.as_deref().unwrap_or("delivered")
                );
                let for_db = (*settings).clone();
                let id = due.delivery_id;
                let recorded =
                    db::run(&pool, move |conn| Ok(query::finish_attempt(conn, id, &attempt, &for_db)?)).await;
                if let Err(error) = recorded {
                    log::warn!("webhooks: cannot record delivery {id}: {error}");
                }
                in_flight.borrow_mut().remove(&due.webhook_id);
            });
        }
    }
}
