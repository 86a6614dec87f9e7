use actix_web::{web, HttpRequest, HttpResponse};
use diesel::Connection;
use serde_json::Value;

use super::model::{SyncPage, SyncResponse};
use super::query;
use crate::content::Viewer;
use crate::db::{self, DbPool};
use crate::error::{responses, ApiError, FieldError};
use crate::http::cursor::{CursorKey, Position};
use crate::http::params;
use crate::http::respond::{self, Data};
use crate::tokens::Caller;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 500;
const TOKEN_LIST: &str = "sync";

/// A token for "everything up to `seq`, as of `time`".
fn token(key: &CursorKey, seq: i64, time: &str) -> String {
    key.encode(&Position { list: TOKEN_LIST.into(), keys: vec![Value::from(time)], id: seq })
}

fn parse_token(key: &CursorKey, token: &str) -> Option<(i64, String)> {
    let position = key.decode(token)?;
    match (position.list.as_str(), position.keys.as_slice()) {
        (TOKEN_LIST, [Value::String(time)]) if position.id >= 0 => Some((position.id, time.clone())),
        _ => None,
    }
}

fn parse(query_string: &str, key: &CursorKey) -> Result<(Option<(i64, String)>, usize), ApiError> {
    let mut since = None;
    let mut limit = None;
    let errors = params::each_once(query_string, |param, value| {
        match param {
            "since" => match parse_token(key, value) {
                Some(position) => since = Some(position),
                None => {
                    return Err(FieldError::new(
                        "since",
                        "is not a `next` token of this service's database (it may be from before a move to \
                         another database, or altered): start over with a sync without `since`",
                    ))
                }
            },
            // At most MAX_LIMIT, so the count fits.
            "limit" => limit = Some(params::limit("limit", value, MAX_LIMIT as i64)? as usize),
            other => return Err(params::unknown(other, "since, limit")),
        }
        Ok(())
    });
    match errors.as_slice() {
        [] => Ok((since, limit.unwrap_or(DEFAULT_LIMIT))),
        _ => Err(ApiError::bad_params(errors)),
    }
}

/// Sync changes since a token
///
/// For apps that keep an offline copy, with one call per launch. Without `since`: every public
/// resource (posts, FAQ entries, conditions, condition categories, guidance bands and course,
/// tags, citations, the site), as upserts. With `since` (the `next` of the previous call):
/// what was created or updated since, as upserts with the whole resource, and a tombstone
/// (`action: delete`) for each resource that was public then and is not now: deleted,
/// unpublished (a post back to draft, archived) or renamed (its new slug comes as an upsert).
/// Drafts never appear. Store `next` and pass it next time; while `has_more`, call again at
/// once. Public content only, with or without a token.
#[utoipa::path(
    get,
    path = "/v1/sync",
    tag = "sync",
    operation_id = "sync",
    params(
        ("since" = Option<String>, Query, min_length = 1, description = "The `next` token of an earlier sync; omit it for everything."),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "About this many resources per page (1 to 500, default 100); a post's FAQ entries come with it.", example = 100),
    ),
    responses(
        (status = 200, description = "The changes and the next token", body = SyncResponse),
        responses::ReadResponses,
    )
)]
pub async fn sync(req: HttpRequest, pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let key = CursorKey::of(&req)?;
    let (since, limit) = parse(req.query_string(), &key)?;
    // Public content only, whoever asks: an app's copy must never hold drafts.
    let viewer = Viewer { preview: false, ..Viewer::for_request(&req, &caller) };
    let page = db::run(&pool, move |conn| {
        // A first sync starts now: scheduled content whose time comes while its pages are
        // fetched is caught on the last page (from "" it would be every public post again).
        let (seq, time) = since.unwrap_or((0, viewer.now.clone()));
        // One read transaction: the log and the content it points at are one snapshot.
        let page = conn.transaction(|conn| query::page(conn, seq, &time, limit, &viewer))?;
        // The next call's window for scheduled publications starts where this one's ended.
        let until = if page.has_more { time } else { viewer.now.clone() };
        Ok(SyncPage { changes: page.changes, next: token(&key, page.last_seq, &until), has_more: page.has_more })
    })
    .await?;
    respond::json_for(&req, &caller, &Data { data: page }, None)
}
