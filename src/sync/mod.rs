//! Delta sync for apps that keep an offline copy: `GET /v1/sync?since=TOKEN` returns every
//! public resource created or updated since the token, and a tombstone for each one that was
//! public then and is gone now (deleted, unpublished, or renamed), with a new token.
//!
//! Changes are recorded by SQLite triggers into `change_log` (migration `..._sync`), so every
//! write path counts: the API, the seed, imports. A token holds the last `seq` seen and when it
//! was issued (scheduled posts and FAQ entries become public with no write at all: they are
//! picked up by their `published_at`).

pub mod handler;
pub mod model;
pub mod query;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/sync", handler::sync));
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::sync),
    components(schemas(model::SyncPage, model::SyncChange, model::SyncData, model::SyncAction, model::SyncReason, model::SyncType, model::SyncResponse)),
    tags((name = "sync", description = "Delta sync for apps that keep an offline copy: changes and tombstones since a token.")),
)]
pub struct Api;
