//! The seed content as data: `content/seed.json` (compiled into the binary, so a first run needs
//! no files) or any file of the same format, synced into the database idempotently.

pub mod export;
pub mod format;
pub mod generate;
pub mod sync;
pub mod validate;

pub use format::Library;
pub use sync::{sync, sync_in_transaction, SyncReport};

/// The default library: the clinic's back-pain post and everything it contains.
pub const DEFAULT_SEED: &str = include_str!("../../content/seed.json");

/// Parses and validates a library document; every problem is listed.
pub fn parse(json: &str) -> Result<Library, String> {
    let deserializer = &mut serde_json::Deserializer::from_str(json);
    let library: Library = serde_path_to_error::deserialize(deserializer)
        .map_err(|error| format!("invalid library document at {}: {}", error.path(), error.inner()))?;
    let problems = validate::validate(&library);
    if problems.is_empty() {
        return Ok(library);
    }
    Err(invalid(&problems))
}

/// The message for a document with problems, one line each.
pub fn invalid(problems: &[crate::error::FieldError]) -> String {
    let lines: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect();
    format!("invalid library document ({} problems):\n  - {}", lines.len(), lines.join("\n  - "))
}

pub fn default_library() -> Library {
    parse(DEFAULT_SEED).expect("the bundled content/seed.json is valid (checked by tests)")
}
