use actix_web::{web, HttpRequest, HttpResponse};

use super::feeds::{self, Detail, JsonFeed, FEED_SIZE, SITEMAP_SIZE};
use super::{base_url, bytes_response, jsonld, self_url, sitemap_urls};
use crate::content::Viewer;
use crate::db::{self, DbPool};
use crate::error::{responses, ApiError};
use crate::http::list_query::{parse_detail, ListQuery, NO_PARAMETERS};
use crate::http::params;
use crate::posts::query as posts_query;
use crate::site::model::Site;
use crate::tokens::Caller;

fn unseeded() -> ApiError {
    ApiError::Unavailable("The content library has not been seeded yet.".into())
}

fn site(conn: &mut crate::db::Conn) -> Result<Site, ApiError> {
    crate::site::query::find(conn)?.ok_or_else(unseeded)
}

/// Get a post's JSON-LD
///
/// schema.org JSON-LD for a published post: an `@graph` with the page (`MedicalWebPage`), the
/// `Article` (headline, description, dates, keywords from its tags, citations; the clinic as
/// author and publisher, a `HealthAndBeautyBusiness` with its `PostalAddress`) and, when the post
/// has FAQ entries, an `FAQPage` with each `Question` and its `acceptedAnswer`. URLs are on the
/// front end (`PUBLIC_SITE_URL`, else the site's website; the post's `canonical_url` when set).
///
/// The bytes go into a script element of type `application/ld+json` as they are: `<`, `>`, `&`,
/// U+2028 and U+2029 in strings are written as `\u003c`-style escapes, so no text can close the
/// element. Serialising the parsed document again (`JSON.stringify`) undoes that; the TypeScript
/// client's `jsonLdScript` serialises it safely.
#[utoipa::path(
    get,
    path = "/v1/posts/{slug}/jsonld",
    tag = "posts",
    operation_id = "getPostJsonLd",
    params(("slug" = String, Path, description = "The post's slug.", example = "is-massage-therapy-worth-it-for-back-pain")),
    responses(
        (status = 200, description = "The JSON-LD document", body = Object, content_type = "application/ld+json",
            example = json!({"@context": "https://schema.org", "@graph": [
                {"@type": "MedicalWebPage", "@id": "https://easycozy.ca/blog/is-massage-therapy-worth-it-for-back-pain"},
                {"@type": "Article", "headline": "Is Massage Therapy Worth It for Back Pain? An Honest Answer",
                 "author": {"@type": "HealthAndBeautyBusiness", "name": "Easy Cozy Wellness",
                    "address": {"@type": "PostalAddress", "addressLocality": "Nanaimo", "addressRegion": "BC", "addressCountry": "CA"}}},
                {"@type": "FAQPage", "mainEntity": [{"@type": "Question", "name": "Is massage therapy worth it for back pain?",
                    "acceptedAnswer": {"@type": "Answer", "text": "Yes, for most non-specific back pain..."}}]}]})),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
pub async fn get_post_jsonld(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    parse_detail(req.query_string(), &NO_PARAMETERS)?;
    let slug = slug.into_inner();
    let viewer = Viewer::for_request(&req, &caller);
    let lookup = slug.clone();
    let (post, site) = db::run(&pool, move |conn| {
        let mut query = ListQuery::none();
        query.includes = vec!["faqs"];
        let post = posts_query::find_by_slug(conn, &lookup, &query, &viewer)?;
        Ok((post, site(conn)?))
    })
    .await?;
    let post = post.ok_or_else(|| ApiError::not_found("post", &slug))?;
    let document = jsonld::for_post(&post, &site, &base_url(&req, &site.website_url));
    let bytes = crate::http::respond::ScriptSafe::new(&document).as_str().as_bytes().to_vec();
    // A preview may show a draft.
    Ok(crate::seo::bytes_response_for(&req, &caller, "application/ld+json", bytes))
}

/// The front end's base URL: the configured one (when not empty), else the site's website.
fn front_end(configured: String, site: &Site) -> String {
    if configured.is_empty() {
        site.website_url.trim_end_matches('/').to_string()
    } else {
        configured
    }
}

/// The site, the base URL and the newest public posts.
async fn feed_posts(
    req: &HttpRequest,
    pool: &DbPool,
    detail: Detail,
) -> Result<(Site, String, Vec<feeds::FeedPost>), ApiError> {
    parse_detail(req.query_string(), &NO_PARAMETERS)?;
    let configured = base_url(req, "");
    db::run(pool, move |conn| {
        let site = site(conn)?;
        let base = front_end(configured, &site);
        let posts = feeds::load(conn, &base, FEED_SIZE, 0, detail)?;
        Ok((site, base, posts))
    })
    .await
}

/// RSS feed of posts
///
/// RSS 2.0: the newest 50 published posts, newest first, each linking to the front end.
#[utoipa::path(
    get,
    path = "/feeds/posts.rss",
    tag = "feeds",
    operation_id = "getPostsRss",
    security(()),
    responses(
        (status = 200, description = "The RSS 2.0 document", body = String, content_type = "application/rss+xml"),
        responses::ReadResponses,
        (status = 503, response = responses::Unavailable),
    )
)]
pub async fn rss_feed(req: HttpRequest, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let (site, base, posts) = feed_posts(&req, &pool, Detail::Tags).await?;
    let body = feeds::rss(&site, &base, &self_url(&req), &posts);
    Ok(bytes_response(&req, "application/rss+xml", body.into_bytes()))
}

