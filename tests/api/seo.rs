//! JSON-LD, feeds, sitemap and related posts.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, TestApp, POST_SLUG};

const CANONICAL: &str = "https://easycozy.ca/blog/is-massage-therapy-worth-it-for-back-pain";

fn post(
    slug: &str,
    title: &str,
    status: &str,
    published_at: Option<&str>,
    tags: &[&str],
    categories: &[&str],
) -> Value {
    json!({
        "slug": slug,
        "title": title,
        "excerpt": format!("About {title}"),
        "status": status,
        "published_at": published_at,
        "tags": tags,
        "condition_categories": categories,
        "sections": [{"heading": null, "markdown": "Some *text* & more."}]
    })
}

async fn create(app: &TestApp, token: &str, body: Value) {
    let response = app.write(Method::POST, "/v1/posts", token, &body).await;
    assert_eq!(response.status.as_u16(), 201, "{}", String::from_utf8_lossy(&response.body));
}

/// The seed post, a newer published post with markup in its title, and a draft.
async fn with_posts() -> TestApp {
    let app = spawn_app().await;
    let token = app.token("write");
    let title = "Desk <stretches> & \"posture\"";
    create(&app, &token, post("desk-stretches", title, "published", Some("2026-05-01T09:00:00Z"), &["back-pain"], &[]))
        .await;
    create(&app, &token, post("a-draft", "A draft", "draft", None, &["back-pain"], &[])).await;
    app
}

fn by_type<'a>(graph: &'a [Value], kind: &str) -> &'a Value {
    graph.iter().find(|node| node["@type"] == kind).unwrap_or_else(|| panic!("no {kind} node"))
}

#[actix_web::test]
async fn a_posts_json_ld_has_the_article_the_clinic_and_the_faq_page() {
    let app = spawn_app().await;
    let path = format!("/v1/posts/{POST_SLUG}/jsonld");
    let response = app.get(&path).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.content_type(), "application/ld+json");
    let document = response.json();
    assert_eq!(document["@context"], "https://schema.org");
    let graph = document["@graph"].as_array().unwrap();

    let page = by_type(graph, "MedicalWebPage");
    assert_eq!(page["@id"], CANONICAL);
    let article = by_type(graph, "Article");
    assert_eq!(article["headline"], "Is Massage Therapy Worth It for Back Pain? An Honest Answer");
    assert!(!article["description"].as_str().unwrap().is_empty());
    assert_eq!(article["datePublished"], "2026-04-25T16:00:00Z");
    assert!(article["dateModified"].as_str().unwrap().ends_with('Z'));
    assert_eq!(article["mainEntityOfPage"], CANONICAL);
    assert_eq!(article["url"], CANONICAL);
    for role in ["author", "publisher"] {
        let clinic = &article[role];
        assert_eq!(clinic["@type"], "HealthAndBeautyBusiness", "{role}");
        assert_eq!(clinic["name"], "Easy Cozy Wellness");
        assert_eq!(clinic["url"], "https://easycozy.ca");
        assert_eq!(
            clinic["address"],
            json!({"@type": "PostalAddress", "addressLocality": "Nanaimo", "addressRegion": "BC", "addressCountry": "CA"})
        );
    }
    let citations = article["citation"].as_array().unwrap();
    assert_eq!(citations.len(), 3);
    assert!(citations
        .iter()
        .all(|c| c["@type"] == "CreativeWork" && c["url"].as_str().unwrap().starts_with("https://")));
    assert!(article["keywords"].as_str().unwrap().contains("Sciatica"), "{}", article["keywords"]);

    let faq = by_type(graph, "FAQPage");
    let questions = faq["mainEntity"].as_array().unwrap();
    assert_eq!(questions.len(), 4);
    for question in questions {
        assert_eq!(question["@type"], "Question");
        assert!(!question["name"].as_str().unwrap().is_empty());
        assert_eq!(question["acceptedAnswer"]["@type"], "Answer");
        assert!(!question["acceptedAnswer"]["text"].as_str().unwrap().is_empty());
    }

    let etag = response.header("etag").unwrap().to_string();
    assert_eq!(app.request(Method::GET, &path, &[("If-None-Match", &etag)]).await.status, 304);
    app.get_problem("/v1/posts/no-such-post/jsonld", 404).await;
    app.get_problem(&format!("{path}?include=faqs"), 400).await;
}

