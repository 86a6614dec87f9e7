//! clinic-content: a headless content JSON API for a health clinic's educational content.
//!
//! `Application::build` is the app factory used by `main` and by the integration tests, so the
//! tests exercise exactly the production wiring.

pub mod citations;
pub mod cli;
pub mod clock;
pub mod conditions;
pub mod config;
pub mod content;
pub mod content_state;
pub mod crypto;
pub mod db;
pub mod docs;
pub mod error;
pub mod faqs;
pub mod guidance;
pub mod health;
pub mod http;
pub mod markdown;
pub mod metrics;
pub mod openapi;
pub mod openapi_refine;
pub mod posts;
pub mod recommendation;
pub mod registry;
pub mod related;
pub mod schema;
pub mod search;
pub mod seed;
pub mod seo;
pub mod site;
pub mod sync;
pub mod tags;
pub mod tokens;
pub mod validation;
pub mod webhooks;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Condition, Logger};
use actix_web::{web, App, HttpServer};
use diesel::prelude::*;

use crate::config::Config;
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::routes::{self, read};

/// Opens the database, applies migrations, and seeds it with the bundled library when it holds
/// no content yet, so the first run just works. Several instances may start at once: all of
/// that happens under the startup lock (`db::at_startup`), so one instance migrates and seeds
/// while the others wait, then find nothing left to do.
pub fn prepare_database(config: &Config) -> Result<DbPool, String> {
    let pool = db::connect(&config.database_url, config.pool_size)?;
    let mut conn = pool.get().map_err(|error| format!("cannot open the database: {error}"))?;
    db::at_startup(&mut conn, |conn| {
        let applied = db::migrate_locked(conn)?;
        if applied > 0 {
            log::info!("applied {applied} migration(s)");
        }
        db::write_transaction(conn, |conn| -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
            let has_site: bool =
                diesel::select(diesel::dsl::exists(schema::site::table.select(schema::site::id))).get_result(conn)?;
            if !has_site {
                let report = seed::sync_in_transaction(conn, &seed::default_library(), &clock::now())?;
                log::info!("seeded an empty database with the bundled content: {report}");
            }
            // A database from before search existed gets its index built once.
            search::index::build_if_empty(conn)?;
            Ok(())
        })
    })?;
    db::optimize(&mut conn)?;
    Ok(pool)
}

/// Registers every route, the error handlers and the middleware on an actix `App`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        // A path segment of the wrong form (a webhook id that is not a number), said without
        // the parser's own words.
        web::PathConfig::default().error_handler(|_, _| {
            ApiError::bad_param("path", "has a segment of the wrong form; /openapi.json gives each route's parameters")
                .into()
        }),
    )
    .app_data(web::QueryConfig::default().error_handler(|_, _| ApiError::bad_param("query", "is malformed").into()))
    .app_data(web::JsonConfig::default().limit(1 << 20).error_handler(|error, _| match error {
        actix_web::error::JsonPayloadError::OverflowKnownLength { limit, .. }
        | actix_web::error::JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge { limit }.into(),
        _ => ApiError::bad_param("body", "is not valid JSON").into(),
    }))
    .configure(registry::routes)
    .service(read("/openapi.json", openapi::openapi_json));
}

/// The access log: the client's address (a trusted proxy's client, else the peer), the request
/// line, status, bytes, time and request id.
fn access_logger() -> Logger {
    Logger::new("%{client}xi \"%r\" %s %b %Dms request_id=%{x-request-id}o")
        .custom_request_replace("client", |req| http::forwarded::client_of(req.request()).ip.to_string())
}

pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
    state: web::Data<content_state::ContentState>,
    webhooks: webhooks::WebhookSettings,
}

