//! Every resource the service serves, in one list: its routes, its part of the OpenAPI
//! document and the routes that take the query language. The app factory (`lib.rs`), the
//! command line and the tests build from here; the shared layers (`http/`, `openapi*`, ...)
//! never name a resource. Adding a resource: see ARCHITECTURE.md.

use actix_web::web;
use utoipa::OpenApi;

use crate::openapi_refine::Listed;
use crate::{
    citations, conditions, docs, faqs, guidance, health, metrics, posts, recommendation, related, search, seo, site,
    sync, tags, webhooks,
};

/// Every route, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(site::config)
        .configure(posts::config)
        .configure(faqs::config)
        .configure(conditions::config)
        // Before guidance: /v1/guidance/recommendation is matched ahead of /v1/guidance/{slug}.
        .configure(recommendation::config)
        .configure(guidance::config)
        .configure(tags::config)
        .configure(citations::config)
        .configure(search::config)
        .configure(related::config)
        .configure(seo::config)
        .configure(sync::config)
        .configure(webhooks::config)
        .configure(metrics::config)
        .configure(health::config)
        .configure(docs::config);
}

/// The resources' parts of the document, in the order their tags are listed.
fn parts() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        site::Api::openapi(),
        posts::Api::openapi(),
        related::Api::openapi(),
        faqs::Api::openapi(),
        conditions::Api::openapi(),
        guidance::Api::openapi(),
        recommendation::Api::openapi(),
        tags::Api::openapi(),
        citations::Api::openapi(),
        search::Api::openapi(),
        sync::Api::openapi(),
        webhooks::Api::openapi(),
        seo::Api::openapi(),
        health::Api::openapi(),
        metrics::Api::openapi(),
    ]
}

/// The routes that take the query language.
const LISTED: &[Listed] = &[
    Listed::List("/v1/posts", &posts::handler::LIST),
    Listed::Detail("/v1/posts/{slug}", &posts::handler::DETAIL),
    Listed::List("/v1/faqs", &faqs::handler::LIST),
    Listed::List("/v1/conditions", &conditions::handler::CONDITIONS),
    Listed::List("/v1/condition-categories", &conditions::handler::CATEGORIES),
    Listed::List("/v1/tags", &tags::handler::LIST),
    Listed::List("/v1/citations", &citations::handler::LIST),
    Listed::List("/v1/search", &search::handler::SEARCH),
    Listed::List("/v1/webhooks/{id}/deliveries", &webhooks::handler::DELIVERIES),
];

/// The OpenAPI document (before the refinements of `openapi_refine`).
pub fn spec() -> utoipa::openapi::OpenApi {
    crate::openapi::document(parts())
}

/// The document as served at `/openapi.json` and committed in `openapi/openapi.json`.
pub fn spec_json() -> String {
    crate::openapi::to_json(spec(), LISTED, &[webhooks::spec::payload])
}

/// Every documented route pattern (for the metrics' route labels).
pub fn route_patterns() -> Vec<String> {
    spec().paths.paths.keys().cloned().collect()
}

/// The kinds whose scheduled resources the webhook worker announces when their time comes.
pub const ANNOUNCED: &[webhooks::outbox::Announcer] =
    &[webhooks::outbox::announcer::<posts::write::Posts>(), webhooks::outbox::announcer::<faqs::write::Faqs>()];

/// What every write's change goes to: the webhook outbox (with the front end's base URL, for
/// pages' URLs in events).
pub fn change_log(public_site_url: Option<String>) -> crate::http::changes::ChangeLog {
    crate::http::changes::ChangeLog(std::sync::Arc::new(move |conn, change| {
        webhooks::outbox::log(conn, change, public_site_url.as_deref())
    }))
}
