//! What a write changed, as the public sees it. The write pipeline hands each change to the
//! app's `ChangeLog` inside the write's transaction (the app gives it to the webhook outbox),
//! so an acknowledged write always has its events and a rolled-back one never does. Nothing
//! here knows what is done with a change.

use std::sync::Arc;

use crate::db::Conn;
use actix_web::web::Data;
use actix_web::HttpRequest;
use serde_json::Value;

use super::write::Writable;
use crate::content::Viewer;
use crate::error::ApiError;

/// A resource as the public sees it: its slug and representation.
pub type Public = (String, Value);

/// The public representation of `slug`, if the public can see it now.
pub fn public<R: Writable>(conn: &mut Conn, slug: &str) -> Result<Option<Public>, ApiError> {
    let found = R::find(conn, slug, &Viewer::public())?;
    found.map(|output| Ok((slug.to_string(), serde_json::to_value(output).map_err(ApiError::internal)?))).transpose()
}

/// Which kind of resource changed, and how to name it.
#[derive(Clone, Copy)]
pub struct Source {
    /// `post`, `faq`, ... (events are `post.published`, ...).
    pub kind: &'static str,
    /// `/v1/posts`.
    pub collection: &'static str,
    /// Its page on the front end, from the site's base URL, its slug and public representation.
    pub page_url: fn(&str, &str, &Value) -> Option<String>,
}

impl Source {
    pub fn of<R: Writable>() -> Source {
        Source { kind: R::EVENT_KIND, collection: R::COLLECTION, page_url: R::page_url }
    }
}

/// One write's change.
pub struct Change<'a> {
    pub source: Source,
    pub id: i32,
    pub before: Option<Public>,
    /// None when the public cannot see it after the write (or it was deleted).
    pub after: Option<Public>,
    pub deleted: bool,
    /// When a scheduled resource becomes public (None: not scheduled, or no longer).
    pub scheduled_at: Option<&'a str>,
}

/// What the app does with a change, inside the write's transaction.
pub type Record = dyn Fn(&mut Conn, &Change) -> Result<(), ApiError> + Send + Sync;

/// Where the app sends changes. Without one, changes go nowhere.
#[derive(Clone)]
pub struct ChangeLog(pub Arc<Record>);

impl ChangeLog {
    pub fn of(req: &HttpRequest) -> Option<ChangeLog> {
        req.app_data::<Data<ChangeLog>>().map(|log| log.get_ref().clone())
    }
}

/// The public view of `slug` before a write, when there is a log to tell.
pub fn before<R: Writable>(conn: &mut Conn, log: &Option<ChangeLog>, slug: &str) -> Result<Option<Public>, ApiError> {
    match log {
        Some(_) => public::<R>(conn, slug),
        None => Ok(None),
    }
}

/// After a write of `R` (`written` None: deleted), tells the log what changed.
pub fn tell<R: Writable>(
    conn: &mut Conn,
    log: &Option<ChangeLog>,
    id: i32,
    before: Option<Public>,
    written: Option<&R::Input>,
) -> Result<(), ApiError> {
    let Some(log) = log else { return Ok(()) };
    let after = match written {
        Some(input) => public::<R>(conn, R::slug(input))?,
        None => None,
    };
    let change = Change {
        source: Source::of::<R>(),
        id,
        before,
        after,
        deleted: written.is_none(),
        scheduled_at: written.and_then(R::scheduled_at),
    };
    (log.0)(conn, &change)
}
