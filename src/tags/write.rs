//! Writing tags.

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{Tag, TagInput};
use super::query;
use crate::content::Viewer;
use crate::error::{ApiError, FieldError};
use crate::http::referrers::{Referrers, NAMED};
use crate::http::write::Writable;
use crate::schema::{faq_tags, faqs, post_tags, posts, tags};
use crate::validation::{problems, Check};

impl TagInput {
    pub fn validate(&self, check: &mut Check) {
        check.slug("slug", &self.slug);
        check.text("name", &self.name, 1, 100);
        check.optional_text("description", self.description.as_deref(), 1000);
    }
}

pub struct Tags;

impl Writable for Tags {
    type Input = TagInput;
    type Output = Tag;
    const NAME: &'static str = "tag";
    const COLLECTION: &'static str = "/v1/tags";
    const EVENT_KIND: &'static str = "tag";

    fn slug(input: &TagInput) -> &str {
        &input.slug
    }

    fn load(conn: &mut Conn, slug: &str) -> QueryResult<Option<(i32, TagInput)>> {
        tags::table.filter(tags::slug.eq(slug)).select((tags::id, TagInput::as_select())).first(conn).optional()
    }

    fn validate(_conn: &mut Conn, input: &TagInput, _existing: Option<i32>) -> QueryResult<Vec<FieldError>> {
        Ok(problems(|check| input.validate(check)))
    }

    fn save(conn: &mut Conn, input: &TagInput, existing: Option<(i32, &TagInput)>, now: &str) -> Result<i32, ApiError> {
        Ok(match existing {
            Some((id, _)) => {
                query::update(conn, id, input, now)?;
                id
            }
            None => query::insert(conn, input, now)?,
        })
    }

    fn delete(conn: &mut Conn, id: i32) -> Result<(), ApiError> {
        // Posts and FAQ entries lose the tag (their link rows cascade).
        diesel::delete(tags::table.find(id)).execute(conn)?;
        Ok(())
    }

    fn referrers(conn: &mut Conn, id: i32) -> QueryResult<Vec<Referrers>> {
        let on_posts = || post_tags::table.inner_join(posts::table).filter(post_tags::tag_id.eq(id));
        let on_faqs = || faq_tags::table.inner_join(faqs::table).filter(faq_tags::tag_id.eq(id));
        Ok(vec![
            Referrers::detachable(
                ("post", "posts"),
                on_posts().count().get_result(conn)?,
                on_posts().order(posts::slug).limit(NAMED).select(posts::slug).load(conn)?,
            ),
            Referrers::detachable(
                ("FAQ entry", "FAQ entries"),
                on_faqs().count().get_result(conn)?,
                on_faqs().order(faqs::slug).limit(NAMED).select(faqs::slug).load(conn)?,
            ),
        ])
    }

    fn find(conn: &mut Conn, slug: &str, viewer: &Viewer) -> QueryResult<Option<Tag>> {
        query::find_by_slug(conn, slug, &crate::http::list_query::ListQuery::none(), viewer)
    }
}
