//! Related posts: other visible posts ranked by the tags and condition categories they share
//! with a post.

pub mod handler;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/posts/{slug}/related", handler::get_related_posts));
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(handler::get_related_posts), components(schemas(handler::RelatedPost, handler::RelatedPostList)))]
pub struct Api;
