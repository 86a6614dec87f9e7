//! What a reader may see: the public sees published content whose time has come; a caller
//! with a token (any scope) previews drafts, scheduled and archived content too.

use actix_web::web::Data;
use actix_web::HttpRequest;
use diesel::expression::{
    is_aggregate, AppearsOnTable, BoxableExpression, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};

use crate::db::{Backend, Dialect};

use crate::clock;
use crate::content_state::{self, ContentState};
use crate::tokens::Caller;

#[derive(Clone)]
pub struct Viewer {
    /// The current time, fixed for the whole request.
    pub now: String,
    pub preview: bool,
    /// The app's content state, for caching list totals (none outside a request).
    pub state: Option<Data<ContentState>>,
}

impl std::fmt::Debug for Viewer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Viewer").field("now", &self.now).field("preview", &self.preview).finish()
    }
}

impl Viewer {
    pub fn public() -> Viewer {
        Viewer { now: clock::now(), preview: false, state: None }
    }

    pub fn for_caller(caller: &Caller) -> Viewer {
        Viewer { now: clock::now(), preview: caller.can_preview(), state: None }
    }

    pub fn for_request(req: &HttpRequest, caller: &Caller) -> Viewer {
        Viewer { now: clock::now(), preview: caller.can_preview(), state: content_state::of(req) }
    }

    /// A count remembered until the content changes, when there is a state to keep it in.
    pub fn total(&self, key: &str, count: impl FnOnce() -> diesel::QueryResult<i64>) -> diesel::QueryResult<i64> {
        match &self.state {
            Some(state) => state.total(key, &self.now, count),
            None => count(),
        }
    }

    /// Counts remembered until the content changes, when there is a state to keep them in;
    /// `count` gets the positions of the keys to count (see `ContentState::totals`).
    pub fn totals(
        &self,
        keys: &[String],
        count: impl FnOnce(&[usize]) -> diesel::QueryResult<Vec<i64>>,
    ) -> diesel::QueryResult<Vec<i64>> {
        match &self.state {
            Some(state) => state.totals(keys, &self.now, count),
            None => count(&(0..keys.len()).collect::<Vec<_>>()),
        }
    }
}

/// The rule of what the public sees, as a diesel filter for `$table` (a `schema` module with
/// `status` and `published_at`): a public status (`Status::PUBLIC`) whose time has come. Where
/// SQL is built as text the same rule is written with `public_statuses!()`; a test checks both
/// on the same rows.
#[macro_export]
macro_rules! is_public {
    ($table:ident, $now:expr) => {
        $table::status.eq_any($crate::content::Status::PUBLIC).and($table::published_at.le($now))
    };
}

/// What the public sees: published (or scheduled and due) entries whose post, if any, is public
/// too, with the current time at each `?`. The post is checked by its id, one lookup per entry
/// examined (`post_id IN (every public post)` would build that whole list for every query).
/// The unary `+` keeps SQLite from answering "published before now" with an index range over
/// nearly every entry: lists walk their sort index instead and stop after a page.
pub const PUBLIC_FAQS: &str = concat!(
    "+faqs.status IN ",
    crate::public_statuses!(),
    " AND +faqs.published_at <= ?
     AND (faqs.post_id IS NULL OR EXISTS (SELECT 1 FROM posts p WHERE p.id = faqs.post_id
          AND p.status IN ",
    crate::public_statuses!(),
    " AND p.published_at <= ?))"
);

/// `PUBLIC_FAQS` as a diesel expression, for any query whose FROM has `faqs`.
pub fn is_public_faq<'a, QS: 'a>(now: &'a str) -> Box<dyn BoxableExpression<QS, Backend, SqlType = Bool> + 'a> {
    Box::new(PublicFaq { now })
}

/// `PUBLIC_FAQS` with the time bound at each `?`, in the dialect of the backend it is written
/// for (`Dialect::adapt`).
#[derive(Debug, Clone, Copy)]
struct PublicFaq<'a> {
    now: &'a str,
}

impl Expression for PublicFaq<'_> {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for PublicFaq<'_> {}

impl<QS> SelectableExpression<QS> for PublicFaq<'_> {}

impl<GroupBy> ValidGrouping<GroupBy> for PublicFaq<'_> {
    type IsAggregate = is_aggregate::Never;
}

impl QueryId for PublicFaq<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Backend> for PublicFaq<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Backend>) -> diesel::QueryResult<()> {
        let sql = Dialect::of(out.backend()).adapt(PUBLIC_FAQS).into_owned();
        for (i, part) in sql.split('?').enumerate() {
            if i > 0 {
                out.push_bind_param::<Text, _>(&self.now)?;
            }
            out.push_sql(part);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::{Integer, Text};

    use crate::content::Status;
    use crate::schema::posts;

    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Integer)]
        id: i32,
    }

    /// The diesel form and the SQL-text form of the rule pick the same rows, whatever the
    /// status and time.
    #[test]
    fn the_rule_in_diesel_and_in_sql_text_agree() {
        let mut conn = crate::db::Conn::Sqlite(diesel::SqliteConnection::establish(":memory:").unwrap());
        crate::db::migrate(&mut conn).unwrap();
        let now = "2026-06-01T12:00:00Z";
        let mut id = 0;
        for status in Status::ALL {
            for published_at in [None, Some("2026-06-01T11:59:59Z"), Some(now), Some("2026-06-01T12:00:01Z")] {
                if published_at.is_none() && matches!(status, Status::Published | Status::Scheduled) {
                    continue; // the table refuses those
                }
                id += 1;
                diesel::sql_query(
                    "INSERT INTO posts (id, slug, title, excerpt, status, published_at, reading_time_minutes, word_count, created_at, updated_at)
                     VALUES (?, 'p-' || ?, 'T', 'E', ?, ?, 1, 0, ?, ?)",
                )
                .bind::<Integer, _>(id)
                .bind::<Integer, _>(id)
                .bind::<Text, _>(status.as_str())
                .bind::<diesel::sql_types::Nullable<Text>, _>(published_at)
                .bind::<Text, _>(now)
                .bind::<Text, _>(now)
                .execute(&mut conn)
                .unwrap();
            }
        }
        let by_diesel: Vec<i32> = posts::table
            .filter(crate::is_public!(posts, now))
            .select(posts::id)
            .order(posts::id)
            .load(&mut conn)
            .unwrap();
        let by_text: Vec<i32> = diesel::sql_query(concat!(
            "SELECT id FROM posts WHERE +posts.status IN ",
            crate::public_statuses!(),
            " AND +posts.published_at <= ? ORDER BY id"
        ))
        .bind::<Text, _>(now)
        .load::<Id>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
        assert_eq!(by_diesel, by_text);
        // Published and scheduled, at or before now: 2 statuses × 2 times.
        assert_eq!(by_diesel.len(), 4, "{by_diesel:?}");
    }
}
