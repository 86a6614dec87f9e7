//! PostgreSQL, the second backend: session settings, migrations under an advisory lock.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The advisory lock key every instance takes around migrations ("clinic" in ASCII), so instances
/// starting at once apply them one after the other (diesel_migrations takes no lock itself).
pub const MIGRATION_LOCK: i64 = 0x636c_696e_6963;

/// How long a statement waits for a lock (the writers' lock above all) before it fails and the
/// request is answered 503: the same 5 s SQLite's busy timeout gives.
pub const LOCK_TIMEOUT: &str = "SET lock_timeout = '5s'";

/// Settings every pooled connection gets. UTC, so `now()`-free SQL never depends on the server's
/// zone; the lock timeout above.
pub fn on_acquire(conn: &mut PgConnection) -> diesel::QueryResult<()> {
    conn.batch_execute(&format!("{LOCK_TIMEOUT}; SET TIME ZONE 'UTC'; SET application_name = 'clinic-content'"))
}

pub fn connect(database_url: &str) -> Result<PgConnection, String> {
    PgConnection::establish(database_url).map_err(|error| format!("cannot connect to PostgreSQL: {error}"))
}

/// Applies pending migrations while holding the migration lock (waiting for another instance
/// that holds it); returns how many ran. Each migration is a transaction of its own.
pub fn migrate(conn: &mut PgConnection) -> Result<usize, String> {
    with_migration_lock(conn, migrate_unlocked)
}

/// Applies pending migrations; the caller holds the migration lock.
pub fn migrate_unlocked(conn: &mut PgConnection) -> Result<usize, String> {
    conn.run_pending_migrations(MIGRATIONS)
        .map(|applied| applied.len())
        .map_err(|error| format!("migrations failed: {error}"))
}

/// Runs `work` holding the session-level migration lock, released afterwards even when `work`
/// failed (a lost connection releases it too). Waits up to a minute for another instance's start.
pub fn with_migration_lock<C: SimpleConnection, T>(
    conn: &mut C,
    work: impl FnOnce(&mut C) -> Result<T, String>,
) -> Result<T, String> {
    lock_for_startup(conn)?;
    let done = work(conn);
    let unlocked = unlock_after_startup(conn);
    let done = done?;
    unlocked?;
    Ok(done)
}

fn lock_for_startup(conn: &mut impl SimpleConnection) -> Result<(), String> {
    conn.batch_execute(&format!("SET lock_timeout = '60s'; SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .map_err(|error| format!("cannot take the migration lock: {error}"))
}

fn unlock_after_startup(conn: &mut impl SimpleConnection) -> Result<(), String> {
    conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK}); {LOCK_TIMEOUT}"))
        .map_err(|error| format!("cannot release the migration lock: {error}"))
}

pub fn has_pending_migrations(conn: &mut PgConnection) -> Result<bool, String> {
    conn.has_pending_migration(MIGRATIONS).map_err(|error| error.to_string())
}
