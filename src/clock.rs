//! Times are stored and served as RFC 3339 UTC text with second precision
//! ("2026-04-25T16:00:00Z"), which sorts correctly as text in SQL.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn now() -> String {
    format(Utc::now())
}

pub fn format(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses any RFC 3339 time and returns it in the canonical stored form.
pub fn normalize(value: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(value).ok().map(|time| format(time.with_timezone(&Utc)))
}
