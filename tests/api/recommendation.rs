//! GET /v1/guidance/recommendation: bands by duration, recurring pain, red-flag triage, strict input.

use serde_json::{json, Value};

use crate::helpers::spawn_app;

const RED_FLAGS: [&str; 3] = ["progressive-neurological-symptoms", "back-pain-after-trauma", "systemic-warning-signs"];
const SYMPTOMS: [(&str, &str); 6] = [
    ("progressive_leg_weakness", "progressive-neurological-symptoms"),
    ("leg_numbness", "progressive-neurological-symptoms"),
    ("after_trauma", "back-pain-after-trauma"),
    ("unexplained_weight_loss", "systemic-warning-signs"),
    ("fever", "systemic-warning-signs"),
    ("bowel_bladder_changes", "systemic-warning-signs"),
];

fn seed_band(days: i64) -> &'static str {
    match days {
        0..=27 => "acute",
        28..=90 => "sub-acute",
        _ => "chronic",
    }
}

#[actix_web::test]
async fn every_duration_from_0_to_1000_days_maps_to_exactly_one_band() {
    let app = spawn_app().await;
    let guidance = app.get_ok("/v1/guidance").await["data"].clone();
    for days in 0..=1000i64 {
        let data = app.get_ok(&format!("/v1/guidance/recommendation?pain_duration_days={days}")).await["data"].clone();
        assert_eq!(data["outcome"], "book_sessions", "{days} days");
        let band = &data["band"];
        assert_eq!(band["slug"], seed_band(days), "{days} days");
        // Exactly one band of the guidance covers the duration, and it is the one answered.
        let covering: Vec<&Value> = guidance["bands"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| {
                b["pain_duration"]["min_days"].as_i64().unwrap() <= days
                    && b["pain_duration"]["max_days"].as_i64().is_none_or(|max| days <= max)
            })
            .collect();
        assert_eq!(covering.len(), 1, "{days} days");
        assert_eq!(covering[0]["slug"], band["slug"]);
        assert_eq!(data["input"]["pain_duration_days"], days);
        assert_eq!(data["red_flags"], json!([]));
    }
}

