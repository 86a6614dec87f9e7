//! HTTP delivery: caching headers and the response cache, CORS, compression, limits, rate
//! limiting, metrics.

use std::io::Read;

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, POST_SLUG};

#[actix_web::test]
async fn last_modified_and_if_modified_since() {
    let app = spawn_app().await;
    let path = format!("/v1/posts/{POST_SLUG}");
    // The seed was written just now: a date only vouches for content once its second is over.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let first = app.get(&path).await;
    let last_modified = first.header("last-modified").expect("Last-Modified").to_string();
    let revalidated = app.request(Method::GET, &path, &[("If-Modified-Since", &last_modified)]).await;
    assert_eq!(revalidated.status.as_u16(), 304);
    assert!(revalidated.body.is_empty());
    let older = app.request(Method::GET, &path, &[("If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT")]).await;
    assert_eq!(older.status.as_u16(), 200);
    // An ETag that does not match wins over a date that would.
    let both =
        app.request(Method::GET, &path, &[("If-None-Match", "\"other\""), ("If-Modified-Since", &last_modified)]).await;
    assert_eq!(both.status.as_u16(), 200);
    // A write moves Last-Modified.
    let write = app.token("write");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    app.write(Method::PATCH, "/v1/tags/sciatica", &write, &json!({"name": "Sciatica!"})).await;
    let after = app.request(Method::GET, &path, &[("If-Modified-Since", &last_modified)]).await;
    assert_eq!(after.status.as_u16(), 200, "content changed since");
}

#[actix_web::test]
async fn a_write_is_visible_to_the_next_read_and_drafts_never_enter_the_public_cache() {
    let app = spawn_app().await;
    let write = app.token("write");
    let preview = app.token("preview");
    // Warm the cache, twice.
    for _ in 0..2 {
        assert_eq!(app.get_ok("/v1/tags/sciatica").await["data"]["name"], "Sciatica");
    }
    app.write(Method::PATCH, "/v1/tags/sciatica", &write, &json!({"name": "Leg pain"})).await;
    assert_eq!(app.get_ok("/v1/tags/sciatica").await["data"]["name"], "Leg pain", "no stale read after a write");

    let draft = json!({"slug": "secret-draft", "title": "Secret", "sections": [{"markdown": "Not yet."}]});
    app.write(Method::POST, "/v1/posts", &write, &draft).await;
    // A preview reader sees it (and its answer is private)...
    let previewed = app.get_as("/v1/posts/secret-draft", &preview).await;
    assert_eq!(previewed.status.as_u16(), 200);
    assert_eq!(previewed.header("cache-control"), Some("private, no-store"));
    let preview_list = app.get_as("/v1/posts", &preview).await.json();
    assert_eq!(preview_list["meta"]["pagination"]["total"], 2);
    // ...and the same URLs read anonymously right after never show it.
    app.get_problem("/v1/posts/secret-draft", 404).await;
    assert_eq!(app.get_ok("/v1/posts").await["meta"]["pagination"]["total"], 1);
}

#[actix_web::test]
async fn scheduled_content_goes_public_on_time_even_from_the_cache() {
    let app = spawn_app().await;
    let write = app.token("write");
    let soon = clinic_content::clock::format(chrono::Utc::now() + chrono::Duration::seconds(2));
    let post = json!({"slug": "soon", "title": "Soon", "status": "scheduled", "published_at": soon, "sections": [{"markdown": "x"}]});
    assert_eq!(app.write(Method::POST, "/v1/posts", &write, &post).await.status.as_u16(), 201);
    assert_eq!(app.get_ok("/v1/posts").await["meta"]["pagination"]["total"], 1, "not yet (and now cached)");
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2600)).await;
    assert_eq!(app.get_ok("/v1/posts").await["meta"]["pagination"]["total"], 2, "its time has come");
}

