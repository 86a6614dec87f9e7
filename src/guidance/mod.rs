//! Session-count guidance: bands of pain duration mapped to a number of sessions, and the
//! general advice on frequency and maintenance that applies to every band.

pub mod handler;
pub mod model;
pub mod query;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/guidance", handler::get_guidance))
        .service(read("/v1/guidance/{slug}", handler::get_guidance_band));
}
