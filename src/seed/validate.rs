//! Checks a library document before anything is written, reporting every problem at once.

use std::collections::HashSet;

use super::format::{Library, FORMAT_VERSION};
use crate::clock;
use crate::conditions::model::{REGIONS, RESPONSE_LEVELS};
use crate::guidance::model::{BandInput, MAINTENANCE_INTERVALS};
use crate::posts::model::STATUSES;

pub fn is_slug(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 100
        && value
            .split('-')
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn is_http_url(value: &str) -> bool {
    (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > 10
        && !value.contains(char::is_whitespace)
}

struct Problems(Vec<String>);

impl Problems {
    fn check(&mut self, ok: bool, problem: impl FnOnce() -> String) {
        if !ok {
            self.0.push(problem());
        }
    }

    fn slug(&mut self, kind: &str, slug: &str) {
        self.check(is_slug(slug), || format!("{kind} '{slug}': the slug must be lower-case letters, digits and single hyphens, at most 100 characters"));
    }

    fn url(&mut self, what: &str, url: &str) {
        self.check(is_http_url(url), || format!("{what}: '{url}' is not an http(s) URL"));
    }

    fn unique<'a>(&mut self, kind: &str, slugs: impl Iterator<Item = &'a str>) -> HashSet<&'a str> {
        let mut seen = HashSet::new();
        for slug in slugs {
            self.slug(kind, slug);
            self.check(seen.insert(slug), || format!("{kind} '{slug}' appears more than once"));
        }
        seen
    }

    fn publication(&mut self, what: &str, status: &str, published_at: &Option<String>) {
        self.check(STATUSES.contains(&status), || format!("{what}: unknown status '{status}'"));
        match published_at {
            Some(time) => self.check(clock::normalize(time).as_deref() == Some(time.as_str()), || {
                format!("{what}: published_at '{time}' must be an RFC 3339 UTC time like 2026-04-25T16:00:00Z")
            }),
            None => self.check(!matches!(status, "published" | "scheduled"), || {
                format!("{what}: a {status} entry needs published_at")
            }),
        }
    }
}

pub fn validate(library: &Library) -> Vec<String> {
    let mut p = Problems(Vec::new());
    p.check(library.format_version == FORMAT_VERSION, || {
        format!("format_version {} is not supported (expected {FORMAT_VERSION})", library.format_version)
    });

    let site = &library.site;
    p.url("site.website_url", &site.website_url);
    p.url("site.booking_url", &site.booking_url);
    p.check(site.country_code.len() == 2, || "site.country_code must be two letters".into());
    p.check(!site.disclaimer.trim().is_empty(), || "site.disclaimer must not be empty".into());

    let tags = p.unique("tag", library.tags.iter().map(|t| t.slug.as_str()));
    let citations = p.unique("citation", library.citations.iter().map(|c| c.slug.as_str()));
    for citation in &library.citations {
        p.url(&format!("citation '{}'", citation.slug), &citation.url);
    }

    let categories = p.unique("condition category", library.condition_categories.iter().map(|c| c.slug.as_str()));
    p.unique(
        "condition",
        library.condition_categories.iter().flat_map(|c| c.conditions.iter().map(|c| c.slug.as_str())),
    );
    for category in &library.condition_categories {
        p.check(RESPONSE_LEVELS.contains(&category.response_level.as_str()), || {
            format!("condition category '{}': unknown response_level '{}'", category.slug, category.response_level)
        });
        for condition in &category.conditions {
            p.check(REGIONS.contains(&condition.region.as_str()), || {
                format!("condition '{}': unknown region '{}'", condition.slug, condition.region)
            });
            p.check(condition.is_red_flag == (category.response_level == "refer"), || {
                format!("condition '{}': is_red_flag must be true exactly in a 'refer' category", condition.slug)
            });
        }
    }

    p.unique("guidance band", library.guidance.bands.iter().map(|b| b.slug.as_str()));
    for problem in band_coverage(&library.guidance.bands) {
        p.0.push(problem);
    }
    let course = &library.guidance.course;
    p.check(course.sessions_per_week_min >= 1 && course.sessions_per_week_min <= course.sessions_per_week_max, || {
        "guidance.course: sessions_per_week_min must be at least 1 and not above the max".into()
    });
    p.check(course.course_weeks_min >= 1 && course.course_weeks_min <= course.course_weeks_max, || {
        "guidance.course: course_weeks_min must be at least 1 and not above the max".into()
    });
    p.check(MAINTENANCE_INTERVALS.contains(&course.maintenance_interval.as_str()), || {
        format!("guidance.course: unknown maintenance_interval '{}'", course.maintenance_interval)
    });

    let posts = p.unique("post", library.posts.iter().map(|post| post.slug.as_str()));
    for post in &library.posts {
        let what = format!("post '{}'", post.slug);
        p.publication(&what, &post.status, &post.published_at);
        p.check(!post.sections.is_empty(), || format!("{what}: a post needs at least one section"));
        if let Some(cta) = &post.cta {
            p.url(&format!("{what} cta"), &cta.url);
        }
        if let Some(url) = &post.canonical_url {
            p.url(&format!("{what} canonical_url"), url);
        }
        for tag in &post.tags {
            p.check(tags.contains(tag.as_str()), || format!("{what}: unknown tag '{tag}'"));
        }
        for cited in &post.citations {
            p.check(citations.contains(cited.citation.as_str()), || {
                format!("{what}: unknown citation '{}'", cited.citation)
            });
        }
        for category in &post.condition_categories {
            p.check(categories.contains(category.as_str()), || {
                format!("{what}: unknown condition category '{category}'")
            });
        }
    }

    p.unique("FAQ entry", library.faqs.iter().map(|faq| faq.slug.as_str()));
    for faq in &library.faqs {
        let what = format!("FAQ entry '{}'", faq.slug);
        p.publication(&what, &faq.status, &faq.published_at);
        if let Some(post) = &faq.post {
            p.check(posts.contains(post.as_str()), || format!("{what}: unknown post '{post}'"));
        }
        for tag in &faq.tags {
            p.check(tags.contains(tag.as_str()), || format!("{what}: unknown tag '{tag}'"));
        }
    }
    p.0
}

