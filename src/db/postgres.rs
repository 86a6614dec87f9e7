//! PostgreSQL, the second backend (in progress): its migrations and the runner that applies them.
//! The service does not serve from PostgreSQL yet; `migrate` is what its start will call.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The advisory lock key every instance takes around migrations ("clinic" in ASCII), so instances
/// starting at once apply them one after the other (diesel_migrations takes no lock itself).
pub const MIGRATION_LOCK: i64 = 0x636c_696e_6963;

pub fn connect(database_url: &str) -> Result<PgConnection, String> {
    PgConnection::establish(database_url).map_err(|error| format!("cannot connect to PostgreSQL: {error}"))
}

/// Applies pending migrations while holding the migration lock (waiting for another instance
/// that holds it); returns how many ran. Each migration is a transaction of its own.
pub fn migrate(conn: &mut PgConnection) -> Result<usize, String> {
    conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .map_err(|error| format!("cannot take the migration lock: {error}"))?;
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|applied| applied.len())
        .map_err(|error| format!("migrations failed: {error}"));
    // A session-level lock outlives transactions: release it even when a migration failed (a
    // lost connection releases it too).
    let unlocked = conn
        .batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
        .map_err(|error| format!("cannot release the migration lock: {error}"));
    let applied = applied?;
    unlocked?;
    Ok(applied)
}

pub fn has_pending_migrations(conn: &mut PgConnection) -> Result<bool, String> {
    conn.has_pending_migration(MIGRATIONS).map_err(|error| error.to_string())
}
