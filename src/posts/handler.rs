use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::model::PostInput;
use super::model::{PostList, PostResponse};
use super::query;
use super::write::{redirect_target, Posts};
use crate::content::Status;
use crate::content::Viewer;
use crate::db::{self, DbPool};
use crate::error::{responses, ApiError};
use crate::http::list_query::{
    DetailSpec, FilterKind, FilterSpec, IncludeSpec, KeyKind, ListQuery, ListSpec, Listing, PageParams, SortSpec,
    Target, EQUALITY, ORDERED,
};
use crate::http::read;
use crate::http::respond::PUBLIC_CACHE_CONTROL;
use crate::search::index;
use crate::tokens::Caller;

/// What the public sees: published posts, and scheduled ones whose time has come.
/// (The unary `+` keeps SQLite from choosing the status index over the sort-key indexes.)
const PUBLIC_POSTS: &str = concat!("+posts.status IN ", crate::public_statuses!(), " AND +posts.published_at <= ?");

const INCLUDES: &[IncludeSpec] = &[
    IncludeSpec { name: "faqs", fields: FAQ_FIELDS },
    IncludeSpec {
        name: "conditions",
        fields: &[
            "slug",
            "name",
            "summary",
            "caveat",
            "region",
            "is_red_flag",
            "response_level",
            "category",
            "position",
            "updated_at",
        ],
    },
    IncludeSpec { name: "citations", fields: &["slug", "publisher", "title", "year", "url", "claim"] },
];

const FAQ_FIELDS: &[&str] =
    &["slug", "question", "answer", "position", "post", "tags", "status", "published_at", "updated_at", "links"];

pub static LIST: ListSpec = ListSpec {
    table: "posts",
    id: "posts.id",
    public: PUBLIC_POSTS,
    public_binds: 1,
    filters: &[
        FilterSpec {
            name: "tag",
            kind: FilterKind::Slug,
            ops: EQUALITY,
            target: Target::Related {
                id: "posts.id",
                select: "SELECT pt.post_id FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.slug",
            },
            preview_only: false,
        },
        FilterSpec {
            name: "citation",
            kind: FilterKind::Slug,
            ops: EQUALITY,
            target: Target::Related {
                id: "posts.id",
                select: "SELECT pc.post_id FROM post_citations pc JOIN citations c ON c.id = pc.citation_id WHERE c.slug",
            },
            preview_only: false,
        },
        FilterSpec {
            name: "condition",
            kind: FilterKind::Slug,
            ops: EQUALITY,
            target: Target::Related {
                id: "posts.id",
                select: "SELECT pcc.post_id FROM post_condition_categories pcc JOIN conditions c ON c.category_id = pcc.category_id WHERE c.slug",
            },
            preview_only: false,
        },
        FilterSpec {
            name: "condition_category",
            kind: FilterKind::Slug,
            ops: EQUALITY,
            target: Target::Related {
                id: "posts.id",
                select: "SELECT pcc.post_id FROM post_condition_categories pcc JOIN condition_categories cc ON cc.id = pcc.category_id WHERE cc.slug",
            },
            preview_only: false,
        },
        FilterSpec {
            name: "published_at",
            kind: FilterKind::Time,
            ops: ORDERED,
            target: Target::Column("posts.published_at"),
            preview_only: false,
        },
        FilterSpec { name: "updated_at", kind: FilterKind::Time, ops: ORDERED, target: Target::Column("posts.updated_at"), preview_only: false },
        FilterSpec {
            name: "reading_time_minutes",
            kind: FilterKind::Int,
            ops: ORDERED,
            target: Target::Column("posts.reading_time_minutes"),
            preview_only: false,
        },
        FilterSpec { name: "status", kind: FilterKind::OneOf(Status::NAMES), ops: EQUALITY, target: Target::Column("posts.status"), preview_only: true },
    ],
    sorts: &[
        SortSpec { name: "published_at", sql: "coalesce(posts.published_at, '')", kind: KeyKind::Text },
        SortSpec { name: "updated_at", sql: "posts.updated_at", kind: KeyKind::Text },
        SortSpec { name: "title", sql: "posts.title", kind: KeyKind::Text },
        SortSpec { name: "reading_time_minutes", sql: "posts.reading_time_minutes", kind: KeyKind::Int },
    ],
    default_sort: "-published_at",
    fields: &["slug", "title", "excerpt", "status", "published_at", "updated_at", "reading_time_minutes", "cta", "tags", "links"],
    includes: INCLUDES,
    search: Some(index::Kind::Post.in_lists()),
    // Triggers keep it (migration 2026-11-25-000007_tagged_posts).
    listing: Some(Listing {
        filter: "tag",
        table: "tagged_posts",
        column: "posts.tag_id",
        lookup: "SELECT t.id AS id FROM tags t WHERE t.slug = ?",
    }),
    ..ListSpec::BASE
};

