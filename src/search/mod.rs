//! Full-text search (SQLite FTS5): one index over posts, FAQ entries, conditions and guidance
//! bands, kept in step on every write; `q=` on lists and `GET /v1/search` across all of them.

pub mod handler;
pub mod index;
pub mod query;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/search", handler::search));
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::search),
    components(schemas(query::SearchHit)),
    tags((name = "search", description = "Full-text search across posts, FAQ entries, conditions and guidance.")),
)]
pub struct Api;