#[actix_web::test]
async fn a_post_without_faq_entries_has_no_faq_page_and_drafts_have_no_json_ld() {
    let app = with_posts().await;
    let document = app.get("/v1/posts/desk-stretches/jsonld").await.json();
    let graph = document["@graph"].as_array().unwrap();
    assert!(graph.iter().all(|node| node["@type"] != "FAQPage"));
    // No canonical URL: the front end's URL for the post.
    assert_eq!(by_type(graph, "Article")["mainEntityOfPage"], "https://easycozy.ca/blog/desk-stretches");
    app.get_problem("/v1/posts/a-draft/jsonld", 404).await;
}

fn xml_texts(document: &roxmltree::Document, name: &str) -> Vec<String> {
    document
        .descendants()
        .filter(|node| node.tag_name().name() == name)
        .map(|node| node.text().unwrap_or("").to_string())
        .collect()
}

#[actix_web::test]
async fn feeds_and_sitemap_list_exactly_the_published_posts_newest_first() {
    let app = with_posts().await;
    let newest = "https://easycozy.ca/blog/desk-stretches";

    let rss = app.get("/feeds/posts.rss").await;
    assert_eq!(rss.status, 200);
    assert_eq!(rss.content_type(), "application/rss+xml");
    let text = String::from_utf8(rss.body.clone()).unwrap();
    let document = roxmltree::Document::parse(&text).expect("RSS is well-formed XML");
    assert_eq!(document.root_element().tag_name().name(), "rss");
    assert_eq!(document.root_element().attribute("version"), Some("2.0"));
    let items: Vec<_> = document.descendants().filter(|n| n.tag_name().name() == "item").collect();
    let links: Vec<&str> = items
        .iter()
        .map(|item| item.children().find(|c| c.tag_name().name() == "link").unwrap().text().unwrap())
        .collect();
    assert_eq!(links, [newest, CANONICAL]);
    let titles: Vec<&str> = items
        .iter()
        .map(|item| item.children().find(|c| c.tag_name().name() == "title").unwrap().text().unwrap())
        .collect();
    assert_eq!(titles[0], "Desk <stretches> & \"posture\"");
    assert_eq!(xml_texts(&document, "pubDate")[0], "Fri, 1 May 2026 09:00:00 +0000");
    let etag = rss.header("etag").unwrap().to_string();
    assert_eq!(app.request(Method::GET, "/feeds/posts.rss", &[("If-None-Match", &etag)]).await.status, 304);

    let atom = app.get("/feeds/posts.atom").await;
    assert_eq!(atom.content_type(), "application/atom+xml");
    let text = String::from_utf8(atom.body.clone()).unwrap();
    let document = roxmltree::Document::parse(&text).expect("Atom is well-formed XML");
    assert_eq!(document.root_element().tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    let entries: Vec<_> = document.descendants().filter(|n| n.tag_name().name() == "entry").collect();
    let ids: Vec<&str> = entries
        .iter()
        .map(|entry| entry.children().find(|c| c.tag_name().name() == "id").unwrap().text().unwrap())
        .collect();
    assert_eq!(ids, [newest, CANONICAL]);
    let content = entries[0].children().find(|c| c.tag_name().name() == "content").unwrap().text().unwrap();
    assert!(content.contains("<em>text</em> &amp; more"), "{content}");

    let feed = app.get("/feeds/posts.json").await;
    assert_eq!(feed.content_type(), "application/feed+json");
    let feed = feed.json();
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    let urls: Vec<&str> = feed["items"].as_array().unwrap().iter().map(|i| i["url"].as_str().unwrap()).collect();
    assert_eq!(urls, [newest, CANONICAL]);
    assert_eq!(feed["items"][0]["title"], "Desk <stretches> & \"posture\"");
    assert_eq!(feed["items"][0]["date_published"], "2026-05-01T09:00:00Z");

    let sitemap = app.get("/sitemap.xml").await;
    assert_eq!(sitemap.content_type(), "application/xml");
    let text = String::from_utf8(sitemap.body.clone()).unwrap();
    let document = roxmltree::Document::parse(&text).expect("the sitemap is well-formed XML");
    assert_eq!(document.root_element().tag_name().namespace(), Some("http://www.sitemaps.org/schemas/sitemap/0.9"));
    assert_eq!(xml_texts(&document, "loc"), [newest, CANONICAL]);

    // HEAD, and strict parameters.
    assert_eq!(app.request(Method::HEAD, "/sitemap.xml", &[]).await.status, 200);
    for path in ["/feeds/posts.rss?page=2", "/feeds/posts.atom?x", "/feeds/posts.json?limit=1", "/sitemap.xml?a=b"] {
        app.get_problem(path, 400).await;
    }
}

#[actix_web::test]
async fn feeds_use_the_configured_public_site_url() {
    let app = spawn_app_with(|config| config.public_site_url = Some("https://front.example".into())).await;
    let token = app.token("write");
    create(&app, &token, post("desk-stretches", "Desk", "published", Some("2026-05-01T09:00:00Z"), &[], &[])).await;
    let text = String::from_utf8(app.get("/sitemap.xml").await.body).unwrap();
    let document = roxmltree::Document::parse(&text).unwrap();
    // A post's own canonical URL wins; otherwise the configured base.
    assert_eq!(xml_texts(&document, "loc"), ["https://front.example/blog/desk-stretches", CANONICAL]);
    let feed = app.get("/feeds/posts.json").await.json();
    assert_eq!(feed["home_page_url"], "https://front.example/blog");
}

#[actix_web::test]
async fn with_more_posts_than_a_file_holds_the_sitemap_is_an_index_of_files() {
    let app = spawn_app_with(|config| {
        config.sitemap_urls = 2;
        config.public_api_url = Some("https://api.example".into());
    })
    .await;
    let token = app.token("write");
    for (slug, day) in [("first", "01"), ("second", "02"), ("third", "03"), ("fourth", "04")] {
        let published = format!("2026-05-{day}T09:00:00Z");
        create(&app, &token, post(slug, slug, "published", Some(&published), &["back-pain"], &[])).await;
    }
    create(&app, &token, post("a-draft", "A draft", "draft", None, &[], &[])).await;
    // Four new posts and the seed's: three files of two, newest first.
    let text = String::from_utf8(app.get("/sitemap.xml").await.body).unwrap();
    let index = roxmltree::Document::parse(&text).expect("the index is well-formed XML");
    assert_eq!(index.root_element().tag_name().name(), "sitemapindex");
    assert_eq!(index.root_element().tag_name().namespace(), Some("http://www.sitemaps.org/schemas/sitemap/0.9"));
    let files = xml_texts(&index, "loc");
    let expected: Vec<String> = (1..=3).map(|n| format!("https://api.example/sitemap.xml?page={n}")).collect();
    assert_eq!(files, expected);
    assert_eq!(xml_texts(&index, "lastmod").len(), 3);

    let mut listed = Vec::new();
    for file in &files {
        let path = file.strip_prefix("https://api.example").unwrap();
        let response = app.get(path).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.content_type(), "application/xml");
        let text = String::from_utf8(response.body).unwrap();
        let document = roxmltree::Document::parse(&text).expect("a sitemap file is well-formed XML");
        assert_eq!(document.root_element().tag_name().name(), "urlset");
        let urls = xml_texts(&document, "loc");
        assert!(urls.len() <= 2, "{path}: {urls:?}");
        listed.extend(urls);
    }
    let blog = |slug: &str| format!("https://easycozy.ca/blog/{slug}");
    assert_eq!(listed, [blog("fourth"), blog("third"), blog("second"), blog("first"), CANONICAL.to_string()]);
    // Each file's lastmod is the newest change among its posts.
    let first = String::from_utf8(app.get("/sitemap.xml?page=1").await.body).unwrap();
    let first = roxmltree::Document::parse(&first).unwrap();
    assert_eq!(xml_texts(&index, "lastmod")[0], *xml_texts(&first, "lastmod").iter().max().unwrap());

    let problem = app.get_problem("/sitemap.xml?page=4", 404).await;
    assert!(problem["detail"].as_str().unwrap().contains("no file 4"), "{problem}");
    for path in ["/sitemap.xml?page=0", "/sitemap.xml?page=x", "/sitemap.xml?page=1&page=2", "/sitemap.xml?page=50001"]
    {
        app.get_problem(path, 400).await;
    }
}

