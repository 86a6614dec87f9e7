use actix_web::{web, HttpRequest, HttpResponse};

use super::model::{Recommendation, RecommendationInput};
use super::query;
use crate::content::Viewer;
use crate::db::{self, DbPool};
use crate::error::{responses, ApiError, FieldError};
use crate::http::params::{self, clip};
use crate::http::respond::{self, Data};
use crate::tokens::Caller;

/// The longest duration accepted, in days (a hundred years); weeks likewise.
const MAX_DAYS: i64 = 36_500;
const MAX_WEEKS: i64 = MAX_DAYS / 7;
const PARAMETERS: &str = "pain_duration_days, pain_duration_weeks, recurring, red_flags, symptoms";

/// The query as parsed, before the red flags and symptoms are checked against the database.
#[derive(Debug, Default)]
struct Asked {
    days: Option<i64>,
    recurring: bool,
    red_flags: Vec<String>,
    symptoms: Vec<String>,
}

fn non_negative(field: &str, value: &str, max: i64) -> Result<i64, FieldError> {
    match value.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) && !value.starts_with('+') => Ok(n),
        _ => Err(FieldError::new(field, format!("must be a whole number from 0 to {max}, got '{}'", clip(value)))),
    }
}

fn list(field: &str, value: &str) -> Result<Vec<String>, FieldError> {
    let mut items: Vec<String> = Vec::new();
    for item in value.split(',') {
        if item.is_empty() {
            return Err(FieldError::new(field, "must be a comma-separated list without empty items"));
        }
        if !items.iter().any(|seen| seen == item) {
            items.push(item.to_string());
        }
    }
    if items.len() > 20 {
        return Err(FieldError::new(field, "may list at most 20 values"));
    }
    Ok(items)
}

fn parse(query_string: &str) -> (Asked, Vec<FieldError>) {
    let mut asked = Asked::default();
    let mut seen: Vec<String> = Vec::new();
    let mut errors = params::each_once(query_string, |param, value| {
        seen.push(param.to_string());
        match param {
            "pain_duration_days" => non_negative("pain_duration_days", value, MAX_DAYS).map(|n| asked.days = Some(n)),
            "pain_duration_weeks" => {
                non_negative("pain_duration_weeks", value, MAX_WEEKS).map(|n| asked.days = Some(n * 7))
            }
            "recurring" => match value {
                "true" | "false" => {
                    asked.recurring = value == "true";
                    Ok(())
                }
                other => Err(FieldError::new("recurring", format!("must be true or false, got '{}'", clip(other)))),
            },
            "red_flags" => list("red_flags", value).map(|items| asked.red_flags = items),
            "symptoms" => list("symptoms", value).map(|items| asked.symptoms = items),
            other => Err(params::unknown(other, PARAMETERS)),
        }
    });
    let both = seen.iter().any(|p| p == "pain_duration_days") && seen.iter().any(|p| p == "pain_duration_weeks");
    if both {
        errors.push(FieldError::new("pain_duration_weeks", "cannot be combined with pain_duration_days"));
    } else if !seen.iter().any(|p| p == "pain_duration_days" || p == "pain_duration_weeks") {
        errors.push(FieldError::new("pain_duration_days", "is required (or pain_duration_weeks)"));
    }
    (asked, errors)
}

