//! Posts: the clinic's articles, with their sections, key points, tags, citations and the
//! condition categories they discuss.

pub mod body;
pub mod handler;
pub mod model;
pub mod query;
pub mod redirects;
pub mod sync;
pub mod write;

use actix_web::web;

use crate::http::routes::{get, read, resource};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/v1/posts", "GET, HEAD, POST")
            .route(get().to(handler::list_posts))
            .route(web::post().to(handler::create_post)),
    )
    .service(
        resource("/v1/posts/{slug}", "GET, HEAD, PATCH, DELETE")
            .route(get().to(handler::get_post))
            .route(web::patch().to(handler::update_post))
            .route(web::delete().to(handler::delete_post)),
    )
    .service(read("/v1/redirects", redirects::list_redirects));
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::list_posts, handler::create_post, handler::get_post, handler::update_post, handler::delete_post, redirects::list_redirects),
    components(schemas(model::Post, model::PostSummary, model::PostRef, model::PostLinks, model::CallToAction, model::Author, model::KeyPoints, model::Body, model::Section, crate::content::Status, model::PostInput, model::SectionInput, model::CitationClaimInput, redirects::Redirect, redirects::RedirectList, redirects::RedirectLinks)),
    tags((name = "posts", description = "Articles, with their body as Markdown, HTML, plain text and sections.")),
)]
pub struct Api;
