//! Writing posts: validation, the editorial workflow, and slug history.

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{CitationClaimInput, KeyPoints, Post, PostInput, PostRow, SectionInput};
use super::{query, sync};
use crate::content::Viewer;
use crate::content::{workflow, Status};
use crate::error::{ApiError, FieldError};
use crate::http::write::Writable;
use crate::schema::{
    citations, condition_categories, post_citations, post_condition_categories, post_redirects, post_tags, posts, tags,
};
use crate::validation::{is_slug, Check, InDatabase, Kind, References};

impl PostInput {
    pub fn validate(&self, check: &mut Check, refs: &mut dyn References) {
        check.slug("slug", &self.slug);
        check.text("title", &self.title, 1, 300);
        check.text("excerpt", &self.excerpt, 0, 1000);
        check.one_of("status", &self.status, Status::NAMES);
        workflow::check(check, &self.status, self.published_at.as_deref(), "a post");
        check.optional_text("meta_title", self.meta_title.as_deref(), 300);
        check.optional_text("meta_description", self.meta_description.as_deref(), 500);
        if let Some(url) = &self.canonical_url {
            check.url("canonical_url", url);
        }
        if let Some(cta) = &self.cta {
            check.text("cta.label", &cta.label, 1, 100);
            check.url("cta.url", &cta.url);
        }
        for (i, tag) in self.tags.iter().enumerate() {
            check.reference(refs, &format!("tags[{i}]"), Kind::Tag, tag);
        }
        check.distinct("tags", self.tags.iter().map(String::as_str));
        for (i, cited) in self.citations.iter().enumerate() {
            check.reference(refs, &format!("citations[{i}].citation"), Kind::Citation, &cited.citation);
            check.text(&format!("citations[{i}].claim"), &cited.claim, 1, 2000);
        }
        check.distinct("citations", self.citations.iter().map(|c| c.citation.as_str()));
        for (i, category) in self.condition_categories.iter().enumerate() {
            check.reference(refs, &format!("condition_categories[{i}]"), Kind::ConditionCategory, category);
        }
        check.distinct("condition_categories", self.condition_categories.iter().map(String::as_str));
        for (field, points) in [
            ("key_points.mechanisms", &self.key_points.mechanisms),
            ("key_points.limitations", &self.key_points.limitations),
        ] {
            check.that(points.len() <= 50, field, || "must have at most 50 points".into());
            for (i, point) in points.iter().enumerate() {
                check.text(&format!("{field}[{i}]"), point, 1, 1000);
            }
        }
        check.that(!self.sections.is_empty(), "sections", || "must have at least one section".into());
        check.that(self.sections.len() <= 200, "sections", || "must have at most 200 sections".into());
        for (i, section) in self.sections.iter().enumerate() {
            check.optional_text(&format!("sections[{i}].heading"), section.heading.as_deref(), 300);
            check.text(&format!("sections[{i}].markdown"), &section.markdown, 0, 100_000);
        }
        // The post's own slug may be listed (after renaming back); it is dropped on save.
        for (i, old) in self.redirect_from.iter().enumerate() {
            check.slug(&format!("redirect_from[{i}]"), old);
        }
    }
}

/// An old slug must not be the live slug of another post: it would never redirect, and an
/// import of it would flip between the two posts on every run. `another_post_has(slug)` says
/// whether a post other than this one has that slug now. The post's own slug may be listed
/// (after renaming back); it is dropped on save. The write API and imports both check this.
pub fn check_redirects(
    check: &mut Check,
    input: &PostInput,
    another_post_has: &mut dyn FnMut(&str) -> QueryResult<bool>,
) -> QueryResult<()> {
    for (i, old) in input.redirect_from.iter().enumerate() {
        if is_slug(old) && *old != input.slug && another_post_has(old)? {
            check.fail(&format!("redirect_from[{i}]"), format!("'{old}' is the slug of another post"));
        }
    }
    Ok(())
}

/// A post's current state in input form (the form of a library document), whatever its status.
pub fn load_input(conn: &mut Conn, slug: &str) -> QueryResult<Option<(i32, PostInput)>> {
    let Some(row) = posts::table.filter(posts::slug.eq(slug)).select(PostRow::as_select()).first(conn).optional()?
    else {
        return Ok(None);
    };
    let id = row.id;
    let sections = query::sections(conn, id)?
        .into_iter()
        .map(|section| SectionInput { heading: section.heading, markdown: section.body_markdown })
        .collect();
    let key_points: KeyPoints = query::key_points(conn, id)?;
    let tags = post_tags::table
        .inner_join(tags::table)
        .filter(post_tags::post_id.eq(id))
        .order(post_tags::position)
        .select(tags::slug)
        .load(conn)?;
    let citations = post_citations::table
        .inner_join(citations::table)
        .filter(post_citations::post_id.eq(id))
        .order(post_citations::position)
        .select((citations::slug, post_citations::claim))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(citation, claim)| CitationClaimInput { citation, claim })
        .collect();
    let condition_categories = post_condition_categories::table
        .inner_join(condition_categories::table)
        .filter(post_condition_categories::post_id.eq(id))
        .order(condition_categories::position)
        .select(condition_categories::slug)
        .load(conn)?;
    let redirect_from = query::redirects(conn, id)?;
    let content = row.content;
    let cta = content.cta();
    Ok(Some((
        id,
        PostInput {
            slug: content.slug,
            title: content.title,
            excerpt: content.excerpt,
            status: content.status.as_str().to_string(),
            published_at: content.published_at,
            meta_title: content.meta_title,
            meta_description: content.meta_description,
            canonical_url: content.canonical_url,
            cta,
            tags,
            citations,
            condition_categories,
            key_points,
            sections,
            redirect_from,
        },
    )))
}

