//! Syncs a library into the database in one transaction: upsert by slug, in dependency order.
//! Content in the database but not in the library is left alone (it may have been written
//! through the API), so syncing never deletes.

use crate::db::Conn;

use super::format::Library;
use crate::content::StoreError;
use crate::db::Change;
use crate::{citations, conditions, faqs, guidance, posts, site, tags};

/// How many rows (top-level resources and conditions) syncing inserted, updated or left alone.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl SyncReport {
    fn add(&mut self, change: Change) {
        match change {
            Change::Inserted => self.inserted += 1,
            Change::Updated => self.updated += 1,
            Change::Unchanged => self.unchanged += 1,
        }
    }
}

impl std::fmt::Display for SyncReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} inserted, {} updated, {} unchanged", self.inserted, self.updated, self.unchanged)
    }
}

#[derive(Debug)]
enum SyncError {
    Database(diesel::result::Error),
    Reference(String),
    Invalid(Vec<crate::error::FieldError>),
}

impl From<diesel::result::Error> for SyncError {
    fn from(error: diesel::result::Error) -> Self {
        SyncError::Database(error)
    }
}

impl crate::db::retry::Retryable for SyncError {
    fn lost_a_race(&self) -> bool {
        matches!(self, SyncError::Database(error) if error.lost_a_race())
    }
}

impl From<StoreError> for SyncError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Database(error) => SyncError::Database(error),
            StoreError::Missing(message) => SyncError::Reference(message),
        }
    }
}

/// Syncs the whole library, all or nothing.
pub fn sync(conn: &mut Conn, library: &Library, now: &str) -> Result<SyncReport, String> {
    crate::db::write_transaction(conn, |conn| sync_and_bump(conn, library, now)).map_err(describe)
}

/// `sync` inside a write transaction the caller holds (the first start's, around migrations).
pub fn sync_in_transaction(conn: &mut Conn, library: &Library, now: &str) -> Result<SyncReport, String> {
    sync_and_bump(conn, library, now).map_err(describe)
}

fn sync_and_bump(conn: &mut Conn, library: &Library, now: &str) -> Result<SyncReport, SyncError> {
    let problems = super::validate::validate_against(conn, library)?;
    if !problems.is_empty() {
        return Err(SyncError::Invalid(problems));
    }
    let report = sync_all(conn, library, now)?;
    if report.inserted + report.updated > 0 {
        crate::content_state::bump(conn)?;
    }
    Ok(report)
}

fn describe(error: SyncError) -> String {
    match error {
        SyncError::Database(error) => format!("sync failed: {error}"),
        SyncError::Reference(message) => format!("sync failed: {message}"),
        SyncError::Invalid(problems) => super::invalid(&problems),
    }
}

fn sync_all(conn: &mut Conn, library: &Library, now: &str) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    report.add(site::query::sync(conn, &library.site, now)?);
    for tag in &library.tags {
        report.add(tags::query::sync(conn, tag, now)?);
    }
    for citation in &library.citations {
        report.add(citations::query::sync(conn, citation, now)?);
    }
    for (position, category) in library.condition_categories.iter().enumerate() {
        for change in conditions::query::sync_category(conn, category, position as i32, now)? {
            report.add(change);
        }
    }
    for band in &library.guidance.bands {
        report.add(guidance::query::sync_band(conn, band, now)?);
    }
    report.add(guidance::query::sync_course(conn, &library.guidance.course, now)?);
    for post in &library.posts {
        report.add(posts::sync::sync_post(conn, post, now)?);
    }
    let mut position_in_post = std::collections::HashMap::new();
    for faq in &library.faqs {
        let next = position_in_post.entry(faq.post.clone()).or_insert(0);
        let position = faq.position.unwrap_or(*next);
        *next = position + 1;
        report.add(faqs::write::sync(conn, faq, position, now)?);
    }
    // Reading times count the FAQ entries, which were written after their posts.
    for post in &library.posts {
        if let Some(&id) = posts::query::ids_by_slugs(conn, std::slice::from_ref(&post.slug))?.first() {
            posts::sync::refresh_reading_time(conn, id, now)?;
        }
    }
    Ok(report)
}
