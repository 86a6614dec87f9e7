use actix_web::{web, HttpRequest, HttpResponse};

use super::model::CitationInput;
use super::query;
use super::write::Citations;
use crate::db::DbPool;
use crate::error::{responses, ApiError};
use crate::http::list_query::{ListSpec, PageParams};
use crate::http::read;
use crate::openapi::{CitationList, CitationResponse};
use crate::tokens::Caller;

const LIST: ListSpec = ListSpec { filters: &[] };

/// List citations
///
/// Every external source the clinic cites, with the claim each backs in each published post.
#[utoipa::path(
    get,
    path = "/v1/citations",
    tag = "citations",
    operation_id = "listCitations",
    params(PageParams),
    responses(
        (status = 200, description = "A page of citations", body = CitationList),
        (status = 304, description = "Not modified: the `If-None-Match` ETag is current"),
        (status = 400, response = responses::BadRequest),
        (status = 500, response = responses::InternalError),
    )
)]
pub async fn list_citations(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    read::list(&req, &pool, &caller, &LIST, query::list).await
}

/// Get a citation
#[utoipa::path(
    get,
    path = "/v1/citations/{slug}",
    tag = "citations",
    operation_id = "getCitation",
    params(("slug" = String, Path, description = "The citation's slug.", example = "nhs-2024-back-pain")),
    responses(
        (status = 200, description = "The citation", body = CitationResponse),
        (status = 304, description = "Not modified: the `If-None-Match` ETag is current"),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 500, response = responses::InternalError),
    )
)]
pub async fn get_citation(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(&req, &pool, &caller, "citation", slug.into_inner(), query::find_by_slug).await
}

crate::write_handlers!(
    Citations,
    input: CitationInput,
    response: CitationResponse,
    tag: "citations",
    name: "citation",
    collection: "/v1/citations",
    item: "/v1/citations/{slug}",
    slug_example: "nhs-2024-back-pain",
    create: create_citation / "createCitation",
    update: update_citation / "updateCitation",
    delete: delete_citation / "deleteCitation",
);
