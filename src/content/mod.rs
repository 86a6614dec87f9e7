//! The vocabulary every resource shares: publication status and the one rule of what the public
//! may see, text in its three forms, references to posts. Resources build on this; it names
//! none of them but the tables whose rule it states.

pub mod body;
pub mod refs;
pub mod status;
pub mod store;
pub mod visibility;
pub mod workflow;

pub use body::Body;
pub use refs::{grouped, PostRef};
pub use status::Status;
pub use store::{StoreError, Stored};
pub use visibility::Viewer;
