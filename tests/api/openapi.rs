//! The OpenAPI document is generated from the code; the committed copy must match it.

use std::collections::HashSet;

use serde_json::Value;

use crate::helpers::spawn_app;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

#[test]
fn the_committed_spec_matches_the_generated_one() {
    let generated = clinic_content::registry::spec_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &generated).expect("write openapi/openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date with the code; run `UPDATE_OPENAPI=1 cargo test` and commit the result"
    );
}

#[actix_web::test]
async fn the_served_spec_is_the_committed_one() {
    let app = spawn_app().await;
    let served = app.get("/openapi.json").await;
    assert_eq!(served.status.as_u16(), 200);
    assert_eq!(served.body, clinic_content::registry::spec_json().into_bytes());
}

#[test]
fn every_operation_is_documented_for_client_generators() {
    let spec: Value = serde_json::from_str(&clinic_content::registry::spec_json()).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    assert_eq!(spec["info"]["title"], "clinic-content");
    assert!(!spec["servers"].as_array().unwrap().is_empty());
    let mut operation_ids = HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}: operationId"));
            assert!(operation_ids.insert(id.to_string()), "duplicate operationId {id}");
            assert!(!operation["summary"].as_str().unwrap_or("").is_empty(), "{method} {path}: summary");
            assert!(!operation["tags"].as_array().unwrap().is_empty(), "{method} {path}: tags");
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.keys().any(|status| status.starts_with('2')), "{method} {path}: a success response");
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let content = match response["$ref"].as_str() {
                        Some(reference) => {
                            &spec["components"]["responses"][reference.rsplit('/').next().unwrap()]["content"]
                        }
                        None => &response["content"],
                    };
                    assert!(
                        content.get("application/problem+json").is_some(),
                        "{method} {path} {status}: errors are problem documents"
                    );
                }
            }
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                assert!(
                    !parameter["description"].as_str().unwrap_or("").is_empty(),
                    "{method} {path}: parameter {} needs a description",
                    parameter["name"]
                );
            }
        }
    }
    assert_eq!(operation_ids.len(), 61);
}
