//! Defects found by an attacker's review: URLs and rate-limit buckets built from the client's
//! headers, HEAD lengths, dates that vouch for changed content, auth after parsing, oversized
//! problems.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with, TestApp, POST_SLUG};

const FEEDS: [&str; 3] = ["/feeds/posts.rss", "/feeds/posts.atom", "/feeds/posts.json"];

async fn body_of(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> String {
    let response = app.request(Method::GET, path, headers).await;
    assert_eq!(response.status.as_u16(), 200, "{path}");
    String::from_utf8(response.body).unwrap()
}

#[actix_web::test]
async fn feed_self_links_never_come_from_the_clients_headers() {
    let app = spawn_app().await;
    let poison: [&[(&str, &str)]; 3] = [
        &[("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "https")],
        &[("Host", "evil.example")],
        &[("Forwarded", "host=evil.example;proto=https")],
    ];
    for path in FEEDS {
        for headers in poison {
            let poisoned = body_of(&app, path, headers).await;
            assert!(!poisoned.contains("evil.example"), "{path} {headers:?}: {poisoned}");
        }
        // Nor does the cache hand a poisoned answer to the next client.
        let plain = body_of(&app, path, &[]).await;
        assert!(!plain.contains("evil.example"), "{path}");
        assert!(plain.contains(&format!("{}{path}", app.address)), "{path} names the address it listens on: {plain}");
    }
}

#[actix_web::test]
async fn feed_self_links_follow_public_api_url() {
    let app = spawn_app_with(|config| config.public_api_url = Some("https://api.clinic.example/content".into())).await;
    for path in FEEDS {
        let body = body_of(&app, path, &[("X-Forwarded-Host", "evil.example"), ("Host", "evil.example")]).await;
        assert!(body.contains(&format!("https://api.clinic.example/content{path}")), "{path}: {body}");
        assert!(!body.contains("evil.example"), "{path}");
    }
}

#[actix_web::test]
async fn a_trusted_proxy_names_the_host_and_each_host_is_cached_apart() {
    let app = spawn_app_with(|config| {
        config.trusted_proxies = clinic_content::http::forwarded::TrustedProxies::parse("127.0.0.1/32").unwrap()
    })
    .await;
    let path = "/feeds/posts.rss";
    let first = body_of(&app, path, &[("X-Forwarded-Host", "api.one.example"), ("X-Forwarded-Proto", "https")]).await;
    assert!(first.contains("https://api.one.example/feeds/posts.rss"), "{first}");
    let second = body_of(&app, path, &[("Forwarded", "for=198.51.100.1;host=api.two.example;proto=https")]).await;
    assert!(second.contains("https://api.two.example/feeds/posts.rss"), "{second}");
    let direct = body_of(&app, path, &[]).await;
    assert!(direct.contains(&format!("{}{path}", app.address)), "{direct}");
}

#[actix_web::test]
async fn searches_are_counted_as_searches_however_they_are_spelled() {
    let app = crate::helpers::spawn_app_with(|config| {
        config.rate_limits = clinic_content::http::rate_limit::Limits { read: 1000, search: 3, write: 100 }
    })
    .await;
    for path in [
        "/v1/search?q=massage",
        "/v1/posts?%71=massage",
        "/v1/search/?%71=x",
        "/v1//search?%71=x",
        "/v1/%73earch?q=x",
        "/v1/faqs?q%3D=x&%71=often",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.header("ratelimit-limit"), Some("3"), "{path} is a search");
    }
    assert_eq!(app.get("/v1/posts").await.header("ratelimit-limit"), Some("1000"), "a plain read");
}

fn limited_to_two() -> impl FnOnce(&mut clinic_content::config::Config) {
    |config| config.rate_limits = clinic_content::http::rate_limit::Limits { read: 2, search: 2, write: 2 }
}

#[actix_web::test]
async fn forwarded_addresses_are_ignored_unless_the_peer_is_a_trusted_proxy() {
    let app = spawn_app_with(limited_to_two()).await;
    // Without TRUSTED_PROXIES, a client cannot pick a fresh bucket per request.
    for n in 0..3 {
        let forwarded = format!("198.51.100.{n}");
        let response = app.request(Method::GET, "/v1/site", &[("X-Forwarded-For", &forwarded)]).await;
        assert_eq!(response.status.as_u16(), if n < 2 { 200 } else { 429 }, "request {n}");
    }
}

#[actix_web::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_bucket() {
    let app = spawn_app_with(|config| {
        limited_to_two()(config);
        config.trusted_proxies = clinic_content::http::forwarded::TrustedProxies::parse("127.0.0.0/8").unwrap();
    })
    .await;
    let as_client = |client: &'static str| [("X-Forwarded-For", client)];
    for _ in 0..2 {
        assert_eq!(app.request(Method::GET, "/v1/site", &as_client("198.51.100.7")).await.status.as_u16(), 200);
    }
    assert_eq!(app.request(Method::GET, "/v1/site", &as_client("198.51.100.7")).await.status.as_u16(), 429);
    // Another client behind the same proxy is not held back; a spoofed hop before it changes nothing.
    assert_eq!(app.request(Method::GET, "/v1/site", &as_client("198.51.100.8")).await.status.as_u16(), 200);
    let spoofed = [("X-Forwarded-For", "203.0.113.50, 198.51.100.7")];
    assert_eq!(app.request(Method::GET, "/v1/site", &spoofed).await.status.as_u16(), 429);
    // IPv6 clients share a bucket per /64.
    for (n, client) in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"].into_iter().enumerate() {
        let status =
            app.request(Method::GET, "/v1/site", &[("Forwarded", &format!("for=\"[{client}]\""))]).await.status;
        assert_eq!(status.as_u16(), if n < 2 { 200 } else { 429 }, "{client}");
    }
}

