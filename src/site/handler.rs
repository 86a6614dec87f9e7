use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};

use super::model::{SiteInput, SiteResponse};
use super::query;
use super::write::{SiteResource, SITE_SLUG};
use crate::db::DbPool;
use crate::error::{responses, ApiError};
use crate::http::list_query::NO_PARAMETERS;
use crate::http::{read, write};
use crate::tokens::Caller;

/// Get the site
///
/// The clinic that publishes this content: name, location, booking link and disclaimer.
#[utoipa::path(
    get,
    path = "/v1/site",
    tag = "site",
    operation_id = "getSite",
    responses(
        (status = 200, description = "The clinic", body = SiteResponse),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
    )
)]
pub async fn get_site(req: HttpRequest, pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, ApiError> {
    read::by_slug(&req, &pool, &caller, "site", "site".to_string(), &NO_PARAMETERS, |conn, _slug, _query, _viewer| {
        query::find(conn)
    })
    .await
}

/// Update the site
///
/// A JSON merge patch (RFC 7386) of the site's fields. Needs the `write` scope; `If-Match` is
/// honoured.
#[utoipa::path(
    patch,
    path = "/v1/site",
    tag = "site",
    operation_id = "updateSite",
    request_body(content = SiteInput, content_type = "application/merge-patch+json", description = "Fields of SiteInput to change."),
    responses(
        (status = 200, description = "Updated", body = SiteResponse),
        responses::WriteErrors,
    )
)]
pub async fn update_site(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    write::update::<SiteResource>(req, &pool, caller, SITE_SLUG.to_string(), body).await
}
