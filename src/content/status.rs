//! Where a post or FAQ entry is in the editorial workflow, as stored (text), served and
//! documented (`PublicationStatus`).

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a post or FAQ entry is in the editorial workflow. Public reads only ever see
/// `published` (and `scheduled` once its time has come).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[schema(as = PublicationStatus, rename_all = "snake_case")]
pub enum Status {
    #[default]
    Draft,
    Scheduled,
    Published,
    Archived,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Draft, Status::Scheduled, Status::Published, Status::Archived];
    /// The names, as written in bodies, filters and the database.
    pub const NAMES: &'static [&'static str] = &["draft", "scheduled", "published", "archived"];
    /// Public once their `published_at` has come (see `visibility`).
    pub const PUBLIC: [Status; 2] = [Status::Published, Status::Scheduled];

    pub fn as_str(self) -> &'static str {
        Status::NAMES[self as usize]
    }

    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.as_str() == name)
    }

    pub fn is_public(self) -> bool {
        Status::PUBLIC.contains(&self)
    }
}

// Stored as its name, on every backend that stores text.
impl<DB: diesel::backend::Backend> ToSql<Text, DB> for Status
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.as_str().to_sql(out)
    }
}

impl<DB: diesel::backend::Backend> FromSql<Text, DB> for Status
where
    String: FromSql<Text, DB>,
{
    fn from_sql(value: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, DB>>::from_sql(value)?;
        Status::parse(&text).ok_or_else(|| format!("unknown publication status '{text}'").into())
    }
}

/// The public statuses as an SQL list, `('published', 'scheduled')`, for SQL written as text
/// (`concat!` needs a literal; a test checks it against `Status::PUBLIC`).
#[macro_export]
macro_rules! public_statuses {
    () => {
        "('published', 'scheduled')"
    };
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn names_round_trip_and_the_sql_list_is_the_public_statuses() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        assert_eq!(Status::parse("live"), None);
        let listed: Vec<String> = Status::PUBLIC.iter().map(|s| format!("'{}'", s.as_str())).collect();
        assert_eq!(crate::public_statuses!(), format!("({})", listed.join(", ")));
    }
}
