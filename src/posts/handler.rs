use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::model::PostInput;
use super::query;
use super::write::{redirect_target, Posts};
use crate::db::{self, DbPool};
use crate::error::{responses, ApiError};
use crate::http::list_query::{FilterKind, FilterSpec, ListSpec, PageParams};
use crate::http::read;
use crate::http::respond::PUBLIC_CACHE_CONTROL;
use crate::openapi::{PostList, PostResponse};
use crate::tokens::Caller;
use crate::visibility::Viewer;

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
        (status = 301, description = "The post was renamed; `Location` gives its current URL"),
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
    let slug = slug.into_inner();
    match read::by_slug(&req, &pool, &caller, "post", slug.clone(), query::find_by_slug).await {
        Err(ApiError::NotFound(detail)) => {
            // A renamed post answers at its old slug with a permanent redirect.
            let viewer = Viewer::for_caller(&caller);
            let target = db::run(&pool, move |conn| Ok(redirect_target(conn, &slug, &viewer)?)).await?;
            match target {
                Some(new_slug) => Ok(HttpResponse::MovedPermanently()
                    .insert_header((header::LOCATION, format!("/v1/posts/{new_slug}")))
                    .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE_CONTROL))
                    .finish()),
                None => Err(ApiError::NotFound(detail)),
            }
        }
        other => other,
    }
}

crate::write_handlers!(
    Posts,
    input: PostInput,
    response: PostResponse,
    tag: "posts",
    name: "post",
    collection: "/v1/posts",
    item: "/v1/posts/{slug}",
    slug_example: "is-massage-therapy-worth-it-for-back-pain",
    create: create_post / "createPost",
    update: update_post / "updatePost",
    delete: delete_post / "deletePost",
);