#[actix_web::test]
async fn up_to_a_files_worth_of_posts_the_sitemap_is_one_file_and_its_first_page() {
    let app = with_posts().await;
    let whole = app.get("/sitemap.xml").await;
    let first = app.get("/sitemap.xml?page=1").await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body, first.body);
    app.get_problem("/sitemap.xml?page=2", 404).await;
}

#[actix_web::test]
async fn related_posts_are_ranked_by_shared_tags_and_categories() {
    let app = spawn_app().await;
    let token = app.token("write");
    let published = Some("2026-05-01T09:00:00Z");
    // Shares 2 tags and 1 category: 5.
    create(
        &app,
        &token,
        post("close", "Close", "published", published, &["back-pain", "sciatica"], &["strong-responders"]),
    )
    .await;
    // Shares 1 tag: 2.
    create(&app, &token, post("far", "Far", "published", published, &["nanaimo"], &[])).await;
    // Shares 1 category: 1.
    create(&app, &token, post("farther", "Farther", "published", published, &[], &["see-a-doctor-first"])).await;
    // Shares nothing; and a draft that would be closest.
    create(&app, &token, post("unrelated", "Unrelated", "published", published, &[], &[])).await;
    create(&app, &token, post("draft", "Draft", "draft", None, &["back-pain", "sciatica", "nanaimo"], &[])).await;

    let related = app.get_ok(&format!("/v1/posts/{POST_SLUG}/related")).await;
    let ranked: Vec<(String, i64)> = related["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["post"]["slug"].as_str().unwrap().to_string(), r["score"].as_i64().unwrap()))
        .collect();
    assert_eq!(ranked, [("close".to_string(), 5), ("far".to_string(), 2), ("farther".to_string(), 1)]);
    assert_eq!(related["data"][0]["shared_tags"], json!(["back-pain", "sciatica"]));
    assert_eq!(related["data"][0]["shared_condition_categories"], json!(["strong-responders"]));

    let limited = app.get_ok(&format!("/v1/posts/{POST_SLUG}/related?limit=1")).await;
    assert_eq!(limited["data"].as_array().unwrap().len(), 1);
    let back = app.get_ok("/v1/posts/close/related").await;
    assert_eq!(back["data"][0]["post"]["slug"], POST_SLUG);
    for bad in ["limit=0", "limit=21", "limit=x", "limit=-1", "sort=score", "limit=1&limit=2"] {
        app.get_problem(&format!("/v1/posts/{POST_SLUG}/related?{bad}"), 400).await;
    }
    app.get_problem("/v1/posts/draft/related", 404).await;
    app.get_problem("/v1/posts/no-such-post/related", 404).await;
}

/// What a post may hold that would end a `<script>` element or a JavaScript string early.
const SCRIPT_BREAKER: &str = "</script><script>alert(1)</script>";

/// `<`, `>`, `&`, U+2028 and U+2029 never appear raw in JSON-LD, only as `\uXXXX` escapes, so
/// the document can go into `<script type="application/ld+json">` as it is served.
fn assert_script_safe(json_ld: &str) {
    for raw in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(!json_ld.contains(raw), "a raw {raw:?} in JSON-LD: {json_ld}");
    }
    assert!(json_ld.contains(r"\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e"), "{json_ld}");
    assert!(json_ld.contains(r"\u0026") && json_ld.contains(r"\u2028") && json_ld.contains(r"\u2029"), "{json_ld}");
}

