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

/// Sections whose heading is about sessions: the condition of the index
/// `post_sections_about_sessions`, written exactly as there so that both databases use it.
const ABOUT_SESSIONS: &str = "lower(post_sections.heading) LIKE '%session%'";

/// Sections of the backing, at most.
const BACKING_SECTIONS: usize = 10;

/// The sections of public posts whose heading is about sessions (the newest posts' first), and
/// the citations of those posts: the content the session guidance comes from. The sections are
/// read off their index and sorted here: with an ORDER BY the databases walk every public post,
/// newest first, looking for them.
pub fn backing(conn: &mut Conn, viewer: &Viewer) -> QueryResult<Backing> {
    type Row = (i32, String, String, String, Option<String>);
    let mut found: Vec<(String, i32, Row)> = post_sections::table
        .inner_join(posts::table)
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(ABOUT_SESSIONS))
        .filter(crate::is_public!(posts, &viewer.now))
        .select((
            posts::published_at.assume_not_null(),
            post_sections::position,
            (posts::id, posts::slug, posts::title, post_sections::anchor, post_sections::heading),
        ))
        .load(conn)?;
    found.sort_by(|a, b| b.0.cmp(&a.0).then(b.2 .0.cmp(&a.2 .0)).then(a.1.cmp(&b.1)));
    let rows: Vec<Row> = found.into_iter().take(BACKING_SECTIONS).map(|(_, _, row)| row).collect();
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
