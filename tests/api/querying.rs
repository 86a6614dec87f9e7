//! Querying lists: filters with operators, sorting, sparse fields, includes, cursor paging,
//! strict parsing and full-text search, over real HTTP against the real app.

use std::collections::HashSet;

use actix_web::http::Method;
use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, TestApp, TestResponse, POST_SLUG};

const SEED_TITLE: &str = "Is Massage Therapy Worth It for Back Pain? An Honest Answer";
const SEED_FAQS: [&str; 4] = [
    "is-massage-therapy-worth-it-for-back-pain",
    "how-long-do-massage-results-last-for-back-pain",
    "does-deep-tissue-massage-help-chronic-back-pain",
    "how-often-massage-for-back-pain",
];

// ---------------------------------------------------------------------------------------------
// Helpers

/// Percent-encodes a query value (so `+`, spaces, quotes and the like arrive as typed).
fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Words of filler for `minutes` of reading time at 230 words a minute: `(minutes - 1) * 230 + 100`.
fn words_for(minutes: usize) -> usize {
    (minutes - 1) * 230 + 100
}

/// A published post whose body is `minutes` of reading of the word "lorem".
fn post(slug: &str, title: &str, published_at: &str, minutes: usize, tags: &[&str]) -> Value {
    json!({
        "slug": slug,
        "title": title,
        "excerpt": format!("About {title}."),
        "status": "published",
        "published_at": published_at,
        "tags": tags,
        "sections": [{"heading": null, "markdown": "lorem ".repeat(words_for(minutes))}],
    })
}

/// A post with the given markdown body, published.
fn post_with_body(slug: &str, title: &str, markdown: &str) -> Value {
    json!({
        "slug": slug,
        "title": title,
        "status": "published",
        "published_at": "2026-02-01T00:00:00Z",
        "sections": [{"heading": null, "markdown": markdown}],
    })
}

async fn create(app: &TestApp, token: &str, path: &str, body: &Value) {
    let response = app.write(Method::POST, path, token, body).await;
    assert_eq!(response.status.as_u16(), 201, "POST {path} {body}: {}", String::from_utf8_lossy(&response.body));
}

async fn patch(app: &TestApp, token: &str, path: &str, body: &Value) {
    let response = app.write(Method::PATCH, path, token, body).await;
    assert_eq!(response.status.as_u16(), 200, "PATCH {path}: {}", String::from_utf8_lossy(&response.body));
}

async fn delete(app: &TestApp, token: &str, path: &str) {
    let response = app.send(Method::DELETE, path, &[("Authorization", &format!("Bearer {token}"))], None).await;
    assert_eq!(response.status.as_u16(), 204, "DELETE {path}: {}", String::from_utf8_lossy(&response.body));
}

/// GETs `path` (with a bearer token if given) and returns its JSON; it must answer 200.
async fn ok(app: &TestApp, path: &str, token: Option<&str>) -> Value {
    let response = match token {
        Some(token) => app.get_as(path, token).await,
        None => app.get(path).await,
    };
    assert_eq!(response.status.as_u16(), 200, "GET {path}: {}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.content_type(), "application/json", "GET {path}");
    response.json()
}

fn slugs(list: &Value) -> Vec<String> {
    list["data"].as_array().expect("a list").iter().map(|item| item["slug"].as_str().unwrap().to_string()).collect()
}

/// The slugs of a list that fits on one page; checks `total` agrees.
async fn list(app: &TestApp, path: &str, token: Option<&str>) -> Vec<String> {
    let body = ok(app, path, token).await;
    let found = slugs(&body);
    assert_eq!(body["meta"]["pagination"]["total"], found.len(), "GET {path}: total");
    found
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

/// A 400 problem naming `field` among its errors, with `detail` naming it too; returns the
/// error's message.
async fn bad(app: &TestApp, path: &str, field: &str, token: Option<&str>) -> String {
    let response = match token {
        Some(token) => app.get_as(path, token).await,
        None => app.get(path).await,
    };
    assert_problem(&response, 400, path);
    let problem = response.json();
    assert_eq!(problem["code"], "invalid-parameter", "{path}");
    assert!(problem["detail"].as_str().unwrap().contains(field), "{path}: detail does not name {field}: {problem}");
    let error = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|error| error["field"] == field)
        .unwrap_or_else(|| panic!("{path}: no error for '{field}' in {problem}"));
    error["message"].as_str().unwrap().to_string()
}

fn assert_unique(items: &[String], context: &str) {
    let mut seen = HashSet::new();
    for item in items {
        assert!(seen.insert(item), "{context}: '{item}' appears twice in {items:?}");
    }
}

/// Walks a list by cursor, `per_page` at a time, from the first page (asked for by page) to the
/// last, following `meta.pagination.next_cursor`; checks every page's paging metadata.
async fn walk(app: &TestApp, path: &str, per_page: usize, token: Option<&str>) -> Vec<String> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut url = format!("{path}{separator}per_page={per_page}");
    let mut walked = Vec::new();
    for page_number in 1.. {
        assert!(page_number < 500, "{path}: the walk does not end");
        let response = match token {
            Some(token) => app.get_as(&url, token).await,
            None => app.get(&url).await,
        };
        assert_eq!(response.status.as_u16(), 200, "GET {url}: {}", String::from_utf8_lossy(&response.body));
        let page = response.json();
        let items = slugs(&page);
        assert!(items.len() <= per_page, "{url}");
        let pagination = &page["meta"]["pagination"];
        assert_eq!(pagination["per_page"], per_page);
        walked.extend(items.iter().cloned());
        match pagination["next_cursor"].as_str() {
            Some(cursor) => {
                assert_eq!(items.len(), per_page, "{url}: a page before the last is full");
                if page_number > 1 {
                    // Paging by cursor: no page numbers; the next link and Link header carry the cursor.
                    assert_eq!(pagination["page"], Value::Null, "{url}");
                    assert_eq!(pagination["prev"], Value::Null, "{url}");
                    let next = page["links"]["next"].as_str().expect("links.next");
                    assert!(next.contains(&format!("cursor={cursor}")), "{url}: links.next {next}");
                    let link = response.header("link").expect("a Link header");
                    assert!(link.contains(&format!("<{next}>; rel=\"next\"")), "{url}: Link {link}");
                }
                url = format!("{path}{separator}per_page={per_page}&cursor={cursor}");
            }
            None => {
                if page_number > 1 {
                    assert_eq!(page["links"]["next"], Value::Null, "{url}");
                }
                break;
            }
        }
    }
    walked
}

/// Walks a list following `links.next` (once the first cursor is known), as a client that
/// only follows links would.
async fn walk_links(app: &TestApp, path: &str, per_page: usize, token: Option<&str>) -> Vec<String> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let first = ok(app, &format!("{path}{separator}per_page={per_page}"), token).await;
    let mut walked = slugs(&first);
    let Some(cursor) = first["meta"]["pagination"]["next_cursor"].as_str() else {
        return walked;
    };
    let mut url = Some(format!("{path}{separator}per_page={per_page}&cursor={cursor}"));
    let mut steps = 0;
    while let Some(next) = url {
        steps += 1;
        assert!(steps < 500, "{path}: the walk does not end");
        let page = ok(app, &next, token).await;
        walked.extend(slugs(&page));
        url = page["links"]["next"].as_str().map(str::to_string);
    }
    walked
}

/// Walks by cursor and by links, and checks both against one request of up to 100 items:
/// every item exactly once, in the same order.
async fn assert_walks(app: &TestApp, path: &str, per_page: usize, token: Option<&str>) -> Vec<String> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let whole = ok(app, &format!("{path}{separator}per_page=100"), token).await;
    let expected = slugs(&whole);
    assert_eq!(whole["meta"]["pagination"]["total"], expected.len(), "{path}");
    assert!(expected.len() > per_page, "{path}: the walk needs several pages ({})", expected.len());
    let walked = walk(app, path, per_page, token).await;
    assert_unique(&walked, path);
    assert_eq!(walked, expected, "{path}: walked by cursor");
    let linked = walk_links(app, path, per_page, token).await;
    assert_eq!(linked, expected, "{path}: walked by links.next");
    expected
}

// ---------------------------------------------------------------------------------------------
// Filters

/// Four published posts around the seed post (published 2026-04-25T16:00:00Z, 8 minutes, all
/// seven tags, all three categories) and a draft. In the default order (newest first):
/// op-d, seed, op-c, op-b, op-a.
async fn operator_posts(app: &TestApp) -> String {
    let write = app.token("write");
    let mut a = post("op-a", "Op A", "2026-01-10T00:00:00Z", 1, &["back-pain"]);
    a["condition_categories"] = json!(["strong-responders"]);
    let b = post("op-b", "Op B", "2026-02-10T00:00:00Z", 2, &["sciatica"]);
    let mut c = post("op-c", "Op C", "2026-03-10T00:00:00Z", 3, &["back-pain", "sciatica"]);
    c["condition_categories"] = json!(["moderate-responders"]);
    let d = post("op-d", "Op D", "2026-06-10T00:00:00Z", 4, &["nanaimo"]);
    let mut e = post("op-e", "Op E", "2026-03-15T00:00:00Z", 3, &["back-pain"]);
    e["status"] = json!("draft");
    e["published_at"] = Value::Null;
    for body in [a, b, c, d, e] {
        create(app, &write, "/v1/posts", &body).await;
    }
    write
}

#[actix_web::test]
async fn each_operator_filters_posts() {
    let app = spawn_app().await;
    operator_posts(&app).await;
    let seed = POST_SLUG;
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("", vec!["op-d", seed, "op-c", "op-b", "op-a"]),
        // Integers: every operator.
        ("filter[reading_time_minutes]=2", vec!["op-b"]),
        ("filter[reading_time_minutes][eq]=2", vec!["op-b"]),
        ("filter[reading_time_minutes][ne]=2", vec!["op-d", seed, "op-c", "op-a"]),
        ("filter[reading_time_minutes][lt]=3", vec!["op-b", "op-a"]),
        ("filter[reading_time_minutes][lte]=3", vec!["op-c", "op-b", "op-a"]),
        ("filter[reading_time_minutes][gt]=3", vec!["op-d", seed]),
        ("filter[reading_time_minutes][gte]=3", vec!["op-d", seed, "op-c"]),
        ("filter[reading_time_minutes][in]=1,3", vec!["op-c", "op-a"]),
        ("filter[reading_time_minutes][in]=8", vec![seed]),
        ("filter[reading_time_minutes][gt]=100", vec![]),
        // Times: dates mean their start in UTC; offsets are normalised.
        ("filter[published_at][lt]=2026-05-01", vec![seed, "op-c", "op-b", "op-a"]),
        ("filter[published_at][lte]=2026-02-10", vec!["op-b", "op-a"]),
        ("filter[published_at][gt]=2026-04-25T16:00:00Z", vec!["op-d"]),
        ("filter[published_at][gte]=2026-04-25T16:00:00Z", vec!["op-d", seed]),
        ("filter[published_at]=2026-02-10", vec!["op-b"]),
        ("filter[published_at][eq]=2026-02-10T01:00:00%2B01:00", vec!["op-b"]),
        ("filter[published_at][ne]=2026-02-10T00:00:00Z", vec!["op-d", seed, "op-c", "op-a"]),
        ("filter[published_at][in]=2026-01-10,2026-03-10T00:00:00Z", vec!["op-c", "op-a"]),
        ("filter[updated_at][gte]=2000-01-01", vec!["op-d", seed, "op-c", "op-b", "op-a"]),
        ("filter[updated_at][lt]=2000-01-01", vec![]),
        // Related sets: equality, exclusion and membership.
        ("filter[tag]=sciatica", vec![seed, "op-c", "op-b"]),
        ("filter[tag][eq]=nanaimo", vec!["op-d", seed]),
        ("filter[tag][in]=back-pain,nanaimo", vec!["op-d", seed, "op-c", "op-a"]),
        ("filter[tag][ne]=back-pain", vec!["op-d", "op-b"]),
        ("filter[tag][ne]=sciatica", vec!["op-d", "op-a"]),
        ("filter[tag]=no-such-tag", vec![]),
        ("filter[condition]=sciatica", vec![seed, "op-c"]),
        ("filter[condition][ne]=sciatica", vec!["op-d", "op-b", "op-a"]),
        ("filter[condition][in]=sciatica,hip-flexor-lower-back-pain", vec![seed, "op-c", "op-a"]),
        ("filter[condition_category]=strong-responders", vec![seed, "op-a"]),
        // Combined filters are ANDed, including two operators on one field (a range).
        ("filter[tag]=back-pain&filter[reading_time_minutes][gte]=2", vec![seed, "op-c"]),
        ("filter[published_at][lt]=2026-05-01&filter[tag][ne]=sciatica", vec!["op-a"]),
        (
            "filter[tag][in]=back-pain,sciatica&filter[reading_time_minutes][lt]=8&filter[published_at][gt]=2026-01-31",
            vec!["op-c", "op-b"],
        ),
        ("filter[reading_time_minutes][gte]=2&filter[reading_time_minutes][lte]=3", vec!["op-c", "op-b"]),
        ("filter[published_at][gte]=2026-02-01&filter[published_at][lt]=2026-05-01", vec![seed, "op-c", "op-b"]),
        ("filter[tag]=sciatica&filter[tag][ne]=back-pain", vec!["op-b"]),
        ("filter[condition]=sciatica&filter[tag]=nanaimo", vec![seed]),
    ];
    for (query, expected) in cases {
        let path = format!("/v1/posts?{query}");
        assert_eq!(list(&app, &path, None).await, expected, "GET {path}");
    }
}

