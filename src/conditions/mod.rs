//! Condition categories (how a kind of back pain responds to massage) and the conditions in
//! each, including the red flags that call for a doctor first.

pub mod handler;
pub mod model;
pub mod query;
pub mod write;

use actix_web::web;

use crate::http::routes::{get, resource};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/v1/condition-categories", "GET, HEAD, POST")
            .route(get().to(handler::list_condition_categories))
            .route(web::post().to(handler::create_condition_category)),
    )
    .service(
        resource("/v1/condition-categories/{slug}", "GET, HEAD, PATCH, DELETE")
            .route(get().to(handler::get_condition_category))
            .route(web::patch().to(handler::update_condition_category))
            .route(web::delete().to(handler::delete_condition_category)),
    )
    .service(
        resource("/v1/conditions", "GET, HEAD, POST")
            .route(get().to(handler::list_conditions))
            .route(web::post().to(handler::create_condition)),
    )
    .service(
        resource("/v1/conditions/{slug}", "GET, HEAD, PATCH, DELETE")
            .route(get().to(handler::get_condition))
            .route(web::patch().to(handler::update_condition))
            .route(web::delete().to(handler::delete_condition)),
    );
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::list_condition_categories, handler::create_condition_category, handler::get_condition_category, handler::update_condition_category, handler::delete_condition_category, handler::list_conditions, handler::create_condition, handler::get_condition, handler::update_condition, handler::delete_condition),
    components(schemas(model::ConditionCategory, model::Condition, model::CategoryRef, model::ResponseLevel, model::Region, model::CategoryWrite, model::ConditionWrite)),
    tags((name = "conditions", description = "How kinds of back pain respond to massage, and the red flags that need a doctor first.")),
)]
pub struct Api;
