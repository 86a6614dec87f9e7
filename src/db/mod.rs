//! The database: one connection type for SQLite and PostgreSQL (`Conn`, chosen by
//! `DATABASE_URL`), its pool, migrations, write transactions, and `run` to call diesel off the
//! async workers. Backend-specific parts live in `sqlite.rs` and `postgres.rs`.

use std::time::Duration;

use actix_web::web;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use crate::error::ApiError;

mod connection;
pub mod postgres;
pub mod retry;
pub mod sqlite;

pub use connection::{write_transaction, Backend, Conn, Dialect, WRITE_LOCK};
pub use sqlite::BUSY_TIMEOUT_MS;

pub type DbPool = Pool<Manager>;
pub type DbConn = PooledConnection<Manager>;

/// Which backend a `DATABASE_URL` names: `postgres://` or `postgresql://` is PostgreSQL, anything
/// else a SQLite file (`sqlite://` and `file:` prefixes are accepted).
pub fn dialect_of(database_url: &str) -> Dialect {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        Dialect::Postgres
    } else {
        Dialect::Sqlite
    }
}

/// Opens connections of the backend the URL names, and only that one (diesel's own manager
/// would try each backend in turn, and an unreachable PostgreSQL server would become a SQLite
/// file named after its URL).
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    dialect: Dialect,
}

impl Manager {
    pub fn new(database_url: &str) -> Manager {
        let dialect = dialect_of(database_url);
        let url = match dialect {
            Dialect::Sqlite => sqlite::path(database_url).to_string(),
            Dialect::Postgres => database_url.to_string(),
        };
        Manager { url, dialect }
    }

    pub fn establish(&self) -> diesel::ConnectionResult<Conn> {
        match self.dialect {
            Dialect::Sqlite => SqliteConnection::establish(&self.url).map(Conn::Sqlite),
            Dialect::Postgres => PgConnection::establish(&self.url).map(Conn::Postgres),
        }
    }
}

impl ManageConnection for Manager {
    type Connection = Conn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Conn, Self::Error> {
        self.establish().map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        use diesel::connection::TransactionManager;
        <Conn as Connection>::TransactionManager::is_broken_transaction_manager(conn) || conn.is_broken()
    }
}

/// What every pooled connection gets when it opens: SQLite's pragmas (`sqlite::on_acquire`),
/// PostgreSQL's session settings (`postgres::on_acquire`), and statement tracing.
#[derive(Debug)]
struct OnAcquire;

impl CustomizeConnection<Conn, diesel::r2d2::Error> for OnAcquire {
    fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
        trace_statements(conn);
        match conn {
            Conn::Sqlite(inner) => sqlite::on_acquire(inner),
            Conn::Postgres(inner) => postgres::on_acquire(inner),
        }
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Where `RUST_LOG=clinic_content::sql=trace` logs every statement the pool runs.
pub const SQL_LOG_TARGET: &str = "clinic_content::sql";

/// With the `clinic_content::sql` log target at trace level, logs each statement's SQL (never its
/// bound values, which may hold secrets); nothing is installed otherwise.
fn trace_statements(conn: &mut Conn) {
    use diesel::connection::{Instrumentation, InstrumentationEvent};
    if !log::log_enabled!(target: SQL_LOG_TARGET, log::Level::Trace) {
        return;
    }
    let log_statement = |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            let sql = text.split(" -- binds:").next().unwrap_or_default();
            log::trace!(target: SQL_LOG_TARGET, "{}", sql.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    };
    conn.set_instrumentation(Box::new(log_statement) as Box<dyn Instrumentation>);
}

pub fn connect(database_url: &str, pool_size: u32) -> Result<DbPool, String> {
    let manager = Manager::new(database_url);
    if manager.dialect == Dialect::Sqlite {
        sqlite::prepare_file(&manager.url)?;
    }
    let label = match manager.dialect {
        Dialect::Sqlite => format!("the database '{}'", manager.url),
        Dialect::Postgres => "the PostgreSQL database".to_string(),
    };
    Pool::builder()
        .max_size(pool_size)
        // r2d2 would run `SELECT 1` on every checkout; a connection to a local file does not
        // go stale, and a broken PostgreSQL connection is noticed by `has_broken` on return.
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(OnAcquire))
        .build(manager)
        // Never the URL itself: it may hold a password.
        .map_err(|error| format!("cannot open {label}: {error}"))
}

/// Applies pending migrations (SQLite: in one write transaction; PostgreSQL: under the migration
/// advisory lock), so two processes never run them at once; returns how many ran.
pub fn migrate(conn: &mut Conn) -> Result<usize, String> {
    match conn {
        Conn::Sqlite(inner) => sqlite::migrate(inner),
        Conn::Postgres(inner) => postgres::migrate(inner),
    }
}

pub fn has_pending_migrations(conn: &mut Conn) -> Result<bool, String> {
    match conn {
        Conn::Sqlite(inner) => sqlite::has_pending_migrations(inner),
        Conn::Postgres(inner) => postgres::has_pending_migrations(inner),
    }
}

/// Runs a service's first steps (migrations, the first seed) so that instances starting at once
/// do them one after the other: on SQLite all of `work` is one write transaction (waiting up to
/// a minute for the lock); on PostgreSQL `work` runs under the migration advisory lock, and
/// calls `migrate_locked` and its own write transactions.
pub fn at_startup<T>(
    conn: &mut Conn,
    mut work: impl FnMut(&mut Conn) -> Result<T, Box<dyn std::error::Error + Send + Sync>>,
) -> Result<T, String> {
    let describe = |error: &dyn std::fmt::Display| format!("cannot prepare the database: {error}");
    match conn {
        Conn::Sqlite(inner) => {
            inner.batch_execute("PRAGMA busy_timeout = 60000").map_err(|e| describe(&e))?;
            let done = write_transaction(conn, work).map_err(|e| describe(&e));
            conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")).map_err(|e| describe(&e))?;
            done
        }
        Conn::Postgres(_) => postgres::with_migration_lock(conn, |conn| work(conn).map_err(|e| describe(&e))),
    }
}

