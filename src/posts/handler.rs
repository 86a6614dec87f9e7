use actix_web::{web, HttpRequest, HttpResponse};

use super::query;
use crate::db::DbPool;
use crate::error::{responses, ApiError};
use crate::http::list_query::{FilterKind, FilterSpec, ListSpec, PageParams};
use crate::http::read;
use crate::openapi::{PostList, PostResponse};
use crate::tokens::Caller;

const LIST: ListSpec = ListSpec { filters: &[FilterSpec { name: "tag", kind: FilterKind::Slug }] };

/// List posts
///
/// Published posts, newest first, without their bodies (fetch a post by slug for the body).
#[utoipa::path(
    get,
    path = "/v1/posts",
    tag = "posts",
    operation_id = "listPosts",
    params(
        PageParams,
        ("filter[tag]" = Option<String>, Query, description = "Only posts with the tag with this slug.", example = "lower-back-pain"),
    ),
    responses(
        (status = 200, description = "A page of posts", body = PostList),
        (status = 304, description = "Not modified: the `If-None-Match` ETag is current"),
        (status = 400, response = responses::BadRequest),
        (status = 500, response = responses::InternalError),
    )
)]
pub async fn list_posts(req: HttpRequest, pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, ApiError> {
    read::list(&req, &pool, &caller, &LIST, query::list).await
}

/// Get a post
///
/// One published post with its body (Markdown, HTML, plain text and sections), key points,
/// tags, citations with the claims they back, condition categories, call to action and author.
#[utoipa::path(
    get,
    path = "/v1/posts/{slug}",
    tag = "posts",
    operation_id = "getPost",
    params(("slug" = String, Path, description = "The post's slug.", example = "is-massage-therapy-worth-it-for-back-pain")),
    responses(
        (status = 200, description = "The post", body = PostResponse),
        (status = 304, description = "Not modified: the `If-None-Match` ETag is current"),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 500, response = responses::InternalError),
    )
)]
pub async fn get_post(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(&req, &pool, &caller, "post", slug.into_inner(), query::find_by_slug).await
}
