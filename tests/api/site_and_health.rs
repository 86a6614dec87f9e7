use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_site_is_the_clinic() {
    let app = spawn_app().await;
    let site = app.get_ok("/v1/site").await["data"].clone();
    assert_eq!(site["name"], "Easy Cozy Wellness");
    assert_eq!(site["address"]["city"], "Nanaimo");
    assert_eq!(site["address"]["region_code"], "BC");
    assert_eq!(site["address"]["country"], "Canada");
    assert_eq!(site["booking_url"], "https://easycozy.ca/booking");
    assert!(site["description"].as_str().unwrap().contains("massage and acupressure clinic"));
    assert!(!site["disclaimer"].as_str().unwrap().is_empty());
}

#[actix_web::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    assert_eq!(app.get_ok("/healthz").await["status"], "ok");
    assert_eq!(app.get_ok("/readyz").await["status"], "ok");
}
