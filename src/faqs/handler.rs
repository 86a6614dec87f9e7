use actix_web::{web, HttpRequest, HttpResponse};

use super::model::FaqInput;
use super::model::{FaqList, FaqResponse};
use super::query;
use super::write::Faqs;
use crate::content::Status;
use crate::db::DbPool;
use crate::error::{responses, ApiError};
use crate::http::list_query::{
    FilterKind, FilterSpec, KeyKind, ListSpec, PageParams, SortSpec, Target, EQUALITY, NO_PARAMETERS, ORDERED,
};
use crate::http::read;
use crate::search::index;
use crate::tokens::Caller;

pub static LIST: ListSpec = ListSpec {
    table: "faqs",
    id: "faqs.id",
    public: crate::content::visibility::PUBLIC_FAQS,
    public_binds: 2,
    filters: &[
        FilterSpec {
            name: "post",
            kind: FilterKind::Slug,
            ops: EQUALITY,
            target: Target::Related { id: "faqs.post_id", select: "SELECT id FROM posts WHERE slug" },
            preview_only: false,
        },
        FilterSpec {
            name: "tag",
            kind: FilterKind::Slug,
            ops: EQUALITY,
            target: Target::Related {
                id: "faqs.id",
                select: "SELECT ft.faq_id FROM faq_tags ft JOIN tags t ON t.id = ft.tag_id WHERE t.slug",
            },
            preview_only: false,
        },
        FilterSpec {
            name: "published_at",
            kind: FilterKind::Time,
            ops: ORDERED,
            target: Target::Column("faqs.published_at"),
            preview_only: false,
        },
        FilterSpec {
            name: "updated_at",
            kind: FilterKind::Time,
            ops: ORDERED,
            target: Target::Column("faqs.updated_at"),
            preview_only: false,
        },
        FilterSpec {
            name: "status",
            kind: FilterKind::OneOf(Status::NAMES),
            ops: EQUALITY,
            target: Target::Column("faqs.status"),
            preview_only: true,
        },
    ],
    sorts: &[
        // Grouped by post, in each post's order.
        SortSpec {
            name: "position",
            sql: "(CAST(coalesce(faqs.post_id, 0) AS BIGINT) * 100000 + faqs.position)",
            kind: KeyKind::Int,
        },
        SortSpec { name: "question", sql: "faqs.question", kind: KeyKind::Text },
        SortSpec { name: "published_at", sql: "coalesce(faqs.published_at, '')", kind: KeyKind::Text },
        SortSpec { name: "updated_at", sql: "faqs.updated_at", kind: KeyKind::Text },
    ],
    default_sort: "position",
    fields: &[
        "slug",
        "question",
        "answer",
        "position",
        "post",
        "tags",
        "status",
        "published_at",
        "updated_at",
        "links",
    ],
    search: Some(index::Kind::Faq.in_lists()),
    ..ListSpec::BASE
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
        responses::ReadResponses,
    )
)]
pub async fn list_faqs(req: HttpRequest, pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, ApiError> {
    read::list(&req, &pool, &caller, &LIST, query::by_ids).await
}

/// Get an FAQ entry
///
/// One question and its answer (Markdown, sanitised HTML and plain text), with its post and tags.
#[utoipa::path(
    get,
    path = "/v1/faqs/{slug}",
    tag = "faqs",
    operation_id = "getFaq",
    params(("slug" = String, Path, description = "The FAQ entry's slug.", example = "how-often-massage-for-back-pain")),
    responses(
        (status = 200, description = "The FAQ entry", body = FaqResponse),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
    )
)]
pub async fn get_faq(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(&req, &pool, &caller, "FAQ entry", slug.into_inner(), &NO_PARAMETERS, query::find_by_slug).await
}

crate::write_handlers!(
    Faqs,
    input: FaqInput,
    response: FaqResponse,
    tag: "faqs",
    name: "FAQ entry",
    collection: "/v1/faqs",
    slug_example: "how-often-massage-for-back-pain",
    create: create_faq / "createFaq",
    update: update_faq / "updateFaq",
    delete: delete_faq / "deleteFaq",
);
