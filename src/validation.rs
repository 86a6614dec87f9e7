//! Field-by-field validation shared by the write API and library documents (seed, import):
//! every problem is collected with the path of its field, so a client sees them all at once.

use crate::clock;
use crate::error::FieldError;

/// Things an input may refer to by slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Tag,
    Citation,
    ConditionCategory,
    Post,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Tag => "tag",
            Kind::Citation => "citation",
            Kind::ConditionCategory => "condition category",
            Kind::Post => "post",
        }
    }
}

/// Answers whether a referenced slug exists: in the database for API writes, in the document
/// for a library being imported.
pub trait References {
    fn exists(&mut self, kind: Kind, slug: &str) -> bool;
}

pub struct Check {
    prefix: String,
    pub errors: Vec<FieldError>,
}

pub fn is_slug(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 100
        && value
            .split('-')
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

pub fn is_http_url(value: &str) -> bool {
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && value.len() <= 2000 && !value.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// Every problem `checks` finds in a request body (its fields named from the root).
pub fn problems(checks: impl FnOnce(&mut Check)) -> Vec<FieldError> {
    let mut check = Check::new("");
    checks(&mut check);
    check.errors
}

impl Check {
    /// `prefix` names where the input sits ("" for a request body, "posts[0]" in a library).
    pub fn new(prefix: impl Into<String>) -> Check {
        Check { prefix: prefix.into(), errors: Vec::new() }
    }

    pub fn path(&self, field: &str) -> String {
        match (self.prefix.is_empty(), field.is_empty()) {
            (true, _) => field.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}.{field}", self.prefix),
        }
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        let path = self.path(field);
        self.errors.push(FieldError::new(path, message));
    }

    pub fn that(&mut self, ok: bool, field: &str, message: impl FnOnce() -> String) {
        if !ok {
            self.fail(field, message());
        }
    }

    pub fn slug(&mut self, field: &str, value: &str) {
        self.that(is_slug(value), field, || {
            format!("must be a slug: lower-case letters and digits in words joined by single hyphens, at most 100 characters; got '{}'", clip(value))
        });
    }

    /// Text of `min..=max` characters (after trimming, for the minimum).
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let length = value.chars().count();
        if value.trim().chars().count() < min {
            self.fail(
                field,
                if min == 1 { "must not be empty".to_string() } else { format!("must be at least {min} characters") },
            );
        } else if length > max {
            self.fail(field, format!("must be at most {max} characters, got {length}"));
        }
    }

    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.text(field, value, 1, max);
        }
    }

    pub fn url(&mut self, field: &str, value: &str) {
        self.that(is_http_url(value), field, || format!("must be an http or https URL, got '{}'", clip(value)));
    }

    pub fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) {
        self.that(allowed.contains(&value), field, || {
            format!("must be one of {}, got '{}'", allowed.join(", "), clip(value))
        });
    }

    /// An RFC 3339 time in UTC with second precision, as stored ("2026-04-25T16:00:00Z").
    pub fn time(&mut self, field: &str, value: &str) {
        self.that(clock::normalize(value).as_deref() == Some(value), field, || {
            format!("must be an RFC 3339 UTC time like 2026-04-25T16:00:00Z, got '{}'", clip(value))
        });
    }

    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) {
        self.that((min..=max).contains(&value), field, || format!("must be from {min} to {max}, got {value}"));
    }

    pub fn reference(&mut self, refs: &mut dyn References, field: &str, kind: Kind, slug: &str) {
        if !is_slug(slug) {
            self.slug(field, slug);
        } else if !refs.exists(kind, slug) {
            self.fail(field, format!("no {} has the slug '{slug}'", kind.name()));
        }
    }

    /// No slug twice in one list.
    pub fn distinct<'a>(&mut self, field: &str, slugs: impl IntoIterator<Item = &'a str>) {
        let mut seen = std::collections::HashSet::new();
        for (i, slug) in slugs.into_iter().enumerate() {
            if !seen.insert(slug) {
                self.fail(&format!("{field}[{i}]"), format!("'{slug}' is listed twice"));
            }
        }
    }
}

/// Keeps echoed input short in error messages.
fn clip(value: &str) -> String {
    if value.chars().count() > 60 {
        format!("{}…", value.chars().take(60).collect::<String>())
    } else {
        value.to_string()
    }
}

/// References checked against the database.
pub struct InDatabase<'a>(pub &'a mut crate::db::Conn);

impl References for InDatabase<'_> {
    fn exists(&mut self, kind: Kind, slug: &str) -> bool {
        use crate::schema::citations;
        use crate::schema::{condition_categories, posts, tags};
        use diesel::dsl::exists;
        use diesel::prelude::*;
        let conn = &mut *self.0;
        let found = match kind {
            Kind::Tag => diesel::select(exists(tags::table.filter(tags::slug.eq(slug)))).get_result(conn),
            Kind::Citation => {
                diesel::select(exists(citations::table.filter(citations::slug.eq(slug)))).get_result(conn)
            }
            Kind::ConditionCategory => {
                diesel::select(exists(condition_categories::table.filter(condition_categories::slug.eq(slug))))
                    .get_result(conn)
            }
            Kind::Post => diesel::select(exists(posts::table.filter(posts::slug.eq(slug)))).get_result(conn),
        };
        found.unwrap_or_else(|error| {
            log::error!("reference check failed: {error}");
            false
        })
    }
}
