//! Writing session guidance. Bands must always cover every pain duration from day 0 exactly
//! once, so a single band can be edited in place (`PATCH`) and the whole set replaced at once
//! (`PUT /v1/guidance/bands`); adding or removing one band alone would always leave a gap or
//! an overlap.

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{BandInput, CourseInput, GuidanceBand, GuidanceCourse, MAINTENANCE_INTERVALS};
use super::query;
use crate::content::Viewer;
use crate::error::{ApiError, FieldError};
use crate::http::write::Writable;
use crate::schema::{guidance_bands, guidance_course};
use crate::search::index as search;
use crate::validation::{problems, Check};

/// Paths under /v1/guidance that are not bands.
pub const RESERVED_SLUGS: &[&str] = &["course", "bands", "recommendation"];

impl BandInput {
    pub fn validate(&self, check: &mut Check) {
        check.slug("slug", &self.slug);
        check.that(!RESERVED_SLUGS.contains(&self.slug.as_str()), "slug", || {
            format!("'{}' is reserved for another route under /v1/guidance", self.slug)
        });
        check.text("name", &self.name, 1, 200);
        check.text("duration_label", &self.duration_label, 1, 200);
        check.text("notes", &self.notes, 0, 5000);
        check.range("pain_duration_min_days", self.pain_duration_min_days.into(), 0, 36_500);
        if let Some(max) = self.pain_duration_max_days {
            check.range("pain_duration_max_days", max.into(), self.pain_duration_min_days.into(), 36_500);
        }
        check.range("sessions_min", self.sessions_min.into(), 1, 100);
        check.range("sessions_max", self.sessions_max.into(), self.sessions_min.max(1).into(), 100);
        match (self.weeks_min, self.weeks_max) {
            (Some(min), Some(max)) => {
                check.range("weeks_min", min.into(), 1, 104);
                check.range("weeks_max", max.into(), min.max(1).into(), 104);
            }
            (None, None) => {}
            _ => check.fail("weeks_max", "weeks_min and weeks_max are given together or not at all"),
        }
        if let Some(interval) = &self.maintenance_interval {
            check.one_of("maintenance_interval", interval, MAINTENANCE_INTERVALS);
        }
    }
}

impl CourseInput {
    pub fn validate(&self, check: &mut Check) {
        check.range("sessions_per_week_min", self.sessions_per_week_min.into(), 1, 14);
        check.range(
            "sessions_per_week_max",
            self.sessions_per_week_max.into(),
            self.sessions_per_week_min.max(1).into(),
            14,
        );
        check.range("course_weeks_min", self.course_weeks_min.into(), 1, 104);
        check.range("course_weeks_max", self.course_weeks_max.into(), self.course_weeks_min.max(1).into(), 104);
        check.one_of("maintenance_interval", &self.maintenance_interval, MAINTENANCE_INTERVALS);
        check.text("frequency_notes", &self.frequency_notes, 0, 5000);
        check.text("maintenance_notes", &self.maintenance_notes, 0, 5000);
    }
}

/// Every duration from day 0 up must fall in exactly one band, and exactly one band must take
/// recurring pain. Returns what is wrong, if anything.
pub fn coverage(bands: &[BandInput]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut sorted: Vec<&BandInput> = bands.iter().collect();
    sorted.sort_by_key(|band| band.pain_duration_min_days);
    let mut next_day = 0i64;
    for band in &sorted {
        let start = i64::from(band.pain_duration_min_days);
        if next_day == i64::MAX {
            problems.push(format!("band '{}' starts at day {start}, after an open-ended band", band.slug));
        } else if start > next_day {
            problems.push(format!(
                "no band covers days {next_day} to {}: band '{}' starts at day {start}",
                start - 1,
                band.slug
            ));
        } else if start < next_day {
            problems.push(format!(
                "band '{}' starts at day {start}, inside the band before it (which ends at day {})",
                band.slug,
                next_day - 1
            ));
        }
        next_day = band.pain_duration_max_days.map_or(i64::MAX, |max| i64::from(max) + 1);
    }
    if next_day != i64::MAX && !bands.is_empty() {
        problems.push("the last band must be open-ended (pain_duration_max_days null)".into());
    }
    let recurring = bands.iter().filter(|band| band.includes_recurring).count();
    if recurring != 1 && !bands.is_empty() {
        problems.push(format!("exactly one band must include recurring pain, found {recurring}"));
    }
    problems
}

fn all_bands(conn: &mut Conn) -> QueryResult<Vec<(i32, BandInput)>> {
    guidance_bands::table
        .order(guidance_bands::pain_duration_min_days)
        .select((guidance_bands::id, BandInput::as_select()))
        .load(conn)
}

