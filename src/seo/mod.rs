//! What a site builder would otherwise write by hand: schema.org JSON-LD for a post, RSS 2.0,
//! Atom and JSON Feed 1.1 feeds of the published posts, and a sitemap. URLs point at the front
//! end: `PUBLIC_SITE_URL`, or the site's `website_url`, with posts at `{base}/blog/{slug}`
//! (or the post's `canonical_url` when it has one).

pub mod feeds;
pub mod handler;
pub mod jsonld;
pub mod xml;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::http::respond::{etag_for, PUBLIC_CACHE_CONTROL};
use crate::http::routes::read;

/// The front end's base URL from the configuration (`PUBLIC_SITE_URL`), if set.
#[derive(Debug, Clone, Default)]
pub struct PublicSiteUrl(pub Option<String>);

/// URLs in one sitemap file (`SITEMAP_URLS`).
#[derive(Debug, Clone, Copy)]
pub struct SitemapUrls(pub i64);

/// This request's app's sitemap file size; the protocol's most when the app has none.
pub fn sitemap_urls(req: &HttpRequest) -> i64 {
    req.app_data::<web::Data<SitemapUrls>>().map_or(feeds::SITEMAP_SIZE, |urls| urls.0)
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/v1/posts/{slug}/jsonld", handler::get_post_jsonld))
        .service(read("/feeds/posts.rss", handler::rss_feed))
        .service(read("/feeds/posts.atom", handler::atom_feed))
        .service(read("/feeds/posts.json", handler::json_feed))
        .service(read("/sitemap.xml", handler::sitemap));
}

/// `PUBLIC_SITE_URL` as this request's app was configured with it.
pub fn configured_url(req: &HttpRequest) -> Option<String> {
    req.app_data::<web::Data<PublicSiteUrl>>().and_then(|url| url.0.clone())
}

/// The front end's base URL: the configured one, else the site's website.
pub fn base(configured: Option<&str>, website_url: &str) -> String {
    configured.unwrap_or(website_url).trim_end_matches('/').to_string()
}

/// The base URL for this request's app: the configured one, else the site's website.
pub fn base_url(req: &HttpRequest, website_url: &str) -> String {
    base(configured_url(req).as_deref(), website_url)
}

/// A post's page on the front end, as a path: `/blog/{slug}`.
pub fn post_path(slug: &str) -> String {
    format!("/blog/{slug}")
}

/// A post's public URL: its canonical URL, else `{base}/blog/{slug}`.
pub fn post_url(base: &str, slug: &str, canonical_url: Option<&str>) -> String {
    match canonical_url {
        Some(url) if !url.is_empty() => url.to_string(),
        _ => format!("{base}{}", post_path(slug)),
    }
}

/// This request's own absolute URL (for `rel="self"` links in feeds), never built from the
/// client's own `Host` or forwarded headers.
pub fn self_url(req: &HttpRequest) -> String {
    crate::http::forwarded::api_url(req, req.path())
}

/// `bytes_response` for a read that may show a draft: with a token, never in a shared cache.
pub fn bytes_response_for(
    req: &HttpRequest,
    caller: &crate::tokens::Caller,
    content_type: &'static str,
    bytes: Vec<u8>,
) -> HttpResponse {
    let mut response = bytes_response(req, content_type, bytes);
    if caller.token.is_some() {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(crate::http::respond::PRIVATE_CACHE_CONTROL));
    }
    response
}

/// A public read of ready bytes: strong ETag, 304 on `If-None-Match`, public caching.
pub fn bytes_response(req: &HttpRequest, content_type: &'static str, bytes: Vec<u8>) -> HttpResponse {
    let etag = etag_for(&bytes);
    let matches = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == etag);
    let mut response = HttpResponse::build(if matches { StatusCode::NOT_MODIFIED } else { StatusCode::OK });
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE_CONTROL))
        .insert_header((header::VARY, HeaderValue::from_static("Authorization")));
    if matches {
        return response.finish();
    }
    response.insert_header((header::CONTENT_TYPE, content_type)).body(bytes)
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handler::get_post_jsonld, handler::rss_feed, handler::atom_feed, handler::json_feed, handler::sitemap),
    components(schemas(feeds::JsonFeed, feeds::JsonFeedAuthor, feeds::JsonFeedItem)),
    tags((name = "feeds", description = "RSS, Atom and JSON Feed of the published posts, and the sitemap, with front-end URLs.")),
)]
pub struct Api;
