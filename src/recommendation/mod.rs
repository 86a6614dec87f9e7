//! The guidance recommendation: from how long the pain has lasted, whether it recurs and any
//! red-flag symptoms, either "see a doctor first" (red flags always win) or the matching
//! guidance band with the course, reassessment, maintenance and the content that backs it.
//!
//! Registered before `guidance::config`, so `/v1/guidance/recommendation` is matched before
//! `/v1/guidance/{slug}` (`recommendation` is a reserved band slug).

pub mod handler;
pub mod model;
pub mod query;

use actix_web::web;

use crate::http::routes::read;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/guidance/recommendation", handler::get_recommendation));
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::get_recommendation),
    components(schemas(
        model::Recommendation,
        model::RecommendationInput,
        model::Outcome,
        model::Symptom,
        model::Backing,
        model::BackingSection,
        handler::RecommendationResponse
    ))
)]
pub struct Api;
