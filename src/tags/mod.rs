//! Tags: the topics and keywords posts and FAQ entries are filed under.

pub mod handler;
pub mod model;
pub mod query;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/tags", handler::list_tags)).service(read("/v1/tags/{slug}", handler::get_tag));
}
