//! The two shapes every public read takes: a list and a lookup by slug. Handlers supply the
//! resource's spec and its loader; parsing, the blocking database call, paging, sparse fields,
//! the envelope, links and ETags are done here once.

use crate::db::Conn;
use actix_web::{HttpRequest, HttpResponse};
use diesel::QueryResult;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use super::cursor::CursorKey;
use super::list_query::{parse_detail, DetailSpec, ListQuery, ListSpec};
use super::pagination::ListPage;
use super::respond::{self, Data};
use super::select;
use crate::content::Viewer;
use crate::db::{self, DbPool};
use crate::error::ApiError;
use crate::tokens::Caller;

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
    F: FnOnce(&mut Conn, &[i32], &ListQuery, &Viewer) -> QueryResult<Vec<T>> + Send + 'static,
{
    let viewer = Viewer::for_request(req, caller);
    let query = ListQuery::parse(req.query_string(), spec, viewer.preview)?;
    let for_load = query.clone();
    let key = CursorKey::of(req)?;
    let (items, page) = db::run(pool, move |conn| {
        let page = select::page(conn, spec, &for_load, &viewer, &key)?;
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
    F: FnOnce(&mut Conn, &str, &ListQuery, &Viewer) -> QueryResult<Option<T>> + Send + 'static,
{
    let query = parse_detail(req.query_string(), spec)?;
    // No slug holds a NUL (PostgreSQL text cannot): nothing to look up.
    if slug.contains('\0') {
        return Err(ApiError::not_found(resource, &slug));
    }
    let lookup = slug.clone();
    let viewer = Viewer::for_request(req, caller);
    let for_load = query.clone();
    let found = db::run(pool, move |conn| Ok(load(conn, &lookup, &for_load, &viewer)?)).await?;
    let data = found.ok_or_else(|| ApiError::not_found(resource, &slug))?;
    respond::json_for(req, caller, &Data { data: sparse(data, &query)? }, None)
}

/// An item as served: whole, or trimmed to the fields asked for.
#[derive(Serialize)]
#[serde(untagged)]
enum Shaped<T> {
    Whole(T),
    Trimmed(RawFields),
}

/// An object's fields as their JSON text, in order: trimming keeps each field exactly as it was
/// written (a script-safe JSON-LD document stays escaped).
struct RawFields(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for RawFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = RawFields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFields, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    fields.push(entry);
                }
                Ok(RawFields(fields))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

impl Serialize for RawFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The item, trimmed to `fields` (and included relations to `fields[name]`) when asked. A
/// field `parent.child` keeps `parent` with only the children named (in each item when
/// `parent` is a list), so a client may ask for one form of a body (`body.html`).
fn sparse<T: Serialize>(item: T, query: &ListQuery) -> Result<Shaped<T>, ApiError> {
    if query.fields.is_none() && query.include_fields.is_empty() {
        return Ok(Shaped::Whole(item));
    }
    let text = serde_json::to_string(&item).map_err(ApiError::internal)?;
    let RawFields(mut fields) = serde_json::from_str(&text).map_err(ApiError::internal)?;
    if let Some(wanted) = &query.fields {
        // `parent.child` fields, as (parent, child).
        let nested: Vec<(&str, &str)> = wanted.iter().filter_map(|field| field.split_once('.')).collect();
        fields.retain(|(key, _)| {
            wanted.iter().any(|f| f == key)
                || query.includes.contains(&key.as_str())
                || nested.iter().any(|(parent, _)| parent == key)
        });
        for (key, raw) in fields.iter_mut() {
            let kept: Vec<&str> = nested.iter().filter(|(parent, _)| parent == key).map(|(_, child)| *child).collect();
            if !kept.is_empty() && !wanted.iter().any(|f| f == key) {
                *raw = only_keys(raw, &kept)?;
            }
        }
    }
    for (include, kept) in &query.include_fields {
        let Some((_, raw)) = fields.iter_mut().find(|(key, _)| key == include) else { continue };
        *raw = only_keys(raw, kept)?;
    }
    Ok(Shaped::Trimmed(RawFields(fields)))
}

/// An object, or each object of a list, with only these keys.
fn only_keys(raw: &RawValue, kept: &[impl AsRef<str>]) -> Result<Box<RawValue>, ApiError> {
    let mut value: Value = serde_json::from_str(raw.get()).map_err(ApiError::internal)?;
    let trim = |item: &mut Value| {
        if let Value::Object(object) = item {
            object.retain(|key, _| kept.iter().any(|f| f.as_ref() == key));
        }
    };
    match &mut value {
        Value::Array(items) => items.iter_mut().for_each(trim),
        other => trim(other),
    }
    serde_json::value::to_raw_value(&value).map_err(ApiError::internal)
}
