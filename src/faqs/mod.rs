//! FAQ entries: questions and answers, usually tied to a post and ordered within it.

pub mod handler;
pub mod model;
pub mod query;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/faqs", handler::list_faqs)).service(read("/v1/faqs/{slug}", handler::get_faq));
}