#[actix_web::test]
async fn the_status_filter_is_for_preview_tokens_only() {
    let app = spawn_app().await;
    operator_posts(&app).await;
    let preview = app.token("preview");
    let seed = POST_SLUG;

    let message = bad(&app, "/v1/posts?filter[status]=draft", "filter[status]", None).await;
    assert!(message.contains("filter[tag]") && !message.contains("filter[status]"), "{message}");
    bad(&app, "/v1/faqs?filter[status]=published", "filter[status]", None).await;

    // A draft has no published_at, so it sorts last newest-first.
    assert_eq!(list(&app, "/v1/posts?filter[status]=draft", Some(&preview)).await, ["op-e"]);
    assert_eq!(list(&app, "/v1/posts?filter[status][ne]=published", Some(&preview)).await, ["op-e"]);
    assert_eq!(
        list(&app, "/v1/posts?filter[status][in]=draft,published", Some(&preview)).await,
        ["op-d", seed, "op-c", "op-b", "op-a", "op-e"]
    );
    assert_eq!(list(&app, "/v1/posts?filter[reading_time_minutes]=3", Some(&preview)).await, ["op-c", "op-e"]);
    assert_eq!(list(&app, "/v1/posts?filter[reading_time_minutes]=3", None).await, ["op-c"]);
    assert_eq!(list(&app, "/v1/faqs?filter[status]=published", Some(&preview)).await.len(), 4);
    bad(&app, "/v1/posts?filter[status]=live", "filter[status]", Some(&preview)).await;
    bad(&app, "/v1/posts?filter[status][gt]=draft", "filter[status][gt]", Some(&preview)).await;
}

#[actix_web::test]
async fn conditions_filter_by_region_red_flag_category_and_response_level() {
    let app = spawn_app().await;
    let lower = [
        "prolonged-sitting-lower-back-pain",
        "stress-related-lower-back-pain",
        "hip-flexor-lower-back-pain",
        "acute-lower-back-pain",
        "sciatica",
    ];
    let elsewhere = [
        "recurring-trigger-point-back-pain",
        "desk-posture-upper-back-pain",
        "disc-related-back-pain",
        "progressive-neurological-symptoms",
        "back-pain-after-trauma",
        "systemic-warning-signs",
    ];
    let red_flags = ["progressive-neurological-symptoms", "back-pain-after-trauma", "systemic-warning-signs"];
    let all = list(&app, "/v1/conditions", None).await;
    assert_eq!(all.len(), 11);
    let not_red: Vec<String> = all.iter().filter(|slug| !red_flags.contains(&slug.as_str())).cloned().collect();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("filter[region]=lower_back", lower.map(String::from).to_vec()),
        ("filter[region][eq]=lower_back", lower.map(String::from).to_vec()),
        ("filter[region][in]=upper_back,whole_back", elsewhere.map(String::from).to_vec()),
        ("filter[region][ne]=lower_back", elsewhere.map(String::from).to_vec()),
        ("filter[region]=upper_back", vec!["desk-posture-upper-back-pain".into()]),
        ("filter[is_red_flag]=true", red_flags.map(String::from).to_vec()),
        ("filter[is_red_flag][eq]=true", red_flags.map(String::from).to_vec()),
        ("filter[is_red_flag]=false", not_red.clone()),
        ("filter[is_red_flag][ne]=true", not_red.clone()),
        (
            "filter[category]=moderate-responders",
            vec!["acute-lower-back-pain".into(), "disc-related-back-pain".into(), "sciatica".into()],
        ),
        ("filter[category][ne]=strong-responders", all[5..].to_vec()),
        ("filter[category][in]=strong-responders,see-a-doctor-first", [&all[..5], &all[8..]].concat()),
        ("filter[response_level]=refer", red_flags.map(String::from).to_vec()),
        ("filter[response_level][in]=strong,moderate", not_red.clone()),
        (
            "filter[region]=lower_back&filter[category]=moderate-responders",
            vec!["acute-lower-back-pain".into(), "sciatica".into()],
        ),
        (
            "filter[region]=whole_back&filter[is_red_flag]=false",
            vec!["recurring-trigger-point-back-pain".into(), "disc-related-back-pain".into()],
        ),
        ("filter[region]=lower_back&filter[is_red_flag]=true", vec![]),
    ];
    for (query, expected) in cases {
        let path = format!("/v1/conditions?{query}");
        assert_eq!(list(&app, &path, None).await, expected, "GET {path}");
    }
    bad(&app, "/v1/conditions?filter[is_red_flag][gt]=false", "filter[is_red_flag][gt]", None).await;
    bad(&app, "/v1/conditions?filter[region][lt]=lower_back", "filter[region][lt]", None).await;
}

/// A standalone FAQ entry (first: it has no post) and one on a new post (last).
async fn faq_fixtures(app: &TestApp) -> String {
    let write = app.token("write");
    create(app, &write, "/v1/posts", &post("op-c", "Op C", "2026-03-10T00:00:00Z", 3, &["back-pain"])).await;
    let standalone = json!({"slug": "standalone-faq", "question": "Standalone?", "answer": "Yes.", "tags": ["sciatica"], "status": "published", "published_at": "2026-05-01T00:00:00Z"});
    let on_c = json!({"slug": "faq-on-c", "post": "op-c", "question": "On C?", "answer": "Yes.", "tags": ["back-pain"], "status": "published", "published_at": "2026-03-11T00:00:00Z"});
    create(app, &write, "/v1/faqs", &standalone).await;
    create(app, &write, "/v1/faqs", &on_c).await;
    write
}

#[actix_web::test]
async fn faqs_filter_by_post_tag_and_time() {
    let app = spawn_app().await;
    faq_fixtures(&app).await;
    let [worth, last, deep, often] = SEED_FAQS;
    let seed_post = format!("filter[post]={POST_SLUG}");
    let in_both = format!("filter[post][in]={POST_SLUG},op-c");
    let tag_and_post = format!("filter[tag]=back-pain&filter[post]={POST_SLUG}");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("", vec!["standalone-faq", worth, last, deep, often, "faq-on-c"]),
        (&seed_post, vec![worth, last, deep, often]),
        ("filter[post]=op-c", vec!["faq-on-c"]),
        (&in_both, vec![worth, last, deep, often, "faq-on-c"]),
        ("filter[tag]=sciatica", vec!["standalone-faq"]),
        ("filter[tag]=back-pain", vec![worth, last, often, "faq-on-c"]),
        ("filter[tag][in]=sciatica,deep-tissue-massage", vec!["standalone-faq", deep]),
        ("filter[tag][ne]=massage-therapy", vec!["standalone-faq", "faq-on-c"]),
        ("filter[published_at][gt]=2026-04-25T16:00:00Z", vec!["standalone-faq"]),
        ("filter[published_at][lt]=2026-04-25", vec!["faq-on-c"]),
        ("filter[published_at][gte]=2026-04-25T16:00:00Z", vec!["standalone-faq", worth, last, deep, often]),
        ("filter[published_at][lte]=2026-04-25T16:00:00Z", vec![worth, last, deep, often, "faq-on-c"]),
        (&tag_and_post, vec![worth, last, often]),
    ];
    for (query, expected) in cases {
        let path = format!("/v1/faqs?{query}");
        assert_eq!(list(&app, &path, None).await, expected, "GET {path}");
    }
    bad(&app, "/v1/faqs?filter[post][lt]=a", "filter[post][lt]", None).await;
}

/// `filter[post][ne]=x` should keep entries that belong to no post: they are not x's.
#[actix_web::test]
async fn excluding_a_post_keeps_faq_entries_without_a_post() {
    let app = spawn_app().await;
    faq_fixtures(&app).await;
    let path = format!("/v1/faqs?filter[post][ne]={POST_SLUG}");
    assert_eq!(list(&app, &path, None).await, ["standalone-faq", "faq-on-c"], "GET {path}");
}

#[actix_web::test]
async fn citations_filter_by_year() {
    let app = spawn_app().await;
    let write = app.token("write");
    for (slug, year) in [("old-study", 2015), ("mid-study", 2020)] {
        let body = json!({"slug": slug, "publisher": "Journal", "title": format!("A {year} study"), "year": year, "url": "https://example.com/", "accessed_on": null});
        create(&app, &write, "/v1/citations", &body).await;
    }
    let seed = ["health-canada-2024", "nhs-2024-back-pain", "physiopedia-2024-low-back-pain"];
    let with = |extra: &[&str]| sorted(seed.iter().chain(extra).map(|s| s.to_string()).collect());
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("filter[year]=2020", vec!["mid-study".into()]),
        ("filter[year][eq]=2015", vec!["old-study".into()]),
        ("filter[year][ne]=2024", sorted(vec!["mid-study".into(), "old-study".into()])),
        ("filter[year][lt]=2020", vec!["old-study".into()]),
        ("filter[year][lte]=2020", sorted(vec!["mid-study".into(), "old-study".into()])),
        ("filter[year][gt]=2020", with(&[])),
        ("filter[year][gte]=2020", with(&["mid-study"])),
        ("filter[year][in]=2015,2020", sorted(vec!["mid-study".into(), "old-study".into()])),
        ("filter[year][gte]=2016&filter[year][lt]=2024", vec!["mid-study".into()]),
    ];
    for (query, expected) in cases {
        let path = format!("/v1/citations?{query}");
        assert_eq!(sorted(list(&app, &path, None).await), expected, "GET {path}");
    }
    let by_year = ok(&app, "/v1/citations?sort=-year,title", None).await;
    let years: Vec<i64> = by_year["data"].as_array().unwrap().iter().map(|c| c["year"].as_i64().unwrap()).collect();
    assert_eq!(years, [2024, 2024, 2024, 2020, 2015]);
    bad(&app, "/v1/citations?filter[year][gte]=20x", "filter[year][gte]", None).await;
    bad(&app, "/v1/citations?filter[publisher]=NHS", "filter[publisher]", None).await;
}

// ---------------------------------------------------------------------------------------------
// Sorting

