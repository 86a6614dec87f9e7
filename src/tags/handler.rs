use actix_web::{web, HttpRequest, HttpResponse};

use super::model::TagInput;
use super::model::{TagList, TagResponse};
use super::query;
use super::write::Tags;
use crate::db::DbPool;
use crate::error::{responses, ApiError};
use crate::http::list_query::{KeyKind, ListSpec, PageParams, SortSpec, NO_PARAMETERS};
use crate::http::read;
use crate::tokens::Caller;

pub static LIST: ListSpec = ListSpec {
    table: "tags",
    id: "tags.id",
    sorts: &[
        SortSpec { name: "name", sql: "tags.name", kind: KeyKind::Text },
        SortSpec { name: "slug", sql: "tags.slug", kind: KeyKind::Text },
        SortSpec { name: "updated_at", sql: "tags.updated_at", kind: KeyKind::Text },
    ],
    default_sort: "name",
    fields: &["slug", "name", "description", "post_count", "faq_count", "updated_at", "links"],
    ..ListSpec::BASE
};

/// List tags
///
/// Every tag, by name, with the number of published posts and FAQ entries filed under it.
#[utoipa::path(
    get,
    path = "/v1/tags",
    tag = "tags",
    operation_id = "listTags",
    params(PageParams),
    responses(
        (status = 200, description = "A page of tags", body = TagList),
        responses::ReadResponses,
    )
)]
pub async fn list_tags(req: HttpRequest, pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, ApiError> {
    read::list(&req, &pool, &caller, &LIST, query::by_ids).await
}

/// Get a tag
///
/// One tag by slug, with links to what is filed under it.
#[utoipa::path(
    get,
    path = "/v1/tags/{slug}",
    tag = "tags",
    operation_id = "getTag",
    params(("slug" = String, Path, description = "The tag's slug.", example = "sciatica")),
    responses(
        (status = 200, description = "The tag", body = TagResponse),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
    )
)]
pub async fn get_tag(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(&req, &pool, &caller, "tag", slug.into_inner(), &NO_PARAMETERS, query::find_by_slug).await
}

crate::write_handlers!(
    Tags,
    input: TagInput,
    response: TagResponse,
    tag: "tags",
    name: "tag",
    collection: "/v1/tags",
    slug_example: "sciatica",
    create: create_tag / "createTag",
    update: update_tag / "updateTag",
    delete: delete_tag / "deleteTag",
);
