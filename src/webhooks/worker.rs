//! The background worker: announces scheduled content whose time came and sends the due
//! deliveries, at most one in flight per subscription (so each receiver gets its events in
//! order) and any number of subscriptions at once, so a slow or dead receiver only delays
//! itself. It runs beside the HTTP workers, never on them: API requests never wait for a
//! receiver. Pending deliveries live in the database, so a restart resumes them.
//!
//! Several instances may share the database: a delivery is claimed with a lease before it is
//! sent (`query::claim`), and a scheduled publication by deleting its schedule row, so each is
//! done by one instance. A lease outlives the delivery timeout; only when its holder dies
//! mid-delivery does it run out and another instance send the same event again.
//!
//! Between rounds the worker sleeps until the next retry or publication is due, content
//! changes (a write through this instance at once, another instance's within the content-state
//! refresh), one of its sends finishes, or `IDLE_POLL` passes: an idle instance asks the
//! database once a second.

use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::{Duration, Instant};

use actix_web::web;
use tokio::sync::Notify;

use super::{delivery, outbox, query, WebhookSettings};
use crate::clock;
use crate::content_state::ContentState;
use crate::db::{self, DbPool};

/// The longest the worker sleeps: other instances' pings, redeliveries and retries are seen
/// within it.
pub const IDLE_POLL: Duration = Duration::from_secs(1);
/// Finished deliveries are kept this long for `GET /v1/webhooks/{id}/deliveries`.
const KEEP_DAYS: i64 = 30;
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// What this instance writes into the leases it takes: its pid (for operators) and a random
/// part; each claim adds a counter.
pub fn lease_owner_prefix() -> Result<String, String> {
    Ok(format!("{}-{}-", std::process::id(), crate::crypto::hex(&crate::crypto::random_bytes::<4>()?)))
}

/// Gives back this instance's leases on shutdown, so its deliveries are sent at once by the
/// next instance rather than when the leases run out.
pub async fn release(pool: &DbPool, owner_prefix: &str) {
    let prefix = owner_prefix.to_string();
    match db::run(pool, move |conn| Ok(query::release(conn, &prefix)?)).await {
        Ok(0) => {}
        Ok(n) => log::info!("webhooks: released {n} delivery lease(s)"),
        Err(error) => log::warn!("webhooks: cannot release delivery leases: {error}"),
    }
}

struct Worker {
    pool: DbPool,
    settings: Rc<WebhookSettings>,
    client: Rc<awc::Client>,
    owner_prefix: String,
    claims: u64,
    pruned_at: Option<Instant>,
    /// Signalled when one of this worker's sends finishes.
    finished: Rc<Notify>,
    /// The kinds whose scheduled resources are announced when due.
    announcers: &'static [outbox::Announcer],
}

