use actix_web::{web, HttpRequest, HttpResponse};

use super::model::CitationInput;
use super::model::{CitationList, CitationResponse};
use super::query;
use super::write::Citations;
use crate::db::DbPool;
use crate::error::{responses, ApiError};
use crate::http::list_query::{
    FilterKind, FilterSpec, KeyKind, ListSpec, PageParams, SortSpec, Target, NO_PARAMETERS, ORDERED,
};
use crate::http::read;
use crate::tokens::Caller;

pub static LIST: ListSpec = ListSpec {
    table: "citations",
    id: "citations.id",
    filters: &[FilterSpec {
        name: "year",
        kind: FilterKind::Int,
        ops: ORDERED,
        target: Target::Column("citations.year"),
        preview_only: false,
    }],
    sorts: &[
        SortSpec { name: "publisher", sql: "citations.publisher", kind: KeyKind::Text },
        SortSpec { name: "year", sql: "coalesce(citations.year, 0)", kind: KeyKind::Int },
        SortSpec { name: "title", sql: "citations.title", kind: KeyKind::Text },
    ],
    default_sort: "publisher",
    fields: &[
        "slug",
        "publisher",
        "title",
        "year",
        "url",
        "accessed_on",
        "claims",
        "claim_count",
        "updated_at",
        "links",
    ],
    ..ListSpec::BASE
};

/// List citations
///
/// Every external source the clinic cites, with how many claims it backs in published posts and
/// 10 of them (the most recently written posts' first).
#[utoipa::path(
    get,
    path = "/v1/citations",
    tag = "citations",
    operation_id = "listCitations",
    params(PageParams),
    responses(
        (status = 200, description = "A page of citations", body = CitationList),
        responses::ReadResponses,
    )
)]
pub async fn list_citations(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    read::list(&req, &pool, &caller, &LIST, query::by_ids).await
}

/// Get a citation
///
/// One source by slug, with how many claims it backs in published posts and 10 of them (the
/// most recently written posts' first).
#[utoipa::path(
    get,
    path = "/v1/citations/{slug}",
    tag = "citations",
    operation_id = "getCitation",
    params(("slug" = String, Path, description = "The citation's slug.", example = "nhs-2024-back-pain")),
    responses(
        (status = 200, description = "The citation", body = CitationResponse),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
    )
)]
pub async fn get_citation(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(&req, &pool, &caller, "citation", slug.into_inner(), &NO_PARAMETERS, query::find_by_slug).await
}

crate::write_handlers!(
    Citations,
    input: CitationInput,
    response: CitationResponse,
    tag: "citations",
    name: "citation",
    collection: "/v1/citations",
    slug_example: "nhs-2024-back-pain",
    create: create_citation / "createCitation",
    update: update_citation / "updateCitation",
    delete: delete_citation / "deleteCitation",
);
