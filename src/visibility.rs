//! What a reader may see: the public sees published content whose time has come; a caller
//! with a token (any scope) previews drafts, scheduled and archived content too.

use crate::clock;
use crate::tokens::Caller;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The current time, fixed for the whole request.
    pub now: String,
    pub preview: bool,
}

impl Viewer {
    pub fn public() -> Viewer {
        Viewer { now: clock::now(), preview: false }
    }

    pub fn for_caller(caller: &Caller) -> Viewer {
        Viewer { now: clock::now(), preview: caller.can_preview() }
    }
}