#[actix_web::test]
async fn gzip_and_brotli_are_negotiated_and_tiny_bodies_are_not_compressed() {
    let app = spawn_app().await;
    let path = format!("/v1/posts/{POST_SLUG}");
    let plain = app.get(&path).await;
    assert_eq!(plain.header("content-encoding"), None);

    let gzip = app.request(Method::GET, &path, &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gzip.body[..]).read_to_end(&mut unzipped).unwrap();
    assert_eq!(unzipped, plain.body);
    assert!(gzip.body.len() < plain.body.len() / 2);
    let (plain_etag, gzip_etag) = (plain.header("etag").unwrap(), gzip.header("etag").unwrap());
    assert_eq!(
        gzip_etag,
        format!("{}-gz\"", plain_etag.trim_end_matches('"')),
        "each encoding has its own strong ETag"
    );
    assert!(gzip.header("vary").unwrap().contains("Accept-Encoding"));
    // Either validator revalidates the content.
    let revalidated =
        app.request(Method::GET, &path, &[("Accept-Encoding", "gzip"), ("If-None-Match", gzip_etag)]).await;
    assert_eq!(revalidated.status.as_u16(), 304);

    let br = app.request(Method::GET, &path, &[("Accept-Encoding", "gzip, deflate, br")]).await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    let mut unbrotli = Vec::new();
    brotli::Decompressor::new(&br.body[..], 4096).read_to_end(&mut unbrotli).unwrap();
    assert_eq!(unbrotli, plain.body);

    let refused = app.request(Method::GET, &path, &[("Accept-Encoding", "br;q=0, gzip")]).await;
    assert_eq!(refused.header("content-encoding"), Some("gzip"));
    let tiny = app.request(Method::GET, "/healthz", &[("Accept-Encoding", "gzip, br")]).await;
    assert_eq!(tiny.header("content-encoding"), None, "a few bytes are sent as they are");
}

#[actix_web::test]
async fn cors_for_public_reads_errors_and_preflights() {
    let app = spawn_app().await;
    let origin = [("Origin", "https://site.example")];
    let read = app.request(Method::GET, "/v1/posts", &origin).await;
    assert_eq!(read.header("access-control-allow-origin"), Some("*"));
    assert!(read.header("access-control-expose-headers").unwrap().contains("ETag"));
    let error = app.request(Method::GET, "/v1/posts/nope", &origin).await;
    assert_eq!(error.status.as_u16(), 404);
    assert_eq!(error.header("access-control-allow-origin"), Some("*"), "errors carry CORS headers too");

    let preflight = app
        .request(
            Method::OPTIONS,
            "/v1/posts",
            &[("Origin", "https://site.example"), ("Access-Control-Request-Method", "GET")],
        )
        .await;
    assert_eq!(preflight.status.as_u16(), 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    // Writes (and tokens) only from configured origins.
    let untrusted = app
        .request(
            Method::OPTIONS,
            "/v1/posts",
            &[
                ("Origin", "https://evil.example"),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "authorization, content-type"),
            ],
        )
        .await;
    assert_eq!(untrusted.header("access-control-allow-origin"), None);
    let trusted = app
        .request(
            Method::OPTIONS,
            "/v1/posts",
            &[
                ("Origin", "https://admin.example"),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "authorization"),
            ],
        )
        .await;
    assert_eq!(trusted.header("access-control-allow-origin"), Some("https://admin.example"));
    assert!(trusted.header("access-control-allow-methods").unwrap().contains("PATCH"));
    assert!(trusted.header("access-control-allow-headers").unwrap().contains("Authorization"));
}

#[actix_web::test]
async fn limits_on_urls_and_bodies_are_problem_documents() {
    let app = spawn_app().await;
    let long = format!("/v1/posts?q={}", "a".repeat(9000));
    let response = app.get(&long).await;
    assert_eq!(response.status.as_u16(), 414);
    assert_eq!(response.content_type(), "application/problem+json");
    assert_eq!(response.json()["code"], "uri-too-long");

    let big = "a".repeat(20 * 1024);
    let response = app.request(Method::GET, "/v1/site", &[("X-Big", &big)]).await;
    assert_eq!(response.status.as_u16(), 431);
    assert_eq!(response.content_type(), "application/problem+json");
    assert_eq!(response.json()["code"], "request-header-fields-too-large");

    let write = app.token("write");
    let huge = json!({"slug": "big", "name": "x".repeat(300_000)});
    let response = app.write(Method::POST, "/v1/tags", &write, &huge).await;
    assert_problem(&response, 413, "/v1/tags");
}

