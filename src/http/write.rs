//! The write side, once for every resource: bearer-token checks, body limits and parsing,
//! JSON merge patch (RFC 7386), validation that reports every bad field, optimistic concurrency
//! with `If-Match`, one immediate transaction per write, and the content version bump that tells
//! caches the content changed.
//!
//! A resource takes part by implementing `Writable`: how to load its current state in input
//! form, validate an input, save it, delete it, and read its representation.

use crate::db::Conn;
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::changes::{self, ChangeLog};
use super::referrers::{self, Referrers};
use super::respond::{self, Data, PRIVATE_CACHE_CONTROL};
use crate::clock;
use crate::content::Viewer;
use crate::content_state::{self, ContentState};
use crate::db::{self, DbPool};
use crate::error::{ApiError, FieldError};
use crate::tokens::{Caller, Scope};

/// The largest request body accepted (413 above it).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

pub trait Writable: 'static {
    /// The write body, and the resource's form in a library document.
    type Input: Serialize + DeserializeOwned + Send + 'static;
    /// The representation reads serve.
    type Output: Serialize + Send + 'static;
    /// "post", "FAQ entry", ...
    const NAME: &'static str;
    /// "/v1/posts"
    const COLLECTION: &'static str;
    /// The kind webhook events name: `post` → `post.published`, `post.updated`, ...
    const EVENT_KIND: &'static str;

    fn slug(input: &Self::Input) -> &str;
    /// The current state in input form, by slug, whatever its status.
    fn load(conn: &mut Conn, slug: &str) -> QueryResult<Option<(i32, Self::Input)>>;
    /// Every problem with the input (references are checked here too); empty when valid.
    fn validate(conn: &mut Conn, input: &Self::Input, existing: Option<i32>) -> QueryResult<Vec<FieldError>>;
    /// Inserts (`existing` None) or updates the resource; returns its id.
    fn save(
        conn: &mut Conn,
        input: &Self::Input,
        existing: Option<(i32, &Self::Input)>,
        now: &str,
    ) -> Result<i32, ApiError>;
    /// Deletes the resource, detaching whatever `referrers` found (a delete only gets here when
    /// nothing refers to it, or with `?force=true` and every referrer detachable).
    fn delete(conn: &mut Conn, id: i32) -> Result<(), ApiError>;
    /// What refers to the resource, kind by kind (`referrers::check` has the rule).
    fn referrers(_conn: &mut Conn, _id: i32) -> QueryResult<Vec<Referrers>> {
        Ok(Vec::new())
    }
    /// The representation as a preview reader sees it.
    fn find(conn: &mut Conn, slug: &str, viewer: &Viewer) -> QueryResult<Option<Self::Output>>;
    /// When a scheduled input becomes public (so webhooks can announce it then).
    fn scheduled_at(_input: &Self::Input) -> Option<&str> {
        None
    }
    /// The slug of the resource with this id (for announcing it when its time comes).
    fn slug_of(_conn: &mut Conn, _id: i32) -> QueryResult<Option<String>> {
        Ok(None)
    }
    /// Its page on the front end, from the site's base URL, its slug and public representation.
    fn page_url(_base: &str, _slug: &str, _public: &Value) -> Option<String> {
        None
    }
}

pub use crate::content_state::bump as bump_content_version;

fn check_content_type(headers: &HeaderMap, allowed: &[&str]) -> Result<(), ApiError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if allowed.contains(&essence.as_str()) {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(format!(
            "The body must be sent as {}; got '{content_type}'.",
            allowed.join(" or ")
        )))
    }
}

fn parse_json(body: &Bytes) -> Result<Value, ApiError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge { limit: MAX_BODY_BYTES });
    }
    serde_json::from_slice(body).map_err(|error| ApiError::bad_param("body", format!("is not valid JSON: {error}")))
}

/// Turns a JSON value into the input type; an unknown field or a wrong type is a 422 naming
/// the field.
pub fn input_from<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." { "body".to_string() } else { path };
        let message = plain_type_names(&error.inner().to_string());
        ApiError::validation(vec![FieldError::new(field, message)])
    })
}

