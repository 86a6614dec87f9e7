//! What a recommendation is computed from, read in one go.

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{Backing, BackingSection, Symptom};
use crate::citations::query as citations;
use crate::conditions::model::Condition;
use crate::conditions::query as conditions;
use crate::content::PostRef;
use crate::content::Viewer;
use crate::guidance::model::{GuidanceBand, GuidanceCourse};
use crate::guidance::query as guidance;
use crate::http::list_query::ListQuery;
use crate::schema::{conditions as conditions_table, post_sections, posts, red_flag_symptoms};
use crate::site::model::Site;

pub struct Facts {
    /// Every red-flag condition, in display order.
    pub red_flags: Vec<Condition>,
    /// Every symptom flag, in display order.
    pub symptoms: Vec<Symptom>,
    pub bands: Vec<GuidanceBand>,
    pub course: Option<GuidanceCourse>,
    pub site: Option<Site>,
}

pub fn facts(conn: &mut Conn, viewer: &Viewer) -> QueryResult<Facts> {
    let ids: Vec<i32> = conditions_table::table
        .filter(conditions_table::is_red_flag.eq(true))
        .order((conditions_table::category_id, conditions_table::position, conditions_table::id))
        .select(conditions_table::id)
        .load(conn)?;
    let red_flags = conditions::conditions_by_ids(conn, &ids, &ListQuery::none(), viewer)?;
    let symptoms = red_flag_symptoms::table
        .order((red_flag_symptoms::position, red_flag_symptoms::symptom))
        .select((red_flag_symptoms::symptom, red_flag_symptoms::label, red_flag_symptoms::condition_slug))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(symptom, label, condition)| Symptom { symptom, label, condition })
        .collect();
    Ok(Facts {
        red_flags,
        symptoms,
        bands: guidance::bands(conn)?,
        course: guidance::course(conn)?,
        site: crate::site::query::find(conn)?,
    })
}

/// The sections of public posts whose heading is about sessions, and the citations of those
/// posts: the content the session guidance comes from.
pub fn backing(conn: &mut Conn, viewer: &Viewer) -> QueryResult<Backing> {
    let rows: Vec<(i32, String, String, String, Option<String>)> = post_sections::table
        .inner_join(posts::table)
        .filter(crate::is_public!(posts, &viewer.now))
        .filter(post_sections::heading.like("%session%"))
        .order((posts::published_at.desc(), posts::id.desc(), post_sections::position))
        .limit(10)
        .select((posts::id, posts::slug, posts::title, post_sections::anchor, post_sections::heading))
        .load(conn)?;
    let mut post_ids: Vec<i32> = rows.iter().map(|row| row.0).collect();
    post_ids.dedup();
    let mut by_post = citations::for_posts(conn, &post_ids)?;
    let mut cited = Vec::new();
    for id in &post_ids {
        for citation in by_post.remove(id).unwrap_or_default() {
            if !cited.iter().any(|c: &crate::citations::model::PostCitation| c.slug == citation.slug) {
                cited.push(citation);
            }
        }
    }
    let sections = rows
        .into_iter()
        .map(|(_, slug, title, anchor, heading)| BackingSection {
            href: format!("/v1/posts/{slug}#{anchor}"),
            post: PostRef::new(slug, title),
            anchor,
            heading,
        })
        .collect();
    Ok(Backing { sections, citations: cited })
}
