//! What a reader may see: the public sees published content whose time has come; a caller
//! with a token (any scope) previews drafts, scheduled and archived content too.

use actix_web::web::Data;
use actix_web::HttpRequest;

use crate::clock;
use crate::content_state::{self, ContentState};
use crate::tokens::Caller;

#[derive(Clone)]
pub struct Viewer {
    /// The current time, fixed for the whole request.
    pub now: String,
    pub preview: bool,
    /// The app's content state, for caching list totals (none outside a request).
    pub state: Option<Data<ContentState>>,
}

impl std::fmt::Debug for Viewer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Viewer").field("now", &self.now).field("preview", &self.preview).finish()
    }
}

impl Viewer {
    pub fn public() -> Viewer {
        Viewer { now: clock::now(), preview: false, state: None }
    }

    pub fn for_caller(caller: &Caller) -> Viewer {
        Viewer { now: clock::now(), preview: caller.can_preview(), state: None }
    }

    pub fn for_request(req: &HttpRequest, caller: &Caller) -> Viewer {
        Viewer { now: clock::now(), preview: caller.can_preview(), state: content_state::of(req) }
    }

    /// A count remembered until the content changes, when there is a state to keep it in.
    pub fn total(&self, key: &str, count: impl FnOnce() -> diesel::QueryResult<i64>) -> diesel::QueryResult<i64> {
        match &self.state {
            Some(state) => state.total(key, &self.now, count),
            None => count(),
        }
    }

    /// Counts remembered until the content changes, when there is a state to keep them in;
    /// `count` gets the positions of the keys to count (see `ContentState::totals`).
    pub fn totals(
        &self,
        keys: &[String],
        count: impl FnOnce(&[usize]) -> diesel::QueryResult<Vec<i64>>,
    ) -> diesel::QueryResult<Vec<i64>> {
        match &self.state {
            Some(state) => state.totals(keys, &self.now, count),
            None => count(&(0..keys.len()).collect::<Vec<_>>()),
        }
    }
}