#[actix_web::test]
async fn the_answer_carries_the_seed_numbers_course_backing_and_booking() {
    let app = spawn_app().await;
    let chronic = app.get_ok("/v1/guidance/recommendation?pain_duration_days=120").await["data"].clone();
    assert_eq!(chronic["band"]["slug"], "chronic");
    assert_eq!(chronic["band"]["sessions"], json!({"min": 4, "max": 6}));
    assert_eq!(chronic["band"]["weeks"], json!({"min": 4, "max": 6}));
    assert_eq!(chronic["reassess_after_course"], true);
    assert_eq!(chronic["maintenance_interval"], "monthly");
    assert_eq!(chronic["course"]["sessions_per_week"], json!({"min": 1, "max": 2}));
    assert_eq!(chronic["course"]["course_weeks"], json!({"min": 3, "max": 4}));
    assert_eq!(chronic["booking_url"], "https://easycozy.ca/booking");
    assert!(chronic["disclaimer"].as_str().unwrap().contains("not a diagnosis"));
    let sections = chronic["backing"]["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0]["anchor"], "how-many-sessions-you-actually-need");
    assert_eq!(
        sections[0]["href"],
        "/v1/posts/is-massage-therapy-worth-it-for-back-pain#how-many-sessions-you-actually-need"
    );
    assert_eq!(chronic["backing"]["citations"].as_array().unwrap().len(), 3);

    let acute = app.get_ok("/v1/guidance/recommendation?pain_duration_days=3").await["data"].clone();
    assert_eq!(acute["band"]["sessions"], json!({"min": 1, "max": 2}));
    assert_eq!(acute["reassess_after_course"], false);
    assert_eq!(acute["maintenance_interval"], Value::Null);

    // Weeks count as 7 days: 4 weeks = 28 days = sub-acute; 3 weeks = 21 days = acute.
    let weeks = |n: i64| format!("/v1/guidance/recommendation?pain_duration_weeks={n}");
    assert_eq!(app.get_ok(&weeks(3)).await["data"]["band"]["slug"], "acute");
    assert_eq!(app.get_ok(&weeks(4)).await["data"]["band"]["slug"], "sub-acute");
    assert_eq!(app.get_ok(&weeks(13)).await["data"]["band"]["slug"], "chronic");
    assert_eq!(app.get_ok(&weeks(4)).await["data"]["input"]["pain_duration_days"], 28);
}

#[actix_web::test]
async fn recurring_pain_maps_to_the_recurring_band_whatever_the_duration() {
    let app = spawn_app().await;
    for days in [0, 1, 27, 28, 90, 91, 500] {
        let data = app.get_ok(&format!("/v1/guidance/recommendation?pain_duration_days={days}&recurring=true")).await
            ["data"]
            .clone();
        assert_eq!(data["band"]["slug"], "chronic", "{days} days, recurring");
        assert_eq!(data["band"]["includes_recurring"], true);
        let not = app.get_ok(&format!("/v1/guidance/recommendation?pain_duration_days={days}&recurring=false")).await;
        assert_eq!(not["data"]["band"]["slug"], seed_band(days));
    }
}

#[actix_web::test]
async fn any_red_flag_or_symptom_with_any_duration_means_a_doctor_first() {
    let app = spawn_app().await;
    for days in [0, 27, 28, 90, 91, 1000] {
        for recurring in [false, true] {
            for flag in RED_FLAGS {
                let path = format!(
                    "/v1/guidance/recommendation?pain_duration_days={days}&recurring={recurring}&red_flags={flag}"
                );
                let data = app.get_ok(&path).await["data"].clone();
                assert_eq!(data["outcome"], "see_a_doctor_first", "{path}");
                assert_eq!(data["red_flags"].as_array().unwrap().len(), 1);
                assert_eq!(data["red_flags"][0]["slug"], flag);
                assert_eq!(data["red_flags"][0]["is_red_flag"], true);
                assert_eq!(data["band"], Value::Null);
                assert_eq!(data["booking_url"], Value::Null);
                assert!(!data["reason"].as_str().unwrap().is_empty());
                assert!(data["disclaimer"].as_str().unwrap().contains("see a doctor"));
            }
            for (symptom, condition) in SYMPTOMS {
                let path = format!(
                    "/v1/guidance/recommendation?pain_duration_days={days}&recurring={recurring}&symptoms={symptom}"
                );
                let data = app.get_ok(&path).await["data"].clone();
                assert_eq!(data["outcome"], "see_a_doctor_first", "{path}");
                assert_eq!(data["red_flags"][0]["slug"], condition, "{path}");
                assert_eq!(data["symptoms"][0]["symptom"], symptom);
            }
        }
    }
    // Several at once, in weeks: every matching red flag, once each.
    let data = app
        .get_ok("/v1/guidance/recommendation?pain_duration_weeks=2&symptoms=fever,after_trauma,unexplained_weight_loss&red_flags=back-pain-after-trauma")
        .await["data"]
        .clone();
    let slugs: Vec<&str> = data["red_flags"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["back-pain-after-trauma", "systemic-warning-signs"]);
}

#[actix_web::test]
async fn the_red_flag_conditions_are_listed_with_response_level_and_caveat() {
    let app = spawn_app().await;
    let list = app.get_ok("/v1/conditions?filter[is_red_flag]=true").await;
    let slugs: Vec<&str> = list["data"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, RED_FLAGS);
    for condition in list["data"].as_array().unwrap() {
        assert_eq!(condition["response_level"], "refer");
        assert!(condition.as_object().unwrap().contains_key("caveat"));
    }
}

#[actix_web::test]
async fn bad_input_is_a_400_naming_the_parameter() {
    let app = spawn_app().await;
    let cases = [
        ("", "pain_duration_days"),
        ("recurring=true", "pain_duration_days"),
        ("pain_duration_days=-1", "pain_duration_days"),
        ("pain_duration_days=abc", "pain_duration_days"),
        ("pain_duration_days=1.5", "pain_duration_days"),
        ("pain_duration_days=", "pain_duration_days"),
        ("pain_duration_days=99999999999999999999", "pain_duration_days"),
        ("pain_duration_weeks=-2", "pain_duration_weeks"),
        ("pain_duration_days=3&pain_duration_weeks=1", "pain_duration_weeks"),
        ("pain_duration_days=3&pain_duration_days=4", "pain_duration_days"),
        ("pain_duration_days=3&recurring=yes", "recurring"),
        ("pain_duration_days=3&red_flags=sciatica", "red_flags"),
        ("pain_duration_days=3&red_flags=no-such-condition", "red_flags"),
        ("pain_duration_days=3&red_flags=", "red_flags"),
        ("pain_duration_days=3&red_flags=back-pain-after-trauma,,fever", "red_flags"),
        ("pain_duration_days=3&symptoms=headache", "symptoms"),
        ("pain_duration_days=3&symptoms=Fever", "symptoms"),
        ("pain_duration_days=3&pain=yes", "pain"),
        ("pain_duration_days=3&fields=band", "fields"),
    ];
    for (query, field) in cases {
        let path = format!("/v1/guidance/recommendation?{query}");
        let problem = app.get_problem(&path, 400).await;
        assert_eq!(problem["code"], "invalid-parameter", "{path}");
        assert!(problem["errors"].as_array().unwrap().iter().any(|e| e["field"] == field), "{path}: {problem}");
    }
    // Every problem at once.
    let problem = app.get_problem("/v1/guidance/recommendation?pain_duration_days=-1&symptoms=headache&x=1", 400).await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 3, "{problem}");
}