/// Bands must cover every duration from 0 days up exactly once, and exactly one band takes
/// recurring pain.
pub fn band_coverage(bands: &[BandInput]) -> Vec<String> {
    let mut problems = Vec::new();
    if bands.is_empty() {
        return problems;
    }
    for band in bands {
        let ranges_ok = band.sessions_min >= 1
            && band.sessions_min <= band.sessions_max
            && band.weeks_min.is_some() == band.weeks_max.is_some()
            && band.weeks_min.zip(band.weeks_max).is_none_or(|(min, max)| min >= 1 && min <= max)
            && band.pain_duration_min_days >= 0
            && band.pain_duration_max_days.is_none_or(|max| max >= band.pain_duration_min_days);
        if !ranges_ok {
            problems.push(format!(
                "guidance band '{}': each minimum must be at least its floor and not above its maximum",
                band.slug
            ));
        }
        if let Some(interval) = &band.maintenance_interval {
            if !MAINTENANCE_INTERVALS.contains(&interval.as_str()) {
                problems.push(format!("guidance band '{}': unknown maintenance_interval '{interval}'", band.slug));
            }
        }
    }
    let mut sorted: Vec<&BandInput> = bands.iter().collect();
    sorted.sort_by_key(|band| band.pain_duration_min_days);
    let mut next_day = 0i64;
    for band in &sorted {
        let start = i64::from(band.pain_duration_min_days);
        if start != next_day {
            problems.push(format!(
                "guidance bands: band '{}' starts at day {start}; the previous band ends at day {} (gaps and overlaps are not allowed)",
                band.slug,
                next_day - 1
            ));
        }
        match band.pain_duration_max_days {
            Some(max) => next_day = i64::from(max) + 1,
            None => next_day = i64::MAX,
        }
    }
    if next_day != i64::MAX {
        problems.push("guidance bands: the last band must be open-ended (pain_duration_max_days null)".into());
    }
    let recurring = bands.iter().filter(|band| band.includes_recurring).count();
    if recurring != 1 {
        problems.push(format!("guidance bands: exactly one band must include recurring pain, found {recurring}"));
    }
    problems
}