#[actix_web::test]
async fn sorting_by_one_or_two_keys_either_way_with_ties_broken_by_id() {
    let app = spawn_app().await;
    let write = app.token("write");
    // Created in this order, so their ids increase s1 < s2 < ... < s5.
    for body in [
        post("s1", "Alpha", "2026-01-01T00:00:00Z", 1, &[]),
        post("s2", "Same", "2026-01-02T00:00:00Z", 2, &[]),
        post("s3", "Same", "2026-01-03T00:00:00Z", 2, &[]),
        post("s4", "Same", "2026-01-04T00:00:00Z", 1, &[]),
        post("s5", "Beta", "2026-01-04T00:00:00Z", 2, &[]),
    ] {
        create(&app, &write, "/v1/posts", &body).await;
    }
    let seed = POST_SLUG; // "Is Massage ...", 8 minutes, 2026-04-25.
                          // Ties are broken by id, in the direction of the first key.
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("", vec![seed, "s5", "s4", "s3", "s2", "s1"]),
        ("sort=-published_at", vec![seed, "s5", "s4", "s3", "s2", "s1"]),
        ("sort=published_at", vec!["s1", "s2", "s3", "s4", "s5", seed]),
        ("sort=title", vec!["s1", "s5", seed, "s2", "s3", "s4"]),
        ("sort=-title", vec!["s4", "s3", "s2", seed, "s5", "s1"]),
        ("sort=reading_time_minutes,title", vec!["s1", "s4", "s5", "s2", "s3", seed]),
        ("sort=reading_time_minutes,-title", vec!["s4", "s1", "s2", "s3", "s5", seed]),
        ("sort=-reading_time_minutes,title", vec![seed, "s5", "s3", "s2", "s1", "s4"]),
        ("sort=-reading_time_minutes,-title", vec![seed, "s3", "s2", "s5", "s4", "s1"]),
        ("sort=published_at,title", vec!["s1", "s2", "s3", "s5", "s4", seed]),
        ("sort=-published_at,-title", vec![seed, "s4", "s5", "s3", "s2", "s1"]),
        ("sort=title,published_at", vec!["s1", "s5", seed, "s2", "s3", "s4"]),
        ("sort=-title,-published_at", vec!["s4", "s3", "s2", seed, "s5", "s1"]),
    ];
    for (query, expected) in cases {
        let path = format!("/v1/posts?{query}");
        assert_eq!(list(&app, &path, None).await, expected, "GET {path}");
    }
    // The same order on every request, and across pages.
    for query in ["sort=title", "sort=-reading_time_minutes,title"] {
        let whole = list(&app, &format!("/v1/posts?{query}"), None).await;
        let mut paged = Vec::new();
        for page in 1..=3 {
            paged.extend(slugs(&ok(&app, &format!("/v1/posts?{query}&per_page=2&page={page}"), None).await));
        }
        assert_eq!(paged, whole, "{query} by page");
    }
    let updated = ok(&app, "/v1/posts?sort=-updated_at", None).await;
    let times: Vec<&str> =
        updated["data"].as_array().unwrap().iter().map(|p| p["updated_at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    // Other lists sort too.
    let faqs = ok(&app, "/v1/faqs?sort=-question", None).await;
    let questions: Vec<&str> =
        faqs["data"].as_array().unwrap().iter().map(|f| f["question"].as_str().unwrap()).collect();
    let mut expected = questions.clone();
    expected.sort();
    expected.reverse();
    assert_eq!(questions, expected);
    let conditions = ok(&app, "/v1/conditions?sort=name", None).await;
    let names: Vec<&str> = conditions["data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    let mut expected = names.clone();
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(list(&app, "/v1/conditions?sort=-slug", None).await, {
        let mut all = list(&app, "/v1/conditions?sort=slug", None).await;
        all.reverse();
        all
    });
}

#[actix_web::test]
async fn bad_sorts_are_a_400_naming_sort() {
    let app = spawn_app().await;
    let message = bad(&app, "/v1/posts?sort=nope", "sort", None).await;
    assert!(message.contains("published_at, updated_at, title, reading_time_minutes"), "{message}");
    for query in [
        "sort=",
        "sort=-",
        "sort=--title",
        "sort=+title",
        "sort=Title",
        "sort=title,",
        "sort=title,title",
        "sort=title,-title",
        "sort=title,published_at,reading_time_minutes",
        "sort=relevance",
        "sort=-relevance",
        "sort=id",
        "sort=body",
    ] {
        bad(&app, &format!("/v1/posts?{query}"), "sort", None).await;
    }
    bad(&app, "/v1/faqs?sort=relevance", "sort", None).await;
    bad(&app, "/v1/conditions?sort=region", "sort", None).await;
    bad(&app, "/v1/search?q=massage&sort=relevance", "sort", None).await;
}

// ---------------------------------------------------------------------------------------------
// Sparse fields and includes

fn keys(item: &Value) -> Vec<String> {
    sorted(item.as_object().expect("an object").keys().cloned().collect())
}

#[actix_web::test]
async fn sparse_fields_on_lists_and_details() {
    let app = spawn_app().await;
    let write = app.token("write");
    create(&app, &write, "/v1/posts", &post("plain", "Plain", "2026-01-01T00:00:00Z", 1, &[])).await;

    let posts = ok(&app, "/v1/posts?fields=slug,title", None).await;
    assert_eq!(posts["data"].as_array().unwrap().len(), 2);
    for item in posts["data"].as_array().unwrap() {
        assert_eq!(keys(item), ["slug", "title"]);
    }
    assert_eq!(posts["data"][0]["title"], SEED_TITLE);
    assert_eq!(posts["meta"]["pagination"]["total"], 2, "the envelope is whole");

    let repeated = ok(&app, "/v1/posts?fields=slug,slug,reading_time_minutes,links", None).await;
    assert_eq!(keys(&repeated["data"][0]), ["links", "reading_time_minutes", "slug"]);
    assert_eq!(repeated["data"][0]["links"]["self"], format!("/v1/posts/{POST_SLUG}"));

    let detail = ok(&app, &format!("/v1/posts/{POST_SLUG}?fields=title,body"), None).await;
    assert_eq!(keys(&detail["data"]), ["body", "title"]);
    assert!(detail["data"]["body"]["html"].as_str().unwrap().contains("<p>"));

    let faqs = ok(&app, "/v1/faqs?fields=question", None).await;
    assert_eq!(faqs["data"].as_array().unwrap().len(), 4);
    assert!(faqs["data"].as_array().unwrap().iter().all(|f| keys(f) == ["question"]));
    let conditions = ok(&app, "/v1/conditions?fields=slug,is_red_flag&filter[is_red_flag]=true", None).await;
    assert!(conditions["data"].as_array().unwrap().iter().all(|c| keys(c) == ["is_red_flag", "slug"]));
    let categories = ok(&app, "/v1/condition-categories?fields=slug", None).await;
    assert_eq!(categories["data"].as_array().unwrap().len(), 3);
    let citations = ok(&app, "/v1/citations?fields=url,year", None).await;
    assert!(citations["data"].as_array().unwrap().iter().all(|c| keys(c) == ["url", "year"]));

    // Only the fields a list has.
    let message = bad(&app, "/v1/posts?fields=slug,body", "fields", None).await;
    assert!(message.contains("'body'") && message.contains("slug, title, excerpt"), "{message}");
    for query in ["fields=", "fields=slug,", "fields=SLUG", "fields=faqs", "fields=slug%20"] {
        bad(&app, &format!("/v1/posts?{query}"), "fields", None).await;
    }
    bad(&app, &format!("/v1/posts/{POST_SLUG}?fields=nope"), "fields", None).await;
    bad(&app, "/v1/faqs?fields=title", "fields", None).await;
    bad(&app, &format!("/v1/faqs/{}?fields=question", SEED_FAQS[0]), "fields", None).await;
}

#[actix_web::test]
async fn includes_on_the_post_list_and_detail() {
    let app = spawn_app().await;
    let write = app.token("write");
    create(&app, &write, "/v1/posts", &post("plain", "Plain", "2026-01-01T00:00:00Z", 1, &[])).await;
    // Entries the public may not see yet are never included for it.
    let draft = json!({"slug": "draft-entry", "post": POST_SLUG, "question": "Draft?", "answer": "Not yet."});
    let later = json!({"slug": "later-entry", "post": POST_SLUG, "question": "Later?", "answer": "Later.", "status": "scheduled", "published_at": "2099-01-01T00:00:00Z"});
    create(&app, &write, "/v1/faqs", &draft).await;
    create(&app, &write, "/v1/faqs", &later).await;

    let posts = ok(&app, "/v1/posts?include=faqs,conditions,citations", None).await;
    let [seed, plain] = [&posts["data"][0], &posts["data"][1]];
    assert_eq!(seed["slug"], POST_SLUG);
    let faq_slugs: Vec<&str> = seed["faqs"].as_array().unwrap().iter().map(|f| f["slug"].as_str().unwrap()).collect();
    assert_eq!(faq_slugs, SEED_FAQS);
    assert!(seed["faqs"][0]["answer"]["html"].is_string(), "included entries are whole");
    assert_eq!(seed["conditions"].as_array().unwrap().len(), 11);
    assert_eq!(seed["conditions"][0]["slug"], "prolonged-sitting-lower-back-pain");
    let citations: Vec<&str> =
        seed["citations"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
    assert_eq!(citations, ["physiopedia-2024-low-back-pain", "nhs-2024-back-pain", "health-canada-2024"]);
    assert!(seed["citations"][1]["claim"].as_str().unwrap().contains("12 weeks"));
    for relation in ["faqs", "conditions", "citations"] {
        assert_eq!(plain[relation], json!([]), "a post without {relation} includes an empty list");
    }
    // Without include, no relations.
    let bare = ok(&app, "/v1/posts", None).await;
    for relation in ["faqs", "conditions", "citations"] {
        assert!(bare["data"][0].get(relation).is_none(), "{relation} only when included");
    }
    let one = ok(&app, "/v1/posts?include=citations", None).await;
    assert!(one["data"][0].get("faqs").is_none() && one["data"][0]["citations"].is_array());

    // Sparse fields of the post and of the included entries.
    let sparse = ok(&app, "/v1/posts?fields=slug&include=faqs&fields[faqs]=question", None).await;
    assert_eq!(keys(&sparse["data"][0]), ["faqs", "slug"]);
    for faq in sparse["data"][0]["faqs"].as_array().unwrap() {
        assert_eq!(keys(faq), ["question"]);
    }
    let only_faqs = ok(&app, "/v1/posts?include=faqs,conditions&fields[faqs]=slug,position", None).await;
    assert!(only_faqs["data"][0]["title"].is_string(), "the post stays whole");
    assert_eq!(keys(&only_faqs["data"][0]["faqs"][0]), ["position", "slug"]);
    assert!(only_faqs["data"][0]["conditions"][0]["summary"].is_string(), "other includes stay whole");
    let encoded = ok(&app, "/v1/posts?include=faqs&fields%5Bfaqs%5D=question", None).await;
    assert_eq!(keys(&encoded["data"][0]["faqs"][0]), ["question"]);

    // The detail includes FAQ entries and conditions.
    let detail = ok(&app, &format!("/v1/posts/{POST_SLUG}?include=faqs,conditions"), None).await;
    assert_eq!(detail["data"]["faqs"].as_array().unwrap().len(), 4);
    assert_eq!(detail["data"]["conditions"].as_array().unwrap().len(), 11);
    assert!(detail["data"]["body"]["html"].is_string());
    let detail = ok(
        &app,
        &format!("/v1/posts/{POST_SLUG}?fields=title&include=conditions&fields[conditions]=slug,is_red_flag"),
        None,
    )
    .await;
    assert_eq!(keys(&detail["data"]), ["conditions", "title"]);
    let red: Vec<&str> = detail["data"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["is_red_flag"] == true)
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(red, ["progressive-neurological-symptoms", "back-pain-after-trauma", "systemic-warning-signs"]);
    assert!(detail["data"]["conditions"].as_array().unwrap().iter().all(|c| keys(c) == ["is_red_flag", "slug"]));
    // A preview token includes them.
    let preview = app.token("preview");
    let previewed = ok(&app, "/v1/posts?include=faqs&fields=slug&fields[faqs]=slug", Some(&preview)).await;
    let entries: Vec<&str> =
        previewed["data"][0]["faqs"].as_array().unwrap().iter().map(|f| f["slug"].as_str().unwrap()).collect();
    assert_eq!(entries, [&SEED_FAQS[..], &["draft-entry", "later-entry"]].concat());
    let previewed = ok(&app, &format!("/v1/posts/{POST_SLUG}?include=faqs"), Some(&preview)).await;
    assert_eq!(previewed["data"]["faqs"].as_array().unwrap().len(), 6);
    let plain_detail = ok(&app, "/v1/posts/plain?include=faqs", None).await;
    assert_eq!(plain_detail["data"]["faqs"], json!([]));

    // Unknown includes, and fields of a relation that is not included.
    let message = bad(&app, "/v1/posts?include=tags", "include", None).await;
    assert!(message.contains("faqs, conditions, citations"), "{message}");
    bad(&app, "/v1/posts?include=", "include", None).await;
    bad(&app, "/v1/posts?include=faqs,", "include", None).await;
    bad(&app, &format!("/v1/posts/{POST_SLUG}?include=citations"), "include", None).await;
    bad(&app, "/v1/faqs?include=post", "include", None).await;
    let message = bad(&app, "/v1/posts?fields[faqs]=question", "fields[faqs]", None).await;
    assert!(message.contains("include=faqs"), "{message}");
    bad(&app, "/v1/posts?include=conditions&fields[faqs]=question", "fields[faqs]", None).await;
    bad(&app, "/v1/posts?include=faqs&fields[faqs]=answer,nope", "fields[faqs]", None).await;
    bad(&app, "/v1/posts?include=faqs&fields[tags]=slug", "fields[tags]", None).await;
    bad(&app, &format!("/v1/posts/{POST_SLUG}?fields[faqs]=question"), "fields[faqs]", None).await;
}

// ---------------------------------------------------------------------------------------------
// Cursor paging

/// 25 posts with repeated titles, times and reading times (3 of them drafts), each with the
/// word "walkword" one to four times.
async fn walk_posts(app: &TestApp) -> String {
    let write = app.token("write");
    let titles = ["Stretching", "Posture", "Sleep", "Stretching", "Desk work"];
    for i in 0..25 {
        let minutes = 1 + (i * 7) % 4;
        let published_at = format!("2026-03-{:02}T09:00:00Z", 1 + i % 10);
        let tags: &[&str] = match i % 3 {
            0 => &["back-pain"],
            1 => &["sciatica"],
            _ => &["back-pain", "sciatica"],
        };
        let mut body = post(&format!("walk-{i:02}"), titles[i % titles.len()], &published_at, minutes, tags);
        let text = format!("{}{}", "walkword ".repeat(1 + i % 4), "lorem ".repeat(words_for(minutes) - 10 + i));
        body["sections"] = json!([{"heading": null, "markdown": text}]);
        if i % 8 == 7 {
            body["status"] = json!("draft");
            body["published_at"] = Value::Null;
        }
        create(app, &write, "/v1/posts", &body).await;
    }
    write
}

#[actix_web::test]
async fn a_cursor_walk_visits_every_item_once_in_order() {
    let app = spawn_app().await;
    walk_posts(&app).await;
    let preview = app.token("preview");

    let all = assert_walks(&app, "/v1/posts", 4, None).await;
    assert_eq!(all.len(), 23, "22 published walk posts and the seed post");
    assert_eq!(all[0], POST_SLUG);
    assert_walks(&app, "/v1/posts?sort=title", 4, None).await;
    assert_walks(&app, "/v1/posts?sort=-reading_time_minutes,title", 4, None).await;
    assert_walks(&app, "/v1/posts?sort=reading_time_minutes,-published_at", 3, None).await;
    assert_walks(&app, "/v1/posts?sort=-title,-published_at", 5, None).await;
    let filtered = assert_walks(&app, "/v1/posts?filter[tag]=sciatica&sort=title", 4, None).await;
    assert_eq!(filtered.len(), 15);
    assert_walks(&app, "/v1/posts?filter[reading_time_minutes][in]=2,3&filter[tag][ne]=sciatica", 2, None).await;
    assert_walks(&app, "/v1/posts?fields=slug&include=faqs", 4, None).await;
    // With drafts (no published_at) in preview.
    let previewed = assert_walks(&app, "/v1/posts?sort=published_at", 4, Some(&preview)).await;
    assert_eq!(previewed.len(), 26);
    assert_walks(&app, "/v1/posts", 7, Some(&preview)).await;
    // Other lists.
    assert_walks(&app, "/v1/conditions", 3, None).await;
    assert_walks(&app, "/v1/conditions?sort=-name", 2, None).await;
    assert_walks(&app, "/v1/faqs?sort=question", 1, None).await;
    assert_walks(&app, "/v1/tags", 2, None).await;
    assert_walks(&app, "/v1/citations?sort=title", 1, None).await;
}

/// The tag filter reads a copy of the posts' list columns per tag (`tagged_posts`), which
/// triggers keep in step with every write to posts and their tags.
#[actix_web::test]
async fn the_tag_filter_follows_every_write_to_posts_and_their_tags() {
    let app = spawn_app().await;
    let write = app.token("write");
    let preview = app.token("preview");
    create(&app, &write, "/v1/posts", &post("tagged-a", "Alpha", "2026-03-01T09:00:00Z", 1, &["sciatica"])).await;
    create(
        &app,
        &write,
        "/v1/posts",
        &post("tagged-b", "Bravo", "2026-03-02T09:00:00Z", 2, &["sciatica", "back-pain"]),
    )
    .await;
    create(
        &app,
        &write,
        "/v1/posts",
        &post("tagged-c", "Charlie", "2026-03-03T09:00:00Z", 3, &["back-pain", "sciatica"]),
    )
    .await;
    let tagged = |sort: &str| format!("/v1/posts?filter[tag]=sciatica&filter[published_at][lt]=2026-04-01&sort={sort}");
    assert_eq!(list(&app, &tagged("title"), None).await, ["tagged-a", "tagged-b", "tagged-c"]);
    assert_eq!(list(&app, &tagged("-published_at"), None).await, ["tagged-c", "tagged-b", "tagged-a"]);
    assert_eq!(list(&app, &tagged("-reading_time_minutes"), None).await, ["tagged-c", "tagged-b", "tagged-a"]);

    patch(&app, &write, "/v1/posts/tagged-a", &json!({"title": "Zulu"})).await;
    assert_eq!(list(&app, &tagged("title"), None).await, ["tagged-b", "tagged-c", "tagged-a"]);
    patch(&app, &write, "/v1/posts/tagged-b", &json!({"published_at": "2026-03-04T09:00:00Z"})).await;
    assert_eq!(list(&app, &tagged("-published_at"), None).await, ["tagged-b", "tagged-c", "tagged-a"]);
    patch(&app, &write, "/v1/posts/tagged-c", &json!({"sections": [{"heading": null, "markdown": "Short now."}]}))
        .await;
    // One minute now, like tagged-a (ties go by id, the same way).
    assert_eq!(list(&app, &tagged("-reading_time_minutes"), None).await, ["tagged-b", "tagged-c", "tagged-a"]);
    assert_eq!(
        list(&app, &format!("{}&filter[reading_time_minutes][gte]=2", tagged("title")), None).await,
        ["tagged-b"]
    );
    let updated = list(&app, &tagged("-updated_at"), None).await;
    assert_eq!(updated[0], "tagged-c", "the last written comes first: {updated:?}");

    // Unpublished: hidden from the public, still there for a preview.
    patch(&app, &write, "/v1/posts/tagged-b", &json!({"status": "draft", "published_at": null})).await;
    assert_eq!(list(&app, &tagged("title"), None).await, ["tagged-c", "tagged-a"]);
    let all = "/v1/posts?filter[tag]=sciatica&filter[status][in]=draft,published&sort=-title";
    let previewed: Vec<String> =
        list(&app, all, Some(&preview)).await.into_iter().filter(|slug| slug.starts_with("tagged-")).collect();
    assert_eq!(previewed, ["tagged-a", "tagged-c", "tagged-b"]);

    // Retagged, renamed, deleted.
    patch(&app, &write, "/v1/posts/tagged-a", &json!({"tags": ["back-pain"]})).await;
    assert_eq!(list(&app, &tagged("title"), None).await, ["tagged-c"]);
    assert_eq!(
        list(&app, "/v1/posts?filter[tag]=back-pain&filter[published_at][lt]=2026-04-01&sort=title", None).await,
        ["tagged-c", "tagged-a"]
    );
    patch(&app, &write, "/v1/posts/tagged-c", &json!({"slug": "tagged-d"})).await;
    assert_eq!(list(&app, &tagged("title"), None).await, ["tagged-d"]);
    delete(&app, &write, "/v1/posts/tagged-d").await;
    assert_eq!(list(&app, &tagged("title"), None).await, Vec::<String>::new());
    assert_eq!(list(&app, "/v1/posts?filter[tag]=no-such-tag", None).await, Vec::<String>::new());

    // The copy holds exactly the posts' tags with the posts' current columns.
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.connection();
    let differences: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM (
             SELECT * FROM (SELECT pt.tag_id, p.id, p.status, p.published_at, p.updated_at, p.title, p.reading_time_minutes
                            FROM post_tags pt JOIN posts p ON p.id = pt.post_id
                            EXCEPT SELECT tag_id, id, status, published_at, updated_at, title, reading_time_minutes FROM tagged_posts) missing
             UNION ALL
             SELECT * FROM (SELECT tag_id, id, status, published_at, updated_at, title, reading_time_minutes FROM tagged_posts
                            EXCEPT SELECT pt.tag_id, p.id, p.status, p.published_at, p.updated_at, p.title, p.reading_time_minutes
                            FROM post_tags pt JOIN posts p ON p.id = pt.post_id) extra) differences",
    )
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(differences.n, 0);
}

#[actix_web::test]
async fn a_cursor_walk_over_search_results_visits_every_hit_once() {
    let app = spawn_app().await;
    walk_posts(&app).await;
    let hits = assert_walks(&app, "/v1/posts?q=walkword", 3, None).await;
    assert_eq!(hits.len(), 22);
    assert_walks(&app, "/v1/posts?q=walkword", 1, None).await;
    assert_walks(&app, "/v1/posts?q=walkword&sort=-relevance", 4, None).await;
    assert_walks(&app, "/v1/posts?q=walkword&sort=title", 4, None).await;
    assert_walks(&app, "/v1/faqs?q=massage", 1, None).await;
}

#[actix_web::test]
async fn cursors_are_tamper_evident_and_bound_to_their_list() {
    let app = crate::helpers::spawn_app().await;
    walk_posts(&app).await;
    let preview = app.token("preview");
    let first = ok(&app, "/v1/posts?filter[tag]=sciatica&per_page=4", None).await;
    let cursor = first["meta"]["pagination"]["next_cursor"].as_str().unwrap().to_string();
    let same = format!("/v1/posts?filter[tag]=sciatica&per_page=4&cursor={cursor}");
    let second = ok(&app, &same, None).await;
    assert_eq!(second["data"].as_array().unwrap().len(), 4);
    // Another page size is fine: the cursor is a position.
    assert_eq!(
        slugs(&ok(&app, &format!("/v1/posts?filter[tag]=sciatica&per_page=2&cursor={cursor}"), None).await),
        slugs(&second)[..2]
    );

    // Altered cursors.
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (payload, signature) = cursor.split_once('.').expect("payload.signature");
    let mut position: Value = serde_json::from_slice(&engine.decode(payload).unwrap()).unwrap();
    position["i"] = json!(position["i"].as_i64().unwrap() - 1);
    let forged = format!("{}.{signature}", engine.encode(serde_json::to_vec(&position).unwrap()));
    let flipped_signature = {
        let mut chars: Vec<char> = signature.chars().collect();
        chars[0] = if chars[0] == 'A' { 'B' } else { 'A' };
        format!("{payload}.{}", chars.into_iter().collect::<String>())
    };
    let flipped_payload = {
        let mut chars: Vec<char> = payload.chars().collect();
        chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
        format!("{}.{signature}", chars.into_iter().collect::<String>())
    };
    for tampered in [
        forged,
        flipped_signature,
        flipped_payload,
        payload.to_string(),
        format!("{payload}."),
        format!(".{signature}"),
        cursor[..cursor.len() - 1].to_string(),
        format!("{cursor}A"),
        "not-a-cursor".to_string(),
        "a.b.c".to_string(),
        "%2E".to_string(),
        "%00".to_string(),
    ] {
        let message =
            bad(&app, &format!("/v1/posts?filter[tag]=sciatica&per_page=4&cursor={tampered}"), "cursor", None).await;
        assert!(message.contains("not a cursor this service issued"), "{tampered}: {message}");
    }
    bad(&app, "/v1/posts?cursor=", "cursor", None).await;

    // A genuine cursor, but for another list, order, filter or viewer.
    for other in [
        format!("/v1/posts?per_page=4&cursor={cursor}"),
        format!("/v1/posts?filter[tag]=back-pain&per_page=4&cursor={cursor}"),
        format!("/v1/posts?filter[tag][ne]=sciatica&per_page=4&cursor={cursor}"),
        format!("/v1/posts?filter[tag]=sciatica&filter[reading_time_minutes][gt]=1&per_page=4&cursor={cursor}"),
        format!("/v1/posts?filter[tag]=sciatica&sort=title&per_page=4&cursor={cursor}"),
        format!("/v1/posts?filter[tag]=sciatica&sort=published_at&per_page=4&cursor={cursor}"),
        format!("/v1/posts?filter[tag]=sciatica&q=walkword&per_page=4&cursor={cursor}"),
        format!("/v1/faqs?per_page=4&cursor={cursor}"),
        format!("/v1/conditions?cursor={cursor}"),
    ] {
        let message = bad(&app, &other, "cursor", None).await;
        assert!(message.contains("does not belong to this list"), "{other}: {message}");
    }
    let as_preview = app.get_as(&same, &preview).await;
    assert_problem(&as_preview, 400, &same);
    assert_eq!(as_preview.json()["errors"][0]["field"], "cursor");

    // A cursor is not a page number.
    let message = bad(&app, &format!("/v1/posts?filter[tag]=sciatica&page=2&cursor={cursor}"), "cursor", None).await;
    assert!(message.contains("page"), "{message}");
    bad(&app, &format!("/v1/posts?filter[tag]=sciatica&page=1&cursor={cursor}"), "cursor", None).await;
    bad(&app, &format!("/v1/posts?filter[tag]=sciatica&cursor={cursor}&cursor={cursor}"), "cursor", None).await;
    bad(&app, &format!("/v1/search?q=walkword&cursor={cursor}"), "cursor", None).await;
    bad(&app, &format!("/v1/posts/{POST_SLUG}?cursor={cursor}"), "cursor", None).await;
}

#[actix_web::test]
async fn writes_between_pages_neither_repeat_nor_skip_items() {
    let app = spawn_app().await;
    let write = walk_posts(&app).await;
    let before = list(&app, "/v1/posts?per_page=100", None).await;

    // Two pages of four, newest first.
    let first = ok(&app, "/v1/posts?per_page=4", None).await;
    let cursor = first["meta"]["pagination"]["next_cursor"].as_str().unwrap().to_string();
    let second = ok(&app, &format!("/v1/posts?per_page=4&cursor={cursor}"), None).await;
    let mut walked = [slugs(&first), slugs(&second)].concat();
    assert_eq!(walked, before[..8]);
    let cursor = second["meta"]["pagination"]["next_cursor"].as_str().unwrap().to_string();

    // Meanwhile: a new post that sorts first, one that sorts last, one of the already seen
    // items and one of the unseen ones deleted.
    create(&app, &write, "/v1/posts", &post("newest", "Newest", "2026-11-01T00:00:00Z", 1, &[])).await;
    create(&app, &write, "/v1/posts", &post("oldest", "Oldest", "2025-01-01T00:00:00Z", 1, &[])).await;
    delete(&app, &write, &format!("/v1/posts/{}", before[2])).await;
    delete(&app, &write, &format!("/v1/posts/{}", before[12])).await;

    let mut url = format!("/v1/posts?per_page=4&cursor={cursor}");
    loop {
        let page = ok(&app, &url, None).await;
        walked.extend(slugs(&page));
        match page["meta"]["pagination"]["next_cursor"].as_str() {
            Some(next) => url = format!("/v1/posts?per_page=4&cursor={next}"),
            None => break,
        }
    }
    assert_unique(&walked, "walk across writes");
    assert!(!walked.contains(&"newest".to_string()), "a post before the cursor is not served mid-walk");
    assert!(!walked.contains(&before[12]), "a deleted post is not served");
    assert_eq!(walked.last().map(String::as_str), Some("oldest"), "a post after the cursor is served");
    let mut expected: Vec<String> = before.iter().filter(|slug| **slug != before[12]).cloned().collect();
    expected.push("oldest".into());
    assert_eq!(walked, expected, "every item after the cursor, once, in order");
}

// ---------------------------------------------------------------------------------------------
// Strict parsing

#[actix_web::test]
async fn every_kind_of_bad_parameter_is_a_400_naming_it() {
    let app = spawn_app().await;
    let cases: &[(&str, &str, &str)] = &[
        // Unknown parameters, with what is allowed.
        ("/v1/posts?foo=1", "foo", "parameters: page, per_page, cursor, sort, fields, include, q, filter[tag]"),
        ("/v1/posts?filter=sciatica", "filter", "is not a parameter"),
        ("/v1/posts?Sort=title", "Sort", "is not a parameter"),
        ("/v1/posts?sort%5B%5D=title", "sort[]", "is not a parameter"),
        ("/v1/posts?filter[tag]x=a", "filter[tag]x", "is not a parameter"),
        ("/v1/posts?q[]=a", "q[]", "is not a parameter"),
        ("/v1/citations?q=nhs", "q", "is not a parameter"),
        ("/v1/condition-categories?include=conditions", "include", "is not a parameter"),
        ("/v1/search?q=a&fields=slug", "fields", "is not a parameter"),
        ("/v1/search?q=a&page=1&per_page=5&x=", "x", "is not a parameter"),
        // Unknown filters, with the filters there are.
        ("/v1/posts?filter[nope]=x", "filter[nope]", "filters: filter[tag], filter[citation], filter[condition]"),
        ("/v1/posts?filter[]=x", "filter[]", "is not a filter"),
        ("/v1/posts?filter[title]=x", "filter[title]", "is not a filter"),
        ("/v1/posts?filter[Tag]=x", "filter[Tag]", "is not a filter"),
        ("/v1/faqs?filter[region]=lower_back", "filter[region]", "filters: filter[post], filter[tag]"),
        ("/v1/conditions?filter[tag]=x", "filter[tag]", "is not a filter"),
        ("/v1/search?q=a&filter[kind]=post", "filter[kind]", "filters: filter[type]"),
        // Unknown operators, with the operators the filter takes.
        ("/v1/posts?filter[tag][gt]=a", "filter[tag][gt]", "operators: eq, ne, in"),
        ("/v1/posts?filter[tag][like]=a", "filter[tag][like]", "operator 'like'"),
        (
            "/v1/posts?filter[reading_time_minutes][between]=1",
            "filter[reading_time_minutes][between]",
            "eq, ne, lt, lte, gt, gte, in",
        ),
        ("/v1/posts?filter[reading_time_minutes][GTE]=1", "filter[reading_time_minutes][GTE]", "operator"),
        ("/v1/posts?filter[reading_time_minutes][]=1", "filter[reading_time_minutes][]", "operator"),
        ("/v1/conditions?filter[is_red_flag][in]=true", "filter[is_red_flag][in]", "operators: eq, ne"),
        ("/v1/search?q=a&filter[type][lt]=post", "filter[type][lt]", "operator"),
        // Malformed values: times, integers, booleans, slugs, enumerations.
        ("/v1/posts?filter[published_at]=yesterday", "filter[published_at]", "RFC 3339"),
        ("/v1/posts?filter[published_at][lt]=2026-13-01", "filter[published_at][lt]", "RFC 3339"),
        ("/v1/posts?filter[published_at][gt]=2026-02-30", "filter[published_at][gt]", "RFC 3339"),
        ("/v1/posts?filter[published_at]=2026-04-25T16:00:00", "filter[published_at]", "RFC 3339"),
        ("/v1/posts?filter[published_at]=", "filter[published_at]", "RFC 3339"),
        ("/v1/posts?filter[published_at][in]=2026-01-01,nope", "filter[published_at][in]", "'nope'"),
        ("/v1/posts?filter[updated_at][gte]=1700000000", "filter[updated_at][gte]", "RFC 3339"),
        ("/v1/posts?filter[reading_time_minutes]=abc", "filter[reading_time_minutes]", "must be an integer"),
        ("/v1/posts?filter[reading_time_minutes]=1.5", "filter[reading_time_minutes]", "must be an integer"),
        ("/v1/posts?filter[reading_time_minutes]=", "filter[reading_time_minutes]", "must be an integer"),
        (
            "/v1/posts?filter[reading_time_minutes][gt]=99999999999999999999",
            "filter[reading_time_minutes][gt]",
            "must be an integer",
        ),
        ("/v1/posts?filter[reading_time_minutes][in]=1,,2", "filter[reading_time_minutes][in]", "must be an integer"),
        ("/v1/citations?filter[year]=MMXXIV", "filter[year]", "must be an integer"),
        ("/v1/conditions?filter[is_red_flag]=yes", "filter[is_red_flag]", "true or false"),
        ("/v1/conditions?filter[is_red_flag]=1", "filter[is_red_flag]", "true or false"),
        ("/v1/conditions?filter[is_red_flag]=TRUE", "filter[is_red_flag]", "true or false"),
        ("/v1/conditions?filter[is_red_flag]=", "filter[is_red_flag]", "true or false"),
        ("/v1/posts?filter[tag]=Back_Pain", "filter[tag]", "must be a slug"),
        ("/v1/posts?filter[tag]=back--pain", "filter[tag]", "must be a slug"),
        ("/v1/posts?filter[tag]=", "filter[tag]", "must be a slug"),
        ("/v1/posts?filter[tag][in]=back-pain,", "filter[tag][in]", "must be a slug"),
        ("/v1/posts?filter[tag]=%27%20OR%201=1", "filter[tag]", "must be a slug"),
        ("/v1/faqs?filter[post]=-x", "filter[post]", "must be a slug"),
        ("/v1/conditions?filter[region]=head", "filter[region]", "lower_back, upper_back, whole_back"),
        ("/v1/conditions?filter[response_level]=weak", "filter[response_level]", "must be one of"),
        ("/v1/search?q=a&filter[type]=posts", "filter[type]", "post, faq, condition, guidance"),
        // Repeated parameters, and one condition per filter and operator.
        ("/v1/posts?sort=title&sort=title", "sort", "more than once"),
        ("/v1/posts?q=a&q=b", "q", "more than once"),
        ("/v1/posts?fields=slug&fields=title", "fields", "more than once"),
        ("/v1/posts?include=faqs&include=faqs", "include", "more than once"),
        ("/v1/posts?per_page=2&per_page=2", "per_page", "more than once"),
        ("/v1/posts?filter[tag]=a&filter[tag]=b", "filter[tag]", "more than once"),
        ("/v1/posts?filter[tag]=a&filter[tag][eq]=b", "filter[tag][eq]", "more than once"),
        (
            "/v1/posts?filter[published_at][lt]=2026-01-01&filter[published_at][lt]=2026-02-01",
            "filter[published_at][lt]",
            "more than once",
        ),
        ("/v1/posts?include=faqs&fields[faqs]=slug&fields[faqs]=question", "fields[faqs]", "more than once"),
        ("/v1/search?q=a&q=a", "q", "more than once"),
        // Paging.
        ("/v1/posts?per_page=101", "per_page", "from 1 to 100"),
        ("/v1/posts?page=0", "page", "must be an integer"),
        // Detail routes take only fields and include.
        ("/v1/posts/is-massage-therapy-worth-it-for-back-pain?page=1", "page", "parameters: fields, include"),
        ("/v1/posts/is-massage-therapy-worth-it-for-back-pain?filter[tag]=a", "filter[tag]", "filters: none"),
        ("/v1/conditions/sciatica?fields=slug", "fields", "parameters: none"),
    ];
    for (path, field, needle) in cases {
        let message = bad(&app, path, field, None).await;
        assert!(message.contains(needle), "{path}: '{message}' lacks '{needle}'");
    }
    // A long list of values is bounded.
    let many = (0..51).map(|i| format!("t{i}")).collect::<Vec<_>>().join(",");
    let message = bad(&app, &format!("/v1/posts?filter[tag][in]={many}"), "filter[tag][in]", None).await;
    assert!(message.contains("at most 50"), "{message}");
    let fifty = (0..50).map(|i| format!("t{i}")).collect::<Vec<_>>().join(",");
    assert_eq!(list(&app, &format!("/v1/posts?filter[tag][in]={fifty}"), None).await, Vec::<String>::new());
    // A long value is clipped in the message, not echoed whole.
    let long = "x".repeat(5000);
    let message = bad(&app, &format!("/v1/posts?sort={long}"), "sort", None).await;
    assert!(message.len() < 400, "{}", message.len());
    // Different operators on one filter, and stray separators, are fine.
    assert_eq!(list(&app, "/v1/posts?filter[tag]=sciatica&filter[tag][ne]=nope", None).await, [POST_SLUG]);
    assert_eq!(list(&app, "/v1/posts?&&sort=title&", None).await, [POST_SLUG]);

    // Every problem in the query at once.
    let path = "/v1/posts?foo=1&filter[nope]=x&filter[tag][gt]=a&sort=nope&fields=nope&include=nope&fields[faqs]=x&filter[reading_time_minutes]=abc";
    let response = app.get(path).await;
    assert_problem(&response, 400, path);
    let problem = response.json();
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for field in [
        "foo",
        "filter[nope]",
        "filter[tag][gt]",
        "sort",
        "fields",
        "include",
        "fields[faqs]",
        "filter[reading_time_minutes]",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
        assert!(problem["detail"].as_str().unwrap().contains(field), "{field} missing from the detail");
    }
}

/// Issue: "OpenAPI documents every parameter (deepObject style for filter), with examples".
#[actix_web::test]
async fn the_openapi_document_describes_every_list_parameter() {
    let app = spawn_app().await;
    let spec = ok(&app, "/openapi.json", None).await;
    let names = |path: &str| -> Vec<String> {
        spec["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    for (path, wanted) in [
        ("/v1/posts", &["sort", "fields", "include", "q", "filter"][..]),
        ("/v1/faqs", &["sort", "fields", "q", "filter"][..]),
        ("/v1/conditions", &["sort", "fields", "q", "filter"][..]),
        ("/v1/citations", &["sort", "fields", "filter"][..]),
        ("/v1/posts/{slug}", &["fields", "include"][..]),
    ] {
        let documented = names(path);
        for name in wanted {
            // `filter` may be one deepObject parameter or one parameter per filter.
            assert!(
                documented.iter().any(|d| d == name || d.starts_with(&format!("{name}["))),
                "GET {path} does not document '{name}': {documented:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Full-text search

async fn search(app: &TestApp, query: &str, token: Option<&str>) -> Value {
    ok(app, &format!("/v1/search?{query}"), token).await
}

fn hits(results: &Value) -> Vec<(String, String)> {
    results["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| (hit["type"].as_str().unwrap().to_string(), hit["slug"].as_str().unwrap().to_string()))
        .collect()
}

fn hit_slugs(results: &Value) -> Vec<String> {
    hits(results).into_iter().map(|(_, slug)| slug).collect()
}

/// Highlighted, escaped text as plain text: the marks dropped, the entities decoded.
fn unmarked(html: &str) -> String {
    html.replace("<mark>", "")
        .replace("</mark>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every hit has a known type, its slug, a plain title, an escaped highlighted title and
/// snippet with `<mark>`s, a rank no better than the one before, and an href that answers 200.
async fn assert_hits_well_formed(app: &TestApp, results: &Value, token: Option<&str>) {
    let mut previous = f64::NEG_INFINITY;
    for hit in results["data"].as_array().unwrap() {
        let kind = hit["type"].as_str().unwrap();
        assert!(["post", "faq", "condition", "guidance"].contains(&kind), "{hit}");
        let slug = hit["slug"].as_str().unwrap();
        assert!(!slug.is_empty());
        let title = hit["title_highlighted"].as_str().unwrap();
        let snippet = hit["snippet"].as_str().unwrap();
        assert!(title.contains("<mark>") || snippet.contains("<mark>"), "a match is highlighted: {hit}");
        assert_eq!(hit["title"], unmarked(title), "the plain title is the highlighted one as text: {hit}");
        for text in [title, snippet] {
            assert_eq!(text.matches("<mark>").count(), text.matches("</mark>").count(), "{text}");
            let rest = text.replace("<mark>", "").replace("</mark>", "");
            assert!(!rest.contains('<') && !rest.contains('>'), "only <mark> markup: {text}");
        }
        let rank = hit["rank"].as_f64().unwrap();
        assert!(rank >= previous, "best first: {rank} after {previous}");
        previous = rank;
        let plural = match kind {
            "post" => "posts",
            "faq" => "faqs",
            "condition" => "conditions",
            _ => "guidance",
        };
        let href = hit["href"].as_str().unwrap();
        assert_eq!(href, format!("/v1/{plural}/{slug}"));
        let target = ok(app, href, token).await;
        assert_eq!(target["data"]["slug"], slug, "{href}");
    }
}

#[actix_web::test]
async fn search_finds_every_kind_of_content_ranked_with_highlights() {
    let app = spawn_app().await;
    for q in ["sciatica", "trigger%20points", "deep%20tissue", "maintenance", "massage", "back%20pain"] {
        let results = search(&app, &format!("q={q}"), None).await;
        assert!(!results["data"].as_array().unwrap().is_empty(), "q={q}");
        assert_hits_well_formed(&app, &results, None).await;
        let pagination = &results["meta"]["pagination"];
        assert!(pagination["total"].as_i64().unwrap() >= results["data"].as_array().unwrap().len() as i64);
    }
    let sciatica = hits(&search(&app, "q=sciatica", None).await);
    assert!(sciatica.contains(&("post".into(), POST_SLUG.into())), "{sciatica:?}");
    assert!(sciatica.contains(&("condition".into(), "sciatica".into())), "{sciatica:?}");
    assert_eq!(sciatica[0], ("condition".to_string(), "sciatica".to_string()), "the title match first");
    let trigger = hits(&search(&app, "q=trigger%20points", None).await);
    assert!(trigger.contains(&("condition".into(), "recurring-trigger-point-back-pain".into())), "{trigger:?}");
    assert!(trigger.contains(&("post".into(), POST_SLUG.into())), "{trigger:?}");
    let maintenance = hits(&search(&app, "q=maintenance", None).await);
    assert!(maintenance.iter().any(|(kind, _)| kind == "guidance"), "{maintenance:?}");
    assert!(maintenance.iter().any(|(kind, _)| kind == "faq"), "{maintenance:?}");

    // Only some types.
    let faqs = search(&app, "q=deep%20tissue&filter[type]=faq", None).await;
    let found = hits(&faqs);
    assert!(!found.is_empty() && found.iter().all(|(kind, _)| kind == "faq"), "{found:?}");
    assert_eq!(found[0].1, "does-deep-tissue-massage-help-chronic-back-pain", "the question matches");
    let several = hits(&search(&app, "q=sciatica&filter[type][in]=post,condition", None).await);
    assert!(several.iter().all(|(kind, _)| kind == "post" || kind == "condition"));
    assert!(several.iter().any(|(kind, _)| kind == "post") && several.iter().any(|(kind, _)| kind == "condition"));
    let not_faqs = hits(&search(&app, "q=massage&filter[type][ne]=faq", None).await);
    assert!(!not_faqs.is_empty() && not_faqs.iter().all(|(kind, _)| kind != "faq"), "{not_faqs:?}");
    assert_eq!(search(&app, "q=maintenance&filter[type]=guidance", None).await["data"][0]["type"], "guidance");

    // Paging through hits.
    let all = search(&app, "q=massage&per_page=100", None).await;
    let total = all["meta"]["pagination"]["total"].as_i64().unwrap();
    assert_eq!(total as usize, all["data"].as_array().unwrap().len());
    assert!(total > 3);
    let second = search(&app, "q=massage&per_page=2&page=2", None).await;
    assert_eq!(hit_slugs(&second), hit_slugs(&all)[2..4]);
    assert_eq!(second["meta"]["pagination"]["prev"], 1);
    assert_eq!(search(&app, "q=nothingmatchesthis", None).await["meta"]["pagination"]["total"], 0);
}

/// `filter[type][in]=post,faq&filter[type][ne]=faq` means posts only: filters are ANDed.
/// Hits that rank the same come in the order they were indexed (posts by id), on every page.
#[actix_web::test]
async fn search_ties_come_in_index_order_on_every_page() {
    let app = spawn_app().await;
    let write = app.token("write");
    let mut created = Vec::new();
    for i in 0..9 {
        // The same title and body: the same bm25 rank.
        let slug = format!("twin-{}", ["g", "c", "i", "a", "e", "b", "h", "d", "f"][i]);
        create(&app, &write, "/v1/posts", &post_with_body(&slug, "Wombatish twins", "Identical wombatish text.")).await;
        created.push(slug);
    }
    let all = search(&app, "q=wombatish&per_page=100", None).await;
    assert_eq!(hit_slugs(&all), created);
    let ranks: Vec<f64> = all["data"].as_array().unwrap().iter().map(|hit| hit["rank"].as_f64().unwrap()).collect();
    assert!(ranks.windows(2).all(|pair| pair[0] == pair[1]), "{ranks:?}");
    let mut paged = Vec::new();
    for page in 1..=4 {
        let results = search(&app, &format!("q=wombatish&per_page=2&page={page}"), None).await;
        assert_eq!(results["meta"]["pagination"]["total"], 9);
        paged.extend(hit_slugs(&results));
    }
    assert_eq!(paged, created[..8]);
    assert_eq!(hit_slugs(&search(&app, "q=wombatish&per_page=4&page=3", None).await), created[8..]);
    assert_eq!(list(&app, "/v1/posts?q=wombatish&per_page=100", None).await, created);
}

#[actix_web::test]
async fn search_type_filters_combine_with_and() {
    let app = spawn_app().await;
    let found = hits(&search(&app, "q=massage&filter[type][in]=post,faq&filter[type][ne]=faq", None).await);
    assert!(!found.is_empty());
    assert!(found.iter().all(|(kind, _)| kind == "post"), "{found:?}");
    let none = search(&app, "q=massage&filter[type]=post&filter[type][ne]=post", None).await;
    assert_eq!(none["meta"]["pagination"]["total"], 0, "{}", none["data"]);
}

#[actix_web::test]
async fn q_searches_the_post_and_faq_lists_by_relevance() {
    let app = spawn_app().await;
    let write = app.token("write");
    let filler = "Notes on everyday habits and how they shape comfort over a long working week. ".repeat(4);
    // A rare word in one post's title, and once in another's body.
    create(&app, &write, "/v1/posts", &post_with_body("quokka-in-title", "Quokka habits explained", &filler)).await;
    create(
        &app,
        &write,
        "/v1/posts",
        &post_with_body("quokka-in-body", "Animal habits explained", &format!("{filler} quokka")),
    )
    .await;
    assert_eq!(list(&app, "/v1/posts?q=quokka", None).await, ["quokka-in-title", "quokka-in-body"]);
    assert_eq!(hit_slugs(&search(&app, "q=quokka", None).await), ["quokka-in-title", "quokka-in-body"]);
    assert_eq!(list(&app, "/v1/posts?q=quokka&sort=relevance", None).await, ["quokka-in-title", "quokka-in-body"]);
    assert_eq!(list(&app, "/v1/posts?q=quokka&sort=-relevance", None).await, ["quokka-in-body", "quokka-in-title"]);
    assert_eq!(list(&app, "/v1/posts?q=quokka&sort=title", None).await, ["quokka-in-body", "quokka-in-title"]);
    assert_eq!(
        list(&app, "/v1/posts?q=quokka&sort=relevance,title", None).await,
        ["quokka-in-title", "quokka-in-body"]
    );
    assert_eq!(list(&app, "/v1/posts?q=habits&filter[published_at][lt]=2026-03-01&fields=slug", None).await.len(), 2);
    assert_eq!(list(&app, "/v1/posts?q=sciatica", None).await, [POST_SLUG]);
    assert_eq!(list(&app, "/v1/posts?q=quokka&filter[tag]=sciatica", None).await, Vec::<String>::new());

    let faqs = list(&app, "/v1/faqs?q=deep%20tissue", None).await;
    assert_eq!(faqs[0], "does-deep-tissue-massage-help-chronic-back-pain");
    let often = list(&app, "/v1/faqs?q=often", None).await;
    assert_eq!(often[0], "how-often-massage-for-back-pain");
    assert_eq!(list(&app, "/v1/faqs?q=quokka", None).await, Vec::<String>::new(), "only FAQ entries");
    let conditions = list(&app, "/v1/conditions?q=trigger%20points", None).await;
    assert_eq!(conditions, ["recurring-trigger-point-back-pain"]);

    // Relevance needs q.
    let message = bad(&app, "/v1/posts?sort=relevance", "sort", None).await;
    assert!(message.contains("relevance, with q"), "{message}");
    bad(&app, "/v1/faqs?sort=-relevance", "sort", None).await;
}

#[actix_web::test]
async fn search_syntax_prefixes_phrases_exclusions_and_or() {
    let app = spawn_app().await;
    let write = app.token("write");
    create(
        &app,
        &write,
        "/v1/posts",
        &post_with_body("tissue-deep", "Layers", "The tissue is deep under the dermisphere."),
    )
    .await;
    create(&app, &write, "/v1/posts", &post_with_body("unicornfish", "Fish", "The unicornfish swims.")).await;
    create(&app, &write, "/v1/posts", &post_with_body("zebracorn", "Stripes", "The zebracorn gallops.")).await;

    // Prefixes.
    let prefix = search(&app, "q=mass*", None).await;
    assert!(prefix["meta"]["pagination"]["total"].as_i64().unwrap() > 3);
    assert!(
        prefix["data"][0]["title_highlighted"].as_str().unwrap().to_lowercase().contains("<mark>massage</mark>")
            || prefix["data"][0]["snippet"].as_str().unwrap().to_lowercase().contains("<mark>massage</mark>")
    );
    assert_hits_well_formed(&app, &prefix, None).await;
    assert_eq!(hit_slugs(&search(&app, "q=zebrac*", None).await), ["zebracorn"]);
    assert_eq!(list(&app, "/v1/posts?q=unicorn*", None).await, ["unicornfish"]);

    // Phrases: the words together and in order.
    let tissue_deep = ("post".to_string(), "tissue-deep".to_string());
    let seed_post = ("post".to_string(), POST_SLUG.to_string());
    let words = hits(&search(&app, "q=deep%20tissue&per_page=100", None).await);
    let phrase = hits(&search(&app, &format!("q={}&per_page=100", enc("\"deep tissue\"")), None).await);
    assert!(words.contains(&tissue_deep), "{words:?}");
    assert!(!phrase.contains(&tissue_deep), "{phrase:?}");
    assert!(
        phrase.contains(&seed_post) && phrase.contains(&("faq".to_string(), SEED_FAQS[2].to_string())),
        "{phrase:?}"
    );
    assert_eq!(list(&app, &format!("/v1/posts?q={}", enc("\"tissue is deep\"")), None).await, ["tissue-deep"]);

    // Exclusions.
    let massage = search(&app, "q=massage&per_page=100", None).await;
    let without = search(&app, &format!("q={}&per_page=100", enc("massage -sciatica")), None).await;
    assert!(hits(&massage).contains(&seed_post));
    assert!(!hits(&without).contains(&seed_post), "{:?}", hits(&without));
    assert!(without["meta"]["pagination"]["total"].as_i64() < massage["meta"]["pagination"]["total"].as_i64());
    assert!(!hits(&without).contains(&("condition".into(), "sciatica".into())));
    let excluded_phrase = hits(&search(&app, &format!("q={}", enc("tissue -\"deep tissue\"")), None).await);
    assert!(excluded_phrase.contains(&tissue_deep) && !excluded_phrase.contains(&seed_post), "{excluded_phrase:?}");

    // OR between two terms.
    assert_eq!(
        sorted(hit_slugs(&search(&app, &format!("q={}", enc("zebracorn OR unicornfish")), None).await)),
        ["unicornfish", "zebracorn"]
    );
    assert_eq!(
        sorted(list(&app, &format!("/v1/posts?q={}", enc("gallops OR swims OR dermisphere")), None).await),
        ["tissue-deep", "unicornfish", "zebracorn"]
    );
    assert_eq!(
        hit_slugs(&search(&app, &format!("q={}", enc("zebracorn unicornfish")), None).await),
        Vec::<String>::new()
    );
    // FTS5 syntax is searched for, not obeyed.
    for literal in
        ["NEAR(zebracorn unicornfish)", "title:zebracorn", "zebracorn AND unicornfish", "{title}: x", "^zebracorn"]
    {
        let path = format!("/v1/search?q={}", enc(literal));
        assert_eq!(app.get(&path).await.status.as_u16(), 200, "{path}");
    }
    // Case and diacritics do not matter.
    assert_eq!(hit_slugs(&search(&app, "q=ZEBRACORN", None).await), ["zebracorn"]);
    assert_eq!(hit_slugs(&search(&app, &format!("q={}", enc("zébracorn")), None).await), ["zebracorn"]);
}

#[actix_web::test]
async fn drafts_are_never_found_publicly_but_are_with_a_preview_token() {
    let app = crate::helpers::spawn_app().await;
    let write = app.token("write");
    let preview = app.token("preview");
    let mut draft = post_with_body("wombat-draft", "Wombatish draft", "A wombatish body.");
    draft["status"] = json!("draft");
    draft["published_at"] = Value::Null;
    create(&app, &write, "/v1/posts", &draft).await;
    let mut scheduled = post_with_body("wombat-later", "Wombatish later", "Later.");
    scheduled["status"] = json!("scheduled");
    scheduled["published_at"] = json!("2099-01-01T00:00:00Z");
    create(&app, &write, "/v1/posts", &scheduled).await;
    // A published entry on a draft post, and a draft entry on its own.
    create(&app, &write, "/v1/faqs", &json!({"slug": "wombat-faq", "post": "wombat-draft", "question": "Wombatish?", "answer": "Yes.", "status": "published"})).await;
    create(
        &app,
        &write,
        "/v1/faqs",
        &json!({"slug": "wombat-faq-draft", "question": "Wombatish too?", "answer": "Yes."}),
    )
    .await;

    let public = search(&app, "q=wombatish", None).await;
    assert_eq!(public["meta"]["pagination"]["total"], 0, "{}", public["data"]);
    assert_eq!(list(&app, "/v1/posts?q=wombatish", None).await, Vec::<String>::new());
    assert_eq!(list(&app, "/v1/faqs?q=wombatish", None).await, Vec::<String>::new());
    assert_eq!(search(&app, "q=wombat*", None).await["meta"]["pagination"]["total"], 0);

    let previewed = search(&app, "q=wombatish", Some(&preview)).await;
    assert_eq!(previewed["meta"]["pagination"]["total"], 4);
    assert_hits_well_formed(&app, &previewed, Some(&preview)).await;
    assert_eq!(sorted(list(&app, "/v1/posts?q=wombatish", Some(&preview)).await), ["wombat-draft", "wombat-later"]);
    assert_eq!(sorted(list(&app, "/v1/faqs?q=wombatish", Some(&preview)).await), ["wombat-faq", "wombat-faq-draft"]);

    // Publishing the post makes it and its entry public.
    patch(&app, &write, "/v1/posts/wombat-draft", &json!({"status": "published"})).await;
    let public = search(&app, "q=wombatish", None).await;
    assert_eq!(sorted(hit_slugs(&public)), ["wombat-draft", "wombat-faq"]);
    assert_hits_well_formed(&app, &public, None).await;
}

#[actix_web::test]
async fn search_stays_in_sync_with_writes() {
    let app = spawn_app().await;
    let write = app.token("write");
    create(&app, &write, "/v1/posts", &post_with_body("renamed", "Ordinary title", "Ordinary gnuish body.")).await;
    assert_eq!(search(&app, "q=platypusly", None).await["meta"]["pagination"]["total"], 0);

    patch(&app, &write, "/v1/posts/renamed", &json!({"title": "Platypusly ordinary"})).await;
    let found = search(&app, "q=platypusly", None).await;
    assert_eq!(hit_slugs(&found), ["renamed"]);
    assert_eq!(found["data"][0]["title_highlighted"], "<mark>Platypusly</mark> ordinary");
    assert_eq!(found["data"][0]["title"], "Platypusly ordinary");
    assert_eq!(list(&app, "/v1/posts?q=platypusly", None).await, ["renamed"]);

    // A new slug is what the hit links to.
    patch(&app, &write, "/v1/posts/renamed", &json!({"slug": "renamed-again"})).await;
    let moved = search(&app, "q=platypusly", None).await;
    assert_eq!(hit_slugs(&moved), ["renamed-again"]);
    assert_hits_well_formed(&app, &moved, None).await;

    // The body too.
    patch(
        &app,
        &write,
        "/v1/posts/renamed-again",
        &json!({"sections": [{"heading": "Echidnaroo", "markdown": "Spines."}]}),
    )
    .await;
    assert_eq!(hit_slugs(&search(&app, "q=echidnaroo", None).await), ["renamed-again"]);
    assert_eq!(search(&app, "q=gnuish", None).await["meta"]["pagination"]["total"], 0, "the old body is gone");

    patch(&app, &write, "/v1/posts/renamed-again", &json!({"title": "Ordinary again"})).await;
    assert_eq!(search(&app, "q=platypusly", None).await["meta"]["pagination"]["total"], 0);
    assert_eq!(list(&app, "/v1/posts?q=platypusly", None).await, Vec::<String>::new());

    // Unpublishing hides it; deleting removes it.
    patch(&app, &write, "/v1/posts/renamed-again", &json!({"status": "archived"})).await;
    assert_eq!(search(&app, "q=echidnaroo", None).await["meta"]["pagination"]["total"], 0);
    delete(&app, &write, "/v1/posts/renamed-again").await;
    let preview = app.token("preview");
    assert_eq!(search(&app, "q=echidnaroo", Some(&preview)).await["meta"]["pagination"]["total"], 0);

    // FAQ entries, conditions (with their category's name) and guidance bands.
    let faq = format!("/v1/faqs/{}", SEED_FAQS[3]);
    patch(&app, &write, &faq, &json!({"question": "How often, kangaroodle?"})).await;
    assert_eq!(hits(&search(&app, "q=kangaroodle", None).await), [("faq".to_string(), SEED_FAQS[3].to_string())]);
    delete(&app, &write, &faq).await;
    assert_eq!(search(&app, "q=kangaroodle", None).await["meta"]["pagination"]["total"], 0);

    patch(
        &app,
        &write,
        "/v1/condition-categories/moderate-responders",
        &json!({"name": "Moderate flamingoid responders"}),
    )
    .await;
    let conditions = search(&app, "q=flamingoid&filter[type]=condition", None).await;
    assert_eq!(sorted(hit_slugs(&conditions)), ["acute-lower-back-pain", "disc-related-back-pain", "sciatica"]);
    delete(&app, &write, "/v1/conditions/sciatica").await;
    let conditions = search(&app, "q=flamingoid&filter[type]=condition", None).await;
    assert_eq!(sorted(hit_slugs(&conditions)), ["acute-lower-back-pain", "disc-related-back-pain"]);
    assert!(
        !hits(&search(&app, "q=sciatica&per_page=100", None).await).contains(&("condition".into(), "sciatica".into()))
    );
}

#[actix_web::test]
async fn guidance_band_edits_are_searchable() {
    let app = spawn_app().await;
    let write = app.token("write");
    // Replacing the set.
    let mut bands = crate::helpers::band_inputs(&app).await;
    bands[0]["notes"] = json!("Settles quickly; salamandrine advice.");
    let replaced = app.write(Method::PUT, "/v1/guidance/bands", &write, &json!(bands)).await;
    assert_eq!(replaced.status.as_u16(), 200, "{}", String::from_utf8_lossy(&replaced.body));
    let found = search(&app, "q=salamandrine", None).await;
    assert_eq!(hits(&found), [("guidance".to_string(), "acute".to_string())]);
    assert_hits_well_formed(&app, &found, None).await;

    // Editing one band.
    patch(&app, &write, "/v1/guidance/chronic", &json!({"notes": "Four to six sessions; axolotlish reassessment."}))
        .await;
    assert!(ok(&app, "/v1/guidance/chronic", None).await["data"]["notes"].as_str().unwrap().contains("axolotlish"));
    let found = search(&app, "q=axolotlish", None).await;
    assert_eq!(
        hits(&found),
        [("guidance".to_string(), "chronic".to_string())],
        "PATCH /v1/guidance/chronic is searchable"
    );
    patch(&app, &write, "/v1/guidance/chronic", &json!({"name": "Long-standing back pain"})).await;
    let renamed = search(&app, "q=long-standing&filter[type]=guidance", None).await;
    assert_eq!(hits(&renamed), [("guidance".to_string(), "chronic".to_string())]);
}

#[actix_web::test]
async fn html_in_content_is_escaped_in_titles_and_snippets() {
    let app = spawn_app().await;
    let write = app.token("write");
    let body = post_with_body(
        "xss-search",
        "Zebracorn <b>bold</b> <img src=x onerror=alert(1)>",
        "<script>alert(1)</script> zebracorn and <a href=\"javascript:alert(1)\">link</a> zebracorn",
    );
    create(&app, &write, "/v1/posts", &body).await;
    create(&app, &write, "/v1/faqs", &json!({"slug": "xss-faq", "question": "<script>zebracorn</script>?", "answer": "<i>zebracorn</i> & friends", "status": "published"})).await;
    for path in ["/v1/search?q=zebracorn", "/v1/search?q=script", "/v1/search?q=alert"] {
        let results = ok(&app, path, None).await;
        assert!(!results["data"].as_array().unwrap().is_empty(), "{path}");
        for hit in results["data"].as_array().unwrap() {
            for key in ["title_highlighted", "snippet"] {
                let text = hit[key].as_str().unwrap();
                let lower = text.to_lowercase();
                assert!(
                    !lower.contains("<script")
                        && !lower.contains("<img")
                        && !lower.contains("<b>")
                        && !lower.contains("<a "),
                    "{path} {key}: {text}"
                );
            }
        }
        assert_hits_well_formed(&app, &results, None).await;
    }
    let results = search(&app, "q=zebracorn&filter[type]=post", None).await;
    let title = results["data"][0]["title_highlighted"].as_str().unwrap();
    assert!(title.contains("&lt;b&gt;bold&lt;/b&gt;"), "{title}");
    assert!(title.starts_with("<mark>Zebracorn</mark>"), "{title}");
    // The plain title is the text as written: for a text node, never for innerHTML.
    assert_eq!(results["data"][0]["title"], "Zebracorn <b>bold</b> <img src=x onerror=alert(1)>");
}

#[actix_web::test]
async fn a_search_hits_title_is_plain_text_with_the_highlighted_form_beside_it() {
    let app = spawn_app().await;
    let write = app.token("write");
    create(&app, &write, "/v1/posts", &post_with_body("fish-chips", "Fish & chips: a \"quokka\" <diet>", "Body."))
        .await;
    let results = search(&app, "q=quokka", None).await;
    let hit = &results["data"][0];
    assert_eq!(hit["slug"], "fish-chips");
    assert_eq!(hit["title"], "Fish & chips: a \"quokka\" <diet>", "{hit}");
    assert_eq!(hit["title_highlighted"], "Fish &amp; chips: a &quot;<mark>quokka</mark>&quot; &lt;diet&gt;", "{hit}");
    assert_hits_well_formed(&app, &results, None).await;
    let seed = search(&app, "q=honest", None).await;
    assert_eq!(seed["data"][0]["title"], "Is Massage Therapy Worth It for Back Pain? An Honest Answer");
}

#[actix_web::test]
async fn bad_search_syntax_is_a_400_never_a_500() {
    let app = spawn_app().await;
    let long = "massage ".repeat(30);
    let many_terms = (0..17).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
    let queries = [
        "\"unclosed",
        "massage \"unclosed",
        "-only",
        "-massage -sciatica",
        "OR",
        "OR massage",
        "massage OR",
        "massage OR OR sciatica",
        "massage OR -sciatica",
        "*",
        "**",
        "-*",
        "ma*ss",
        "\"\"",
        "\"   \"",
        "\"!!\"",
        "",
        "   ",
        "-",
        long.as_str(),
        many_terms.as_str(),
    ];
    for path in ["/v1/search", "/v1/posts", "/v1/faqs", "/v1/conditions"] {
        for q in queries {
            let url = format!("{path}?q={}", enc(q));
            bad(&app, &url, "q", None).await;
        }
    }
    // Punctuation alone is ignored, not an error; odd but valid input is searched.
    for q in ["massage !!", "massage -- ", "a*", "\u{1F4A5}", "'", "\\", "()", "massage)", "\u{1}massage"] {
        let url = format!("/v1/search?q={}", enc(q));
        let response = app.get(&url).await;
        assert!(matches!(response.status.as_u16(), 200 | 400), "{url}: {}", response.status);
        if response.status.as_u16() == 400 {
            assert_problem(&response, 400, &url);
        }
    }
    // q is required on /v1/search.
    let message = bad(&app, "/v1/search", "q", None).await;
    assert!(message.contains("required"), "{message}");
    bad(&app, "/v1/search?filter[type]=post", "q", None).await;
    bad(&app, "/v1/search?q=", "q", None).await;
    bad(&app, "/v1/search?q=massage&page=0", "page", None).await;
    bad(&app, "/v1/search?q=massage&per_page=101", "per_page", None).await;
}

/// A NUL in `q` reaches FTS5, which fails with "unterminated string": that is bad input, a 400.
#[actix_web::test]
async fn a_nul_in_q_is_a_400_not_a_500() {
    let app = spawn_app().await;
    for path in ["/v1/search?q=massage%00", "/v1/posts?q=massage%00", "/v1/faqs?q=%00massage", "/v1/search?q=mass%00*"]
    {
        bad(&app, path, "q", None).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Random query strings

/// xorshift64*: small, deterministic, good enough to pick from lists.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const NAMES: &[&str] = &[
    "page",
    "per_page",
    "cursor",
    "sort",
    "fields",
    "include",
    "q",
    "filter",
    "fields[faqs]",
    "fields[conditions]",
    "fields[citations]",
    "fields[nope]",
    "fields[]",
    "fields[",
    "",
    "x",
    "[",
    "]",
    "[]",
    "%5B",
    "filter%5Btag%5D",
    "fil%74er[tag]",
    "q%00",
    "é",
    "💥",
    "filter[",
    "filter[]",
    "filter[]]",
    "filter[[tag]]",
    "filter[tag",
    "filter[tag]x",
    "filter[tag][",
    "filter[tag]]",
    "FILTER[tag]",
    "page[number]",
];
const FILTERS: &[&str] = &[
    "tag",
    "post",
    "status",
    "published_at",
    "updated_at",
    "reading_time_minutes",
    "condition",
    "condition_category",
    "region",
    "is_red_flag",
    "category",
    "response_level",
    "type",
    "year",
    "title",
    "",
    "💥",
    "tag%5D",
];
const OPS: &[&str] = &[
    "", "", "", "[eq]", "[ne]", "[lt]", "[lte]", "[gt]", "[gte]", "[in]", "[like]", "[]", "[EQ]", "[[in]]", "][",
    "[in][in]", "[in", "[%69n]",
];
const VALUES: &[&str] = &[
    "",
    "1",
    "0",
    "-1",
    "2",
    "20",
    "100",
    "101",
    "99999999999999999999",
    "1.5",
    "1e3",
    "true",
    "false",
    "TRUE",
    "null",
    "back-pain",
    "sciatica",
    "Back_Pain",
    "lower_back",
    "whole_back",
    "strong",
    "refer",
    "post",
    "faq",
    "guidance",
    "2026-05-01",
    "2026-04-25T16:00:00Z",
    "2026-04-25T16:00:00%2B02:00",
    "2026-04-25T16:00:00+02:00",
    "2026-13-45",
    "0000-01-01",
    "title",
    "-title",
    "-published_at,title",
    "reading_time_minutes,-title",
    "relevance",
    "-relevance",
    "title,title",
    "a,b,c",
    "slug,title",
    "slug,faqs",
    "faqs,conditions,citations",
    "faqs",
    "question",
    "post,faq",
    "massage",
    "mass*",
    "\"deep tissue\"",
    "\"unclosed",
    "-only",
    "OR",
    "*",
    "a OR b",
    "massage -sciatica",
    "NEAR(a b)",
    "title:x",
    "%",
    "%zz",
    "%E2%9C",
    "%00",
    "%FF",
    "%2C",
    "+",
    ",",
    ",,",
    "é",
    "💥",
    "ß",
    "\u{200b}",
    "' OR 1=1 --",
    "\"",
    "\\",
    "<script>",
    "a.b",
    "AAAA.BBBB",
];

/// Encodes what a URI cannot carry as is; keeps `%` raw so broken escapes reach the server.
fn uri_safe(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?[]%".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn random_value(rng: &mut Rng, cursor: &str) -> String {
    let mut value = match rng.below(10) {
        0 => cursor.to_string(),
        1 => (0..1 + rng.below(4)).map(|_| rng.pick(VALUES)).collect::<Vec<_>>().join(","),
        2 => (0..1 + rng.below(3)).map(|_| rng.pick(VALUES)).collect::<Vec<_>>().join(" "),
        3 => "x".repeat(rng.below(300)),
        _ => rng.pick(VALUES).to_string(),
    };
    if rng.chance(5) {
        let boundaries: Vec<usize> = value.char_indices().map(|(i, _)| i).chain([value.len()]).collect();
        let at = boundaries[rng.below(boundaries.len())];
        value.insert(at, '%');
    }
    value
}

fn random_query(rng: &mut Rng, cursor: &str) -> String {
    let mut parts = Vec::new();
    for _ in 0..rng.below(6) {
        let name = if rng.chance(45) {
            format!("filter[{}]{}", rng.pick(FILTERS), rng.pick(OPS))
        } else {
            rng.pick(NAMES).to_string()
        };
        let part = match rng.below(12) {
            0 => name,
            1 => format!("{name}={}={}", random_value(rng, cursor), random_value(rng, cursor)),
            _ => format!("{name}={}", random_value(rng, cursor)),
        };
        parts.push(part);
    }
    let separator = if rng.chance(10) { "&&" } else { "&" };
    uri_safe(&parts.join(separator))
}

/// A response to any query string is a 200, or a 400 problem; never a 5xx or a dropped
/// connection (the spec check in `TestApp` validates the bodies too).
fn assert_200_or_problem(response: &TestResponse, path: &str) {
    match response.status.as_u16() {
        200 => {
            assert_eq!(response.content_type(), "application/json", "{path}");
            let body = response.json();
            assert!(body["data"].is_array() || body["data"].is_object(), "{path}");
        }
        400 => {
            assert_problem(response, 400, path);
            let problem = response.json();
            assert_eq!(problem["code"], "invalid-parameter", "{path}");
            assert!(!problem["errors"].as_array().unwrap().is_empty(), "{path}: {problem}");
        }
        other => panic!("GET {path} answered {other}: {}", String::from_utf8_lossy(&response.body)),
    }
}

#[actix_web::test]
async fn random_query_strings_get_a_200_or_a_400_never_a_500() {
    let app = crate::helpers::spawn_app().await;
    let write = app.token("write");
    let preview = app.token("preview");
    for i in 0..3 {
        create(
            &app,
            &write,
            "/v1/posts",
            &post(&format!("fuzz-{i}"), "Fuzz", "2026-02-01T00:00:00Z", 1, &["sciatica"]),
        )
        .await;
    }
    let first = ok(&app, "/v1/posts?per_page=1", None).await;
    let cursor = first["meta"]["pagination"]["next_cursor"].as_str().unwrap().to_string();
    let paths = ["/v1/posts", "/v1/faqs", "/v1/conditions", "/v1/search", "/v1/citations", "/v1/posts/fuzz-1"];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut statuses = [0usize; 2];
    for round in 0..400 {
        let query = random_query(&mut rng, &cursor);
        let base = paths[round % paths.len()];
        let path = format!("{base}?{query}");
        let response = if rng.chance(30) { app.get_as(&path, &preview).await } else { app.get(&path).await };
        assert_200_or_problem(&response, &path);
        statuses[usize::from(response.status.as_u16() == 400)] += 1;
    }
    // The generator reaches both outcomes.
    assert!(statuses[0] > 20 && statuses[1] > 20, "200s and 400s: {statuses:?}");

    // And the parser on its own, with only valid pieces, mostly says yes.
    let valid = [
        "/v1/posts?filter[tag][in]=sciatica,back-pain&sort=-reading_time_minutes,title&fields=slug&include=faqs&fields[faqs]=question&per_page=3",
        "/v1/posts?q=mass*&filter[published_at][gte]=2026-01-01&sort=relevance,title",
        "/v1/faqs?q=%22deep%20tissue%22&filter[post]=is-massage-therapy-worth-it-for-back-pain&fields=slug,question",
        "/v1/conditions?filter[is_red_flag]=false&filter[region][in]=lower_back,whole_back&sort=-name&fields=slug",
        "/v1/search?q=massage%20-sciatica&filter[type][in]=post,faq,condition&per_page=5&page=1",
    ];
    for path in valid {
        let response = app.get(path).await;
        assert_eq!(response.status.as_u16(), 200, "{path}: {}", String::from_utf8_lossy(&response.body));
    }
}