#[actix_web::test]
async fn json_ld_cannot_break_out_of_its_script_element() {
    let app = spawn_app().await;
    let token = app.token("write");
    let mut body = post("breakout", SCRIPT_BREAKER, "published", Some("2026-05-01T09:00:00Z"), &[], &[]);
    body["excerpt"] = json!("Fish & chips,\u{2028}line\u{2029}paragraph");
    create(&app, &token, body).await;

    let standalone = app.get("/v1/posts/breakout/jsonld").await;
    assert_eq!(standalone.status, 200);
    assert_script_safe(std::str::from_utf8(&standalone.body).unwrap());
    let document = standalone.json();
    assert_eq!(by_type(document["@graph"].as_array().unwrap(), "Article")["headline"], SCRIPT_BREAKER);

    // Embedded: the `jsonld` member (the last one of the post) is escaped the same way, also
    // when the post is trimmed to some fields.
    for path in ["/v1/posts/breakout?include=jsonld", "/v1/posts/breakout?include=jsonld&fields=title"] {
        let embedded = app.get(path).await;
        assert_eq!(embedded.status, 200, "{path}");
        let text = std::str::from_utf8(&embedded.body).unwrap();
        let (_, json_ld) = text.split_once(r#""jsonld":"#).unwrap_or_else(|| panic!("{path}: {text}"));
        assert_script_safe(json_ld);
        let data = embedded.json()["data"].clone();
        assert_eq!(data["title"], SCRIPT_BREAKER, "{path}: the same text once parsed");
        assert_eq!(data["jsonld"], document, "{path}");
    }
}