#[actix_web::test]
async fn head_carries_the_length_get_would_send() {
    let app = spawn_app().await;
    let post = format!("/v1/posts/{POST_SLUG}");
    for path in ["/openapi.json", post.as_str(), "/v1/posts", "/feeds/posts.rss"] {
        for encoding in ["identity", "gzip", "br"] {
            let headers = [("Accept-Encoding", encoding)];
            // Twice: once filling the cache, once answered from it.
            for _ in 0..2 {
                let get = app.request(Method::GET, path, &headers).await;
                let head = app.request(Method::HEAD, path, &headers).await;
                assert!(head.body.is_empty());
                assert!(get.body.len() > 100, "{path}");
                assert_eq!(
                    head.header("content-length"),
                    Some(get.body.len().to_string().as_str()),
                    "HEAD {path} ({encoding})"
                );
            }
        }
    }
}

/// Waits until the start of the next wall-clock second (plus a little).
fn at_the_start_of_a_second() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    std::thread::sleep(Duration::from_millis(1050) - Duration::from_millis(u64::from(now.subsec_millis())));
}

#[actix_web::test]
async fn a_date_never_vouches_for_content_changed_within_its_second() {
    let app = spawn_app().await;
    let write = app.token("write");
    let path = "/v1/tags/sciatica";
    for name in ["Leg pain", "Sciatic pain", "Sciatica"] {
        at_the_start_of_a_second();
        app.write(Method::PATCH, path, &write, &json!({"description": format!("{name} 1")})).await;
        let seen = app.get(path).await;
        app.write(Method::PATCH, path, &write, &json!({"description": format!("{name} 2")})).await;
        if let Some(date) = seen.header("last-modified") {
            let revalidated = app.request(Method::GET, path, &[("If-Modified-Since", date)]).await;
            assert_eq!(revalidated.status.as_u16(), 200, "changed after {date}");
        }
    }
    // Once the second is over, the date is given and works.
    std::thread::sleep(Duration::from_millis(1100));
    let settled = app.get(path).await;
    let date = settled.header("last-modified").expect("Last-Modified once the change is a second old");
    assert_eq!(app.request(Method::GET, path, &[("If-Modified-Since", date)]).await.status.as_u16(), 304);
}

#[actix_web::test]
async fn routes_that_need_a_token_answer_before_reading_the_path_or_body() {
    let app = spawn_app().await;
    let write = app.token("write");
    let admin = app.token("admin");
    let big = vec![b'x'; 10 << 20];
    for (method, path) in [
        (Method::DELETE, "/v1/webhooks/abc"),
        (Method::PATCH, "/v1/webhooks/abc"),
        (Method::POST, "/v1/webhooks/abc/ping"),
        (Method::POST, "/v1/webhooks/abc/deliveries/x/redeliver"),
        (Method::GET, "/v1/webhooks/abc/deliveries"),
        (Method::POST, "/v1/webhooks"),
        (Method::POST, "/v1/posts"),
        (Method::PATCH, "/v1/posts/no-such-post"),
        (Method::PUT, "/v1/guidance/bands"),
    ] {
        let anonymous =
            app.send(method.clone(), path, &[("Content-Type", "application/json")], Some(big.clone())).await;
        assert_problem(&anonymous, 401, path);
        if path.starts_with("/v1/webhooks") {
            let auth = format!("Bearer {write}");
            let response = app.send(method.clone(), path, &[("Authorization", &auth)], Some(big.clone())).await;
            assert_problem(&response, 403, path);
        }
    }
    // With the right token, a malformed id is a 400 naming no parser or Rust type.
    let auth = format!("Bearer {admin}");
    let response = app.send(Method::DELETE, "/v1/webhooks/abc", &[("Authorization", &auth)], None).await;
    assert_problem(&response, 400, "/v1/webhooks/abc");
    let detail = response.json()["detail"].as_str().unwrap().to_string();
    for internal in ["i32", "deserialize", "can not parse"] {
        assert!(!detail.to_lowercase().contains(internal), "{detail}");
    }
}

#[actix_web::test]
async fn type_errors_in_bodies_are_said_in_json_terms() {
    let app = spawn_app().await;
    let write = app.token("write");
    let response = app.write(Method::POST, "/v1/citations", &write, &json!({"slug": "x", "year": "soon"})).await;
    assert_problem(&response, 422, "/v1/citations");
    let body = String::from_utf8(response.body).unwrap();
    for internal in ["i32", "i16", "u16", "u32", "struct ", "Input"] {
        assert!(!body.contains(internal), "{body}");
    }
}

#[actix_web::test]
async fn a_problem_stays_small_whatever_the_request() {
    let app = spawn_app().await;
    let query: Vec<String> = (0..1000).map(|n| format!("a{n}=")).collect();
    let path = format!("/v1/posts?{}", query.join("&"));
    let response = app.get(&path).await;
    assert_problem(&response, 400, &path);
    let problem = response.json();
    assert_eq!(problem["errors"].as_array().unwrap().len(), 50);
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.starts_with("1000 query parameters are invalid"), "{detail}");
    assert!(detail.contains("950 more"), "{detail}");
    // Bounded by the cap (50 messages of a few hundred bytes), not by the request (1,000 names).
    assert!(
        response.body.len() < 16 * 1024,
        "{} bytes of problem for a {}-byte request",
        response.body.len(),
        path.len()
    );
}
