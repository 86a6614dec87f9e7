//! Writing FAQ entries; their posts' reading times follow.

use diesel::dsl::max;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use super::model::{Faq, FaqContent, FaqInput};
use super::query;
use crate::error::{ApiError, FieldError};
use crate::http::write::Writable;
use crate::posts::model::STATUSES;
use crate::posts::sync::refresh_reading_time;
use crate::schema::{faq_tags, faqs, posts, tags};
use crate::validation::{Check, InDatabase, Kind, References};
use crate::visibility::Viewer;

impl FaqInput {
    pub fn validate(&self, check: &mut Check, refs: &mut dyn References) {
        check.slug("slug", &self.slug);
        if let Some(post) = &self.post {
            check.reference(refs, "post", Kind::Post, post);
        }
        if let Some(position) = self.position {
            check.range("position", position.into(), 0, 10_000);
        }
        check.text("question", &self.question, 1, 500);
        check.text("answer", &self.answer, 1, 20_000);
        for (i, tag) in self.tags.iter().enumerate() {
            check.reference(refs, &format!("tags[{i}]"), Kind::Tag, tag);
        }
        check.distinct("tags", self.tags.iter().map(String::as_str));
        check.one_of("status", &self.status, STATUSES);
        match &self.published_at {
            Some(time) => check.time("published_at", time),
            None => {
                check.that(self.status != "scheduled", "published_at", || "is required to schedule an entry".into())
            }
        }
    }
}

/// An entry's current state in input form, with its position.
pub fn load_input(conn: &mut SqliteConnection, slug: &str) -> QueryResult<Option<(i32, FaqInput)>> {
    let Some((id, content)) = faqs::table
        .filter(faqs::slug.eq(slug))
        .select((faqs::id, FaqContent::as_select()))
        .first::<(i32, FaqContent)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let post = match content.post_id {
        Some(post_id) => Some(posts::table.find(post_id).select(posts::slug).first(conn)?),
        None => None,
    };
    let tags = faq_tags::table
        .inner_join(tags::table)
        .filter(faq_tags::faq_id.eq(id))
        .order(tags::slug)
        .select(tags::slug)
        .load(conn)?;
    Ok(Some((
        id,
        FaqInput {
            slug: content.slug,
            post,
            position: Some(content.position),
            question: content.question,
            answer: content.answer_markdown,
            tags,
            status: content.status,
            published_at: content.published_at,
        },
    )))
}

fn post_id(conn: &mut SqliteConnection, slug: Option<&String>) -> QueryResult<Option<i32>> {
    match slug {
        Some(slug) => posts::table.filter(posts::slug.eq(slug)).select(posts::id).first(conn).optional(),
        None => Ok(None),
    }
}

/// Puts the entry at `position` among its post's entries, moving the others down, and numbers
/// them 0, 1, 2, ... again.
fn make_room(conn: &mut SqliteConnection, post: Option<i32>, id: i32, position: i32) -> QueryResult<()> {
    let siblings = match post {
        Some(post) => faqs::table.filter(faqs::post_id.eq(post)).into_boxed(),
        None => faqs::table.filter(faqs::post_id.is_null()).into_boxed(),
    };
    let mut order: Vec<(i32, i32)> = siblings
        .filter(faqs::id.ne(id))
        .order((faqs::position, faqs::id))
        .select((faqs::id, faqs::position))
        .load(conn)?;
    let at = order.iter().position(|(_, p)| *p >= position).unwrap_or(order.len());
    order.insert(at, (id, position));
    for (index, (faq, current)) in order.into_iter().enumerate() {
        if current != index as i32 {
            diesel::update(faqs::table.find(faq)).set(faqs::position.eq(index as i32)).execute(conn)?;
        }
    }
    Ok(())
}

pub struct Faqs;

impl Writable for Faqs {
    type Input = FaqInput;
    type Output = Faq;
    const NAME: &'static str = "FAQ entry";
    const COLLECTION: &'static str = "/v1/faqs";
    const EVENT_KIND: &'static str = "faq";

    fn slug(input: &FaqInput) -> &str {
        &input.slug
    }

    fn scheduled_at(input: &FaqInput) -> Option<&str> {
        (input.status == "scheduled").then_some(input.published_at.as_deref()).flatten()
    }

    fn slug_of(conn: &mut SqliteConnection, id: i32) -> QueryResult<Option<String>> {
        faqs::table.find(id).select(faqs::slug).first(conn).optional()
    }

    fn load(conn: &mut SqliteConnection, slug: &str) -> QueryResult<Option<(i32, FaqInput)>> {
        load_input(conn, slug)
    }

    fn validate(conn: &mut SqliteConnection, input: &FaqInput, _existing: Option<i32>) -> QueryResult<Vec<FieldError>> {
        let mut check = Check::new("");
        input.validate(&mut check, &mut InDatabase(conn));
        Ok(check.errors)
    }

    fn save(
        conn: &mut SqliteConnection,
        input: &FaqInput,
        existing: Option<(i32, &FaqInput)>,
        now: &str,
    ) -> Result<i32, ApiError> {
        let mut input = input.clone();
        if input.status == "published" && input.published_at.is_none() {
            input.published_at = Some(now.to_string());
        }
        let new_post = post_id(conn, input.post.as_ref())?;
        let old_post = match existing {
            Some((_, old)) => post_id(conn, old.post.as_ref())?,
            None => None,
        };
        let moved = existing.is_none() || new_post != old_post;
        let position = match input.position {
            Some(position) if !moved || existing.is_none() => position,
            // New entries, and entries moved to another post without a position, go last.
            _ => {
                let last: Option<i32> = match new_post {
                    Some(post) => faqs::table.filter(faqs::post_id.eq(post)).select(max(faqs::position)).first(conn)?,
                    None => faqs::table.filter(faqs::post_id.is_null()).select(max(faqs::position)).first(conn)?,
                };
                last.map_or(0, |p| p + 1)
            }
        };
        let (id, _) =
            query::write(conn, &input, existing.map(|(id, _)| id), position, now)?.map_err(ApiError::internal)?;
        if input.position.is_some() {
            make_room(conn, new_post, id, position)?;
        }
        for post in [old_post, new_post].into_iter().flatten() {
            refresh_reading_time(conn, post, now)?;
        }
        Ok(id)
    }

    fn delete(conn: &mut SqliteConnection, id: i32) -> Result<(), ApiError> {
        let post: Option<i32> = faqs::table.find(id).select(faqs::post_id).first(conn)?;
        diesel::delete(faqs::table.find(id)).execute(conn)?;
        crate::search::index::remove(conn, crate::search::index::Kind::Faq, id)?;
        if let Some(post) = post {
            refresh_reading_time(conn, post, &crate::clock::now())?;
        }
        Ok(())
    }

    fn find(conn: &mut SqliteConnection, slug: &str, viewer: &Viewer) -> QueryResult<Option<Faq>> {
        query::find_by_slug(conn, slug, &crate::http::list_query::ListQuery::none(), viewer)
    }
}