/// serde's message with the Rust type it expected said in JSON's terms ("expected u16" is
/// "expected an integer from 0 to 65535", "expected struct CtaInput" is "expected an object").
fn plain_type_names(message: &str) -> String {
    let Some((head, expected)) = message.rsplit_once("expected ") else {
        return message.to_string();
    };
    let plain = match expected {
        "i8" | "i16" | "i32" | "i64" | "isize" => "an integer".to_string(),
        "u8" => "an integer from 0 to 255".to_string(),
        "u16" => "an integer from 0 to 65535".to_string(),
        "u32" | "u64" | "usize" => "a non-negative integer".to_string(),
        "f32" | "f64" => "a number".to_string(),
        "a borrowed string" | "a string" | "char" | "a character" => "a string".to_string(),
        "a boolean" | "bool" => "true or false".to_string(),
        "a sequence" | "a tuple" => "an array".to_string(),
        "a map" | "unit" => "an object".to_string(),
        "option" => "a value or null".to_string(),
        other if other.starts_with("struct ") || other.starts_with("a map of ") => "an object".to_string(),
        other if other.starts_with("enum ") => "one of the documented values".to_string(),
        other => other.to_string(),
    };
    format!("{head}expected {plain}")
}

/// RFC 7386: objects merge recursively, `null` removes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    let target = target.as_object_mut().expect("an object");
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

fn if_match_header(req: &HttpRequest) -> Option<String> {
    req.headers().get(header::IF_MATCH).map(|value| value.to_str().unwrap_or("").to_string())
}

/// Parses a JSON merge patch body: a JSON object sent as merge patch or JSON.
pub fn parse_patch(req: &HttpRequest, body: &Bytes) -> Result<Value, ApiError> {
    check_content_type(req.headers(), &["application/merge-patch+json", "application/json"])?;
    let patch = parse_json(body)?;
    if !patch.is_object() {
        return Err(ApiError::bad_param("body", "must be a JSON object (a JSON merge patch)"));
    }
    Ok(patch)
}

/// Parses a JSON body (content type, size and shape checked) into `T`.
pub fn parse_body<T: DeserializeOwned>(req: &HttpRequest, body: &Bytes) -> Result<T, ApiError> {
    check_content_type(req.headers(), &["application/json"])?;
    input_from(parse_json(body)?)
}

/// Compares `If-Match` with the current representation's ETag (strong comparison).
fn check_if_match<T: Serialize>(if_match: &Option<String>, current: &T) -> Result<(), ApiError> {
    let Some(if_match) = if_match else {
        return Ok(());
    };
    let etag = respond::etag_of(current)?;
    let matches = respond::lists_entity(if_match, &etag);
    if matches {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed(
            "The resource changed since you read it (If-Match does not match its ETag); read it again and retry."
                .into(),
        ))
    }
}

/// A write's answer: the data, never cached, with its `Location` when one is given.
pub fn written<T: Serialize>(
    req: &HttpRequest,
    status: StatusCode,
    data: T,
    location: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let mut response = respond::json_with(req, &Data { data }, None, PRIVATE_CACHE_CONTROL, status)?;
    if let Some(location) = location.and_then(|l| header::HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// After a commit: this app's caches see the new version at once (a reader never gets stale
/// content after a write is acknowledged).
pub fn committed<T>(
    conn: &mut Conn,
    state: &Option<actix_web::web::Data<ContentState>>,
    value: T,
) -> Result<T, ApiError> {
    if let Some(state) = state {
        state.refresh(conn, &clock::now())?;
    }
    Ok(value)
}

fn preview() -> Viewer {
    Viewer { now: clock::now(), preview: true, state: None }
}

fn reject_slug_change_conflict<R: Writable>(
    conn: &mut Conn,
    input: &R::Input,
    id: Option<i32>,
) -> Result<(), ApiError> {
    if let Some((other, _)) = R::load(conn, R::slug(input))? {
        if Some(other) != id {
            return Err(ApiError::Conflict(format!(
                "A {} with the slug '{}' already exists.",
                R::NAME,
                R::slug(input)
            )));
        }
    }
    Ok(())
}

/// `POST /v1/{collection}`: 201 with the new resource and its `Location`.
pub async fn create<R: Writable>(
    req: HttpRequest,
    pool: &DbPool,
    caller: Caller,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Write)?;
    check_content_type(req.headers(), &["application/json"])?;
    let input: R::Input = input_from(parse_json(&body)?)?;
    let state = content_state::of(&req);
    let log = ChangeLog::of(&req);
    let output = db::run(pool, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            reject_slug_change_conflict::<R>(conn, &input, None)?;
            let errors = R::validate(conn, &input, None)?;
            if !errors.is_empty() {
                return Err(ApiError::validation(errors));
            }
            let id = R::save(conn, &input, None, &clock::now())?;
            changes::tell::<R>(conn, &log, id, None, Some(&input))?;
            bump_content_version(conn)?;
            R::find(conn, R::slug(&input), &preview())?.ok_or_else(|| ApiError::internal("written resource not found"))
        })
        .and_then(|output| committed(conn, &state, output))
    })
    .await?;
    let location = format!("{}/{}", R::COLLECTION, slug_of_output(&output)?);
    written(&req, StatusCode::CREATED, output, Some(location))
}

