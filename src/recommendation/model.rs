use serde::Serialize;
use utoipa::ToSchema;

use crate::citations::model::PostCitation;
use crate::conditions::model::Condition;
use crate::content::PostRef;
use crate::guidance::model::{GuidanceBand, GuidanceCourse};

/// What the recommendation says to do.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum Outcome {
    /// A red flag is present: see a doctor before considering massage.
    SeeADoctorFirst,
    /// No red flag: the band's sessions apply.
    BookSessions,
}

/// A recommendation for one person's back pain.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recommendation {
    /// `see_a_doctor_first` whenever any red flag or symptom is given (whatever the duration),
    /// otherwise `book_sessions`.
    #[schema(value_type = Outcome, example = "book_sessions")]
    pub outcome: String,
    /// Why, in one sentence.
    #[schema(
        example = "Pain that has lasted 120 days falls in the band 'Chronic or recurring back pain' (months to years, or recurring)."
    )]
    pub reason: String,
    /// The input as understood: the duration in days, recurrence, red flags and symptoms.
    pub input: RecommendationInput,
    /// The red-flag conditions present (from `red_flags` and `symptoms`); empty for `book_sessions`.
    pub red_flags: Vec<Condition>,
    /// The symptom flags given, each with what it means.
    pub symptoms: Vec<Symptom>,
    /// The matching band, for `book_sessions`; null for `see_a_doctor_first`.
    pub band: Option<GuidanceBand>,
    /// The initial course (sessions a week, weeks) and maintenance advice, for `book_sessions`.
    pub course: Option<GuidanceCourse>,
    /// True when progress should be reassessed after the initial course (the band's advice).
    #[schema(example = true)]
    pub reassess_after_course: bool,
    /// How often maintenance sessions are advised after the course, per the band; null when the
    /// band advises none (and for `see_a_doctor_first`).
    #[schema(value_type = Option<crate::guidance::model::MaintenanceInterval>, example = "monthly")]
    pub maintenance_interval: Option<String>,
    /// The post sections and citations the session guidance comes from, for `book_sessions`.
    pub backing: Option<Backing>,
    /// The clinic's disclaimer: always show it with the recommendation.
    pub disclaimer: String,
    /// Where to book, for `book_sessions`; null when a doctor should be seen first.
    #[schema(example = "https://easycozy.ca/booking")]
    pub booking_url: Option<String>,
}

/// The input of a recommendation, normalised.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecommendationInput {
    /// How long the pain has lasted, in days (weeks × 7 when given in weeks).
    #[schema(example = 120)]
    pub pain_duration_days: i64,
    #[schema(example = false)]
    pub recurring: bool,
    /// The red-flag condition slugs given, without duplicates.
    pub red_flags: Vec<String>,
    /// The symptom flags given, without duplicates.
    pub symptoms: Vec<String>,
}

/// A symptom flag and the red-flag condition it means.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Symptom {
    #[schema(example = "progressive_leg_weakness")]
    pub symptom: String,
    #[schema(example = "Progressive weakness in the legs")]
    pub label: String,
    /// The slug of the red-flag condition this symptom belongs to.
    #[schema(example = "progressive-neurological-symptoms")]
    pub condition: String,
}

/// Where the guidance comes from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Backing {
    /// Sections of published posts about the number of sessions.
    pub sections: Vec<BackingSection>,
    /// The sources those posts cite, with the claims they back.
    pub citations: Vec<PostCitation>,
}

/// A section of a post, linked by its anchor.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BackingSection {
    pub post: PostRef,
    #[schema(example = "how-many-sessions-you-actually-need")]
    pub anchor: String,
    #[schema(example = "How many sessions you actually need")]
    pub heading: Option<String>,
    /// The post's URL in this API with the section's fragment.
    #[schema(example = "/v1/posts/is-massage-therapy-worth-it-for-back-pain#how-many-sessions-you-actually-need")]
    pub href: String,
}
