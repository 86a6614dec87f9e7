use serde_json::{json, Value};

use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_bands_carry_the_seed_numbers() {
    let app = spawn_app().await;
    let guidance = app.get_ok("/v1/guidance").await["data"].clone();
    let bands = guidance["bands"].as_array().unwrap();
    let summary: Vec<Value> = bands
        .iter()
        .map(|b| {
            json!([
                b["slug"],
                b["pain_duration"],
                b["sessions"],
                b["weeks"],
                b["reassess_after_course"],
                b["maintenance_interval"],
                b["includes_recurring"]
            ])
        })
        .collect();
    assert_eq!(
        summary,
        [
            json!(["acute", {"min_days": 0, "max_days": 27}, {"min": 1, "max": 2}, null, false, null, false]),
            json!(["sub-acute", {"min_days": 28, "max_days": 90}, {"min": 2, "max": 4}, {"min": 2, "max": 4}, false, null, false]),
            json!(["chronic", {"min_days": 91, "max_days": null}, {"min": 4, "max": 6}, {"min": 4, "max": 6}, true, "monthly", true]),
        ]
    );
    let course = &guidance["course"];
    assert_eq!(course["sessions_per_week"], json!({"min": 1, "max": 2}));
    assert_eq!(course["course_weeks"], json!({"min": 3, "max": 4}));
    assert_eq!(course["maintenance_interval"], "monthly");
    assert!(guidance["disclaimer"].as_str().unwrap().contains("not a diagnosis"));
    assert_eq!(guidance["booking_url"], "https://easycozy.ca/booking");
}

#[actix_web::test]
async fn bands_cover_every_duration_exactly_once() {
    let app = spawn_app().await;
    let guidance = app.get_ok("/v1/guidance").await["data"].clone();
    let bands = guidance["bands"].as_array().unwrap();
    for day in 0..=1000i64 {
        let matching = bands
            .iter()
            .filter(|b| {
                let range = &b["pain_duration"];
                day >= range["min_days"].as_i64().unwrap() && range["max_days"].as_i64().is_none_or(|max| day <= max)
            })
            .count();
        assert_eq!(matching, 1, "day {day}");
    }
    assert_eq!(bands.iter().filter(|b| b["includes_recurring"] == true).count(), 1);
}

#[actix_web::test]
async fn a_band_by_slug() {
    let app = spawn_app().await;
    let band = app.get_ok("/v1/guidance/sub-acute").await["data"].clone();
    assert_eq!(band["name"], "Sub-acute back pain");
    assert_eq!(band["duration_label"], "a few weeks to three months");
    assert!(band["notes"].as_str().unwrap().contains("two to four sessions"));
    app.get_problem("/v1/guidance/nope", 404).await;
}
