use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};

use super::model::{BandInput, CourseInput, Guidance};
use super::model::{GuidanceBandResponse, GuidanceCourseResponse, GuidanceResponse};
use super::query;
use super::write::{replace_bands, Bands, Course};
use crate::clock;
use crate::db::{self, DbPool};
use crate::error::{responses, ApiError};
use crate::http::list_query::{parse_detail, NO_PARAMETERS};
use crate::http::respond::PRIVATE_CACHE_CONTROL;
use crate::http::respond::{self, Data};
use crate::http::{changes, read, write};
use crate::tokens::Caller;
use crate::tokens::Scope;
use crate::webhooks::outbox;

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
        responses::ReadResponses,
    )
)]
pub async fn get_guidance(req: HttpRequest, pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, ApiError> {
    parse_detail(req.query_string(), &NO_PARAMETERS)?;
    let guidance = db::run(&pool, load_guidance).await?;
    respond::json_for(&req, &caller, &Data { data: guidance }, None)
}

/// Every band as the public sees it, for webhook events.
fn public_bands(conn: &mut crate::db::Conn) -> Result<Vec<changes::Public>, ApiError> {
    let mut all = Vec::new();
    for band in query::bands(conn)? {
        all.extend(changes::public::<Bands>(conn, &band.slug)?);
    }
    Ok(all)
}

/// All guidance with the clinic's disclaimer and booking link.
fn load_guidance(conn: &mut crate::db::Conn) -> Result<Guidance, ApiError> {
    query::guidance(conn)?.ok_or_else(|| ApiError::Unavailable("The content library has not been seeded yet.".into()))
}

/// Get a guidance band
///
/// One pain-duration band by slug (`acute`, `sub-acute`, `chronic` in the seed): days covered,
/// sessions, weeks, reassessment and maintenance.
#[utoipa::path(
    get,
    path = "/v1/guidance/{slug}",
    tag = "guidance",
    operation_id = "getGuidanceBand",
    params(("slug" = String, Path, description = "The band's slug.", example = "chronic")),
    responses(
        (status = 200, description = "The band", body = GuidanceBandResponse),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
    )
)]
pub async fn get_guidance_band(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(
        &req,
        &pool,
        &caller,
        "guidance band",
        slug.into_inner(),
        &NO_PARAMETERS,
        |conn, slug, _query, _viewer| query::find_band(conn, slug),
    )
    .await
}

/// Get the course advice
///
/// How often during the initial course, and maintenance after it; the same object as
/// `course` in `GET /v1/guidance`.
#[utoipa::path(
    get,
    path = "/v1/guidance/course",
    tag = "guidance",
    operation_id = "getGuidanceCourse",
    responses(
        (status = 200, description = "The course advice", body = GuidanceCourseResponse),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
    )
)]
pub async fn get_guidance_course(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(
        &req,
        &pool,
        &caller,
        "course advice",
        "course".to_string(),
        &NO_PARAMETERS,
        |conn, _slug, _query, _viewer| query::course(conn),
    )
    .await
}

/// Update the course advice
///
/// A JSON merge patch (RFC 7386) of the course advice. Needs the `write` scope.
#[utoipa::path(
    patch,
    path = "/v1/guidance/course",
    tag = "guidance",
    operation_id = "updateGuidanceCourse",
    request_body(content = CourseInput, content_type = "application/merge-patch+json", description = "Fields of CourseInput to change."),
    responses(
        (status = 200, description = "Updated", body = GuidanceCourseResponse),
        responses::WriteErrors,
    )
)]
pub async fn update_guidance_course(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    write::update::<Course>(req, &pool, caller, "course".to_string(), body).await
}

/// Update a guidance band
///
/// A JSON merge patch (RFC 7386) of one band. The bands must still cover every duration from
/// day 0 exactly once, so moving a boundary usually means replacing the set with
/// `PUT /v1/guidance/bands`. Needs the `write` scope.
#[utoipa::path(
    patch,
    path = "/v1/guidance/{slug}",
    tag = "guidance",
    operation_id = "updateGuidanceBand",
    params(("slug" = String, Path, description = "The band's slug.", example = "chronic")),
    request_body(content = BandInput, content_type = "application/merge-patch+json", description = "Fields of BandInput to change."),
    responses(
        (status = 200, description = "Updated", body = GuidanceBandResponse),
        responses::WriteErrors,
    )
)]
pub async fn update_guidance_band(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    write::update::<Bands>(req, &pool, caller, slug.into_inner(), body).await
}

/// Replace every guidance band
///
/// The whole set at once, validated as a whole: every duration from day 0 in exactly one band,
/// exactly one band for recurring pain. Bands not in the list are removed. Needs the `write`
/// scope. Answers with all guidance, as `GET /v1/guidance`.
#[utoipa::path(
    put,
    path = "/v1/guidance/bands",
    tag = "guidance",
    operation_id = "replaceGuidanceBands",
    request_body(content = Vec<BandInput>, content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced", body = GuidanceResponse),
        responses::WriteErrors,
    )
)]
pub async fn replace_guidance_bands(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Write)?;
    let bands: Vec<BandInput> = write::parse_body(&req, &body)?;
    let state = crate::content_state::of(&req);
    let site_url = crate::seo::configured_url(&req);
    let guidance = db::run(&pool, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            let before = public_bands(conn)?;
            replace_bands(conn, &bands, &clock::now())?;
            let after = public_bands(conn)?;
            outbox::record_set(conn, &changes::Source::of::<Bands>(), before, after, site_url.as_deref())?;
            write::bump_content_version(conn)?;
            load_guidance(conn)
        })
        .and_then(|guidance| write::committed(conn, &state, guidance))
    })
    .await?;
    respond::json_with(&req, &Data { data: guidance }, None, PRIVATE_CACHE_CONTROL, StatusCode::OK)
}
