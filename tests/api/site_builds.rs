//! What a static site build and shared links need (issue "One request per page"): analytics tags
//! ignored, the redirect map, a budget for token holders.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with, TestApp, POST_SLUG};

fn cache_hits(metrics: &str) -> u64 {
    let line = metrics.lines().find(|line| line.starts_with("clinic_response_cache_hits_total ")).unwrap();
    line.split(' ').nth(1).unwrap().parse().unwrap()
}

#[actix_web::test]
async fn analytics_tags_change_neither_the_answer_nor_its_cache_entry_nor_a_cursor() {
    let app = spawn_app().await;
    let plain = app.get("/v1/faqs?per_page=2").await;
    assert_eq!(plain.status.as_u16(), 200);
    let hits = cache_hits(&String::from_utf8(app.get("/metrics").await.body).unwrap());

    let tagged = app.get("/v1/faqs?utm_source=newsletter&per_page=2&fbclid=IwAR0x&utm_campaign=spring%20care").await;
    assert_eq!(tagged.status.as_u16(), 200, "{}", String::from_utf8_lossy(&tagged.body));
    assert_eq!(tagged.body, plain.body, "the same answer");
    assert_eq!(tagged.header("etag"), plain.header("etag"));
    let after = cache_hits(&String::from_utf8(app.get("/metrics").await.body).unwrap());
    assert_eq!(after, hits + 1, "the tagged read was the plain read's cache entry");

    // Links in the answer carry no tags, and a cursor made under tags works without them.
    let page = tagged.json();
    let next = page["links"]["next"].as_str().expect("links.next");
    assert!(!next.contains("utm_") && !next.contains("fbclid"), "{next}");
    let cursor = page["meta"]["pagination"]["next_cursor"].as_str().expect("a next cursor");
    let second = app.get(&format!("/v1/faqs?per_page=2&cursor={cursor}&gclid=abc")).await;
    assert_eq!(second.status.as_u16(), 200, "{}", String::from_utf8_lossy(&second.body));
    assert_eq!(second.json()["data"].as_array().unwrap().len(), 2);

    // Detail routes, search and feeds ignore them too.
    for path in [
        format!("/v1/posts/{POST_SLUG}?utm_medium=email"),
        "/v1/search?q=massage&msclkid=1".to_string(),
        "/feeds/posts.rss?utm_source=feedly".to_string(),
        "/v1/site?_ga=2.1".to_string(),
    ] {
        assert_eq!(app.get(&path).await.status.as_u16(), 200, "GET {path}");
    }

    // Anything else unknown is still a 400, near misses and encoded names included.
    for path in ["/v1/faqs?utm_sourcex=1", "/v1/faqs?utm%5Fsource=1", "/v1/faqs?ref=x&utm_source=y"] {
        let response = app.get(path).await;
        assert_problem(&response, 400, path);
    }
}

#[actix_web::test]
async fn the_spec_lists_the_ignored_tags() {
    let app = spawn_app().await;
    let spec = app.get_ok("/openapi.json").await;
    let description = spec["info"]["description"].as_str().unwrap();
    for name in ["utm_source", "utm_campaign", "fbclid", "gclid", "msclkid"] {
        assert!(description.contains(&format!("`{name}`")), "{name} in {description}");
    }
}

async fn rename(app: &TestApp, token: &str, from: &str, to: &str) {
    let renamed = app.write(Method::PATCH, &format!("/v1/posts/{from}"), token, &json!({"slug": to})).await;
    assert_eq!(renamed.status.as_u16(), 200, "{}", String::from_utf8_lossy(&renamed.body));
}

