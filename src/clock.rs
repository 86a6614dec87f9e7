//! Times are stored and served as RFC 3339 UTC text with second precision
//! ("2026-04-25T16:00:00Z"), which sorts correctly as text in SQL.

use chrono::{DateTime, SecondsFormat, Utc};

/// Now, to the second. Remembered per thread for the rest of the second: reads call this
/// on every request.
pub fn now() -> String {
    thread_local! {
        static LAST: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
    }
    let now = Utc::now();
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != now.timestamp() {
            *last = (now.timestamp(), format(now));
        }
        last.1.clone()
    })
}

pub fn format(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses any RFC 3339 time and returns it in the canonical stored form.
pub fn normalize(value: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(value).ok().map(|time| format(time.with_timezone(&Utc)))
}
