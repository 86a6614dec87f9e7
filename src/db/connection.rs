//! The one connection type the service uses: SQLite or PostgreSQL, chosen by `DATABASE_URL`.
//!
//! Queries are written once against `Backend` (diesel's MultiConnection backend), which hands
//! each one to the inner connection's own query builder, so placeholders (`?` or `$1`) and
//! quoting come out right for both. What differs by backend is said here and in `sqlite.rs`
//! and `postgres.rs`: how a write transaction takes the writers' lock, what a lock timeout
//! looks like, and the few SQL spellings the two do not share (`Dialect`).

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;

use super::retry::{Retryable, WRITE_ATTEMPTS};

#[derive(diesel::MultiConnection)]
pub enum Conn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// The backend every query is written against.
pub type Backend = MultiBackend;

/// The SQL spellings that differ between the backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The dialect of the backend a query is being written for (`AstPass::backend`).
    pub fn of(backend: &Backend) -> Dialect {
        match backend {
            MultiBackend::Sqlite(_) => Dialect::Sqlite,
            MultiBackend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// SQL written for SQLite, as this backend takes it. The one difference SQL text here may
    /// hold is SQLite's planner hint, a unary `+` written against a column (`+posts.status`:
    /// "do not answer this from an index"); PostgreSQL has no unary `+` on text and plans
    /// without it, so there it is dropped. Arithmetic is written with spaces (`a + b`).
    pub fn adapt(self, sql: &str) -> std::borrow::Cow<'_, str> {
        if self == Dialect::Sqlite || !sql.contains('+') {
            return std::borrow::Cow::Borrowed(sql);
        }
        let mut out = String::with_capacity(sql.len());
        let mut previous = ' ';
        let mut chars = sql.chars().peekable();
        while let Some(c) = chars.next() {
            let hint = c == '+'
                && (previous.is_whitespace() || previous == '(')
                && chars.peek().is_some_and(|next| next.is_ascii_alphabetic() || *next == '_');
            if !hint {
                out.push(c);
            }
            previous = c;
        }
        std::borrow::Cow::Owned(out)
    }
}

impl Conn {
    pub fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres(_) => Dialect::Postgres,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.dialect() == Dialect::Postgres
    }
}

/// The advisory lock every write transaction on PostgreSQL takes first, so writers run one at
/// a time across all instances, as SQLite's write lock makes them: an `If-Match` check and the
/// write it guards cannot interleave with another writer, and the change log's sequence
/// numbers are handed out in commit order (sync relies on that). ("clinic-w" in ASCII.)
pub const WRITE_LOCK: i64 = 0x636c_696e_6963_2d77;

/// Runs `work` in a transaction that holds the writers' lock from its first statement:
/// `BEGIN IMMEDIATE` on SQLite; on PostgreSQL, `BEGIN` and the transaction-scoped advisory
/// lock `WRITE_LOCK`. Commits when `work` returns `Ok`, rolls back otherwise. A transaction
/// that lost a race (`Retryable`) runs again, up to `WRITE_ATTEMPTS` times in all, so `work`
/// must not depend on having run before. Inside another transaction it is a savepoint of that
/// one (which already holds the lock, and runs again as a whole).
pub fn write_transaction<T, E>(conn: &mut Conn, mut work: impl FnMut(&mut Conn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error> + Retryable,
{
    if Manager::transaction_manager_status_mut(conn).transaction_depth()?.is_some() {
        Manager::begin_transaction(conn)?;
        let outcome = work(conn);
        return finish(conn, outcome);
    }
    let mut attempt = 1;
    loop {
        let result = match begin_writing(conn) {
            Ok(()) => {
                let outcome = work(conn);
                finish(conn, outcome)
            }
            Err(error) => Err(error.into()),
        };
        match result {
            Err(error) if error.lost_a_race() && attempt < WRITE_ATTEMPTS => {
                log::warn!("a write transaction lost a race with another (attempt {attempt} of {WRITE_ATTEMPTS}); running it again");
                attempt += 1;
            }
            result => return result,
        }
    }
}

type Manager = <Conn as diesel::Connection>::TransactionManager;

/// Opens the outermost write transaction and takes the writers' lock.
fn begin_writing(conn: &mut Conn) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        Conn::Sqlite(inner) => AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE"),
        Conn::Postgres(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN")?;
            if let Err(error) = inner.batch_execute(&format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})")) {
                let _ = Manager::rollback_transaction(conn);
                return Err(error);
            }
            Ok(())
        }
    }
}

/// Commits what `work` did if it succeeded, rolls it back otherwise.
fn finish<T, E: From<diesel::result::Error>>(conn: &mut Conn, outcome: Result<T, E>) -> Result<T, E> {
    match outcome {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            // The first error is the one to report; a failed rollback leaves the connection
            // marked broken, and the pool drops it.
            let _ = Manager::rollback_transaction(conn);
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;

    #[test]
    fn only_sqlites_index_hints_are_dropped_for_postgres() {
        let sql = "SELECT (a + b) FROM t WHERE +t.status IN ('x') AND (+t.at <= ?) AND c +1 > 0";
        assert_eq!(Dialect::Sqlite.adapt(sql), sql);
        assert_eq!(
            Dialect::Postgres.adapt(sql),
            "SELECT (a + b) FROM t WHERE t.status IN ('x') AND (t.at <= ?) AND c +1 > 0"
        );
    }
}