/// Recommend sessions, or a doctor first
///
/// From how long the pain has lasted, whether it recurs, and any red-flag conditions or
/// symptoms: `see_a_doctor_first` with the red-flag conditions whenever any red flag or symptom
/// is given (red flags always win over any session count), otherwise `book_sessions` with the
/// matching guidance band (recurring pain: the band that includes recurring pain), the initial
/// course, reassessment, maintenance, the post sections and citations behind it, the clinic's
/// disclaimer and booking link. Bands are data (`GET /v1/guidance`); the bundled ones are
/// `acute` 0–27 days, `sub-acute` 28–90 days and `chronic` 91 days or more, or recurring.
#[utoipa::path(
    get,
    path = "/v1/guidance/recommendation",
    tag = "guidance",
    operation_id = "getGuidanceRecommendation",
    params(
        ("pain_duration_days" = Option<i64>, Query, minimum = 0, maximum = 36500, description = "How long the pain has lasted, in days. Exactly one of `pain_duration_days` and `pain_duration_weeks` is required.", example = 120),
        ("pain_duration_weeks" = Option<i64>, Query, minimum = 0, maximum = 5214, description = "How long the pain has lasted, in weeks (counted as 7 days each)."),
        ("recurring" = Option<bool>, Query, description = "The pain keeps coming back (`true` or `false`, default `false`)."),
        ("red_flags" = Option<String>, Query, description = "Comma-separated slugs of red-flag conditions present (`GET /v1/conditions?filter[is_red_flag]=true`).", example = "back-pain-after-trauma"),
        ("symptoms" = Option<String>, Query, description = "Comma-separated symptom flags present: `progressive_leg_weakness`, `leg_numbness`, `after_trauma`, `unexplained_weight_loss`, `fever`, `bowel_bladder_changes`.", example = "fever"),
    ),
    responses(
        (status = 200, description = "The recommendation", body = RecommendationResponse),
        responses::ReadResponses,
        (status = 503, response = responses::Unavailable),
    )
)]
pub async fn get_recommendation(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let (asked, mut errors) = parse(req.query_string());
    let viewer = Viewer::for_request(&req, &caller);
    let (facts, backing) = db::run(&pool, move |conn| {
        let facts = query::facts(conn, &viewer)?;
        let backing = query::backing(conn, &viewer)?;
        Ok((facts, backing))
    })
    .await?;
    for slug in &asked.red_flags {
        if !facts.red_flags.iter().any(|c| c.slug == *slug) {
            let known = facts.red_flags.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>().join(", ");
            errors.push(FieldError::new(
                "red_flags",
                format!("'{}' is not a red-flag condition; red flags: {known}", clip(slug)),
            ));
        }
    }
    for name in &asked.symptoms {
        if !facts.symptoms.iter().any(|s| s.symptom == *name) {
            let known = facts.symptoms.iter().map(|s| s.symptom.as_str()).collect::<Vec<_>>().join(", ");
            errors.push(FieldError::new(
                "symptoms",
                format!("'{}' is not a symptom flag; symptoms: {known}", clip(name)),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::bad_params(errors));
    }
    let Some(site) = facts.site else {
        return Err(ApiError::Unavailable("The content library has not been seeded yet.".into()));
    };
    let days = asked.days.expect("checked: a duration is required");
    let input = RecommendationInput {
        pain_duration_days: days,
        recurring: asked.recurring,
        red_flags: asked.red_flags.clone(),
        symptoms: asked.symptoms.clone(),
    };
    let symptoms: Vec<_> = facts.symptoms.into_iter().filter(|s| asked.symptoms.contains(&s.symptom)).collect();

    if !asked.red_flags.is_empty() || !symptoms.is_empty() {
        // Red flags always win, whatever the duration.
        let red_flags: Vec<_> = facts
            .red_flags
            .into_iter()
            .filter(|c| asked.red_flags.contains(&c.slug) || symptoms.iter().any(|s| s.condition == c.slug))
            .collect();
        let mut named: Vec<String> = red_flags.iter().map(|c| c.name.to_lowercase()).collect();
        named.extend(
            symptoms
                .iter()
                .filter(|s| !red_flags.iter().any(|c| c.slug == s.condition))
                .map(|s| s.label.to_lowercase()),
        );
        let reason = format!(
            "Warning signs were reported ({}): they need a medical assessment before massage is considered, however long the pain has lasted.",
            named.join("; ")
        );
        let recommendation = Recommendation {
            outcome: "see_a_doctor_first".into(),
            reason,
            input,
            red_flags,
            symptoms,
            band: None,
            course: None,
            reassess_after_course: false,
            maintenance_interval: None,
            backing: None,
            disclaimer: site.disclaimer,
            booking_url: None,
        };
        return respond::json_for(&req, &caller, &Data { data: recommendation }, None);
    }

    let band = if asked.recurring {
        facts.bands.iter().find(|band| band.includes_recurring)
    } else {
        facts.bands.iter().find(|band| {
            i64::from(band.pain_duration.min_days) <= days
                && band.pain_duration.max_days.is_none_or(|max| days <= i64::from(max))
        })
    };
    let Some(band) = band.cloned() else {
        return Err(ApiError::internal(format!(
            "no guidance band covers {days} days (recurring: {})",
            asked.recurring
        )));
    };
    let reason = if asked.recurring {
        format!("Recurring pain belongs to the band '{}' ({}).", band.name, band.duration_label)
    } else {
        format!(
            "Pain that has lasted {days} day{} falls in the band '{}' ({}).",
            if days == 1 { "" } else { "s" },
            band.name,
            band.duration_label
        )
    };
    let recommendation = Recommendation {
        outcome: "book_sessions".into(),
        reason,
        input,
        red_flags: Vec::new(),
        symptoms,
        reassess_after_course: band.reassess_after_course,
        maintenance_interval: band.maintenance_interval.clone(),
        band: Some(band),
        course: facts.course,
        backing: Some(backing),
        disclaimer: site.disclaimer,
        booking_url: Some(site.booking_url),
    };
    respond::json_for(&req, &caller, &Data { data: recommendation }, None)
}

/// `{"data": Recommendation}`
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct RecommendationResponse {
    pub data: Recommendation,
}
