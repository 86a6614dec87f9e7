//! Citations: the external sources that back the claims posts make.

pub mod handler;
pub mod model;
pub mod query;
pub mod write;

use actix_web::web;

use crate::http::routes::{get, resource};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/v1/citations", "GET, HEAD, POST")
            .route(get().to(handler::list_citations))
            .route(web::post().to(handler::create_citation)),
    )
    .service(
        resource("/v1/citations/{slug}", "GET, HEAD, PATCH, DELETE")
            .route(get().to(handler::get_citation))
            .route(web::patch().to(handler::update_citation))
            .route(web::delete().to(handler::delete_citation)),
    );
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::list_citations, handler::create_citation, handler::get_citation, handler::update_citation, handler::delete_citation),
    components(schemas(model::Citation, model::CitationLinks, model::CitedClaim, model::PostCitation, model::CitationInput)),
    tags((name = "citations", description = "External sources and the claims they back.")),
)]
pub struct Api;