#[actix_web::test]
async fn the_recommendation_is_not_a_band_slug_and_has_an_etag() {
    let app = spawn_app().await;
    let path = "/v1/guidance/recommendation?pain_duration_days=10";
    let response = app.get(path).await;
    assert_eq!(response.status, 200);
    let etag = response.header("etag").unwrap().to_string();
    let again = app.request(actix_web::http::Method::GET, path, &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status, 304);
    // Edited bands are used at once.
    let token = app.token("write");
    let bands = json!([
        {"slug": "acute", "name": "Acute", "duration_label": "up to two weeks", "pain_duration_min_days": 0, "pain_duration_max_days": 14,
         "includes_recurring": false, "sessions_min": 1, "sessions_max": 2, "weeks_min": null, "weeks_max": null,
         "reassess_after_course": false, "maintenance_interval": null, "notes": "n"},
        {"slug": "longer", "name": "Longer", "duration_label": "longer, or recurring", "pain_duration_min_days": 15, "pain_duration_max_days": null,
         "includes_recurring": true, "sessions_min": 3, "sessions_max": 5, "weeks_min": 3, "weeks_max": 5,
         "reassess_after_course": true, "maintenance_interval": "monthly", "notes": "n"}
    ]);
    let replaced = app.write(actix_web::http::Method::PUT, "/v1/guidance/bands", &token, &bands).await;
    assert_eq!(replaced.status, 200, "{}", String::from_utf8_lossy(&replaced.body));
    assert_eq!(app.get_ok("/v1/guidance/recommendation?pain_duration_days=14").await["data"]["band"]["slug"], "acute");
    assert_eq!(app.get_ok("/v1/guidance/recommendation?pain_duration_days=15").await["data"]["band"]["slug"], "longer");
}

#[actix_web::test]
async fn the_backing_is_the_newest_published_sections_about_sessions_in_any_case() {
    let app = spawn_app().await;
    let token = app.token("write");
    // Twelve newer posts with a section about sessions (capitalised), one draft, one without.
    for n in 1..=14 {
        let heading = if n == 14 { "Stretching at home" } else { "Sessions in your first month" };
        let body = json!({
            "slug": format!("sessions-{n:02}"),
            "title": format!("Sessions {n}"),
            "excerpt": "About sessions.",
            "status": if n == 13 { "draft" } else { "published" },
            "published_at": if n == 13 { Value::Null } else { json!(format!("2026-06-{n:02}T09:00:00Z")) },
            "sections": [{"heading": "Before you book", "markdown": "Text."}, {"heading": heading, "markdown": "Text."}]
        });
        let response = app.write(actix_web::http::Method::POST, "/v1/posts", &token, &body).await;
        assert_eq!(response.status.as_u16(), 201, "{}", String::from_utf8_lossy(&response.body));
    }
    let answer = app.get_ok("/v1/guidance/recommendation?pain_duration_days=120").await["data"].clone();
    let posts: Vec<&str> = answer["backing"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|section| section["post"]["slug"].as_str().unwrap())
        .collect();
    let newest: Vec<String> = (3..=12).rev().map(|n| format!("sessions-{n:02}")).collect();
    assert_eq!(posts, newest, "the ten newest published, never the draft or a section on something else");
    assert_eq!(answer["backing"]["sections"][0]["heading"], "Sessions in your first month");
}
