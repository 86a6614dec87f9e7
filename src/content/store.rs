//! The one error a writer returns: the database failed, or the input names something that is
//! not there (validation checks references first, so through the API this means a race).

/// A writer's error.
#[derive(Debug)]
pub enum StoreError {
    Database(diesel::result::Error),
    /// An unknown reference, named: "post 'x': unknown tag 'y'".
    Missing(String),
}

/// What a writer returns.
pub type Stored<T> = Result<T, StoreError>;

impl From<diesel::result::Error> for StoreError {
    fn from(error: diesel::result::Error) -> Self {
        StoreError::Database(error)
    }
}

impl StoreError {
    /// Says which resource referred to what is missing.
    pub fn within(self, what: &str) -> Self {
        match self {
            StoreError::Missing(message) => StoreError::Missing(format!("{what}: {message}")),
            other => other,
        }
    }
}

/// Ids for `slugs`, in their order, from `(slug, id)` rows; the first unknown slug is the error.
pub fn resolve_slugs(found: Vec<(String, i32)>, slugs: &[String], kind: &str) -> Stored<Vec<i32>> {
    let found: std::collections::HashMap<String, i32> = found.into_iter().collect();
    slugs
        .iter()
        .map(|slug| found.get(slug).copied().ok_or_else(|| StoreError::Missing(format!("unknown {kind} '{slug}'"))))
        .collect()
}

impl crate::db::retry::Retryable for StoreError {
    fn lost_a_race(&self) -> bool {
        matches!(self, StoreError::Database(error) if crate::db::retry::Retryable::lost_a_race(error))
    }
}
