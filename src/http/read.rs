//! The two shapes every public read takes: a list and a lookup by slug. Handlers supply the
//! resource's spec and its loader; parsing, the blocking database call, paging, sparse fields,
//! the envelope, links and ETags are done here once.

use actix_web::{HttpRequest, HttpResponse};
use diesel::sqlite::SqliteConnection;
use diesel::QueryResult;
use serde::Serialize;
use serde_json::Value;

use super::list_query::{parse_detail, DetailSpec, ListQuery, ListSpec};
use super::pagination::ListPage;
use super::respond::{self, Data};
use super::select;
use crate::db::{self, DbPool};
use crate::error::ApiError;
use crate::tokens::Caller;
use crate::visibility::Viewer;

/// Answers a list request: `load(conn, ids, query, viewer)` returns the items with those ids,
/// in that order.
pub async fn list<T, F>(
    req: &HttpRequest,
    pool: &DbPool,
    caller: &Caller,
    spec: &'static ListSpec,
    load: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut SqliteConnection, &[i32], &ListQuery, &Viewer) -> QueryResult<Vec<T>> + Send + 'static,
{
    let viewer = Viewer::for_request(req, caller);
    let query = ListQuery::parse(req.query_string(), spec, viewer.preview)?;
    let for_load = query.clone();
    let (items, page) = db::run(pool, move |conn| {
        let page = select::page(conn, spec, &for_load, &viewer)?;
        let items = load(conn, &page.ids, &for_load, &viewer)?;
        Ok((items, page))
    })
    .await?;
    let data = items.into_iter().map(|item| sparse(item, &query)).collect::<Result<Vec<_>, _>>()?;
    let list = ListPage::new(
        data,
        page.total,
        query.page,
        page.next_cursor,
        query.cursor.is_some(),
        req.path(),
        &query.canonical,
    );
    respond::json_for(req, caller, &list, list.link_header())
}

/// Answers a lookup by slug: `load(conn, slug, query, viewer)` returns the resource if it is
/// visible. The query carries `fields` and `include` where the spec allows them.
pub async fn by_slug<T, F>(
    req: &HttpRequest,
    pool: &DbPool,
    caller: &Caller,
    resource: &'static str,
    slug: String,
    spec: &DetailSpec,
    load: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut SqliteConnection, &str, &ListQuery, &Viewer) -> QueryResult<Option<T>> + Send + 'static,
{
    let query = parse_detail(req.query_string(), spec)?;
    let lookup = slug.clone();
    let viewer = Viewer::for_request(req, caller);
    let for_load = query.clone();
    let found = db::run(pool, move |conn| Ok(load(conn, &lookup, &for_load, &viewer)?)).await?;
    let data = Data { data: sparse(found.ok_or_else(|| ApiError::not_found(resource, &slug))?, &query)? };
    if spec.includes.iter().any(|include| include.script_safe && query.includes(include.name)) {
        return respond::script_safe_json_for(req, caller, &data);
    }
    respond::json_for(req, caller, &data, None)
}

/// An item as served: whole, or trimmed to the fields asked for.
#[derive(Serialize)]
#[serde(untagged)]
enum Shaped<T> {
    Whole(T),
    Trimmed(Value),
}

/// The item, trimmed to `fields` (and included relations to `fields[name]`) when asked.
fn sparse<T: Serialize>(item: T, query: &ListQuery) -> Result<Shaped<T>, ApiError> {
    if query.fields.is_none() && query.include_fields.is_empty() {
        return Ok(Shaped::Whole(item));
    }
    let mut value = serde_json::to_value(&item).map_err(ApiError::internal)?;
    if let (Some(fields), Value::Object(object)) = (&query.fields, &mut value) {
        object.retain(|key, _| fields.iter().any(|f| f == key) || query.includes.contains(&key.as_str()));
    }
    for (include, fields) in &query.include_fields {
        if let Some(Value::Array(items)) = value.get_mut(include) {
            for item in items {
                if let Value::Object(object) = item {
                    object.retain(|key, _| fields.iter().any(|f| f == key));
                }
            }
        }
    }
    Ok(Shaped::Trimmed(value))
}
