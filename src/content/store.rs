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

/// Inserts `$values` (a content row's columns) into `$table`, stamping `created_at` and
/// `updated_at` with `$now`; answers the new row's id. Every content row is written through
/// this and `update_stamped!`, so its two times mean the same in every table.
#[macro_export]
macro_rules! insert_stamped {
    ($conn:expr, $table:ident, $values:expr, $now:expr) => {
        ::diesel::RunQueryDsl::get_result(
            ::diesel::insert_into($table::table)
                .values((
                    $values,
                    ::diesel::ExpressionMethods::eq($table::created_at, $now),
                    ::diesel::ExpressionMethods::eq($table::updated_at, $now),
                ))
                .returning($table::id),
            $conn,
        )
    };
}

/// Sets the row `$id` of `$table` to `$values`, stamping `updated_at` with `$now`; answers the
/// number of rows changed.
#[macro_export]
macro_rules! update_stamped {
    ($conn:expr, $table:ident, $id:expr, $values:expr, $now:expr) => {
        ::diesel::RunQueryDsl::execute(
            ::diesel::update(::diesel::QueryDsl::find($table::table, $id))
                .set(($values, ::diesel::ExpressionMethods::eq($table::updated_at, $now))),
            $conn,
        )
    };
}
