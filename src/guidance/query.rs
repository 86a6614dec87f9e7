//! Database access for session guidance.

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{BandInput, CourseInput, Guidance, GuidanceBand, GuidanceCourse};
use crate::db::{sync_row, Change};
use crate::schema::{guidance_bands, guidance_course};
use crate::search::index as search;

/// All guidance with the clinic's disclaimer and booking link; None before the library is seeded.
pub fn guidance(conn: &mut Conn) -> QueryResult<Option<Guidance>> {
    let bands = bands(conn)?;
    Ok(match (course(conn)?, crate::site::query::find(conn)?) {
        (Some(course), Some(site)) => {
            Some(Guidance { bands, course, disclaimer: site.disclaimer, booking_url: site.booking_url })
        }
        _ => None,
    })
}

/// Every band in order of pain duration.
pub fn bands(conn: &mut Conn) -> QueryResult<Vec<GuidanceBand>> {
    let rows: Vec<(BandInput, String)> = guidance_bands::table
        .order(guidance_bands::pain_duration_min_days)
        .select((BandInput::as_select(), guidance_bands::updated_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|(band, updated_at)| band.into_band(updated_at)).collect())
}

pub fn find_band(conn: &mut Conn, slug: &str) -> QueryResult<Option<GuidanceBand>> {
    let row: Option<(BandInput, String)> = guidance_bands::table
        .filter(guidance_bands::slug.eq(slug))
        .select((BandInput::as_select(), guidance_bands::updated_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(band, updated_at)| band.into_band(updated_at)))
}

pub fn course(conn: &mut Conn) -> QueryResult<Option<GuidanceCourse>> {
    let row: Option<(CourseInput, String)> = guidance_course::table
        .select((CourseInput::as_select(), guidance_course::updated_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(course, updated_at)| course.into_course(updated_at)))
}

/// Inserts or updates a band by slug; unchanged content writes nothing.
pub fn sync_band(conn: &mut Conn, input: &BandInput, now: &str) -> QueryResult<Change> {
    let existing = guidance_bands::table
        .filter(guidance_bands::slug.eq(&input.slug))
        .select((guidance_bands::id, BandInput::as_select()))
        .first::<(i32, BandInput)>(conn)
        .optional()?;
    let insert = |conn: &mut Conn| insert_band(conn, input, now);
    let update = |conn: &mut Conn, id: i32| update_band(conn, id, input, now);
    let (id, change) = sync_row(conn, existing, input, insert, update)?;
    if change != Change::Unchanged {
        search::reindex(conn, search::Kind::Guidance, id)?;
    }
    Ok(change)
}

/// Inserts a new band row; returns its id. (The seed sync and the write API both write through
/// here and `update_band`.)
pub fn insert_band(conn: &mut Conn, input: &BandInput, now: &str) -> QueryResult<i32> {
    crate::insert_stamped!(conn, guidance_bands, input, now)
}

pub fn update_band(conn: &mut Conn, id: i32, input: &BandInput, now: &str) -> QueryResult<usize> {
    crate::update_stamped!(conn, guidance_bands, id, input, now)
}

/// Inserts or updates the single course-advice row.
pub fn sync_course(conn: &mut Conn, input: &CourseInput, now: &str) -> QueryResult<Change> {
    let existing = guidance_course::table
        .select((guidance_course::id, CourseInput::as_select()))
        .first::<(i32, CourseInput)>(conn)
        .optional()?;
    let insert =
        |conn: &mut Conn| crate::insert_stamped!(conn, guidance_course, (guidance_course::id.eq(1), input), now);
    let update = |conn: &mut Conn, id: i32| crate::update_stamped!(conn, guidance_course, id, input, now);
    Ok(sync_row(conn, existing, input, insert, update)?.1)
}