pub struct Posts;

impl Writable for Posts {
    type Input = PostInput;
    type Output = Post;
    const NAME: &'static str = "post";
    const COLLECTION: &'static str = "/v1/posts";
    const EVENT_KIND: &'static str = "post";

    fn slug(input: &PostInput) -> &str {
        &input.slug
    }

    fn scheduled_at(input: &PostInput) -> Option<&str> {
        workflow::scheduled_at(&input.status, input.published_at.as_deref())
    }

    fn slug_of(conn: &mut Conn, id: i32) -> QueryResult<Option<String>> {
        posts::table.find(id).select(posts::slug).first(conn).optional()
    }

    /// Its canonical URL, else `{base}/blog/{slug}`.
    fn page_url(base: &str, slug: &str, public: &serde_json::Value) -> Option<String> {
        let canonical = public.get("canonical_url").and_then(serde_json::Value::as_str);
        Some(crate::seo::post_url(base, slug, canonical))
    }

    fn load(conn: &mut Conn, slug: &str) -> QueryResult<Option<(i32, PostInput)>> {
        load_input(conn, slug)
    }

    fn validate(conn: &mut Conn, input: &PostInput, existing: Option<i32>) -> QueryResult<Vec<FieldError>> {
        let mut check = Check::new("");
        input.validate(&mut check, &mut InDatabase(&mut *conn));
        check_redirects(&mut check, input, &mut |old| {
            let live: Option<i32> =
                posts::table.filter(posts::slug.eq(old)).select(posts::id).first(conn).optional()?;
            Ok(live.is_some() && live != existing)
        })?;
        Ok(check.errors)
    }

    fn save(
        conn: &mut Conn,
        input: &PostInput,
        existing: Option<(i32, &PostInput)>,
        now: &str,
    ) -> Result<i32, ApiError> {
        let mut input = input.clone();
        workflow::stamp_publication(&input.status, &mut input.published_at, now);
        // A published post that changes slug keeps answering at the old one, with a 301.
        if let Some((_, old)) = existing {
            let was_public = matches!(old.status.as_str(), "published" | "scheduled");
            if old.slug != input.slug && was_public && !input.redirect_from.contains(&old.slug) {
                input.redirect_from.push(old.slug.clone());
            }
        }
        Ok(sync::write_post(conn, &input, existing.map(|(id, _)| id), now)?.0)
    }

    fn delete(conn: &mut Conn, id: i32) -> Result<(), ApiError> {
        // Its FAQ entries go with it (left behind without a post they would turn into public
        // standalone entries), and so do its redirects.
        use crate::search::index::{remove, Kind};
        let faq_ids: Vec<i32> = crate::schema::faqs::table
            .filter(crate::schema::faqs::post_id.eq(id))
            .select(crate::schema::faqs::id)
            .load(conn)?;
        for faq in &faq_ids {
            remove(conn, Kind::Faq, *faq)?;
        }
        diesel::delete(crate::schema::faqs::table.filter(crate::schema::faqs::id.eq_any(&faq_ids))).execute(conn)?;
        diesel::delete(posts::table.find(id)).execute(conn)?;
        remove(conn, Kind::Post, id)?;
        Ok(())
    }

    fn find(conn: &mut Conn, slug: &str, viewer: &Viewer) -> QueryResult<Option<Post>> {
        query::find_by_slug(conn, slug, &crate::http::list_query::ListQuery::none(), viewer)
    }
}

/// Where an old slug of a post now lives, if the viewer may see that post.
pub fn redirect_target(conn: &mut Conn, old_slug: &str, viewer: &Viewer) -> QueryResult<Option<String>> {
    query::visible(viewer)
        .filter(
            posts::id.eq_any(
                post_redirects::table
                    .filter(post_redirects::old_slug.eq(old_slug.to_string()))
                    .select(post_redirects::post_id),
            ),
        )
        .select(posts::slug)
        .first(conn)
        .optional()
}
