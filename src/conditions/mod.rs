//! Condition categories (how a kind of back pain responds to massage) and the conditions in
//! each, including the red flags that call for a doctor first.

pub mod handler;
pub mod model;
pub mod query;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/condition-categories", handler::list_condition_categories))
        .service(read("/v1/condition-categories/{slug}", handler::get_condition_category))
        .service(read("/v1/conditions", handler::list_conditions))
        .service(read("/v1/conditions/{slug}", handler::get_condition));
}
