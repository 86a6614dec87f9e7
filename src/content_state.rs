//! What the caches compare to know whether content changed: the content version (bumped in
//! every write transaction) and the next moment scheduled content becomes public (when public
//! reads change with no write at all).
//!
//! Writes through this process update it at once; a background refresh picks up writes by other
//! processes (the CLI, other instances) within `REFRESH`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;

pub const REFRESH: Duration = Duration::from_millis(250);

static VERSION: AtomicU64 = AtomicU64::new(0);
static STATE: RwLock<State> = RwLock::new(State { changed_at: String::new(), next_publication: None });

#[derive(Debug, Clone)]
struct State {
    changed_at: String,
    next_publication: Option<String>,
}

/// A snapshot to stamp cache entries with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub version: u64,
    /// Valid until this time (RFC 3339), when scheduled content goes public.
    pub until: Option<String>,
}

impl Stamp {
    /// Is an entry made under this stamp still current at `now`?
    pub fn is_current(&self, now: &str) -> bool {
        self.version == VERSION.load(Ordering::Acquire) && self.until.as_deref().is_none_or(|until| now < until)
    }
}

pub fn stamp() -> Stamp {
    let state = STATE.read().expect("content state lock");
    Stamp { version: VERSION.load(Ordering::Acquire), until: state.next_publication.clone() }
}

/// When content last changed (for `Last-Modified`).
pub fn changed_at() -> String {
    STATE.read().expect("content state lock").changed_at.clone()
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Text)]
    changed_at: String,
    #[diesel(sql_type = Nullable<Text>)]
    next_publication: Option<String>,
}

/// Reads the version from the database; returns true when it moved.
pub fn refresh(conn: &mut SqliteConnection, now: &str) -> QueryResult<bool> {
    let row: Row = diesel::sql_query(
        "SELECT version, changed_at,
                (SELECT min(t) FROM (SELECT min(published_at) AS t FROM posts WHERE status = 'scheduled' AND published_at > ?1
                                     UNION ALL
                                     SELECT min(published_at) FROM faqs WHERE status = 'scheduled' AND published_at > ?1)) AS next_publication
         FROM content_version WHERE id = 1",
    )
    .bind::<Text, _>(now)
    .get_result(conn)?;
    let mut state = STATE.write().expect("content state lock");
    state.changed_at = row.changed_at;
    state.next_publication = row.next_publication;
    let previous = VERSION.swap(row.version as u64, Ordering::AcqRel);
    Ok(previous != row.version as u64)
}

/// Bumps the version; called inside every write transaction.
pub fn bump(conn: &mut SqliteConnection) -> QueryResult<i64> {
    use crate::schema::content_version;
    diesel::update(content_version::table.find(1))
        .set((
            content_version::version.eq(content_version::version + 1),
            content_version::changed_at.eq(crate::clock::now()),
        ))
        .returning(content_version::version)
        .get_result(conn)
}
