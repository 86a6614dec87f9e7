//! The seed content as data: `content/seed.json` (compiled into the binary, so a first run needs
//! no files) or any file of the same format, synced into the database idempotently.

pub mod format;
pub mod sync;
pub mod validate;

pub use format::Library;
pub use sync::{sync, SyncReport};

/// The default library: the clinic's back-pain post and everything it contains.
pub const DEFAULT_SEED: &str = include_str!("../../content/seed.json");

/// Parses and validates a library document; every problem is listed.
pub fn parse(json: &str) -> Result<Library, String> {
    let library: Library = serde_json::from_str(json).map_err(|error| format!("invalid seed document: {error}"))?;
    let problems = validate::validate(&library);
    if problems.is_empty() {
        Ok(library)
    } else {
        Err(format!("invalid seed document:\n  - {}", problems.join("\n  - ")))
    }
}

pub fn default_library() -> Library {
    parse(DEFAULT_SEED).expect("the bundled content/seed.json is valid (checked by tests)")
}
