//! Liveness and readiness probes.

pub mod handler;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/healthz", handler::healthz)).service(read("/readyz", handler::readyz));
}
