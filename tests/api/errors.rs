//! Bad input gets a problem document with the right status; never a 500.

use actix_web::http::Method;

use crate::helpers::{assert_problem, spawn_app, POST_SLUG};

#[actix_web::test]
async fn out_of_range_and_malformed_paging_is_a_400() {
    let app = spawn_app().await;
    for (query, field) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=1000", "per_page"),
        ("per_page=1.5", "per_page"),
        ("page=99999999999999999999", "page"),
    ] {
        let problem = app.get_problem(&format!("/v1/posts?{query}"), 400).await;
        assert_eq!(problem["code"], "invalid-parameter", "{query}");
        assert_eq!(problem["errors"][0]["field"], field, "{query}");
    }
}

#[actix_web::test]
async fn unknown_and_repeated_parameters_are_a_400_listing_what_is_allowed() {
    let app = spawn_app().await;
    let problem = app.get_problem("/v1/faqs?order=title", 400).await;
    assert_eq!(problem["errors"][0]["field"], "order");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("page, per_page, cursor, sort, fields, q, filter[post], filter[tag]"), "{message}");
    assert!(!message.contains("filter[status]"), "preview-only filters are not offered to the public: {message}");

    let problem = app.get_problem("/v1/posts?page=1&page=2", 400).await;
    assert_eq!(problem["errors"][0]["message"], "is given more than once");

    let problem = app.get_problem("/v1/posts?filter[tag][gt]=a", 400).await;
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("operator 'gt'"));

    let problem = app.get_problem("/v1/posts?filter[tag]=Not%20A%20Slug", 400).await;
    assert_eq!(problem["errors"][0]["field"], "filter[tag]");

    // Several problems are reported together.
    let problem = app.get_problem("/v1/tags?page=0&per_page=500&x=1", 400).await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 3);
}

#[actix_web::test]
async fn detail_routes_take_no_query_parameters() {
    let app = spawn_app().await;
    let problem = app.get_problem(&format!("/v1/posts/{POST_SLUG}?sort=title"), 400).await;
    assert_eq!(problem["errors"][0]["field"], "sort");
    app.get_problem("/v1/guidance?x=1", 400).await;
    app.get_problem("/v1/site?page=1", 400).await;
}

#[actix_web::test]
async fn unknown_paths_are_a_404_problem() {
    let app = spawn_app().await;
    for path in ["/nope", "/v1", "/v1/post", "/v2/posts", "/v1/posts/a/b", "/v1/posts/%00"] {
        let response = app.get(path).await;
        assert_problem(&response, 404, path);
    }
}

#[actix_web::test]
async fn strange_slugs_are_404s_not_500s() {
    let app = spawn_app().await;
    for slug in ["UPPER", "%E2%9C%93", "a%20b", "'%20OR%201=1", &"x".repeat(2000)] {
        let response = app.get(&format!("/v1/posts/{slug}")).await;
        assert_eq!(response.status.as_u16(), 404, "{slug}");
    }
}

#[actix_web::test]
async fn methods_a_route_does_not_serve_are_a_405_with_allow() {
    let app = spawn_app().await;
    let post = format!("/v1/posts/{POST_SLUG}");
    let cases: [(&str, &[Method], &str); 4] = [
        ("/v1/posts", &[Method::PUT, Method::PATCH, Method::DELETE], "GET, HEAD, POST"),
        (&post, &[Method::POST, Method::PUT], "GET, HEAD, PATCH, DELETE"),
        ("/v1/guidance", &[Method::POST, Method::PUT, Method::PATCH, Method::DELETE], "GET, HEAD"),
        ("/healthz", &[Method::POST, Method::PUT, Method::PATCH, Method::DELETE], "GET, HEAD"),
    ];
    for (path, methods, allowed) in cases {
        for method in methods {
            let response = app.request(method.clone(), path, &[]).await;
            assert_problem(&response, 405, path);
            assert_eq!(response.header("allow"), Some(allowed), "{method} {path}");
            assert_eq!(response.json()["code"], "method-not-allowed");
        }
    }
}
