use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::schema::{guidance_bands, guidance_course};

/// How often maintenance sessions are advised.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum MaintenanceInterval {
    Weekly,
    Fortnightly,
    Monthly,
    Quarterly,
}

pub const MAINTENANCE_INTERVALS: &[&str] = &["weekly", "fortnightly", "monthly", "quarterly"];

/// An inclusive range of whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct IntRange {
    #[schema(example = 4)]
    pub min: i32,
    #[schema(example = 6)]
    pub max: i32,
}

/// How long the pain has lasted, in days, inclusive; `max_days` null means no upper bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct DurationRange {
    #[schema(example = 91)]
    pub min_days: i32,
    #[schema(example = json!(null))]
    pub max_days: Option<i32>,
}

/// All session guidance: the bands, the course advice, and the clinic's disclaimer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Guidance {
    /// The bands in order of pain duration; together they cover every duration from 0 days.
    pub bands: Vec<GuidanceBand>,
    pub course: GuidanceCourse,
    /// The clinic's disclaimer, to show with any guidance.
    pub disclaimer: String,
    /// Where to book a session.
    #[schema(example = "https://easycozy.ca/booking")]
    pub booking_url: String,
}

/// How many sessions, for pain that has lasted a given time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GuidanceBand {
    #[schema(example = "chronic")]
    pub slug: String,
    #[schema(example = "Chronic or recurring back pain")]
    pub name: String,
    /// The duration in words.
    #[schema(example = "months to years, or recurring")]
    pub duration_label: String,
    pub pain_duration: DurationRange,
    /// True when recurring pain belongs to this band, whatever its duration.
    #[schema(example = true)]
    pub includes_recurring: bool,
    /// The number of sessions in the initial course.
    pub sessions: IntRange,
    /// Over how many weeks, when the guidance says.
    pub weeks: Option<IntRange>,
    /// True when progress should be reassessed after the initial course.
    #[schema(example = true)]
    pub reassess_after_course: bool,
    /// How often maintenance sessions are advised after the course, if at all.
    #[schema(value_type = Option<MaintenanceInterval>, example = "monthly")]
    pub maintenance_interval: Option<String>,
    pub notes: String,
    pub updated_at: String,
}

/// The advice for every band: how often during the initial course, and maintenance after it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GuidanceCourse {
    /// Sessions per week during the initial course.
    pub sessions_per_week: IntRange,
    /// Weeks the initial course lasts.
    pub course_weeks: IntRange,
    #[schema(value_type = MaintenanceInterval, example = "monthly")]
    pub maintenance_interval: String,
    pub frequency_notes: String,
    pub maintenance_notes: String,
    pub updated_at: String,
}

/// A band as written in the seed file.
// Also its stored columns (all but the id and times), as `CourseInput` is the course's.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Insertable, AsChangeset, Queryable, Selectable, ToSchema,
)]
#[diesel(table_name = guidance_bands, treat_none_as_null = true)]
#[serde(deny_unknown_fields)]
pub struct BandInput {
    pub slug: String,
    pub name: String,
    pub duration_label: String,
    pub pain_duration_min_days: i32,
    pub pain_duration_max_days: Option<i32>,
    pub includes_recurring: bool,
    pub sessions_min: i32,
    pub sessions_max: i32,
    pub weeks_min: Option<i32>,
    pub weeks_max: Option<i32>,
    pub reassess_after_course: bool,
    pub maintenance_interval: Option<String>,
    pub notes: String,
}

/// The course advice as written in the seed file (and as stored).
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Insertable, AsChangeset, Queryable, Selectable, ToSchema,
)]
#[diesel(table_name = guidance_course)]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    pub sessions_per_week_min: i32,
    pub sessions_per_week_max: i32,
    pub course_weeks_min: i32,
    pub course_weeks_max: i32,
    pub maintenance_interval: String,
    pub frequency_notes: String,
    pub maintenance_notes: String,
}

impl BandInput {
    pub fn into_band(self, updated_at: String) -> GuidanceBand {
        GuidanceBand {
            slug: self.slug,
            name: self.name,
            duration_label: self.duration_label,
            pain_duration: DurationRange {
                min_days: self.pain_duration_min_days,
                max_days: self.pain_duration_max_days,
            },
            includes_recurring: self.includes_recurring,
            sessions: IntRange { min: self.sessions_min, max: self.sessions_max },
            weeks: self.weeks_min.zip(self.weeks_max).map(|(min, max)| IntRange { min, max }),
            reassess_after_course: self.reassess_after_course,
            maintenance_interval: self.maintenance_interval,
            notes: self.notes,
            updated_at,
        }
    }
}

impl CourseInput {
    pub fn into_course(self, updated_at: String) -> GuidanceCourse {
        GuidanceCourse {
            sessions_per_week: IntRange { min: self.sessions_per_week_min, max: self.sessions_per_week_max },
            course_weeks: IntRange { min: self.course_weeks_min, max: self.course_weeks_max },
            maintenance_interval: self.maintenance_interval,
            frequency_notes: self.frequency_notes,
            maintenance_notes: self.maintenance_notes,
            updated_at,
        }
    }
}

crate::envelope!(GuidanceResponse, Guidance);
crate::envelope!(GuidanceBandResponse, GuidanceBand);
crate::envelope!(GuidanceCourseResponse, GuidanceCourse);
