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

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::get_site, handler::update_site),
    components(schemas(model::Site, model::Address, model::SiteInput)),
    tags((name = "site", description = "The clinic that publishes the content.")),
)]
pub struct Api;