#[actix_web::test]
async fn rate_limits_answer_429_with_retry_after() {
    let app = crate::helpers::spawn_app_with(|config| {
        config.rate_limits = clinic_content::http::rate_limit::Limits { read: 5, search: 2, write: 1 };
    })
    .await;
    let first = app.get("/v1/site").await;
    assert_eq!(first.header("ratelimit-limit"), Some("5"));
    assert_eq!(first.header("ratelimit-remaining"), Some("4"));
    assert_eq!(first.header("ratelimit-policy"), Some("5;w=60"));
    for _ in 0..4 {
        assert_eq!(app.get("/v1/site").await.status.as_u16(), 200);
    }
    let limited = app.get("/v1/site").await;
    assert_problem(&limited, 429, "/v1/site");
    assert_eq!(limited.json()["code"], "too-many-requests");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=12).contains(&retry), "{retry}");
    // Search has its own, stricter bucket.
    assert_eq!(app.get("/v1/search?q=massage").await.status.as_u16(), 200);
    assert_eq!(app.get("/v1/search?q=massage").await.status.as_u16(), 200);
    assert_eq!(app.get("/v1/search?q=massage").await.status.as_u16(), 429);
}

#[actix_web::test]
async fn metrics_in_prometheus_format() {
    let app = spawn_app().await;
    app.get(&format!("/v1/posts/{POST_SLUG}")).await;
    app.get(&format!("/v1/posts/{POST_SLUG}")).await;
    app.get("/v1/posts/nope").await;
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status.as_u16(), 200);
    assert!(metrics.content_type().starts_with("text/plain"));
    let text = String::from_utf8(metrics.body).unwrap();
    assert!(
        text.contains(r#"clinic_http_requests_total{route="/v1/posts/{slug}",method="GET",status="200"} 2"#),
        "{text}"
    );
    assert!(
        text.contains(r#"clinic_http_requests_total{route="/v1/posts/{slug}",method="GET",status="404"} 1"#),
        "{text}"
    );
    assert!(text.contains("clinic_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
    assert!(text.contains("clinic_response_cache_hits_total 1"), "the second read was a cache hit: {text}");
    assert!(text.contains("clinic_db_pool_connections"));
}

fn cache_hits(metrics: &str) -> u64 {
    let line = metrics.lines().find(|line| line.starts_with("clinic_response_cache_hits_total ")).unwrap();
    line.split(' ').nth(1).unwrap().parse().unwrap()
}

#[actix_web::test]
async fn a_revalidation_that_misses_the_cache_fills_it() {
    let app = spawn_app().await;
    let path = "/v1/conditions/sciatica";
    let etag = app.get(path).await.header("etag").unwrap().to_string();
    // A write elsewhere makes every cached entry stale; the condition itself is unchanged.
    let write = app.token("write");
    app.write(Method::PATCH, "/v1/tags/posture", &write, &json!({"name": "Posture and desks"})).await;
    let cold = app.request(Method::GET, path, &[("If-None-Match", &etag)]).await;
    assert_eq!(cold.status.as_u16(), 304, "still the same representation");
    let hits = cache_hits(&String::from_utf8(app.get("/metrics").await.body).unwrap());
    let warm = app.request(Method::GET, path, &[("If-None-Match", &etag)]).await;
    assert_eq!(warm.status.as_u16(), 304);
    assert_eq!(warm.header("etag"), Some(etag.as_str()));
    let after = cache_hits(&String::from_utf8(app.get("/metrics").await.body).unwrap());
    assert_eq!(after, hits + 1, "the second revalidation was answered from the cache");
    assert_eq!(app.get(path).await.status.as_u16(), 200);
}
