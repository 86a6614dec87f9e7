use actix_web::{web, HttpRequest, HttpResponse};

use super::model::{CategoryWrite, ConditionWrite};
use super::model::{ConditionCategoryList, ConditionCategoryResponse, ConditionList, ConditionResponse};
use super::model::{REGIONS, RESPONSE_LEVELS};
use super::query;
use super::write::{Categories, Conditions};
use crate::db::DbPool;
use crate::error::{responses, ApiError};
use crate::http::list_query::{
    FilterKind, FilterSpec, KeyKind, ListSpec, Op, PageParams, SortSpec, Target, EQUALITY, NO_PARAMETERS,
};
use crate::http::read;
use crate::search::index;
use crate::tokens::Caller;

pub static CATEGORIES: ListSpec = ListSpec {
    table: "condition_categories",
    id: "condition_categories.id",
    filters: &[FilterSpec {
        name: "response_level",
        kind: FilterKind::OneOf(RESPONSE_LEVELS),
        ops: EQUALITY,
        target: Target::Column("condition_categories.response_level"),
        preview_only: false,
    }],
    sorts: &[
        SortSpec { name: "position", sql: "condition_categories.position", kind: KeyKind::Int },
        SortSpec { name: "name", sql: "condition_categories.name", kind: KeyKind::Text },
    ],
    default_sort: "position",
    fields: &["slug", "name", "description", "response_level", "position", "conditions", "updated_at"],
    ..ListSpec::BASE
};

pub static CONDITIONS: ListSpec = ListSpec {
    table: "conditions",
    id: "conditions.id",
    filters: &[
        FilterSpec {
            name: "category",
            kind: FilterKind::Slug,
            ops: EQUALITY,
            target: Target::Related { id: "conditions.category_id", select: "SELECT id FROM condition_categories WHERE slug" },
            preview_only: false,
        },
        FilterSpec {
            name: "is_red_flag",
            kind: FilterKind::Bool,
            ops: &[Op::Eq, Op::Ne],
            target: Target::Column("conditions.is_red_flag"),
            preview_only: false,
        },
        FilterSpec { name: "region", kind: FilterKind::OneOf(REGIONS), ops: EQUALITY, target: Target::Column("conditions.region"), preview_only: false },
        FilterSpec {
            name: "response_level",
            kind: FilterKind::OneOf(RESPONSE_LEVELS),
            ops: EQUALITY,
            target: Target::Related { id: "conditions.category_id", select: "SELECT id FROM condition_categories WHERE response_level" },
            preview_only: false,
        },
    ],
    sorts: &[
        // Display order: by category, then within it.
        SortSpec {
            name: "position",
            sql: "((SELECT position FROM condition_categories WHERE id = conditions.category_id) * 100000 + conditions.position)",
            kind: KeyKind::Int,
        },
        SortSpec { name: "name", sql: "conditions.name", kind: KeyKind::Text },
        SortSpec { name: "slug", sql: "conditions.slug", kind: KeyKind::Text },
    ],
    default_sort: "position",
    fields: &["slug", "name", "summary", "caveat", "region", "is_red_flag", "response_level", "category", "position", "updated_at"],
    search: Some(index::Kind::Condition.in_lists()),
    ..ListSpec::BASE
};

/// List condition categories
///
/// The categories in display order (strong responders, moderate responders, see a doctor
/// first), each with all its conditions.
#[utoipa::path(
    get,
    path = "/v1/condition-categories",
    tag = "conditions",
    operation_id = "listConditionCategories",
    params(PageParams),
    responses(
        (status = 200, description = "A page of condition categories", body = ConditionCategoryList),
        responses::ReadResponses,
    )
)]
pub async fn list_condition_categories(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    read::list(&req, &pool, &caller, &CATEGORIES, query::categories_by_ids).await
}

/// Get a condition category
///
/// One category by slug, with its response level and all its conditions in display order.
#[utoipa::path(
    get,
    path = "/v1/condition-categories/{slug}",
    tag = "conditions",
    operation_id = "getConditionCategory",
    params(("slug" = String, Path, description = "The category's slug.", example = "moderate-responders")),
    responses(
        (status = 200, description = "The category with its conditions", body = ConditionCategoryResponse),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
    )
)]
pub async fn get_condition_category(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(&req, &pool, &caller, "condition category", slug.into_inner(), &NO_PARAMETERS, query::find_category)
        .await
}

/// List conditions
///
/// Every condition in display order, each with its category and response level.
/// `filter[is_red_flag]=true` lists the presentations that need a doctor before massage.
#[utoipa::path(
    get,
    path = "/v1/conditions",
    tag = "conditions",
    operation_id = "listConditions",
    params(
        PageParams,
        ("filter[category]" = Option<String>, Query, description = "Only conditions in the category with this slug.", example = "moderate-responders"),
        ("filter[is_red_flag]" = Option<bool>, Query, description = "Only red flags (`true`) or only conditions that are not (`false`).", example = true),
        ("filter[region]" = Option<String>, Query, description = "Only conditions in this region: `lower_back`, `upper_back` or `whole_back`.", example = "lower_back"),
        ("filter[response_level]" = Option<String>, Query, description = "Only conditions whose category has this response level: `strong`, `moderate` or `refer`.", example = "strong"),
    ),
    responses(
        (status = 200, description = "A page of conditions", body = ConditionList),
        responses::ReadResponses,
    )
)]
pub async fn list_conditions(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    read::list(&req, &pool, &caller, &CONDITIONS, query::conditions_by_ids).await
}

/// Get a condition
///
/// One condition by slug, with its category, response level, caveat and red-flag marker.
#[utoipa::path(
    get,
    path = "/v1/conditions/{slug}",
    tag = "conditions",
    operation_id = "getCondition",
    params(("slug" = String, Path, description = "The condition's slug.", example = "sciatica")),
    responses(
        (status = 200, description = "The condition", body = ConditionResponse),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
    )
)]
pub async fn get_condition(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read::by_slug(&req, &pool, &caller, "condition", slug.into_inner(), &NO_PARAMETERS, query::find_condition).await
}

crate::write_handlers!(
    Categories,
    input: CategoryWrite,
    response: ConditionCategoryResponse,
    tag: "conditions",
    name: "condition category",
    collection: "/v1/condition-categories",
    slug_example: "moderate-responders",
    create: create_condition_category / "createConditionCategory",
    update: update_condition_category / "updateConditionCategory",
    delete: delete_condition_category / "deleteConditionCategory",
);

crate::write_handlers!(
    Conditions,
    input: ConditionWrite,
    response: ConditionResponse,
    tag: "conditions",
    name: "condition",
    collection: "/v1/conditions",
    slug_example: "sciatica",
    create: create_condition / "createCondition",
    update: update_condition / "updateCondition",
    delete: delete_condition / "deleteCondition",
);
