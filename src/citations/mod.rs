//! Citations: the external sources that back the claims posts make.

pub mod handler;
pub mod model;
pub mod query;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/citations", handler::list_citations))
        .service(read("/v1/citations/{slug}", handler::get_citation));
}
