//! The site: the clinic that publishes the content (one per database).

pub mod handler;
pub mod model;
pub mod query;
pub mod write;

use actix_web::web;

use crate::http::routes::{get, resource};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/v1/site", "GET, HEAD, PATCH")
            .route(get().to(handler::get_site))
            .route(web::patch().to(handler::update_site)),
    );
}