impl Application {
    /// Prepares the database, binds the listener and builds the server (not yet running).
    pub fn build(config: Config) -> Result<Application, String> {
        let pool = prepare_database(&config)?;
        let state = web::Data::new(content_state::ContentState::default());
        let mut conn = pool.get().map_err(|error| format!("cannot open the database: {error}"))?;
        state.refresh(&mut conn, &clock::now()).map_err(|error| format!("cannot read the content version: {error}"))?;
        let cursor_key = web::Data::new(http::cursor::CursorKey::load_or_create(&mut conn)?);
        drop(conn);
        let cache = web::Data::new(http::cache::ResponseCache::new(config.cache_bytes));
        let spec = web::Data::new(openapi::SpecJson(registry::spec_json()));
        let limiter = web::Data::new(http::rate_limit::RateLimiter::new(config.rate_limits, config.token_rate_limits));
        let origins = web::Data::new(http::cors::CorsOrigins(config.cors_origins.clone()));
        let metrics = web::Data::new(metrics::Metrics::new(registry::route_patterns()));
        let public_site_url = web::Data::new(seo::PublicSiteUrl(config.public_site_url.clone()));
        let sitemap_urls = web::Data::new(seo::SitemapUrls(config.sitemap_urls));
        let api_origin = web::Data::new(http::forwarded::ApiOrigin {
            configured: config.public_api_url.clone(),
            trusted: config.trusted_proxies.clone(),
        });
        let webhook_settings = config.webhooks.clone();
        let webhooks = web::Data::new(config.webhooks.clone());
        let change_log = web::Data::new(registry::change_log(config.public_site_url.clone()));
        let probe = web::Data::new(db::Probe::new(&config.database_url));
        let background_pool = pool.clone();
        let background_state = state.clone();
        let pool = web::Data::new(pool);
        let access_log = log::log_enabled!(target: "actix_web::middleware::logger", log::Level::Info);
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(pool.clone())
                .app_data(spec.clone())
                .app_data(state.clone())
                .app_data(cache.clone())
                .app_data(limiter.clone())
                .app_data(origins.clone())
                .app_data(metrics.clone())
                .app_data(public_site_url.clone())
                .app_data(sitemap_urls.clone())
                .app_data(api_origin.clone())
                .app_data(webhooks.clone())
                .app_data(change_log.clone())
                .app_data(cursor_key.clone())
                .app_data(probe.clone())
                .configure(configure)
                .default_service(web::to(routes::not_found))
                // Outermost last: the log sees everything; request ids and problem documents
                // cover every answer, CORS headers go on errors too, limits apply before the cache.
                .wrap(from_fn(http::cache::middleware))
                .wrap(from_fn(http::rate_limit::middleware))
                // Before the rate limits: a verified token spends its own budget.
                .wrap(from_fn(tokens::auth::identify))
                .wrap(from_fn(http::cors::middleware))
                // Before the rate limits: `/v1//search/` is a search, like `/v1/search`.
                .wrap(from_fn(http::normalize::middleware))
                .wrap(from_fn(http::request_id::middleware))
                .wrap(from_fn(metrics::middleware))
                // Formatting the access line costs even when RUST_LOG hides it: skip it then.
                .wrap(Condition::new(access_log, access_logger()))
        });
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        // Slow or idle clients cannot hold workers; on SIGTERM in-flight requests get 10 s.
        server = server
            .client_request_timeout(std::time::Duration::from_secs(10))
            .client_disconnect_timeout(std::time::Duration::from_secs(2))
            .keep_alive(std::time::Duration::from_secs(30))
            .shutdown_timeout(10);
        let server = server
            .bind((config.bind_address.as_str(), config.port))
            .map_err(|error| format!("cannot listen on {}:{}: {error}", config.bind_address, config.port))?;
        let port = server.addrs().first().map(|addr| addr.port()).unwrap_or(config.port);
        Ok(Application {
            port,
            server: server.run(),
            pool: background_pool,
            state: background_state,
            webhooks: webhook_settings,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The pool the server's handlers use (the tests hold its connections to make readers busy).
    pub fn pool(&self) -> DbPool {
        self.pool.clone()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // Writes by other processes (the CLI, other instances) reach the caches within REFRESH.
        let pool = self.pool.clone();
        let state = self.state.clone();
        let refresher = actix_web::rt::spawn(async move {
            let mut tick = actix_web::rt::time::interval(content_state::REFRESH);
            loop {
                tick.tick().await;
                let state = state.clone();
                let refreshed = db::run(&pool, move |conn| Ok(state.refresh(conn, &clock::now())?)).await;
                if let Err(error) = refreshed {
                    log::warn!("cannot refresh the content version: {error}");
                }
            }
        });
        let owner = webhooks::worker::lease_owner_prefix().map_err(std::io::Error::other)?;
        let worker = webhooks::worker::run(
            self.pool.clone(),
            self.webhooks,
            self.state.clone(),
            owner.clone(),
            registry::ANNOUNCED,
        );
        let deliveries = actix_web::rt::spawn(worker);
        let result = self.server.await;
        refresher.abort();
        deliveries.abort();
        webhooks::worker::release(&self.pool, &owner).await;
        result
    }
}
