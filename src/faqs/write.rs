//! Writing FAQ entries; their posts' reading times follow.

use crate::db::Conn;
use diesel::dsl::max;
use diesel::prelude::*;

use super::model::{Faq, FaqContent, FaqInput};
use super::query;
use crate::content::Viewer;
use crate::content::{workflow, Status, StoreError, Stored};
use crate::db::{sync_row, Change};
use crate::error::{ApiError, FieldError};
use crate::http::write::Writable;
use crate::markdown;
use crate::posts::sync::refresh_reading_time;
use crate::schema::{faq_tags, faqs, posts, tags};
use crate::search::index as search;
use crate::tags::query as tag_query;
use crate::validation::{problems, Check, InDatabase, Kind, References};

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
        check.one_of("status", &self.status, Status::NAMES);
        workflow::check(check, &self.status, self.published_at.as_deref(), "an entry");
    }
}

/// An entry's current state in input form, with its position.
pub fn load_input(conn: &mut Conn, slug: &str) -> QueryResult<Option<(i32, FaqInput)>> {
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
            status: content.status.as_str().to_string(),
            published_at: content.published_at,
        },
    )))
}

fn post_id(conn: &mut Conn, slug: Option<&String>) -> QueryResult<Option<i32>> {
    match slug {
        Some(slug) => posts::table.filter(posts::slug.eq(slug)).select(posts::id).first(conn).optional(),
        None => Ok(None),
    }
}

/// Puts the entry at `position` among its post's entries, moving the others down, and numbers
/// them 0, 1, 2, ... again.
fn make_room(conn: &mut Conn, post: Option<i32>, id: i32, position: i32) -> QueryResult<()> {
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
        workflow::scheduled_at(&input.status, input.published_at.as_deref())
    }

    fn slug_of(conn: &mut Conn, id: i32) -> QueryResult<Option<String>> {
        faqs::table.find(id).select(faqs::slug).first(conn).optional()
    }

    fn load(conn: &mut Conn, slug: &str) -> QueryResult<Option<(i32, FaqInput)>> {
        load_input(conn, slug)
    }

    fn validate(conn: &mut Conn, input: &FaqInput, _existing: Option<i32>) -> QueryResult<Vec<FieldError>> {
        Ok(problems(|check| input.validate(check, &mut InDatabase(conn))))
    }

    fn save(conn: &mut Conn, input: &FaqInput, existing: Option<(i32, &FaqInput)>, now: &str) -> Result<i32, ApiError> {
        let mut input = input.clone();
        workflow::stamp_publication(&input.status, &mut input.published_at, now);
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
        let (id, _) = write_entry(conn, &input, existing.map(|(id, _)| id), position, now)?;
        if input.position.is_some() {
            make_room(conn, new_post, id, position)?;
        }
        for post in [old_post, new_post].into_iter().flatten() {
            refresh_reading_time(conn, post, now)?;
        }
        Ok(id)
    }

    fn delete(conn: &mut Conn, id: i32) -> Result<(), ApiError> {
        let post: Option<i32> = faqs::table.find(id).select(faqs::post_id).first(conn)?;
        diesel::delete(faqs::table.find(id)).execute(conn)?;
        crate::search::index::remove(conn, crate::search::index::Kind::Faq, id)?;
        if let Some(post) = post {
            refresh_reading_time(conn, post, &crate::clock::now())?;
        }
        Ok(())
    }

    fn find(conn: &mut Conn, slug: &str, viewer: &Viewer) -> QueryResult<Option<Faq>> {
        query::find_by_slug(conn, slug, &crate::http::list_query::ListQuery::none(), viewer)
    }
}

/// Syncs an FAQ entry by slug (the seed and import path).
pub fn sync(conn: &mut Conn, input: &FaqInput, position: i32, now: &str) -> Stored<Change> {
    let existing: Option<i32> =
        faqs::table.filter(faqs::slug.eq(&input.slug)).select(faqs::id).first(conn).optional()?;
    Ok(write_entry(conn, input, existing, position, now)?.1)
}

/// Writes an FAQ entry with its tags: a new one or the row with that id (whose slug may
/// change). `Err(message)` names an unknown reference.
pub fn write_entry(
    conn: &mut Conn,
    input: &FaqInput,
    existing: Option<i32>,
    position: i32,
    now: &str,
) -> Stored<(i32, Change)> {
    let within = |error: StoreError| error.within(&format!("FAQ '{}'", input.slug));
    let post_id = match &input.post {
        Some(slug) => {
            crate::posts::query::ids_by_slugs(conn, std::slice::from_ref(slug)).map_err(within)?.first().copied()
        }
        None => None,
    };
    let mut tag_ids = tag_query::ids_by_slugs(conn, &input.tags).map_err(within)?;
    tag_ids.sort_unstable();
    let answer = markdown::render(&input.answer);
    let content = FaqContent {
        slug: input.slug.clone(),
        post_id,
        position,
        question: input.question.clone(),
        answer_markdown: input.answer.clone(),
        answer_html: answer.html,
        answer_text: answer.text,
        // Validated before it gets here; a status that is not one is never public.
        status: Status::parse(&input.status).unwrap_or_default(),
        published_at: input.published_at.clone(),
    };
    let existing = match existing {
        Some(id) => Some((id, faqs::table.find(id).select(FaqContent::as_select()).first(conn)?)),
        None => None,
    };
    let (faq_id, change) = sync_row(
        conn,
        existing,
        &content,
        |conn| crate::insert_stamped!(conn, faqs, &content, now),
        |conn, id| crate::update_stamped!(conn, faqs, id, &content, now),
    )?;
    let current: Vec<i32> = faq_tags::table
        .filter(faq_tags::faq_id.eq(faq_id))
        .order(faq_tags::tag_id)
        .select(faq_tags::tag_id)
        .load(conn)?;
    if change != Change::Unchanged {
        search::reindex(conn, search::Kind::Faq, faq_id)?;
    }
    if current == tag_ids {
        return Ok((faq_id, change));
    }
    diesel::delete(faq_tags::table.filter(faq_tags::faq_id.eq(faq_id))).execute(conn)?;
    for tag_id in &tag_ids {
        diesel::insert_into(faq_tags::table)
            .values((faq_tags::faq_id.eq(faq_id), faq_tags::tag_id.eq(tag_id)))
            .execute(conn)?;
    }
    if change == Change::Unchanged {
        diesel::update(faqs::table.find(faq_id)).set(faqs::updated_at.eq(now)).execute(conn)?;
        return Ok((faq_id, Change::Updated));
    }
    Ok((faq_id, change))
}
