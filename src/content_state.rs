//! What the caches of one service compare to know whether content changed: the content
//! version (bumped in every write transaction), when it last changed, and the next moment
//! scheduled content becomes public (when public reads change with no write at all).
//!
//! Writes through this process refresh it at once; a background refresh picks up writes by
//! other processes (the CLI, other instances) within `REFRESH`. Each running app has its own
//! (tests run several apps, on several databases, in one process).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use crate::db::Conn;
use crate::http::list_query::Bind;
use crate::http::prepared::Prepared;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

pub const REFRESH: Duration = Duration::from_millis(250);
/// Counts remembered at most (list totals, per-tag counts): about 2 MB.
const MAX_TOTALS: usize = 16_384;

#[derive(Default)]
pub struct ContentState {
    version: AtomicU64,
    times: RwLock<Times>,
    /// List totals by list and filters, valid while their stamp is current.
    totals: Mutex<HashMap<String, (Stamp, i64)>>,
    /// Signalled when a refresh sees the version move (what the webhook worker waits on).
    moved: tokio::sync::Notify,
}

#[derive(Default)]
struct Times {
    changed_at: String,
    /// When the last change was seen, in milliseconds: stored times have whole seconds, and a
    /// date can only vouch for a representation once its second is over (see `last_modified`).
    changed_at_ms: i64,
    next_publication: Option<String>,
}

/// A snapshot to stamp cache entries with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub version: u64,
    /// Valid until this time (RFC 3339), when scheduled content goes public.
    pub until: Option<String>,
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

impl ContentState {
    pub fn stamp(&self) -> Stamp {
        let times = self.times.read().expect("content state lock");
        Stamp { version: self.version.load(Ordering::Acquire), until: times.next_publication.clone() }
    }

    /// Is an entry made under `stamp` still current at `now`?
    pub fn is_current(&self, stamp: &Stamp, now: &str) -> bool {
        stamp.version == self.version.load(Ordering::Acquire) && stamp.until.as_deref().is_none_or(|until| now < until)
    }

    /// When public content last changed (for `Last-Modified`): the last write, or a publication
    /// dated in the future at the last refresh that has come since. None for a second after a
    /// change: a date has whole seconds, so a second change within the same one would look
    /// unchanged to `If-Modified-Since` (RFC 9110 8.8.2.2: such a date is only a weak validator).
    pub fn last_modified(&self, now: &str) -> Option<String> {
        let times = self.times.read().expect("content state lock");
        let now_ms = chrono::Utc::now().timestamp_millis();
        match &times.next_publication {
            Some(publication) if publication.as_str() <= now && *publication > times.changed_at => {
                (now_ms >= millis(publication) + 1000).then(|| publication.clone())
            }
            _ => (now_ms >= times.changed_at_ms + 1000).then(|| times.changed_at.clone()),
        }
    }

