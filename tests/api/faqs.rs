use crate::helpers::{spawn_app, POST_SLUG};

const QUESTIONS: [&str; 4] = [
    "Is massage therapy worth it for back pain?",
    "How long do the results of massage for back pain last?",
    "Does deep tissue massage help with chronic back pain?",
    "How often should I get massage for back pain?",
];

#[actix_web::test]
async fn the_four_faq_entries_come_in_the_posts_order() {
    let app = spawn_app().await;
    let list = app.get_ok("/v1/faqs").await;
    let faqs = list["data"].as_array().unwrap();
    let questions: Vec<&str> = faqs.iter().map(|f| f["question"].as_str().unwrap()).collect();
    assert_eq!(questions, QUESTIONS);
    for (position, faq) in faqs.iter().enumerate() {
        assert_eq!(faq["position"], position);
        assert_eq!(faq["post"]["slug"], POST_SLUG);
        assert_eq!(faq["post"]["href"], format!("/v1/posts/{POST_SLUG}"));
        assert_eq!(faq["status"], "published");
        assert!(faq["answer"]["html"].as_str().unwrap().starts_with("<p>"));
        assert!(!faq["answer"]["text"].as_str().unwrap().contains('<'));
    }
    assert_eq!(list["meta"]["pagination"]["total"], 4);
}

#[actix_web::test]
async fn the_frequency_faq_carries_the_seed_numbers() {
    let app = spawn_app().await;
    let faq = app.get_ok("/v1/faqs/how-often-massage-for-back-pain").await["data"].clone();
    let answer = faq["answer"]["markdown"].as_str().unwrap();
    assert!(answer.contains("one to two sessions per week for three to four weeks"));
    assert!(answer.contains("monthly sessions"));
}

#[actix_web::test]
async fn faqs_filter_by_post_and_tag() {
    let app = spawn_app().await;
    let by_post = app.get_ok(&format!("/v1/faqs?filter[post]={POST_SLUG}")).await;
    assert_eq!(by_post["meta"]["pagination"]["total"], 4);
    let by_other_post = app.get_ok("/v1/faqs?filter[post]=another-post").await;
    assert_eq!(by_other_post["meta"]["pagination"]["total"], 0);
    let by_tag = app.get_ok("/v1/faqs?filter[tag]=deep-tissue-massage").await;
    let slugs: Vec<&str> = by_tag["data"].as_array().unwrap().iter().map(|f| f["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["does-deep-tissue-massage-help-chronic-back-pain"]);
    let both = app.get_ok(&format!("/v1/faqs?filter[post]={POST_SLUG}&filter[tag]=back-pain&per_page=2")).await;
    assert_eq!(both["meta"]["pagination"]["total"], 3);
    assert_eq!(both["meta"]["pagination"]["total_pages"], 2);
    assert_eq!(both["data"].as_array().unwrap().len(), 2);
    let next = both["links"]["next"].as_str().unwrap();
    assert_eq!(next, format!("/v1/faqs?filter%5Bpost%5D={POST_SLUG}&filter%5Btag%5D=back-pain&page=2&per_page=2"));
    let second = app.get_ok(next).await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second["meta"]["pagination"]["prev"], 1);
}

#[actix_web::test]
async fn an_unknown_faq_is_a_404() {
    let app = spawn_app().await;
    app.get_problem("/v1/faqs/nope", 404).await;
}
