//! Liveness and readiness probes.

pub mod handler;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/healthz", handler::healthz)).service(read("/readyz", handler::readyz));
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::healthz, handler::readyz),
    components(schemas(handler::Health)),
    tags((name = "health", description = "Liveness and readiness probes.")),
)]
pub struct Api;
