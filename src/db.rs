//! The SQLite connection pool, its pragmas, migrations, and `run` to call diesel off the async
//! workers.

use std::time::Duration;

use actix_web::web;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;

pub mod postgres;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

pub type DbPool = Pool<ConnectionManager<SqliteConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<SqliteConnection>>;

/// How long a writer waits for the write lock before giving up with SQLITE_BUSY (a 503).
pub const BUSY_TIMEOUT_MS: u32 = 5000;

/// Pragmas every pooled connection gets.
/// (WAL, set once per file in `connect`, lets readers and the writer work at once.)
/// - synchronous=FULL: a commit is fsynced before it is acknowledged, so an acknowledged write
///   survives a crash of the process and of the machine (writes are rare; reads pay nothing).
/// - busy_timeout: a second writer waits for the lock instead of failing with SQLITE_BUSY.
/// - foreign_keys: SQLite leaves them off unless asked.
#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        trace_statements(conn);
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;"
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Where `RUST_LOG=clinic_content::sql=trace` logs every statement the pool runs.
pub const SQL_LOG_TARGET: &str = "clinic_content::sql";

/// With the `clinic_content::sql` log target at trace level, logs each statement's SQL (never its
/// bound values, which may hold secrets); nothing is installed otherwise.
fn trace_statements(conn: &mut SqliteConnection) {
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

/// The file path inside a `DATABASE_URL` (`sqlite://` and `file:` prefixes are accepted).
pub fn sqlite_path(database_url: &str) -> &str {
    database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .or_else(|| database_url.strip_prefix("file:"))
        .unwrap_or(database_url)
}

pub fn connect(database_url: &str, pool_size: u32) -> Result<DbPool, String> {
    let path = sqlite_path(database_url);
    if path.starts_with("postgres") {
        return Err("PostgreSQL is not supported yet; DATABASE_URL must be a SQLite file".into());
    }
    // WAL is a property of the database file: set it once, before the pool opens connections
    // concurrently (switching the mode takes a lock the others would trip over).
    let mut first =
        SqliteConnection::establish(path).map_err(|error| format!("cannot open the database '{path}': {error}"))?;
    first
        .batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL;"))
        .map_err(|error| format!("cannot enable WAL on '{path}': {error}"))?;
    drop(first);
    let manager = ConnectionManager::<SqliteConnection>::new(path);
    Pool::builder()
        .max_size(pool_size)
        // r2d2 would run `SELECT 1` on every checkout; a connection to a local file does not
        // go stale the way a network one does.
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(Pragmas))
        .build(manager)
        .map_err(|error| format!("cannot open the database '{path}': {error}"))
}

/// Applies pending migrations under the write lock (so two processes never run them at
/// once); returns how many ran.
pub fn migrate(conn: &mut SqliteConnection) -> Result<usize, String> {
    conn.immediate_transaction(|conn| migrate_in_transaction(conn).map_err(MigrationError))
        .map_err(|MigrationError(error)| error)
}

/// `migrate` inside a write transaction the caller holds (each migration is a savepoint in it).
pub fn migrate_in_transaction(conn: &mut SqliteConnection) -> Result<usize, String> {
    conn.run_pending_migrations(MIGRATIONS)
        .map(|applied| applied.len())
        .map_err(|error| format!("migrations failed: {error}"))
}

struct MigrationError(String);

impl From<diesel::result::Error> for MigrationError {
    fn from(error: diesel::result::Error) -> Self {
        MigrationError(format!("migrations failed: {error}"))
    }
}

pub fn has_pending_migrations(conn: &mut SqliteConnection) -> Result<bool, String> {
    conn.has_pending_migration(MIGRATIONS).map_err(|error| error.to_string())
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
    path: String,
    conn: std::sync::Mutex<Option<SqliteConnection>>,
}

impl Probe {
    pub fn new(database_url: &str) -> Probe {
        Probe { path: sqlite_path(database_url).to_string(), conn: std::sync::Mutex::new(None) }
    }

    /// The database answers and every migration is applied.
    pub fn check(&self) -> Result<(), NotReady> {
        let mut slot = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot.is_none() {
            let mut conn = SqliteConnection::establish(&self.path).map_err(|e| NotReady::Unreachable(e.to_string()))?;
            conn.batch_execute("PRAGMA busy_timeout = 1000").map_err(|e| NotReady::Unreachable(e.to_string()))?;
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
                // Open afresh next time (the file may have been replaced or restored).
                *slot = None;
                Err(error)
            }
        }
    }
}

/// Runs blocking diesel code on actix's blocking thread pool with a pooled connection.
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut SqliteConnection) -> Result<T, ApiError> + Send + 'static,
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
/// at once (see `error::is_locked`) instead of after the busy timeout. For writes that may be skipped.
pub fn without_waiting<T>(
    conn: &mut SqliteConnection,
    work: impl FnOnce(&mut SqliteConnection) -> diesel::QueryResult<T>,
) -> diesel::QueryResult<T> {
    conn.batch_execute("PRAGMA busy_timeout = 0")?;
    let result = work(conn);
    conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"))?;
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
    conn: &mut SqliteConnection,
    existing: Option<(i32, C)>,
    wanted: &C,
    insert: impl FnOnce(&mut SqliteConnection) -> diesel::QueryResult<i32>,
    update: impl FnOnce(&mut SqliteConnection, i32) -> diesel::QueryResult<usize>,
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

/// A consistent copy of the live database (`VACUUM INTO`), safe while the server writes.
pub fn backup(conn: &mut SqliteConnection, path: &std::path::Path) -> Result<(), String> {
    use diesel::RunQueryDsl;
    if path.exists() {
        return Err(format!("{} exists already; choose a new path", path.display()));
    }
    let target = path.to_str().ok_or("the backup path must be valid UTF-8")?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(target)
        .execute(conn)
        .map(|_| ())
        .map_err(|error| format!("backup failed: {error}"))
}

/// Puts rows loaded with `id IN (...)` back in the order of `ids` (dropping any not loaded).
pub fn in_order<T>(ids: &[i32], rows: Vec<(i32, T)>) -> Vec<T> {
    let mut by_id: std::collections::HashMap<i32, T> = rows.into_iter().collect();
    ids.iter().filter_map(|id| by_id.remove(id)).collect()
}

#[cfg(test)]
mod tests {
    use diesel::sql_types::{Integer, Text};
    use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};

    #[derive(QueryableByName)]
    struct Used {
        #[diesel(sql_type = Integer)]
        used: i32,
    }

    fn compiled_with(conn: &mut SqliteConnection, option: &str) -> bool {
        diesel::sql_query("SELECT sqlite_compileoption_used(?) AS used")
            .bind::<Text, _>(option)
            .get_result::<Used>(conn)
            .expect("compile option query")
            .used
            == 1
    }

    /// `.cargo/config.toml` compiles the bundled SQLite without its two global locks; without
    /// that file (or if libsqlite3-sys stops reading LIBSQLITE3_FLAGS) reads contend again.
    #[test]
    fn bundled_sqlite_is_built_without_global_locks() {
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory database");
        assert!(!compiled_with(&mut conn, "ENABLE_MEMORY_MANAGEMENT"), "one shared page cache behind a mutex");
        assert!(compiled_with(&mut conn, "DEFAULT_MEMSTATUS=0"), "allocation statistics behind a mutex");
        assert!(compiled_with(&mut conn, "ENABLE_FTS5"), "full-text search");
    }
}
