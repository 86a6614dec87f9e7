//! The whole library as one document, in the seed file's format. Lists come in insertion (or
//! display) order and positions are implied by that order, so export → import into an empty
//! database → export gives the same bytes.

use crate::db::Conn;
use diesel::prelude::*;

use super::format::{GuidanceInput, Library, FORMAT_VERSION};
use crate::citations::model::CitationInput;
use crate::conditions::model::{CategoryContent, CategoryInput, ConditionContent};
use crate::guidance::model::{BandInput, CourseInput};
use crate::schema::{
    citations, condition_categories, conditions, faqs, guidance_bands, guidance_course, posts, site, tags,
};
use crate::site::model::SiteInput;
use crate::tags::model::TagInput;
use crate::{faqs as faq_resource, posts as post_resource};

pub fn export(conn: &mut Conn) -> Result<Library, String> {
    read(conn).map_err(|error| format!("export failed: {error}"))
}

fn read(conn: &mut Conn) -> QueryResult<Library> {
    conn.transaction(|conn| {
        let site = site::table.select(SiteInput::as_select()).first(conn)?;
        let tags = tags::table.order(tags::id).select(TagInput::as_select()).load(conn)?;
        let citations = citations::table.order(citations::id).select(CitationInput::as_select()).load(conn)?;
        let categories: Vec<(i32, CategoryContent)> = condition_categories::table
            .order((condition_categories::position, condition_categories::slug))
            .select((condition_categories::id, CategoryContent::as_select()))
            .load(conn)?;
        let mut condition_categories = Vec::with_capacity(categories.len());
        for (id, category) in categories {
            let conditions = conditions::table
                .filter(conditions::category_id.eq(id))
                .order((conditions::position, conditions::slug))
                .select(ConditionContent::as_select())
                .load(conn)?
                .into_iter()
                .map(ConditionContent::into_input)
                .collect();
            let CategoryContent { slug, name, description, response_level, .. } = category;
            condition_categories.push(CategoryInput { slug, name, description, response_level, conditions });
        }
        let bands = guidance_bands::table
            .order(guidance_bands::pain_duration_min_days)
            .select(BandInput::as_select())
            .load(conn)?;
        let course = guidance_course::table.select(CourseInput::as_select()).first(conn)?;

        let post_slugs: Vec<String> = posts::table.order(posts::id).select(posts::slug).load(conn)?;
        let mut posts = Vec::with_capacity(post_slugs.len());
        for slug in post_slugs {
            if let Some((_, input)) = post_resource::write::load_input(conn, &slug)? {
                posts.push(input);
            }
        }
        // By post (in the posts' order), then position: the order positions are rebuilt from.
        let faq_slugs: Vec<String> = faqs::table
            .left_join(posts::table)
            .order((posts::id.is_null(), posts::id, faqs::position, faqs::id))
            .select(faqs::slug)
            .load(conn)?;
        let mut faqs = Vec::with_capacity(faq_slugs.len());
        for slug in faq_slugs {
            if let Some((_, mut input)) = faq_resource::write::load_input(conn, &slug)? {
                input.position = None;
                faqs.push(input);
            }
        }
        Ok(Library {
            format_version: FORMAT_VERSION,
            site,
            tags,
            citations,
            condition_categories,
            guidance: GuidanceInput { bands, course },
            posts,
            faqs,
        })
    })
}

/// The document as written to a file: pretty JSON with a trailing newline.
pub fn to_json(library: &Library) -> String {
    let mut json = serde_json::to_string_pretty(library).expect("a library serialises");
    json.push('\n');
    json
}
