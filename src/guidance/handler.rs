use actix_web::{web, HttpRequest, HttpResponse};

use super::model::Guidance;
use super::query;
use crate::db::{self, DbPool};
use crate::error::{responses, ApiError};
use crate::http::read;
use crate::http::respond::{self, Data};
use crate::openapi::{GuidanceBandResponse, GuidanceResponse};
use crate::site;
use crate::tokens::Caller;

/// Get all session guidance
///
/// Every pain-duration band with its number of sessions and weeks, the initial-course
/// frequency and maintenance advice, the clinic's disclaimer and booking link.
#[utoipa::path(
    get,
    path = "/v1/guidance",
    tag = "guidance",
    operation_id = "getGuidance",
    responses(
        (status = 200, description = "All session guidance", body = GuidanceResponse),
        (status = 304, description = "Not modified: the `If-None-Match` ETag is current"),
        (status = 400, response = responses::BadRequest),
        (status = 500, response = responses::InternalError),
    )
)]
pub async fn get_guidance(req: HttpRequest, pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, ApiError> {
    read::reject_query_parameters(&req)?;
    let guidance = db::run(&pool, |conn| {
        let bands = query::bands(conn)?;
        let course = query::course(conn)?;
        let site = site::query::find(conn)?;
        match (course, site) {
            (Some(course), Some(site)) => {
                Ok(Guidance { bands, course, disclaimer: site.disclaimer, booking_url: site.booking_url })
            }
            _ => Err(ApiError::Unavailable("The content library has not been seeded yet.".into())),
        }
    })
    .await?;
    respond::json_for(&req, &caller, &Data { data: guidance }, None)
}

/// Get a guidance band
#[utoipa::path(
    get,
    path = "/v1/guidance/{slug}",
    tag = "guidance",
    operation_id = "getGuidanceBand",
    params(("slug" = String, Path, description = "The band's slug.", example = "chronic")),
    responses(
        (status = 200, description = "The band", body = GuidanceBandResponse),
        (status = 304, description = "Not modified: the `If-None-Match` ETag is current"),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 500, response = responses::InternalError),
    )
)]
pub async fn get_guidance_band(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(&req, &pool, &caller, "guidance band", slug.into_inner(), |conn, slug, _viewer| {
        query::find_band(conn, slug)
    })
    .await
}
