use actix_web::http::{header, StatusCode};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};

use super::model::WebhookInput;
use super::model::{DeliveryList, DeliveryResponse, WebhookListResponse, WebhookResponse};
use super::{query, WebhookSettings};
use crate::content::Viewer;
use crate::db::{self, DbPool};
use crate::error::{responses, ApiError};
use crate::http::cursor::CursorKey;
use crate::http::list_query::{
    parse_detail, Bind, Filter, FilterKind, FilterSpec, KeyKind, ListQuery, ListSpec, Op, PageParams, SortSpec, Target,
    EQUALITY, NO_PARAMETERS, ORDERED,
};
use crate::http::pagination::ListPage;
use crate::http::respond::{self, PRIVATE_CACHE_CONTROL};
use crate::http::{select, write};
use crate::tokens::{Caller, Scope};
use crate::validation::problems;

pub static DELIVERIES: ListSpec = ListSpec {
    table: "webhook_deliveries",
    id: "webhook_deliveries.id",
    filters: &[
        FilterSpec {
            name: "status",
            kind: FilterKind::OneOf(&["pending", "delivered", "failed"]),
            ops: EQUALITY,
            target: Target::Column("webhook_deliveries.status"),
            preview_only: false,
        },
        FilterSpec {
            name: "created_at",
            kind: FilterKind::Time,
            ops: ORDERED,
            target: Target::Column("webhook_deliveries.created_at"),
            preview_only: false,
        },
    ],
    sorts: &[SortSpec { name: "id", sql: "webhook_deliveries.id", kind: KeyKind::Int }],
    default_sort: "-id",
    fields: &[],
    ..ListSpec::BASE
};

/// The deliveries of the subscription in the path (added to whatever the query asks).
const OF_WEBHOOK: FilterSpec = FilterSpec {
    name: "webhook",
    kind: FilterKind::Int,
    ops: &[Op::Eq],
    target: Target::Column("webhook_deliveries.webhook_id"),
    preview_only: false,
};

fn settings(req: &HttpRequest) -> WebhookSettings {
    req.app_data::<web::Data<WebhookSettings>>().map(|s| s.get_ref().clone()).unwrap_or_default()
}

fn not_found(id: i32) -> ApiError {
    ApiError::NotFound(format!("No webhook has the id {id}."))
}

fn no_delivery(id: i32, delivery: i32) -> ApiError {
    ApiError::NotFound(format!("Webhook {id} has no delivery {delivery}."))
}

fn validated(input: &WebhookInput, allow_private: bool) -> Result<(), ApiError> {
    let errors = problems(|check| input.validate(check, allow_private));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// List webhooks
///
/// Every subscription, without secrets. Needs the `admin` scope.
#[utoipa::path(
    get,
    path = "/v1/webhooks",
    tag = "webhooks",
    operation_id = "listWebhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every webhook", body = WebhookListResponse),
        responses::TokenReadErrors,
    )
)]
pub async fn list_webhooks(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    parse_detail(req.query_string(), &NO_PARAMETERS)?;
    let list = db::run(&pool, |conn| Ok(query::list(conn)?)).await?;
    write::written(&req, StatusCode::OK, list, None)
}

/// Create a webhook
///
/// Subscribes a URL to events. The answer carries the signing `secret`, the only time it is
/// shown: store it where the receiver can read it. Needs the `admin` scope.
#[utoipa::path(
    post,
    path = "/v1/webhooks",
    tag = "webhooks",
    operation_id = "createWebhook",
    request_body(content = WebhookInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created, with its secret; `Location` names it", body = WebhookResponse),
        responses::WriteErrors,
    )
)]
pub async fn create_webhook(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let input: WebhookInput = write::parse_body(&req, &body)?;
    validated(&input, settings(&req).allow_private_targets)?;
    let created =
        db::run(&pool, move |conn| crate::db::write_transaction(conn, |conn| query::create(conn, &input))).await?;
    let location = created.links.self_.clone();
    write::written(&req, StatusCode::CREATED, created, Some(location))
}

/// Get a webhook
#[utoipa::path(
    get,
    path = "/v1/webhooks/{id}",
    tag = "webhooks",
    operation_id = "getWebhook",
    params(("id" = i32, Path, description = "The webhook's id.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The webhook (never its secret)", body = WebhookResponse),
        responses::TokenReadErrors,
    )
)]
pub async fn get_webhook(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    parse_detail(req.query_string(), &NO_PARAMETERS)?;
    let id = id.into_inner();
    let found = db::run(&pool, move |conn| Ok(query::find(conn, id)?)).await?;
    write::written(&req, StatusCode::OK, found.ok_or_else(|| not_found(id))?, None)
}

/// Update a webhook
///
/// A JSON merge patch (RFC 7386) of `url`, `events`, `description`, `active`. The secret
/// stays. Needs the `admin` scope.
#[utoipa::path(
    patch,
    path = "/v1/webhooks/{id}",
    tag = "webhooks",
    operation_id = "updateWebhook",
    params(("id" = i32, Path, description = "The webhook's id.", example = 1)),
    request_body(content = WebhookInput, content_type = "application/merge-patch+json",
        description = "Fields of the webhook's input form to change."),
    responses(
        (status = 200, description = "Updated", body = WebhookResponse),
        responses::WriteErrors,
    )
)]
pub async fn update_webhook(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<i32>,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let patch: serde_json::Value = write::parse_patch(&req, &body)?;
    let id = id.into_inner();
    let allow_private = settings(&req).allow_private_targets;
    let updated = db::run(&pool, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            let current = query::load_input(conn, id)?.ok_or_else(|| not_found(id))?;
            let mut merged = serde_json::to_value(&current).map_err(ApiError::internal)?;
            write::merge_patch(&mut merged, &patch);
            let input: WebhookInput = write::input_from(merged)?;
            validated(&input, allow_private)?;
            query::update(conn, id, &input)?;
            query::find(conn, id)?.ok_or_else(|| not_found(id))
        })
    })
    .await?;
    write::written(&req, StatusCode::OK, updated, None)
}

