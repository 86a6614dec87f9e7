use serde_json::Value;

use crate::helpers::spawn_app;

fn slugs(list: &Value) -> Vec<String> {
    list["data"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap().to_string()).collect()
}

#[actix_web::test]
async fn three_categories_with_five_three_and_three_conditions() {
    let app = spawn_app().await;
    let list = app.get_ok("/v1/condition-categories").await;
    let categories = list["data"].as_array().unwrap();
    let shape: Vec<(&str, &str, usize)> = categories
        .iter()
        .map(|c| {
            (
                c["slug"].as_str().unwrap(),
                c["response_level"].as_str().unwrap(),
                c["conditions"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("strong-responders", "strong", 5),
            ("moderate-responders", "moderate", 3),
            ("see-a-doctor-first", "refer", 3)
        ]
    );
    for category in categories {
        for condition in category["conditions"].as_array().unwrap() {
            let level = category["response_level"].as_str().unwrap();
            assert_eq!(condition["response_level"], level);
            assert_eq!(condition["category"]["slug"], category["slug"]);
            assert_eq!(condition["is_red_flag"], level == "refer");
            // Moderate responders carry what massage does not address; the others do not.
            assert_eq!(condition["caveat"].is_string(), level == "moderate", "{}", condition["slug"]);
        }
    }
}

#[actix_web::test]
async fn a_category_by_slug() {
    let app = spawn_app().await;
    let category = app.get_ok("/v1/condition-categories/moderate-responders").await["data"].clone();
    let conditions = category["conditions"].as_array().unwrap();
    assert_eq!(conditions.len(), 3);
    assert!(conditions[1]["caveat"].as_str().unwrap().contains("disc"));
    app.get_problem("/v1/condition-categories/nope", 404).await;
}

#[actix_web::test]
async fn red_flags_are_listed_by_filter() {
    let app = spawn_app().await;
    let red = app.get_ok("/v1/conditions?filter[is_red_flag]=true").await;
    assert_eq!(slugs(&red), ["progressive-neurological-symptoms", "back-pain-after-trauma", "systemic-warning-signs"]);
    let summaries: String = red["data"].as_array().unwrap().iter().map(|c| c["summary"].as_str().unwrap()).collect();
    for sign in ["weakness or numbness in the legs", "trauma", "unexplained weight loss", "fever", "bowel/bladder"] {
        assert!(summaries.contains(sign), "red flags mention '{sign}'");
    }
    let not_red = app.get_ok("/v1/conditions?filter[is_red_flag]=false").await;
    assert_eq!(not_red["meta"]["pagination"]["total"], 8);
}

#[actix_web::test]
async fn conditions_filter_by_category_region_and_level() {
    let app = spawn_app().await;
    let all = app.get_ok("/v1/conditions").await;
    assert_eq!(all["meta"]["pagination"]["total"], 11);
    let moderate = app.get_ok("/v1/conditions?filter[category]=moderate-responders").await;
    assert_eq!(slugs(&moderate), ["acute-lower-back-pain", "disc-related-back-pain", "sciatica"]);
    let upper = app.get_ok("/v1/conditions?filter[region]=upper_back").await;
    assert_eq!(slugs(&upper), ["desk-posture-upper-back-pain"]);
    let strong_lower = app.get_ok("/v1/conditions?filter[response_level]=strong&filter[region]=lower_back").await;
    assert_eq!(strong_lower["meta"]["pagination"]["total"], 3);
}

#[actix_web::test]
async fn a_condition_by_slug() {
    let app = spawn_app().await;
    let sciatica = app.get_ok("/v1/conditions/sciatica").await["data"].clone();
    assert_eq!(sciatica["response_level"], "moderate");
    assert_eq!(sciatica["region"], "lower_back");
    assert!(sciatica["caveat"].as_str().unwrap().contains("nerve compression"));
    app.get_problem("/v1/conditions/nope", 404).await;
}

#[actix_web::test]
async fn malformed_condition_filters_are_400s_naming_the_parameter() {
    let app = spawn_app().await;
    let problem = app.get_problem("/v1/conditions?filter[is_red_flag]=yes", 400).await;
    assert_eq!(problem["errors"][0]["field"], "filter[is_red_flag]");
    let problem = app.get_problem("/v1/conditions?filter[region]=neck", 400).await;
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("lower_back, upper_back, whole_back"));
    let problem = app.get_problem("/v1/conditions?filter[colour]=red", 400).await;
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("filter[category]"));
}
