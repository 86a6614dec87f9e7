//! The two shapes every public read takes: a paged list and a lookup by slug. Handlers supply
//! the resource's list spec and its query function; parsing, the blocking database call, the
//! envelope, pagination links and ETags are done here once.

use actix_web::{HttpRequest, HttpResponse};
use diesel::sqlite::SqliteConnection;
use diesel::QueryResult;
use serde::Serialize;

use super::list_query::{ListQuery, ListSpec};
use super::pagination::ListPage;
use super::respond::{self, Data};
use crate::db::{self, DbPool};
use crate::error::ApiError;
use crate::tokens::Caller;
use crate::visibility::Viewer;

/// Answers a list request: `load(conn, query, viewer)` returns one page of items and the total.
pub async fn list<T, F>(
    req: &HttpRequest,
    pool: &DbPool,
    caller: &Caller,
    spec: &ListSpec,
    load: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut SqliteConnection, &ListQuery, &Viewer) -> QueryResult<(Vec<T>, i64)> + Send + 'static,
{
    let query = ListQuery::parse(req.query_string(), spec)?;
    let for_load = query.clone();
    let viewer = Viewer::for_caller(caller);
    let (items, total) = db::run(pool, move |conn| Ok(load(conn, &for_load, &viewer)?)).await?;
    let list = ListPage::new(items, total, query.page, req.path(), &query.filters_query());
    respond::json_for(req, caller, &list, list.link_header())
}

/// Answers a lookup by slug: `load(conn, slug, viewer)` returns the resource if it is visible.
pub async fn by_slug<T, F>(
    req: &HttpRequest,
    pool: &DbPool,
    caller: &Caller,
    resource: &'static str,
    slug: String,
    load: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut SqliteConnection, &str, &Viewer) -> QueryResult<Option<T>> + Send + 'static,
{
    reject_query_parameters(req)?;
    let lookup = slug.clone();
    let viewer = Viewer::for_caller(caller);
    let found = db::run(pool, move |conn| Ok(load(conn, &lookup, &viewer)?)).await?;
    let data = found.ok_or_else(|| ApiError::not_found(resource, &slug))?;
    respond::json_for(req, caller, &Data { data }, None)
}

/// Detail routes take no query parameters; anything given is a mistake worth reporting.
pub fn reject_query_parameters(req: &HttpRequest) -> Result<(), ApiError> {
    const NO_FILTERS: ListSpec = ListSpec { filters: &[] };
    match form_urlencoded::parse(req.query_string().as_bytes()).find(|(name, _)| !name.is_empty()) {
        Some((name, _)) => {
            Err(ApiError::bad_param(&name, "is not a parameter of this resource; it takes no query parameters"))
        }
        None => ListQuery::parse("", &NO_FILTERS).map(|_| ()),
    }
}
