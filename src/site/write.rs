//! Updating the site (it always exists once seeded, so there is no create or delete).

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{Site, SiteInput};
use super::query;
use crate::content::Viewer;
use crate::error::{ApiError, FieldError};
use crate::http::write::Writable;
use crate::schema::site;
use crate::validation::{problems, Check};

impl SiteInput {
    pub fn validate(&self, check: &mut Check) {
        check.text("name", &self.name, 1, 200);
        check.text("short_name", &self.short_name, 1, 100);
        check.text("description", &self.description, 1, 5000);
        check.text("city", &self.city, 1, 100);
        check.text("region", &self.region, 1, 100);
        check.text("region_code", &self.region_code, 1, 10);
        check.text("country", &self.country, 1, 100);
        check.that(
            self.country_code.len() == 2 && self.country_code.bytes().all(|b| b.is_ascii_uppercase()),
            "country_code",
            || format!("must be an ISO 3166-1 alpha-2 code like CA, got '{}'", self.country_code),
        );
        check.text("timezone", &self.timezone, 1, 64);
        check.url("website_url", &self.website_url);
        check.url("booking_url", &self.booking_url);
        check.text("disclaimer", &self.disclaimer, 1, 5000);
    }
}

pub struct SiteResource;

/// The site is addressed without a slug; this one stands for it.
pub const SITE_SLUG: &str = "site";

impl Writable for SiteResource {
    type Input = SiteInput;
    type Output = Site;
    const NAME: &'static str = "site";
    const COLLECTION: &'static str = "/v1";
    const EVENT_KIND: &'static str = "site";

    fn slug(_input: &SiteInput) -> &str {
        SITE_SLUG
    }

    fn load(conn: &mut Conn, _slug: &str) -> QueryResult<Option<(i32, SiteInput)>> {
        site::table.select((site::id, SiteInput::as_select())).first(conn).optional()
    }

    fn validate(_conn: &mut Conn, input: &SiteInput, _existing: Option<i32>) -> QueryResult<Vec<FieldError>> {
        Ok(problems(|check| input.validate(check)))
    }

    fn save(
        conn: &mut Conn,
        input: &SiteInput,
        existing: Option<(i32, &SiteInput)>,
        now: &str,
    ) -> Result<i32, ApiError> {
        query::sync(conn, input, now)?;
        Ok(existing.map(|(id, _)| id).unwrap_or(1))
    }

    fn delete(_conn: &mut Conn, _id: i32) -> Result<(), ApiError> {
        Err(ApiError::Conflict("The site cannot be deleted.".into()))
    }

    fn find(conn: &mut Conn, _slug: &str, _viewer: &Viewer) -> QueryResult<Option<Site>> {
        query::find(conn)
    }
}