/// The slug field of a representation (every representation has one).
fn slug_of_output<T: Serialize>(output: &T) -> Result<String, ApiError> {
    serde_json::to_value(output)
        .ok()
        .and_then(|value| value.get("slug").and_then(Value::as_str).map(str::to_string))
        .ok_or_else(|| ApiError::internal("representation without a slug"))
}

/// `PATCH /v1/{collection}/{slug}` with a JSON merge patch: 200 with the updated resource.
pub async fn update<R: Writable>(
    req: HttpRequest,
    pool: &DbPool,
    caller: Caller,
    slug: String,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Write)?;
    let patch = parse_patch(&req, &body)?;
    let if_match = if_match_header(&req);
    let state = content_state::of(&req);
    let log = ChangeLog::of(&req);
    let output = db::run(pool, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            let (id, current) = R::load(conn, &slug)?.ok_or_else(|| ApiError::not_found(R::NAME, &slug))?;
            let representation =
                R::find(conn, &slug, &preview())?.ok_or_else(|| ApiError::not_found(R::NAME, &slug))?;
            check_if_match(&if_match, &Data { data: representation })?;
            let mut merged = serde_json::to_value(&current).map_err(ApiError::internal)?;
            merge_patch(&mut merged, &patch);
            let input: R::Input = input_from(merged)?;
            reject_slug_change_conflict::<R>(conn, &input, Some(id))?;
            let errors = R::validate(conn, &input, Some(id))?;
            if !errors.is_empty() {
                return Err(ApiError::validation(errors));
            }
            let before = changes::before::<R>(conn, &log, &slug)?;
            R::save(conn, &input, Some((id, &current)), &clock::now())?;
            changes::tell::<R>(conn, &log, id, before, Some(&input))?;
            bump_content_version(conn)?;
            R::find(conn, R::slug(&input), &preview())?.ok_or_else(|| ApiError::internal("written resource not found"))
        })
        .and_then(|output| committed(conn, &state, output))
    })
    .await?;
    written(&req, StatusCode::OK, output, None)
}

/// `DELETE /v1/{collection}/{slug}[?force=true]`: 204; 409 while other content refers to it,
/// unless forced and the references can be detached.
pub async fn delete<R: Writable>(
    req: HttpRequest,
    pool: &DbPool,
    caller: Caller,
    slug: String,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Write)?;
    let force = referrers::parse_force(req.query_string())?;
    let if_match = if_match_header(&req);
    let state = content_state::of(&req);
    let log = ChangeLog::of(&req);
    db::run(pool, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            let (id, _) = R::load(conn, &slug)?.ok_or_else(|| ApiError::not_found(R::NAME, &slug))?;
            if let Some(representation) = R::find(conn, &slug, &preview())? {
                check_if_match(&if_match, &Data { data: representation })?;
            }
            referrers::check(R::NAME, &slug, &R::referrers(conn, id)?, force)?;
            let before = changes::before::<R>(conn, &log, &slug)?;
            R::delete(conn, id)?;
            changes::tell::<R>(conn, &log, id, before, None)?;
            bump_content_version(conn)?;
            Ok(())
        })
        .and_then(|()| committed(conn, &state, ()))
    })
    .await?;
    Ok(HttpResponse::NoContent().insert_header((header::CACHE_CONTROL, PRIVATE_CACHE_CONTROL)).finish())
}

