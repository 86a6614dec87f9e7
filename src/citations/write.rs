//! Writing citations.

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{Citation, CitationInput};
use super::query;
use crate::content::Viewer;
use crate::error::{ApiError, FieldError};
use crate::http::referrers::{Referrers, NAMED};
use crate::http::write::Writable;
use crate::schema::{citations, post_citations, posts};
use crate::validation::{problems, Check};

impl CitationInput {
    pub fn validate(&self, check: &mut Check) {
        check.slug("slug", &self.slug);
        check.text("publisher", &self.publisher, 1, 200);
        check.text("title", &self.title, 1, 300);
        if let Some(year) = self.year {
            check.range("year", year.into(), 1800, 2200);
        }
        check.url("url", &self.url);
        if let Some(date) = &self.accessed_on {
            check.that(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(), "accessed_on", || {
                format!("must be a date like 2026-04-25, got '{date}'")
            });
        }
    }
}

pub struct Citations;

impl Writable for Citations {
    type Input = CitationInput;
    type Output = Citation;
    const NAME: &'static str = "citation";
    const COLLECTION: &'static str = "/v1/citations";
    const EVENT_KIND: &'static str = "citation";

    fn slug(input: &CitationInput) -> &str {
        &input.slug
    }

    fn load(conn: &mut Conn, slug: &str) -> QueryResult<Option<(i32, CitationInput)>> {
        citations::table
            .filter(citations::slug.eq(slug))
            .select((citations::id, CitationInput::as_select()))
            .first(conn)
            .optional()
    }

    fn validate(_conn: &mut Conn, input: &CitationInput, _existing: Option<i32>) -> QueryResult<Vec<FieldError>> {
        Ok(problems(|check| input.validate(check)))
    }

    fn save(
        conn: &mut Conn,
        input: &CitationInput,
        existing: Option<(i32, &CitationInput)>,
        now: &str,
    ) -> Result<i32, ApiError> {
        Ok(match existing {
            Some((id, _)) => {
                query::update(conn, id, input, now)?;
                id
            }
            None => query::insert(conn, input, now)?,
        })
    }

    fn delete(conn: &mut Conn, id: i32) -> Result<(), ApiError> {
        // Forced: the posts lose the citation and the claims it backed there.
        diesel::delete(post_citations::table.filter(post_citations::citation_id.eq(id))).execute(conn)?;
        diesel::delete(citations::table.find(id)).execute(conn)?;
        Ok(())
    }

    fn referrers(conn: &mut Conn, id: i32) -> QueryResult<Vec<Referrers>> {
        let citing = || post_citations::table.inner_join(posts::table).filter(post_citations::citation_id.eq(id));
        Ok(vec![Referrers::detachable(
            ("post", "posts"),
            citing().count().get_result(conn)?,
            citing().order(posts::slug).limit(NAMED).select(posts::slug).load(conn)?,
        )])
    }

    fn find(conn: &mut Conn, slug: &str, viewer: &Viewer) -> QueryResult<Option<Citation>> {
        query::find_by_slug(conn, slug, &crate::http::list_query::ListQuery::none(), viewer)
    }
}
