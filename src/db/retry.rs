//! Which failed write transactions may simply run again.
//!
//! On PostgreSQL a transaction can lose a race it did not start: a deadlock with another
//! transaction (one of the two is cancelled) or a serialization failure. Nothing it wrote is
//! kept, so `write_transaction` runs it again, a few times, before answering 503. SQLite's
//! writers queue for one lock and never lose such a race; its busy timeout is already a wait,
//! so a lock not had in time is not retried on either backend.

/// How many times `write_transaction` runs a transaction that keeps losing races.
pub const WRITE_ATTEMPTS: u32 = 3;

/// Errors that say the transaction lost a race with another one and may run again unchanged.
pub trait Retryable {
    fn lost_a_race(&self) -> bool;
}

impl Retryable for diesel::result::Error {
    fn lost_a_race(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
            // diesel has no kind for SQLSTATE 40P01; PostgreSQL's message is stable.
            Error::DatabaseError(_, info) => info.message().starts_with("deadlock detected"),
            Error::RollbackErrorOnCommit { commit_error, .. } => commit_error.lost_a_race(),
            _ => false,
        }
    }
}

/// Errors of the CLI's writers (import, generate, migrations): what was lost in a race comes
/// through as the diesel error it was.
impl Retryable for Box<dyn std::error::Error + Send + Sync> {
    fn lost_a_race(&self) -> bool {
        self.downcast_ref::<diesel::result::Error>().is_some_and(Retryable::lost_a_race)
    }
}