#[actix_web::test]
async fn the_redirect_map_lists_every_old_slug_as_site_paths_and_as_a_redirects_file() {
    let app = spawn_app_with(|config| config.public_site_url = Some("https://clinic.example".to_string())).await;
    let write = app.token("write");
    assert_eq!(app.get_ok("/v1/redirects").await, json!({"data": [], "links": {"next": null}}));

    // Renamed twice: both old slugs lead straight to the newest, no chain.
    rename(&app, &write, POST_SLUG, "massage-for-back-pain").await;
    rename(&app, &write, "massage-for-back-pain", "back-pain-massage").await;
    // A draft's old address stays private.
    let draft = json!({"slug": "draft-two", "title": "Draft", "redirect_from": ["draft-one"],
                       "sections": [{"heading": null, "markdown": "Text."}]});
    assert_eq!(app.write(Method::POST, "/v1/posts", &write, &draft).await.status.as_u16(), 201);

    let map = app.get_ok("/v1/redirects").await;
    assert_eq!(
        map["data"],
        json!([
            {"from": format!("/blog/{POST_SLUG}"), "to": "/blog/back-pain-massage",
             "from_url": format!("https://clinic.example/blog/{POST_SLUG}"),
             "to_url": "https://clinic.example/blog/back-pain-massage",
             "status": 301, "from_slug": POST_SLUG, "to_slug": "back-pain-massage"},
            {"from": "/blog/massage-for-back-pain", "to": "/blog/back-pain-massage",
             "from_url": "https://clinic.example/blog/massage-for-back-pain",
             "to_url": "https://clinic.example/blog/back-pain-massage",
             "status": 301, "from_slug": "massage-for-back-pain", "to_slug": "back-pain-massage"},
        ]),
        "ordered by the old slug"
    );
    // Every entry agrees with the API's own 301.
    for entry in map["data"].as_array().unwrap() {
        let old = app.get(&format!("/v1/posts/{}", entry["from_slug"].as_str().unwrap())).await;
        assert_eq!(old.status.as_u16(), 301);
        assert_eq!(old.header("location"), Some(format!("/v1/posts/{}", entry["to_slug"].as_str().unwrap()).as_str()));
    }

    let preview = app.get_as("/v1/redirects", &app.token("preview")).await;
    assert_eq!(preview.status.as_u16(), 200);
    assert_eq!(preview.header("cache-control"), Some("private, no-store"));
    let slugs: Vec<String> = preview.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["from_slug"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(slugs, ["draft-one", POST_SLUG, "massage-for-back-pain"], "a token with preview sees the draft's");

    let file = app.get("/v1/redirects?format=netlify").await;
    assert_eq!(file.status.as_u16(), 200);
    assert_eq!(file.content_type(), "text/plain; charset=utf-8");
    assert!(file.header("etag").is_some());
    let text = String::from_utf8(file.body).unwrap();
    let lines: Vec<&str> = text.lines().filter(|line| !line.starts_with('#')).collect();
    assert_eq!(
        lines,
        [
            format!("/blog/{POST_SLUG} /blog/back-pain-massage 301"),
            "/blog/massage-for-back-pain /blog/back-pain-massage 301".to_string()
        ]
    );

    for path in
        ["/v1/redirects?format=xml", "/v1/redirects?page=0", "/v1/redirects?sort=from", "/v1/redirects?page=1&page=2"]
    {
        assert_problem(&app.get(path).await, 400, path);
    }
    assert_eq!(app.get_ok("/v1/redirects?page=2").await["data"], json!([]));
}

fn limits(read: u32, search: u32, write: u32) -> clinic_content::http::rate_limit::Limits {
    clinic_content::http::rate_limit::Limits { read, search, write }
}

#[actix_web::test]
async fn a_verified_token_spends_its_own_budget_and_any_other_authorization_header_the_address() {
    let app = spawn_app_with(|config| {
        config.rate_limits = limits(3, 2, 2);
        config.token_rate_limits = limits(40, 20, 10);
    })
    .await;
    let (token, other) = (app.token("preview"), app.token("write"));
    for _ in 0..3 {
        assert_eq!(app.get("/v1/site").await.status.as_u16(), 200);
    }
    assert_problem(&app.get("/v1/site").await, 429, "/v1/site");
    // Any header is not a token: a made-up one spends the address's budget (429 before its 401).
    let made_up = app.request(Method::GET, "/v1/site", &[("Authorization", "Bearer not-a-token")]).await;
    assert_problem(&made_up, 429, "/v1/site");

    for n in 0..40 {
        let response = app.get_as("/v1/site", &token).await;
        assert_eq!(response.status.as_u16(), 200, "token read {n}");
        assert_eq!(response.header("ratelimit-limit"), Some("40"));
        assert_eq!(response.header("ratelimit-policy"), Some("40;w=60"));
    }
    assert_problem(&app.get_as("/v1/site", &token).await, 429, "/v1/site");
    let searched = app.get_as("/v1/search?q=massage", &token).await;
    assert_eq!((searched.status.as_u16(), searched.header("ratelimit-limit")), (200, Some("20")), "its own searches");
    let second = app.get_as("/v1/site", &other).await;
    assert_eq!(second.status.as_u16(), 200, "another token has a budget of its own");

    // A revoked token is a made-up one again.
    clinic_content::tokens::query::revoke(&mut app.connection(), "test Write", "2026-01-02T00:00:00Z").unwrap();
    assert_problem(&app.get_as("/v1/site", &other).await, 429, "/v1/site");
}

#[actix_web::test]
async fn a_static_build_of_1400_pages_with_a_token_is_not_throttled_at_the_default_budgets() {
    let app = spawn_app_with(|config| {
        config.rate_limits = limits(1200, 120, 120);
        config.token_rate_limits = limits(12_000, 1_200, 120);
    })
    .await;
    let token = app.token("preview");
    let paths = [format!("/v1/posts/{POST_SLUG}"), "/v1/faqs".to_string(), "/v1/site".to_string()];
    let mut limited = 0;
    for n in 0..1400 {
        if app.get_as(&paths[n % paths.len()], &token).await.status.as_u16() == 429 {
            limited += 1;
        }
    }
    assert_eq!(limited, 0);
}

#[actix_web::test]
async fn one_request_brings_everything_the_seed_posts_page_shows() {
    let app = spawn_app().await;
    let page =
        app.get_ok(&format!("/v1/posts/{POST_SLUG}?include=faqs,conditions,jsonld,categories,guidance,site")).await;
    let post = &page["data"];
    assert_eq!(post["site"], app.get_ok("/v1/site").await["data"], "the site, as /v1/site gives it");
    assert_eq!(post["guidance"], app.get_ok("/v1/guidance").await["data"], "the guidance, as /v1/guidance gives it");
    let named: Vec<&str> =
        post["condition_categories"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
    let categories = post["categories"].as_array().unwrap();
    assert_eq!(categories.len(), named.len());
    assert!(named.len() >= 2, "the seed post discusses several categories");
    for (category, slug) in categories.iter().zip(&named) {
        let alone = app.get_ok(&format!("/v1/condition-categories/{slug}")).await;
        assert_eq!(category, &alone["data"], "{slug}: in full, in the post's order");
        assert!(!category["description"].as_str().unwrap().is_empty());
        assert!(!category["conditions"].as_array().unwrap().is_empty());
    }
    for key in ["faqs", "conditions", "jsonld"] {
        assert!(post.get(key).is_some(), "{key} is still there");
    }

    // Only what was asked for, and JSON-LD alone brings no site or FAQ entries along.
    let plain = app.get_ok(&format!("/v1/posts/{POST_SLUG}?include=jsonld")).await;
    for key in ["site", "guidance", "categories", "faqs"] {
        assert!(plain["data"].get(key).is_none(), "{key} was not asked for");
    }
    let path = format!("/v1/posts/{POST_SLUG}?include=sitee");
    assert_problem(&app.get(&path).await, 400, &format!("/v1/posts/{POST_SLUG}"));
}

#[actix_web::test]
async fn a_client_asks_for_the_one_body_form_it_renders() {
    let app = spawn_app().await;
    let whole = app.get_ok(&format!("/v1/posts/{POST_SLUG}")).await;
    let path = format!("/v1/posts/{POST_SLUG}?fields=title,body.html,sections.heading,sections.html");
    let response = app.get(&path).await;
    assert_eq!(response.status.as_u16(), 200, "{}", String::from_utf8_lossy(&response.body));
    let full_bytes = serde_json::to_vec(&whole).unwrap().len();
    assert!(response.body.len() * 3 < full_bytes, "{} bytes of {full_bytes}", response.body.len());
    let post = &response.json()["data"];
    assert_eq!(post["title"], whole["data"]["title"]);
    assert_eq!(post["body"], json!({"html": whole["data"]["body"]["html"]}));
    let sections = post["sections"].as_array().unwrap();
    assert_eq!(sections.len(), whole["data"]["sections"].as_array().unwrap().len());
    for (section, full) in sections.iter().zip(whole["data"]["sections"].as_array().unwrap()) {
        assert_eq!(section, &json!({"heading": full["heading"], "html": full["html"]}));
    }
    assert_eq!(post.as_object().unwrap().len(), 3, "nothing else: {post}");

    // The whole field wins over a part of it; unknown parts are a 400.
    let both = app.get_ok(&format!("/v1/posts/{POST_SLUG}?fields=body,body.html")).await;
    assert_eq!(both["data"]["body"], whole["data"]["body"]);
    for bad in ["body.htm", "sections.html.x", "title.text"] {
        let path = format!("/v1/posts/{POST_SLUG}?fields={bad}");
        assert_problem(&app.get(&path).await, 400, &path);
    }
}

#[actix_web::test]
async fn token_reads_have_a_cache_of_their_own_that_no_anonymous_reader_sees() {
    let app = spawn_app().await;
    let (write, preview) = (app.token("write"), app.token("preview"));
    let draft = json!({"slug": "a-draft", "title": "A draft", "sections": [{"heading": null, "markdown": "Text."}]});
    assert_eq!(app.write(Method::POST, "/v1/posts", &write, &draft).await.status.as_u16(), 201);
    let metrics = || async { cache_hits(&String::from_utf8(app.get("/metrics").await.body).unwrap()) };

    let first = app.get_as("/v1/posts?fields=slug", &preview).await;
    let hits = metrics().await;
    let second = app.get_as("/v1/posts?fields=slug", &write).await;
    assert_eq!(metrics().await, hits + 1, "another token's read of the same URL is a cache hit");
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("cache-control"), Some("private, no-store"), "never in a shared cache");
    assert_eq!(first.json()["meta"]["pagination"]["total"], 2, "the draft is in the token's view");

    // The public's answer to the same URL is its own, without the draft, before and after.
    let public = app.get_ok("/v1/posts?fields=slug").await;
    assert_eq!(public["meta"]["pagination"]["total"], 1);
    assert_eq!(app.get_as("/v1/posts?fields=slug", &preview).await.json()["meta"]["pagination"]["total"], 2);
    assert_eq!(app.get_ok("/v1/posts?fields=slug").await["meta"]["pagination"]["total"], 1);

    // A write is seen by the next token read; a made-up or revoked token never gets the entry.
    let second_draft =
        json!({"slug": "b-draft", "title": "B draft", "sections": [{"heading": null, "markdown": "Text."}]});
    assert_eq!(app.write(Method::POST, "/v1/posts", &write, &second_draft).await.status.as_u16(), 201);
    assert_eq!(app.get_as("/v1/posts?fields=slug", &preview).await.json()["meta"]["pagination"]["total"], 3);
    let made_up = app.get_as("/v1/posts?fields=slug", "not-a-token").await;
    assert_eq!(made_up.status.as_u16(), 401);
    clinic_content::tokens::query::revoke(&mut app.connection(), "test Preview", "2026-01-02T00:00:00Z").unwrap();
    assert_eq!(app.get_as("/v1/posts?fields=slug", &preview).await.status.as_u16(), 401);

    // Routes that need a scope to read are never served from it.
    let admin = app.token("admin");
    let hits = metrics().await;
    for _ in 0..2 {
        assert_eq!(app.get_as("/v1/webhooks", &admin).await.status.as_u16(), 200);
    }
    assert_eq!(metrics().await, hits);
}