/// Inside `at_startup`: applies pending migrations; returns how many ran.
pub fn migrate_locked(conn: &mut Conn) -> Result<usize, String> {
    match conn {
        Conn::Sqlite(inner) => sqlite::migrate_in_transaction(inner),
        Conn::Postgres(inner) => postgres::migrate_unlocked(inner),
    }
}

/// Brings the planner's statistics up to date where they are stale (SQLite's `PRAGMA optimize`,
/// cheap when nothing changed; PostgreSQL's autovacuum does this itself).
pub fn optimize(conn: &mut Conn) -> Result<(), String> {
    match conn {
        Conn::Sqlite(inner) => {
            inner.batch_execute("PRAGMA optimize").map_err(|error| format!("cannot optimize the database: {error}"))
        }
        Conn::Postgres(_) => Ok(()),
    }
}

/// A consistent copy of the live database: SQLite's `VACUUM INTO`; on PostgreSQL, `pg_dump`.
pub fn backup(conn: &mut Conn, path: &std::path::Path) -> Result<(), String> {
    match conn {
        Conn::Sqlite(inner) => sqlite::backup(inner, path),
        Conn::Postgres(_) => Err(format!(
            "on PostgreSQL, back up with the server's own tools: pg_dump --format=custom --file={} \"$DATABASE_URL\" \
             (and restore with pg_restore)",
            path.display()
        )),
    }
}

/// Why the service is not ready.
#[derive(Debug)]
pub enum NotReady {
    Unreachable(String),
    MigrationsPending,
}

/// The readiness check's own connection, outside the pool, so busy readers (every pooled
/// connection in use) or a writer holding the lock do not make a working service look down.
pub struct Probe {
    manager: Manager,
    conn: std::sync::Mutex<Option<Conn>>,
}

impl Probe {
    pub fn new(database_url: &str) -> Probe {
        Probe { manager: Manager::new(database_url), conn: std::sync::Mutex::new(None) }
    }

    /// The database answers and every migration is applied.
    pub fn check(&self) -> Result<(), NotReady> {
        let mut slot = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot.is_none() {
            let mut conn = self.manager.establish().map_err(|e| NotReady::Unreachable(e.to_string()))?;
            let wait_briefly = match conn.dialect() {
                Dialect::Sqlite => "PRAGMA busy_timeout = 1000",
                Dialect::Postgres => "SET statement_timeout = 1000",
            };
            conn.batch_execute(wait_briefly).map_err(|e| NotReady::Unreachable(e.to_string()))?;
            *slot = Some(conn);
        }
        let conn = slot.as_mut().expect("opened above");
        let checked = conn
            .batch_execute("SELECT 1")
            .map_err(|error| error.to_string())
            .and_then(|()| has_pending_migrations(conn))
            .map_err(NotReady::Unreachable);
        match checked {
            Ok(false) => Ok(()),
            Ok(true) => Err(NotReady::MigrationsPending),
            Err(error) => {
                // Open afresh next time (the file may have been replaced or restored, the
                // server restarted).
                *slot = None;
                Err(error)
            }
        }
    }
}

/// Runs blocking diesel code on actix's blocking thread pool with a pooled connection.
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut Conn) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get().map_err(|error| {
            log::error!("no database connection: {error}");
            ApiError::busy()
        })?;
        work(&mut conn)
    })
    .await?
}

/// Runs `work` with no wait for a lock: if another connection holds the one it needs, it fails
/// at once (see `error::is_locked`) instead of after the lock timeout. For writes that may be skipped.
pub fn without_waiting<T>(
    conn: &mut Conn,
    work: impl FnOnce(&mut Conn) -> diesel::QueryResult<T>,
) -> diesel::QueryResult<T> {
    let (wait_none, wait_again) = match conn.dialect() {
        Dialect::Sqlite => ("PRAGMA busy_timeout = 0".to_string(), format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")),
        Dialect::Postgres => ("SET lock_timeout = 1".to_string(), postgres::LOCK_TIMEOUT.to_string()),
    };
    conn.batch_execute(&wait_none)?;
    let result = work(conn);
    conn.batch_execute(&wait_again)?;
    result
}

/// What syncing one row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Inserted,
    Updated,
    Unchanged,
}

/// Upsert by comparison: insert when there is no row, update only when the content differs,
/// so syncing the same content twice writes nothing (and leaves `updated_at` alone).
/// Returns the row id and what happened.
pub fn sync_row<C: PartialEq>(
    conn: &mut Conn,
    existing: Option<(i32, C)>,
    wanted: &C,
    insert: impl FnOnce(&mut Conn) -> diesel::QueryResult<i32>,
    update: impl FnOnce(&mut Conn, i32) -> diesel::QueryResult<usize>,
) -> diesel::QueryResult<(i32, Change)> {
    match existing {
        None => Ok((insert(conn)?, Change::Inserted)),
        Some((id, current)) if &current == wanted => Ok((id, Change::Unchanged)),
        Some((id, _)) => {
            update(conn, id)?;
            Ok((id, Change::Updated))
        }
    }
}

/// Puts rows loaded with `id IN (...)` back in the order of `ids` (dropping any not loaded).
pub fn in_order<T>(ids: &[i32], rows: Vec<(i32, T)>) -> Vec<T> {
    let mut by_id: std::collections::HashMap<i32, T> = rows.into_iter().collect();
    ids.iter().filter_map(|id| by_id.remove(id)).collect()
}