/// Replaces every band at once (in one transaction with the caller's).
pub fn replace_bands(conn: &mut Conn, bands: &[BandInput], now: &str) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for (i, band) in bands.iter().enumerate() {
        let mut check = Check::new(format!("[{i}]"));
        band.validate(&mut check);
        errors.extend(check.errors);
    }
    let mut check = Check::new("");
    check.distinct("", bands.iter().map(|band| band.slug.as_str()));
    check.that(!bands.is_empty(), "", || "at least one band is needed".into());
    errors.extend(check.errors);
    errors.extend(coverage(bands).into_iter().map(|problem| FieldError::new("bands", problem)));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let keep: Vec<&str> = bands.iter().map(|band| band.slug.as_str()).collect();
    let dropped: Vec<i32> =
        guidance_bands::table.filter(guidance_bands::slug.ne_all(&keep)).select(guidance_bands::id).load(conn)?;
    for id in &dropped {
        search::remove(conn, search::Kind::Guidance, *id)?;
    }
    diesel::delete(guidance_bands::table.filter(guidance_bands::id.eq_any(&dropped))).execute(conn)?;
    for band in bands {
        query::sync_band(conn, band, now)?;
    }
    Ok(())
}

pub struct Bands;

impl Writable for Bands {
    type Input = BandInput;
    type Output = GuidanceBand;
    const NAME: &'static str = "guidance band";
    const COLLECTION: &'static str = "/v1/guidance";
    const EVENT_KIND: &'static str = "guidance";

    fn slug(input: &BandInput) -> &str {
        &input.slug
    }

    fn load(conn: &mut Conn, slug: &str) -> QueryResult<Option<(i32, BandInput)>> {
        guidance_bands::table
            .filter(guidance_bands::slug.eq(slug))
            .select((guidance_bands::id, BandInput::as_select()))
            .first(conn)
            .optional()
    }

    fn validate(conn: &mut Conn, input: &BandInput, existing: Option<i32>) -> QueryResult<Vec<FieldError>> {
        let mut check = Check::new("");
        input.validate(&mut check);
        let mut bands: Vec<BandInput> =
            all_bands(conn)?.into_iter().filter(|(id, _)| Some(*id) != existing).map(|(_, band)| band).collect();
        bands.push(input.clone());
        for problem in coverage(&bands) {
            check.fail("pain_duration_min_days", problem);
        }
        Ok(check.errors)
    }

    fn save(
        conn: &mut Conn,
        input: &BandInput,
        existing: Option<(i32, &BandInput)>,
        now: &str,
    ) -> Result<i32, ApiError> {
        let id = match existing {
            Some((id, _)) => {
                query::update_band(conn, id, input, now)?;
                id
            }
            None => query::insert_band(conn, input, now)?,
        };
        search::reindex(conn, search::Kind::Guidance, id)?;
        Ok(id)
    }

    fn delete(_conn: &mut Conn, _id: i32) -> Result<(), ApiError> {
        Err(ApiError::Conflict(
            "Removing one band would leave a gap; replace the set with PUT /v1/guidance/bands.".into(),
        ))
    }

    fn find(conn: &mut Conn, slug: &str, _viewer: &Viewer) -> QueryResult<Option<GuidanceBand>> {
        query::find_band(conn, slug)
    }
}

pub struct Course;

impl Writable for Course {
    type Input = CourseInput;
    type Output = GuidanceCourse;
    const NAME: &'static str = "course advice";
    const COLLECTION: &'static str = "/v1/guidance";
    const EVENT_KIND: &'static str = "guidance";

    fn slug(_input: &CourseInput) -> &str {
        "course"
    }

    fn load(conn: &mut Conn, _slug: &str) -> QueryResult<Option<(i32, CourseInput)>> {
        guidance_course::table.select((guidance_course::id, CourseInput::as_select())).first(conn).optional()
    }

    fn validate(_conn: &mut Conn, input: &CourseInput, _existing: Option<i32>) -> QueryResult<Vec<FieldError>> {
        Ok(problems(|check| input.validate(check)))
    }

    fn save(
        conn: &mut Conn,
        input: &CourseInput,
        _existing: Option<(i32, &CourseInput)>,
        now: &str,
    ) -> Result<i32, ApiError> {
        query::sync_course(conn, input, now)?;
        Ok(1)
    }

    fn delete(_conn: &mut Conn, _id: i32) -> Result<(), ApiError> {
        Err(ApiError::Conflict("The course advice cannot be deleted.".into()))
    }

    fn find(conn: &mut Conn, _slug: &str, _viewer: &Viewer) -> QueryResult<Option<GuidanceCourse>> {
        query::course(conn)
    }
}
