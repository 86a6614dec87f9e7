//! Tags: the topics and keywords posts and FAQ entries are filed under.

pub mod handler;
pub mod model;
pub mod query;
pub mod write;

use actix_web::web;

use crate::http::routes::{get, resource};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/v1/tags", "GET, HEAD, POST")
            .route(get().to(handler::list_tags))
            .route(web::post().to(handler::create_tag)),
    )
    .service(
        resource("/v1/tags/{slug}", "GET, HEAD, PATCH, DELETE")
            .route(get().to(handler::get_tag))
            .route(web::patch().to(handler::update_tag))
            .route(web::delete().to(handler::delete_tag)),
    );
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::list_tags, handler::create_tag, handler::get_tag, handler::update_tag, handler::delete_tag),
    components(schemas(model::Tag, model::TagRef, model::TagLinks, model::TagInput)),
    tags((name = "tags", description = "Topics and keywords.")),
)]
pub struct Api;
