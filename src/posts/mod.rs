//! Posts: the clinic's articles, with their sections, key points, tags, citations and the
//! condition categories they discuss.

pub mod body;
pub mod handler;
pub mod model;
pub mod query;
pub mod sync;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/posts", handler::list_posts)).service(read("/v1/posts/{slug}", handler::get_post));
}