/// Declares the create, update and delete handlers of a `Writable` resource, with their OpenAPI
/// documentation, so every resource's write routes behave and are documented the same way.
/// Items are at `{collection}/{slug}`.
#[macro_export]
macro_rules! write_handlers {
    (
        $writable:ty,
        input: $input:ty,
        response: $response:ty,
        tag: $tag:literal,
        name: $name:literal,
        collection: $collection:literal,
        slug_example: $example:literal,
        create: $create:ident / $create_id:literal,
        update: $update:ident / $update_id:literal,
        delete: $delete:ident / $delete_id:literal $(,)?
    ) => {
        #[utoipa::path(
            post,
            path = $collection,
            tag = $tag,
            operation_id = $create_id,
            summary = concat!("Create a ", $name),
            description = concat!("Needs a token with the `write` scope. Answers 201 with the new ", $name, " and its `Location`."),
            request_body(content = $input, content_type = "application/json"),
            responses(
                (status = 201, description = "Created; `Location` names it", body = $response),
                $crate::error::responses::WriteErrors,
            )
        )]
        pub async fn $create(
            req: actix_web::HttpRequest,
            pool: actix_web::web::Data<$crate::db::DbPool>,
            caller: $crate::tokens::Caller,
            body: actix_web::web::Bytes,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::http::write::create::<$writable>(req, &pool, caller, body).await
        }

        #[utoipa::path(
            patch,
            path = concat!($collection, "/{slug}"),
            tag = $tag,
            operation_id = $update_id,
            summary = concat!("Update a ", $name),
            description = concat!("A JSON merge patch (RFC 7386) of the ", $name, "'s input form: give the fields to change; ",
                "`null` removes an optional field; lists are replaced whole. Send `If-Match` with the ETag you read ",
                "to get a 412 instead of overwriting someone else's change. Needs the `write` scope."),
            params(("slug" = String, Path, description = concat!("The ", $name, "'s slug."), example = $example)),
            request_body(content = $input, content_type = "application/merge-patch+json",
                description = concat!("Fields of the ", $name, "'s input form to change.")),
            responses(
                (status = 200, description = "Updated", body = $response),
                $crate::error::responses::WriteErrors,
            )
        )]
        pub async fn $update(
            req: actix_web::HttpRequest,
            pool: actix_web::web::Data<$crate::db::DbPool>,
            caller: $crate::tokens::Caller,
            slug: actix_web::web::Path<String>,
            body: actix_web::web::Bytes,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::http::write::update::<$writable>(req, &pool, caller, slug.into_inner(), body).await
        }

        #[utoipa::path(
            delete,
            path = concat!($collection, "/{slug}"),
            tag = $tag,
            operation_id = $delete_id,
            summary = concat!("Delete a ", $name),
            description = concat!("Needs the `write` scope. `If-Match` is honoured as for updates. ",
                "While other content refers to the ", $name, ", the answer is a 409 whose `detail` names it (the ",
                "first 5 of each kind by slug, and how many of each); `force=true` deletes the ", $name, " anyway ",
                "and detaches it from that content, unless some of it cannot exist without the ", $name,
                " (then it stays a 409 saying what to do)."),
            params(
                ("slug" = String, Path, description = concat!("The ", $name, "'s slug."), example = $example),
                ("force" = Option<bool>, Query, description = "`true`: delete even while other content refers to it, detaching it from that content. Default `false`: a 409 names what refers to it."),
            ),
            responses(
                (status = 204, description = "Deleted"),
                $crate::error::responses::WriteErrors,
            )
        )]
        pub async fn $delete(
            req: actix_web::HttpRequest,
            pool: actix_web::web::Data<$crate::db::DbPool>,
            caller: $crate::tokens::Caller,
            slug: actix_web::web::Path<String>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::http::write::delete::<$writable>(req, &pool, caller, slug.into_inner()).await
        }
    };
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        // The examples of RFC 7386, appendix A.
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "b"}), json!({"b": "c"}), json!({"a": "b", "b": "c"})),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (json!({"a": "b", "b": "c"}), json!({"a": null}), json!({"b": "c"})),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (json!({"a": {"b": "c"}}), json!({"a": {"b": "d", "c": null}}), json!({"a": {"b": "d"}})),
            (json!({"a": [{"b": "c"}]}), json!({"a": [1]}), json!({"a": [1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a": "b"}), json!(["c"]), json!(["c"])),
            (json!({"e": null}), json!({"a": 1}), json!({"e": null, "a": 1})),
            (json!([1, 2]), json!({"a": "b", "c": null}), json!({"a": "b"})),
            (json!({}), json!({"a": {"bb": {"ccc": null}}}), json!({"a": {"bb": {}}})),
        ];
        for (mut target, patch, expected) in cases {
            merge_patch(&mut target, &patch);
            assert_eq!(target, expected, "patch {patch}");
        }
    }
}

#[cfg(test)]
mod plain_type_names_tests {
    use super::plain_type_names;

    #[test]
    fn rust_type_names_are_said_in_json_terms() {
        assert_eq!(
            plain_type_names("invalid type: string \"x\", expected i32"),
            "invalid type: string \"x\", expected an integer"
        );
        assert_eq!(
            plain_type_names("invalid value: integer `70000`, expected u16"),
            "invalid value: integer `70000`, expected an integer from 0 to 65535"
        );
        assert_eq!(
            plain_type_names("invalid type: integer `1`, expected struct CtaInput"),
            "invalid type: integer `1`, expected an object"
        );
        assert_eq!(plain_type_names("missing field `title`"), "missing field `title`");
        assert_eq!(
            plain_type_names("unknown field `x`, expected one of `a`, `b`"),
            "unknown field `x`, expected one of `a`, `b`"
        );
    }
}