    /// Reads the version from the database; returns true when it moved.
    pub fn refresh(&self, conn: &mut Conn, now: &str) -> QueryResult<bool> {
        let row: Row = Prepared::new(
            concat!(
                "SELECT version, changed_at,
                    (SELECT min(t) FROM (SELECT min(published_at) AS t FROM posts WHERE status IN ",
                crate::public_statuses!(),
                " AND published_at > ?
                                         UNION ALL
                                         SELECT min(published_at) FROM faqs WHERE status IN ",
                crate::public_statuses!(),
                " AND published_at > ?) AS soonest) AS next_publication
             FROM content_version WHERE id = 1",
            ),
            [Bind::Text(now.to_string()), Bind::Text(now.to_string())],
        )
        .get_result(conn)?;
        Ok(self.apply(row))
    }

    /// Takes in what a refresh read; true when the version moved. The version only goes forward:
    /// a refresh that read before a write committed may finish after the writer's own refresh,
    /// and going back to its version would make the caches' old entries current again.
    fn apply(&self, row: Row) -> bool {
        let mut times = self.times.write().expect("content state lock");
        let seen = row.version as u64;
        let previous = self.version.fetch_max(seen, Ordering::AcqRel);
        if seen < previous {
            return false;
        }
        let moved = previous != seen;
        if moved {
            // The change came before it was seen, and before the end of its stored second.
            times.changed_at_ms = chrono::Utc::now().timestamp_millis().min(millis(&row.changed_at) + 1000);
        }
        times.changed_at = row.changed_at;
        times.next_publication = row.next_publication;
        drop(times);
        if moved {
            self.moved.notify_one();
        }
        moved
    }

    /// Resolves once a refresh has seen the version move since the last call (a write through
    /// this app at once, one by another process within `REFRESH`).
    pub async fn moved(&self) {
        self.moved.notified().await
    }

    /// A count remembered under `key` until the content changes.
    pub fn total(&self, key: &str, now: &str, count: impl FnOnce() -> QueryResult<i64>) -> QueryResult<i64> {
        let keys = [key.to_string()];
        Ok(self.totals(&keys, now, |_| Ok(vec![count()?]))?[0])
    }

    /// Counts remembered under `keys` until the content changes, in their order; `count` is
    /// given the positions of the keys not remembered and returns their counts in that order.
    pub fn totals(
        &self,
        keys: &[String],
        now: &str,
        count: impl FnOnce(&[usize]) -> QueryResult<Vec<i64>>,
    ) -> QueryResult<Vec<i64>> {
        let stamp = self.stamp();
        let mut found: Vec<Option<i64>> = {
            let totals = self.totals.lock().expect("totals lock");
            keys.iter()
                .map(|key| totals.get(key).filter(|(cached, _)| self.is_current(cached, now)).map(|(_, n)| *n))
                .collect()
        };
        let missing: Vec<usize> = (0..keys.len()).filter(|i| found[*i].is_none()).collect();
        if !missing.is_empty() {
            let counted = count(&missing)?;
            let mut totals = self.totals.lock().expect("totals lock");
            if totals.len() + missing.len() > MAX_TOTALS {
                totals.clear();
            }
            for (i, n) in missing.into_iter().zip(counted) {
                totals.insert(keys[i].clone(), (stamp.clone(), n));
                found[i] = Some(n);
            }
        }
        Ok(found.into_iter().map(|n| n.unwrap_or(0)).collect())
    }
}

/// A stored time in milliseconds since 1970 (0 if it does not parse).
fn millis(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or(0, |time| time.timestamp_millis())
}

/// Bumps the version; called inside every write transaction.
pub fn bump(conn: &mut Conn) -> QueryResult<i64> {
    use crate::schema::content_version;
    diesel::update(content_version::table.find(1))
        .set((
            content_version::version.eq(content_version::version + 1),
            content_version::changed_at.eq(crate::clock::now()),
        ))
        .returning(content_version::version)
        .get_result(conn)
}

/// The app's content state, from a request.
pub fn of(req: &actix_web::HttpRequest) -> Option<actix_web::web::Data<ContentState>> {
    req.app_data::<actix_web::web::Data<ContentState>>().cloned()
}

#[cfg(test)]
mod tests {
    use super::{ContentState, Row};

    fn row(version: i64) -> Row {
        Row { version, changed_at: "2026-12-03T10:00:00Z".into(), next_publication: None }
    }

    #[test]
    fn a_refresh_that_read_an_older_version_does_not_take_the_state_back() {
        let state = ContentState::default();
        assert!(state.apply(row(5)));
        let before_the_write = state.stamp();
        // The writer's refresh sees 6; a background refresh that read 5 before the commit ends after it.
        assert!(state.apply(row(6)));
        assert!(!state.apply(row(5)));
        assert_eq!(state.stamp().version, 6);
        assert!(!state.is_current(&before_the_write, "2026-12-03T10:00:01Z"), "entries made at 5 stay stale");
        assert!(!state.apply(row(6)), "the same version again has not moved");
    }
}