pub async fn run(
    pool: DbPool,
    settings: WebhookSettings,
    state: web::Data<ContentState>,
    owner_prefix: String,
    announcers: &'static [outbox::Announcer],
) {
    let mut worker = Worker {
        announcers,
        pool,
        client: Rc::new(delivery::client(settings.timeout)),
        settings: Rc::new(settings),
        owner_prefix,
        claims: 0,
        pruned_at: None,
        finished: Rc::default(),
    };
    loop {
        let wait = worker.round().await;
        let (mut moved, mut finished) = (pin!(state.moved()), pin!(worker.finished.notified()));
        let mut timer = pin!(actix_web::rt::time::sleep(wait));
        std::future::poll_fn(|cx| {
            let woken = moved.as_mut().poll(cx).is_ready()
                || finished.as_mut().poll(cx).is_ready()
                || timer.as_mut().poll(cx).is_ready();
            if woken {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
}

impl Worker {
    /// One look at the database (one query when there is nothing to do), the work found done
    /// or started; returns how long to sleep at most.
    async fn round(&mut self) -> Duration {
        self.prune_now_and_then().await;
        let work = match db::run(&self.pool, |conn| Ok(query::next_work(conn)?)).await {
            Ok(work) => work,
            Err(error) => {
                log::warn!("webhooks: cannot read what is due: {error}");
                return IDLE_POLL;
            }
        };
        let (now, now_ms) = (clock::now(), chrono::Utc::now().timestamp_millis());
        let mut wait = IDLE_POLL;
        if let Some(at) = &work.announcement {
            if *at <= now {
                let site_url = self.settings.public_site_url.clone();
                let announcers = self.announcers;
                let announced =
                    db::run(&self.pool, move |conn| outbox::announce_due(conn, &now, site_url.as_deref(), announcers))
                        .await;
                return match announced {
                    Ok(_) => Duration::ZERO, // their deliveries are due now
                    Err(error) => {
                        log::warn!("webhooks: cannot announce scheduled content: {error}");
                        IDLE_POLL
                    }
                };
            }
            if let Ok(at) = chrono::DateTime::parse_from_rfc3339(at) {
                wait = wait.min(millis(at.timestamp_millis() - now_ms));
            }
        }
        match work.delivery_ms {
            Some(ms) if ms <= now_ms => self.claim_and_send(now_ms).await,
            Some(ms) => wait = wait.min(millis(ms - now_ms)),
            None => {}
        }
        wait
    }

    async fn claim_and_send(&mut self, now_ms: i64) {
        self.claims += 1;
        let owner = format!("{}{}", self.owner_prefix, self.claims);
        let lease_until_ms = now_ms + self.settings.lease.as_millis() as i64;
        let claimer = owner.clone();
        let claimed = db::run(&self.pool, move |conn| Ok(query::claim(conn, &claimer, now_ms, lease_until_ms)?)).await;
        let claimed = match claimed {
            Ok(claimed) => claimed,
            Err(error) => {
                log::warn!("webhooks: cannot claim due deliveries: {error}");
                return;
            }
        };
        for due in claimed {
            let (client, settings, pool, finished, owner) =
                (self.client.clone(), self.settings.clone(), self.pool.clone(), self.finished.clone(), owner.clone());
            actix_web::rt::spawn(async move {
                let attempt = delivery::send(&client, &settings, &due).await;
                log::info!(
                    "webhook {} delivery {} ({}): {}",
                    due.webhook_id,
                    due.delivery_id,
                    due.public_id,
                    attempt.error.as_deref().unwrap_or("delivered")
                );
                record(&pool, due.delivery_id, &owner, attempt, &settings).await;
                finished.notify_one();
            });
        }
    }

    async fn prune_now_and_then(&mut self) {
        if self.pruned_at.is_some_and(|at| at.elapsed() < PRUNE_EVERY) {
            return;
        }
        self.pruned_at = Some(Instant::now());
        let before = clock::format(chrono::Utc::now() - chrono::Duration::days(KEEP_DAYS));
        if let Err(error) = db::run(&self.pool, move |conn| Ok(query::prune(conn, &before)?)).await {
            log::warn!("webhooks: cannot prune old deliveries: {error}");
        }
    }
}

fn millis(ms: i64) -> Duration {
    Duration::from_millis(ms.max(0) as u64)
}

/// Records an attempt, trying again briefly if the database is busy: an unrecorded attempt
/// would be sent again when its lease runs out.
async fn record(pool: &DbPool, id: i32, owner: &str, attempt: delivery::Attempt, settings: &WebhookSettings) {
    for try_number in 1..=3 {
        let (owner, attempt, settings) = (owner.to_string(), attempt.clone(), settings.clone());
        let recorded =
            db::run(pool, move |conn| Ok(query::finish_attempt(conn, id, &owner, &attempt, &settings)?)).await;
        match recorded {
            Ok(true) => return,
            Ok(false) => {
                log::warn!("webhooks: the lease on delivery {id} ran out before its attempt was recorded");
                return;
            }
            Err(error) if try_number == 3 => log::warn!("webhooks: cannot record delivery {id}: {error}"),
            Err(_) => actix_web::rt::time::sleep(Duration::from_millis(200)).await,
        }
    }
}
