//! FAQ entries: questions and answers, usually tied to a post and ordered within it.

pub mod handler;
pub mod model;
pub mod query;
pub mod write;

use actix_web::web;

use crate::http::routes::{get, resource};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/v1/faqs", "GET, HEAD, POST")
            .route(get().to(handler::list_faqs))
            .route(web::post().to(handler::create_faq)),
    )
    .service(
        resource("/v1/faqs/{slug}", "GET, HEAD, PATCH, DELETE")
            .route(get().to(handler::get_faq))
            .route(web::patch().to(handler::update_faq))
            .route(web::delete().to(handler::delete_faq)),
    );
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::list_faqs, handler::create_faq, handler::get_faq, handler::update_faq, handler::delete_faq),
    components(schemas(model::Faq, model::FaqLinks, model::FaqInput)),
    tags((name = "faqs", description = "Questions and answers, usually tied to a post.")),
)]
pub struct Api;
