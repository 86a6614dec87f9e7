use serde_json::Value;

use crate::helpers::{spawn_app, POST_SLUG};

#[actix_web::test]
async fn the_seed_post_is_listed_with_pagination() {
    let app = spawn_app().await;
    let list = app.get_ok("/v1/posts").await;
    let posts = list["data"].as_array().unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["slug"], POST_SLUG);
    assert_eq!(posts[0]["reading_time_minutes"], 8);
    assert_eq!(posts[0]["published_at"], "2026-04-25T16:00:00Z");
    assert!(posts[0].get("body").is_none(), "lists carry no body");
    assert_eq!(posts[0]["links"]["self"], format!("/v1/posts/{POST_SLUG}"));
    let pagination = &list["meta"]["pagination"];
    assert_eq!(pagination["page"], 1);
    assert_eq!(pagination["per_page"], 20);
    assert_eq!(pagination["total"], 1);
    assert_eq!(pagination["total_pages"], 1);
    assert_eq!(pagination["next"], Value::Null);
    assert_eq!(pagination["prev"], Value::Null);
    assert_eq!(list["links"]["self"], "/v1/posts?page=1&per_page=20");
}

#[actix_web::test]
async fn the_seed_post_has_every_field() {
    let app = spawn_app().await;
    let post = app.get_ok(&format!("/v1/posts/{POST_SLUG}")).await["data"].clone();
    assert_eq!(post["title"], "Is Massage Therapy Worth It for Back Pain? An Honest Answer");
    assert_eq!(post["status"], "published");
    assert!(post["published_at"].as_str().unwrap().starts_with("2026-04-25"));
    assert_eq!(post["reading_time_minutes"], 8);
    assert!(post["word_count"].as_i64().unwrap() > 1000);
    assert!(post["excerpt"].as_str().unwrap().starts_with("Massage therapy is worth it for back pain"));
    assert!(post["meta_title"].as_str().unwrap().len() <= 60);
    assert!(post["meta_description"].as_str().unwrap().len() <= 160);
    assert_eq!(post["canonical_url"], format!("https://easycozy.ca/blog/{POST_SLUG}"));
    assert_eq!(post["cta"]["label"], "Book Now");
    assert_eq!(post["cta"]["url"], "https://easycozy.ca/booking");
    assert_eq!(post["author"]["name"], "Easy Cozy Wellness");
    assert_eq!(post["author"]["kind"], "organization");

    let tags: Vec<&str> = post["tags"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
    assert_eq!(tags.len(), 7);
    assert!(tags.contains(&"back-pain") && tags.contains(&"deep-tissue-massage") && tags.contains(&"nanaimo"));

    let citations = post["citations"].as_array().unwrap();
    let urls: Vec<&str> = citations.iter().map(|c| c["url"].as_str().unwrap()).collect();
    assert_eq!(
        urls,
        [
            "https://www.physiopedia.com/Low_Back_Pain",
            "https://www.nhs.uk/conditions/back-pain/",
            "https://www.canada.ca/en/health-canada.html"
        ]
    );
    for citation in citations {
        assert_eq!(citation["year"], 2024);
        assert!(citation["claim"].as_str().unwrap().len() > 20, "every citation backs a claim");
    }
    assert!(citations[1]["claim"].as_str().unwrap().contains("12 weeks"));

    let categories: Vec<&str> =
        post["condition_categories"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
    assert_eq!(categories, ["strong-responders", "moderate-responders", "see-a-doctor-first"]);

    assert_eq!(post["key_points"]["mechanisms"].as_array().unwrap().len(), 4);
    assert_eq!(post["key_points"]["limitations"].as_array().unwrap().len(), 3);
    assert!(post["key_points"]["mechanisms"][0].as_str().unwrap().contains("trigger points"));
}

#[actix_web::test]
async fn the_body_comes_as_markdown_html_text_and_sections() {
    let app = spawn_app().await;
    let post = app.get_ok(&format!("/v1/posts/{POST_SLUG}")).await["data"].clone();
    let sections = post["sections"].as_array().unwrap();
    let headings: Vec<Value> = sections.iter().map(|s| s["heading"].clone()).collect();
    assert_eq!(sections.len(), 8);
    assert_eq!(headings[0], Value::Null, "the lead has no heading");
    assert_eq!(sections[0]["anchor"], "introduction");
    assert_eq!(sections[4]["heading"], "How many sessions you actually need");
    assert_eq!(sections[4]["anchor"], "how-many-sessions-you-actually-need");
    let sessions_text = sections[4]["text"].as_str().unwrap();
    for phrase in [
        "one to two sessions",
        "two to four sessions over two to four weeks",
        "four to six sessions over four to six weeks",
        "Monthly maintenance",
    ] {
        assert!(sessions_text.contains(phrase), "missing '{phrase}'");
    }

    let body = &post["body"];
    let markdown = body["markdown"].as_str().unwrap();
    let html = body["html"].as_str().unwrap();
    let text = body["text"].as_str().unwrap();
    assert!(markdown.contains("## What the evidence shows\n\n"));
    assert!(markdown.contains("[NHS, 2024](https://www.nhs.uk/conditions/back-pain/)"));
    assert!(html.contains("<h2 id=\"what-the-evidence-shows\">What the evidence shows</h2>"));
    assert!(html.contains("<h3>Strong responders</h3>"));
    assert!(html.contains("<a href=\"https://www.nhs.uk/conditions/back-pain/\">"));
    assert!(!html.contains("<script"));
    assert!(!text.contains('<') && !text.contains("##") && !text.contains("]("), "plain text has no markup");
    assert!(text.contains("What the evidence shows"));
    // Every section's HTML is in the whole body, in order.
    let mut from = 0;
    for section in sections {
        let part = section["html"].as_str().unwrap();
        let at = html[from..].find(part).expect("section html in body html, in order");
        from += at + part.len();
    }
    // The CTA line and the stray keyword line of the source are not part of the body.
    assert!(!text.contains("Book Now: https://"));
    assert!(!text.contains("treatment Nanaimo effective"));
}

#[actix_web::test]
async fn posts_filter_by_tag() {
    let app = spawn_app().await;
    let tagged = app.get_ok("/v1/posts?filter%5Btag%5D=sciatica").await;
    assert_eq!(tagged["meta"]["pagination"]["total"], 1);
    assert_eq!(tagged["links"]["self"], "/v1/posts?filter%5Btag%5D=sciatica&page=1&per_page=20");
    let none = app.get_ok("/v1/posts?filter[tag]=no-such-tag").await;
    assert_eq!(none["data"].as_array().unwrap().len(), 0);
    assert_eq!(none["meta"]["pagination"]["total"], 0);
    assert_eq!(none["meta"]["pagination"]["total_pages"], 0);
}

#[actix_web::test]
async fn a_page_past_the_end_is_empty_not_an_error() {
    let app = spawn_app().await;
    let list = app.get_ok("/v1/posts?page=3").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0);
    assert_eq!(list["meta"]["pagination"]["total"], 1);
    assert_eq!(list["meta"]["pagination"]["next"], Value::Null);
    assert_eq!(list["meta"]["pagination"]["prev"], 1);
}

#[actix_web::test]
async fn an_unknown_post_is_a_404_problem() {
    let app = spawn_app().await;
    let problem = app.get_problem("/v1/posts/no-such-post", 404).await;
    assert_eq!(problem["code"], "not-found");
    assert_eq!(problem["detail"], "No post has the slug 'no-such-post'.");
}

#[actix_web::test]
async fn a_post_can_embed_its_json_ld() {
    let app = spawn_app().await;
    let post = app.get_ok(&format!("/v1/posts/{POST_SLUG}?include=jsonld")).await["data"].clone();
    let standalone = app.get(&format!("/v1/posts/{POST_SLUG}/jsonld")).await;
    let standalone: Value = serde_json::from_slice(&standalone.body).unwrap();
    assert_eq!(post["jsonld"], standalone, "the same document as the JSON-LD route");
    assert!(post.get("faqs").is_none(), "FAQ entries only when asked for");
    let with_faqs =
        app.get_ok(&format!("/v1/posts/{POST_SLUG}?include=jsonld,faqs&fields=title")).await["data"].clone();
    assert_eq!(with_faqs["faqs"].as_array().unwrap().len(), 4);
    assert!(with_faqs["jsonld"].is_object());
}