pub static DETAIL: DetailSpec = DetailSpec {
    fields: &[
        "slug",
        "title",
        "excerpt",
        "status",
        "published_at",
        "updated_at",
        "reading_time_minutes",
        "word_count",
        "meta_title",
        "meta_description",
        "canonical_url",
        "cta",
        "author",
        "tags",
        "citations",
        "condition_categories",
        "key_points",
        "body",
        "body.markdown",
        "body.html",
        "body.text",
        "sections",
        "sections.anchor",
        "sections.heading",
        "sections.markdown",
        "sections.html",
        "sections.text",
        "links",
        "redirect_from",
    ],
    // What one request needs to render a post's page: `include=faqs,conditions,jsonld,categories,guidance,site`.
    includes: &[
        INCLUDES[0],
        INCLUDES[1],
        IncludeSpec { name: "jsonld", fields: &[] },
        IncludeSpec { name: "categories", fields: &[] },
        IncludeSpec { name: "guidance", fields: &[] },
        IncludeSpec { name: "site", fields: &[] },
    ],
};

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
        responses::ReadResponses,
    )
)]
pub async fn list_posts(req: HttpRequest, pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, ApiError> {
    read::list(&req, &pool, &caller, &LIST, query::by_ids).await
}

/// Get a post
///
/// One published post with its body (Markdown, HTML, plain text and sections), key points,
/// tags, citations with the claims they back, condition categories, call to action and author.
/// Everything a post's page shows comes in one request with
/// `include=faqs,conditions,jsonld,categories,guidance,site`: its FAQ entries, the conditions
/// it discusses, its JSON-LD, its categories in full, the session guidance and the site.
#[utoipa::path(
    get,
    path = "/v1/posts/{slug}",
    tag = "posts",
    operation_id = "getPost",
    params(("slug" = String, Path, description = "The post's slug.", example = "is-massage-therapy-worth-it-for-back-pain")),
    responses(
        (status = 200, description = "The post", body = PostResponse),
        (status = 301, description = "The post was renamed; `Location` gives its current URL"),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
    )
)]
pub async fn get_post(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let query_string = req.query_string().to_string();
    let configured_base = crate::seo::configured_url(&req);
    let load = move |conn: &mut crate::db::Conn, slug: &str, query: &ListQuery, viewer: &Viewer| {
        let jsonld = query.includes("jsonld");
        // JSON-LD needs the FAQ entries (its FAQPage); they stay out of the answer unless asked for.
        let mut loaded = query.clone();
        if jsonld && !query.includes("faqs") {
            loaded.includes.push("faqs");
        }
        let Some(mut post) = query::find_by_slug(conn, slug, &loaded, viewer)? else { return Ok(None) };
        let site = if jsonld || query.includes("site") { crate::site::query::find(conn)? } else { None };
        if let (true, Some(site)) = (jsonld, &site) {
            let base = crate::seo::base(configured_base.as_deref(), &site.website_url);
            let document = crate::seo::jsonld::for_post(&post, site, &base);
            post.jsonld = Some(crate::http::respond::ScriptSafe::new(&document));
        }
        if !query.includes("faqs") {
            post.faqs = None;
        }
        if query.includes("categories") {
            let slugs: Vec<&str> = post.condition_categories.iter().map(|category| category.slug.as_str()).collect();
            post.categories = Some(crate::conditions::query::categories_by_slugs(conn, &slugs)?);
        }
        if query.includes("guidance") {
            post.guidance = crate::guidance::query::guidance(conn)?;
        }
        if query.includes("site") {
            post.site = site;
        }
        Ok(Some(post))
    };
    match read::by_slug(&req, &pool, &caller, "post", slug.clone(), &DETAIL, load).await {
        Err(ApiError::NotFound(detail)) if !slug.contains('\0') => {
            // A renamed post answers at its old slug with a permanent redirect.
            let viewer = Viewer::for_request(&req, &caller);
            let target = db::run(&pool, move |conn| Ok(redirect_target(conn, &slug, &viewer)?)).await?;
            match target {
                Some(new_slug) => Ok(HttpResponse::MovedPermanently()
                    .insert_header((
                        header::LOCATION,
                        match query_string.as_str() {
                            "" => format!("/v1/posts/{new_slug}"),
                            query => format!("/v1/posts/{new_slug}?{query}"),
                        },
                    ))
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
    slug_example: "is-massage-therapy-worth-it-for-back-pain",
    create: create_post / "createPost",
    update: update_post / "updatePost",
    delete: delete_post / "deletePost",
);
