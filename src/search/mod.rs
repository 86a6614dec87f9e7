//! Full-text search: one index over posts, FAQ entries, conditions and guidance bands, kept in
//! step on every write (SQLite's FTS5, or PostgreSQL's `tsvector` documents); `q=` on lists and
//! `GET /v1/search` across all of them.

mod documents;
pub mod handler;
mod highlight;
pub mod index;
mod postgres;
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
