//! Webhooks: subscriptions (admin API and CLI), events recorded in the write transaction (the
//! outbox), and a background worker that delivers them signed, in order per subscription,
//! with back-off retries that survive restarts.

pub mod delivery;
pub mod events;
pub mod handler;
pub mod model;
pub mod outbox;
pub mod query;
pub mod spec;
pub mod target;
pub mod worker;

use std::time::Duration;

use actix_web::web;

use crate::http::routes::{get, guarded};
use crate::tokens::auth::Needs;

/// How deliveries are made (`WEBHOOK_*` environment variables).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// `WEBHOOK_ALLOW_PRIVATE_TARGETS`: allow loopback and private addresses (default false).
    pub allow_private_targets: bool,
    /// `WEBHOOK_TIMEOUT_SECONDS`: how long a receiver has to answer (default 10).
    pub timeout: Duration,
    /// `WEBHOOK_LEASE_SECONDS`: how long an instance holds a delivery it is sending before
    /// another instance may take it over (default 30; longer than `timeout`, so only an instance
    /// that died mid-delivery loses one).
    pub lease: Duration,
    /// `WEBHOOK_RETRY_BASE_MS`: the wait before the first retry, doubled each time up to an
    /// hour (default 10,000).
    pub retry_base_ms: i64,
    /// `WEBHOOK_MAX_ATTEMPTS`: attempts before a delivery is marked failed (default 12: with
    /// the defaults, retries for about 4 hours).
    pub max_attempts: i32,
    /// The front end's base URL, for posts' `url` in payloads (`PUBLIC_SITE_URL`).
    pub public_site_url: Option<String>,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            allow_private_targets: false,
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(30),
            retry_base_ms: 10_000,
            max_attempts: 12,
            public_site_url: None,
        }
    }
}

impl WebhookSettings {
    /// The wait after failed attempt number `attempts` (1-based).
    pub fn backoff_ms(&self, attempts: i32) -> i64 {
        let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
        self.retry_base_ms.saturating_mul(1i64 << doublings).min(3_600_000)
    }
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        guarded("/v1/webhooks", "GET, HEAD, POST", Needs::ADMIN)
            .route(get().to(handler::list_webhooks))
            .route(web::post().to(handler::create_webhook)),
    )
    .service(
        guarded("/v1/webhooks/{id}", "GET, HEAD, PATCH, DELETE", Needs::ADMIN)
            .route(get().to(handler::get_webhook))
            .route(web::patch().to(handler::update_webhook))
            .route(web::delete().to(handler::delete_webhook)),
    )
    .service(guarded("/v1/webhooks/{id}/ping", "POST", Needs::ADMIN).route(web::post().to(handler::ping_webhook)))
    .service(
        guarded("/v1/webhooks/{id}/deliveries", "GET, HEAD", Needs::ADMIN).route(get().to(handler::list_deliveries)),
    )
    .service(
        guarded("/v1/webhooks/{id}/deliveries/{delivery_id}", "GET, HEAD", Needs::ADMIN)
            .route(get().to(handler::get_delivery)),
    )
    .service(
        guarded("/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", "POST", Needs::ADMIN)
            .route(web::post().to(handler::redeliver)),
    );
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::list_webhooks, handler::create_webhook, handler::get_webhook, handler::update_webhook, handler::delete_webhook, handler::ping_webhook, handler::list_deliveries, handler::get_delivery, handler::redeliver),
    components(schemas(model::Webhook, model::WebhookLinks, model::WebhookInput, model::Delivery, model::DeliveredEvent, model::DeliveryLinks, model::WebhookEvent, model::EventResource)),
    tags((name = "webhooks", description = "Subscriptions that POST signed events to your URL when content is published, updated, unpublished or deleted (admin scope). The payload is `WebhookEvent`; see `webhooks` at the top of this document.")),
)]
pub struct Api;

#[cfg(test)]
mod tests {
    use super::WebhookSettings;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let settings = WebhookSettings::default();
        let waits: Vec<i64> = (1..=12).map(|n| settings.backoff_ms(n)).collect();
        assert_eq!(&waits[..4], &[10_000, 20_000, 40_000, 80_000]);
        assert!(waits.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(waits[11], 3_600_000);
    }
}
