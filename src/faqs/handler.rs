use actix_web::{web, HttpRequest, HttpResponse};

use super::model::FaqInput;
use super::query;
use super::write::Faqs;
use crate::db::DbPool;
use crate::error::{responses, ApiError};
use crate::http::list_query::{FilterKind, FilterSpec, ListSpec, PageParams};
use crate::http::read;
use crate::openapi::{FaqList, FaqResponse};
use crate::tokens::Caller;

const LIST: ListSpec = ListSpec {
    filters: &[FilterSpec { name: "post", kind: FilterKind::Slug }, FilterSpec { name: "tag", kind: FilterKind::Slug }],
};

/// List FAQ entries
///
/// Published FAQ entries, grouped by post and in each post's order.
#[utoipa::path(
    get,
    path = "/v1/faqs",
    tag = "faqs",
    operation_id = "listFaqs",
    params(
        PageParams,
        ("filter[post]" = Option<String>, Query, description = "Only the entries of the post with this slug.", example = "is-massage-therapy-worth-it-for-back-pain"),
        ("filter[tag]" = Option<String>, Query, description = "Only entries with the tag with this slug.", example = "deep-tissue-massage"),
    ),
    responses(
        (status = 200, description = "A page of FAQ entries", body = FaqList),
        (status = 304, description = "Not modified: the `If-None-Match` ETag is current"),
        (status = 400, response = responses::BadRequest),
        (status = 500, response = responses::InternalError),
    )
)]
pub async fn list_faqs(req: HttpRequest, pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, ApiError> {
    read::list(&req, &pool, &caller, &LIST, query::list).await
}

/// Get an FAQ entry
#[utoipa::path(
    get,
    path = "/v1/faqs/{slug}",
    tag = "faqs",
    operation_id = "getFaq",
    params(("slug" = String, Path, description = "The FAQ entry's slug.", example = "how-often-massage-for-back-pain")),
    responses(
        (status = 200, description = "The FAQ entry", body = FaqResponse),
        (status = 304, description = "Not modified: the `If-None-Match` ETag is current"),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 500, response = responses::InternalError),
    )
)]
pub async fn get_faq(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(&req, &pool, &caller, "FAQ entry", slug.into_inner(), query::find_by_slug).await
}

crate::write_handlers!(
    Faqs,
    input: FaqInput,
    response: FaqResponse,
    tag: "faqs",
    name: "FAQ entry",
    collection: "/v1/faqs",
    item: "/v1/faqs/{slug}",
    slug_example: "how-often-massage-for-back-pain",
    create: create_faq / "createFaq",
    update: update_faq / "updateFaq",
    delete: delete_faq / "deleteFaq",
);
