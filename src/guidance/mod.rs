//! Session-count guidance: bands of pain duration mapped to a number of sessions, and the
//! general advice on frequency and maintenance that applies to every band.

pub mod handler;
pub mod model;
pub mod query;
pub mod write;

use actix_web::web;

use crate::http::routes::{get, resource};

pub fn config(cfg: &mut web::ServiceConfig) {
    // The literal paths come before `{slug}`; their names are reserved band slugs.
    cfg.service(resource("/v1/guidance", "GET, HEAD").route(get().to(handler::get_guidance)))
        .service(resource("/v1/guidance/bands", "PUT").route(web::put().to(handler::replace_guidance_bands)))
        .service(
            resource("/v1/guidance/course", "GET, HEAD, PATCH")
                .route(get().to(handler::get_guidance_course))
                .route(web::patch().to(handler::update_guidance_course)),
        )
        .service(
            resource("/v1/guidance/{slug}", "GET, HEAD, PATCH")
                .route(get().to(handler::get_guidance_band))
                .route(web::patch().to(handler::update_guidance_band)),
        );
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::get_guidance, handler::replace_guidance_bands, handler::get_guidance_course, handler::update_guidance_course, handler::get_guidance_band, handler::update_guidance_band),
    components(schemas(model::Guidance, model::GuidanceBand, model::GuidanceCourse, model::IntRange, model::DurationRange, model::MaintenanceInterval, model::BandInput, model::CourseInput)),
    tags((name = "guidance", description = "How many sessions, by how long the pain has lasted; frequency and maintenance.")),
)]
pub struct Api;
