//! HTTP behaviour every read shares: ETags and 304, HEAD, caching headers, request ids.

use actix_web::http::Method;

use crate::helpers::{spawn_app, POST_SLUG};

#[actix_web::test]
async fn reads_carry_a_strong_etag_and_answer_304_when_it_matches() {
    let app = spawn_app().await;
    for path in ["/v1/posts", &format!("/v1/posts/{POST_SLUG}"), "/v1/guidance", "/v1/faqs?filter[tag]=sciatica"] {
        let first = app.get(path).await;
        let etag = first.header("etag").expect("ETag").to_string();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "strong ETag: {etag}");
        assert_eq!(first.header("cache-control"), Some("public, max-age=60, s-maxage=300, stale-while-revalidate=600"));
        assert_eq!(app.get(path).await.header("etag"), Some(etag.as_str()), "stable for the same content");

        let revalidated = app.request(Method::GET, path, &[("If-None-Match", &etag)]).await;
        assert_eq!(revalidated.status.as_u16(), 304, "{path}");
        assert!(revalidated.body.is_empty());
        assert_eq!(revalidated.header("etag"), Some(etag.as_str()));

        let listed = format!("\"other\", W/{etag}");
        let weak_match = app.request(Method::GET, path, &[("If-None-Match", &listed)]).await;
        assert_eq!(weak_match.status.as_u16(), 304, "a list and weak comparison match too");

        let stale = app.request(Method::GET, path, &[("If-None-Match", "\"stale\"")]).await;
        assert_eq!(stale.status.as_u16(), 200);
    }
}

#[actix_web::test]
async fn head_works_wherever_get_does() {
    let app = spawn_app().await;
    for path in ["/v1/posts", &format!("/v1/posts/{POST_SLUG}"), "/v1/site", "/healthz", "/openapi.json"] {
        let get = app.get(path).await;
        let head = app.request(Method::HEAD, path, &[]).await;
        assert_eq!(head.status.as_u16(), 200, "{path}");
        assert!(head.body.is_empty(), "{path}");
        assert_eq!(head.header("etag"), get.header("etag"), "{path}");
    }
}

#[actix_web::test]
async fn request_ids_are_generated_or_echoed() {
    let app = spawn_app().await;
    let generated = app.get("/v1/site").await;
    let id = generated.header("x-request-id").expect("generated id");
    assert_eq!(id.len(), 16);
    let other = app.get("/v1/site").await;
    assert_ne!(other.header("x-request-id"), Some(id), "ids differ per request");

    let echoed = app.request(Method::GET, "/v1/posts/nope", &[("X-Request-Id", "trace-abc.123")]).await;
    assert_eq!(echoed.header("x-request-id"), Some("trace-abc.123"));
    assert_eq!(echoed.json()["request_id"], "trace-abc.123");

    // A malformed id is replaced, not echoed into logs and headers.
    let replaced = app.request(Method::GET, "/v1/site", &[("X-Request-Id", "bad id with spaces")]).await;
    assert_ne!(replaced.header("x-request-id"), Some("bad id with spaces"));
}

#[actix_web::test]
async fn a_trailing_slash_reaches_the_same_resource() {
    let app = spawn_app().await;
    let with_slash = app.get_ok(&format!("/v1/posts/{POST_SLUG}/")).await;
    assert_eq!(with_slash["data"]["slug"], POST_SLUG);
}