/// Atom feed of posts
///
/// Atom (RFC 4287): the newest 50 published posts, newest first, with summaries and bodies.
#[utoipa::path(
    get,
    path = "/feeds/posts.atom",
    tag = "feeds",
    operation_id = "getPostsAtom",
    security(()),
    responses(
        (status = 200, description = "The Atom document", body = String, content_type = "application/atom+xml"),
        responses::ReadResponses,
        (status = 503, response = responses::Unavailable),
    )
)]
pub async fn atom_feed(req: HttpRequest, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let (site, base, posts) = feed_posts(&req, &pool, Detail::Bodies).await?;
    let body = feeds::atom(&site, &base, &self_url(&req), &posts);
    Ok(bytes_response(&req, "application/atom+xml", body.into_bytes()))
}

/// JSON Feed of posts
///
/// JSON Feed 1.1: the newest 50 published posts, newest first, with summaries and bodies.
#[utoipa::path(
    get,
    path = "/feeds/posts.json",
    tag = "feeds",
    operation_id = "getPostsJsonFeed",
    security(()),
    responses(
        (status = 200, description = "The JSON Feed document", body = JsonFeed, content_type = "application/feed+json"),
        responses::ReadResponses,
        (status = 503, response = responses::Unavailable),
    )
)]
pub async fn json_feed(req: HttpRequest, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let (site, base, posts) = feed_posts(&req, &pool, Detail::Bodies).await?;
    let feed = feeds::json_feed(&site, &base, &self_url(&req), posts);
    let bytes = serde_json::to_vec(&feed).map_err(ApiError::internal)?;
    Ok(bytes_response(&req, "application/feed+json", bytes))
}

/// Sitemap
///
/// A sitemap (sitemaps.org 0.9) of every published post's front-end URL with its last change,
/// newest first. Up to 50,000 posts (`SITEMAP_URLS`) it is one `urlset`; with more it is a
/// `sitemapindex` whose files are `/sitemap.xml?page=1`, `?page=2`, … of that many URLs each.
#[utoipa::path(
    get,
    path = "/sitemap.xml",
    tag = "feeds",
    operation_id = "getSitemap",
    security(()),
    params(
        ("page" = Option<i64>, Query, minimum = 1, maximum = 50000, description = "One file of a sitemap index (from 1); without it, the sitemap or, with more posts than a file holds, the index.", example = 1),
    ),
    responses(
        (status = 200, description = "The sitemap, a file of it, or its index", body = String, content_type = "application/xml"),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
pub async fn sitemap(req: HttpRequest, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let page = sitemap_page(req.query_string())?;
    let size = sitemap_urls(&req);
    let configured = base_url(&req, "");
    let index_url = self_url(&req);
    let document = db::run(&pool, move |conn| {
        let base = front_end(configured, &site(conn)?);
        let page = match page {
            Some(page) => page,
            None if feeds::public_count(conn)? <= size => 1,
            None => return Ok(feeds::sitemap_index(&index_url, &feeds::sitemap_files(conn, size)?)),
        };
        let posts = feeds::load(conn, &base, size, (page - 1) * size, Detail::Links)?;
        if posts.is_empty() && page > 1 {
            return Err(ApiError::NotFound(format!("The sitemap has no file {page}.")));
        }
        Ok(feeds::sitemap(&posts))
    })
    .await?;
    Ok(bytes_response(&req, "application/xml", document.into_bytes()))
}

/// The sitemap's one parameter: which file of the index.
fn sitemap_page(query_string: &str) -> Result<Option<i64>, ApiError> {
    let mut page = None;
    let errors = params::each_once(query_string, |param, value| match param {
        "page" => params::limit("page", value, SITEMAP_SIZE).map(|n| page = Some(n)),
        other => Err(params::unknown(other, "page")),
    });
    match errors.as_slice() {
        [] => Ok(page),
        _ => Err(ApiError::bad_params(errors)),
    }
}
