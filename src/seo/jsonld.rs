//! schema.org JSON-LD for a post: the page (`MedicalWebPage`), the article, the clinic as
//! author and publisher (`HealthAndBeautyBusiness` with its address), and an `FAQPage` for the
//! post's FAQ entries.

use serde_json::{json, Value};

use crate::posts::model::Post;
use crate::site::model::Site;

/// The clinic as a schema.org node.
pub fn organization(site: &Site, base: &str) -> Value {
    json!({
        "@type": "HealthAndBeautyBusiness",
        "@id": format!("{base}/#organization"),
        "name": site.name,
        "alternateName": site.short_name,
        "description": site.description,
        "url": base,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": site.address.city,
            "addressRegion": site.address.region_code,
            "addressCountry": site.address.country_code,
        },
    })
}

/// The `@graph` document for a post (with its FAQ entries in `post.faqs`).
pub fn for_post(post: &Post, site: &Site, base: &str) -> Value {
    let url = super::post_url(base, &post.slug, post.canonical_url.as_deref());
    let organization = organization(site, base);
    let description = post.meta_description.clone().unwrap_or_else(|| post.excerpt.clone());
    let citations: Vec<Value> = post
        .citations
        .iter()
        .map(|citation| {
            let mut work = json!({
                "@type": "CreativeWork",
                "name": citation.title,
                "url": citation.url,
                "publisher": {"@type": "Organization", "name": citation.publisher},
            });
            if let Some(year) = citation.year {
                work["datePublished"] = json!(year.to_string());
            }
            work
        })
        .collect();
    let keywords: Vec<&str> = post.tags.iter().map(|tag| tag.name.as_str()).collect();
    let article = json!({
        "@type": "Article",
        "@id": format!("{url}#article"),
        "headline": post.title.chars().take(110).collect::<String>(),
        "name": post.meta_title.clone().unwrap_or_else(|| post.title.clone()),
        "description": description,
        "datePublished": post.published_at,
        "dateModified": post.updated_at,
        "author": organization,
        "publisher": organization,
        "mainEntityOfPage": url,
        "url": url,
        "wordCount": post.word_count,
        "timeRequired": format!("PT{}M", post.reading_time_minutes),
        "keywords": keywords.join(", "),
        "about": post.condition_categories.iter().map(|c| json!({"@type": "Thing", "name": c.name})).collect::<Vec<_>>(),
        "citation": citations,
        "inLanguage": "en",
    });
    let page = json!({
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": post.title,
        "description": description,
        "datePublished": post.published_at,
        "dateModified": post.updated_at,
        "publisher": {"@id": format!("{base}/#organization")},
        "mainEntity": {"@id": format!("{url}#article")},
        "inLanguage": "en",
    });
    let mut graph = vec![page, article];
    let faqs = post.faqs.as_deref().unwrap_or_default();
    if !faqs.is_empty() {
        graph.push(json!({
            "@type": "FAQPage",
            "@id": format!("{url}#faq"),
            "url": url,
            "mainEntity": faqs.iter().map(|faq| json!({
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {"@type": "Answer", "text": faq.answer.text},
            })).collect::<Vec<_>>(),
        }));
    }
    json!({"@context": "https://schema.org", "@graph": graph})
}
