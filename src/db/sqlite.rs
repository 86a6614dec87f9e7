//! SQLite, the default backend: a file, WAL, the pragmas each connection gets, migrations under
//! the write lock, and `VACUUM INTO` for backups.

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// How long a writer waits for the write lock before giving up with SQLITE_BUSY (a 503).
pub const BUSY_TIMEOUT_MS: u32 = 5000;

/// The file path inside a `DATABASE_URL` (`sqlite://` and `file:` prefixes are accepted).
pub fn path(database_url: &str) -> &str {
    database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .or_else(|| database_url.strip_prefix("file:"))
        .unwrap_or(database_url)
}

/// Opens the file once to switch it to WAL before a pool opens connections concurrently
/// (switching the mode takes a lock the others would trip over). WAL is a property of the
/// file: it lets readers and the writer work at once.
///
/// Two processes switching the same new file at once can get "database is locked" at once,
/// without the busy timeout's wait (SQLite does not wait where waiting could deadlock), so the
/// switch is tried again for as long as the startup lock's wait.
pub fn prepare_file(path: &str) -> Result<(), String> {
    let mut first =
        SqliteConnection::establish(path).map_err(|error| format!("cannot open the database '{path}': {error}"))?;
    // As long a wait as the startup lock's: another instance's first start may hold the file a while.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        match first.batch_execute("PRAGMA busy_timeout = 60000; PRAGMA journal_mode = WAL;") {
            Ok(()) => return Ok(()),
            Err(error) if crate::error::is_locked(&error) && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(error) => return Err(format!("cannot enable WAL on '{path}': {error}")),
        }
    }
}

/// Pragmas every pooled connection gets.
/// - synchronous=FULL: a commit is fsynced before it is acknowledged, so an acknowledged write
///   survives a crash of the process and of the machine (writes are rare; reads pay nothing).
/// - busy_timeout: a second writer waits for the lock instead of failing with SQLITE_BUSY.
/// - foreign_keys: SQLite leaves them off unless asked.
pub fn on_acquire(conn: &mut SqliteConnection) -> diesel::QueryResult<()> {
    conn.batch_execute(&format!(
        "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;"
    ))
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

/// Runs `work` with no wait for the write lock (busy_timeout 0).
pub fn without_waiting<T>(
    conn: &mut SqliteConnection,
    work: impl FnOnce(&mut SqliteConnection) -> diesel::QueryResult<T>,
) -> diesel::QueryResult<T> {
    conn.batch_execute("PRAGMA busy_timeout = 0")?;
    let result = work(conn);
    conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"))?;
    result
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
