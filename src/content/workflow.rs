//! The publication workflow that posts and FAQ entries share: a scheduled entry needs a time,
//! the scheduler wakes for it, and publishing without a time means now.

use crate::validation::Check;

/// `published_at` is a time when given, and required to schedule (`noun`: "a post", ...).
pub fn check(check: &mut Check, status: &str, published_at: Option<&str>, noun: &str) {
    match published_at {
        Some(time) => check.time("published_at", time),
        None => check.that(status != "scheduled", "published_at", || format!("is required to schedule {noun}")),
    }
}

/// When a scheduled entry becomes public, for the scheduler's announcement.
pub fn scheduled_at<'a>(status: &str, published_at: Option<&'a str>) -> Option<&'a str> {
    (status == "scheduled").then_some(published_at).flatten()
}

/// The server keeps `published_at`: publishing without one means now.
pub fn stamp_publication(status: &str, published_at: &mut Option<String>, now: &str) {
    if status == "published" && published_at.is_none() {
        *published_at = Some(now.to_string());
    }
}
