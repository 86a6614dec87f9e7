//! API tokens: created by the command line, stored as SHA-256 hashes, presented as
//! `Authorization: Bearer cc_…`. Scopes nest: `admin` can do what `write` can, and `write`
//! what `preview` can.

pub mod auth;
pub mod model;
pub mod query;

pub use auth::Caller;
pub use model::Scope;