/// Delete a webhook
///
/// Removes the subscription and its delivery history; pending deliveries are dropped.
#[utoipa::path(
    delete,
    path = "/v1/webhooks/{id}",
    tag = "webhooks",
    operation_id = "deleteWebhook",
    params(("id" = i32, Path, description = "The webhook's id.", example = 1)),
    responses(
        (status = 204, description = "Deleted"),
        responses::WriteErrors,
    )
)]
pub async fn delete_webhook(
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let id = id.into_inner();
    let deleted =
        db::run(&pool, move |conn| Ok(crate::db::write_transaction(conn, |conn| query::delete(conn, id))?)).await?;
    if deleted == 0 {
        return Err(not_found(id));
    }
    Ok(HttpResponse::NoContent().insert_header((header::CACHE_CONTROL, PRIVATE_CACHE_CONTROL)).finish())
}

/// Ping a webhook
///
/// Queues a `ping` event for this subscription (whatever its event patterns), to test the
/// receiver and its signature check. Answers 202 with the queued delivery; follow it at
/// `GET /v1/webhooks/{id}/deliveries/{delivery_id}`.
#[utoipa::path(
    post,
    path = "/v1/webhooks/{id}/ping",
    tag = "webhooks",
    operation_id = "pingWebhook",
    params(("id" = i32, Path, description = "The webhook's id.", example = 1)),
    responses(
        (status = 202, description = "Queued", body = DeliveryResponse),
        responses::WriteErrors,
    )
)]
pub async fn ping_webhook(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let id = id.into_inner();
    let queued = db::run(&pool, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            query::find(conn, id)?.ok_or_else(|| not_found(id))?;
            query::ping(conn, id)
        })
    })
    .await?;
    write::written(&req, StatusCode::ACCEPTED, queued, None)
}

/// List a webhook's deliveries
///
/// Newest first: status, attempts, the receiver's last answer and how long it took. Filter
/// with `filter[status]=failed`; page as any list. Finished deliveries are kept 30 days.
#[utoipa::path(
    get,
    path = "/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    operation_id = "listWebhookDeliveries",
    params(("id" = i32, Path, description = "The webhook's id.", example = 1), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of deliveries", body = DeliveryList),
        responses::TokenReadErrors,
    )
)]
pub async fn list_deliveries(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let id = id.into_inner();
    let mut query = ListQuery::parse(req.query_string(), &DELIVERIES, true)?;
    let canonical = query.canonical.clone();
    let (page_request, cursor_used) = (query.page, query.cursor.is_some());
    query.filters.push(Filter { spec: OF_WEBHOOK, op: Op::Eq, values: vec![Bind::Int(id.into())] });
    // No shared state: delivery counts change without any content change.
    let viewer = Viewer { now: crate::clock::now(), preview: true, state: None };
    let key = CursorKey::of(&req)?;
    let (items, page) = db::run(&pool, move |conn| {
        query::find(conn, id)?.ok_or_else(|| not_found(id))?;
        let page = select::page(conn, &DELIVERIES, &query, &viewer, &key)?;
        Ok((query::deliveries_by_ids(conn, &page.ids)?, page))
    })
    .await?;
    let list = ListPage::new(items, page.total, page_request, page.next_cursor, cursor_used, req.path(), &canonical);
    respond::json_for(&req, &caller, &list, list.link_header())
}

/// Get a delivery
#[utoipa::path(
    get,
    path = "/v1/webhooks/{id}/deliveries/{delivery_id}",
    tag = "webhooks",
    operation_id = "getWebhookDelivery",
    params(
        ("id" = i32, Path, description = "The webhook's id.", example = 1),
        ("delivery_id" = i32, Path, description = "The delivery's id.", example = 42),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The delivery", body = DeliveryResponse),
        responses::TokenReadErrors,
    )
)]
pub async fn get_delivery(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    parse_detail(req.query_string(), &NO_PARAMETERS)?;
    let (id, delivery) = path.into_inner();
    let found = db::run(&pool, move |conn| Ok(query::delivery(conn, id, delivery)?)).await?;
    let found = found.ok_or_else(|| no_delivery(id, delivery))?;
    write::written(&req, StatusCode::OK, found, None)
}

/// Redeliver an event
///
/// Sends the delivery's event again (same event id and body, freshly signed) as a new
/// delivery at the end of the subscription's queue. Answers 202 with the new delivery.
#[utoipa::path(
    post,
    path = "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
    tag = "webhooks",
    operation_id = "redeliverWebhookDelivery",
    params(
        ("id" = i32, Path, description = "The webhook's id.", example = 1),
        ("delivery_id" = i32, Path, description = "The delivery to send again.", example = 42),
    ),
    responses(
        (status = 202, description = "Queued", body = DeliveryResponse),
        responses::WriteErrors,
    )
)]
pub async fn redeliver(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let (id, delivery) = path.into_inner();
    let queued =
        db::run(&pool, move |conn| crate::db::write_transaction(conn, |conn| query::redeliver(conn, id, delivery)))
            .await?;
    let queued = queued.ok_or_else(|| no_delivery(id, delivery))?;
    write::written(&req, StatusCode::ACCEPTED, queued, None)
}
