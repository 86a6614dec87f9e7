//! The response cache and content encoding.
//!
//! Anonymous GET/HEAD reads are answered from memory when the same URL was answered before and
//! the content has not changed since (the app's content version and the next scheduled
//! publication decide): the ready-to-send bytes, with their ETag, in identity, gzip and brotli
//! encodings made once each. Reads with a verified token have a cache of their own: every token
//! holder sees the same content (drafts included), so their answers are kept apart from the
//! public's, under the token's view (`TokenView`), and only from routes any reader may read
//! (`OpenRead`, set by the route guard): a static build with a token costs what an anonymous
//! one does, and no draft ever reaches an anonymous reader. Any other `Authorization` header
//! bypasses the cache. Every GET also gets `Last-Modified` and honours `If-Modified-Since`, and bodies of 1 KiB
//! or more are compressed when the client accepts it.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, UNIX_EPOCH};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue, HttpDate};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{HttpMessage, HttpResponse};

use crate::clock;
use crate::content_state::{ContentState, Stamp};
use crate::http::forwarded::ApiOrigin;

/// Bodies smaller than this go out as they are: compression would not pay.
const MIN_COMPRESS: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::Brotli => Some("br"),
        }
    }
}

/// The best encoding the client accepts: brotli, then gzip (q=0 refuses one).
pub fn negotiate(headers: &HeaderMap) -> Encoding {
    let Some(accept) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
        return Encoding::Identity;
    };
    let accepts = |name: &str| {
        accept.split(',').any(|part| {
            let mut pieces = part.split(';').map(str::trim);
            let coding = pieces.next().unwrap_or("");
            let refused = pieces.any(|p| {
                p.replace(' ', "") == "q=0" || p.replace(' ', "") == "q=0.0" || p.replace(' ', "") == "q=0.00"
            });
            (coding.eq_ignore_ascii_case(name) || coding == "*") && !refused
        })
    };
    if accepts("br") {
        Encoding::Brotli
    } else if accepts("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

pub fn compress(body: &[u8], encoding: Encoding) -> Bytes {
    match encoding {
        Encoding::Identity => Bytes::copy_from_slice(body),
        Encoding::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            encoder.write_all(body).expect("writing to memory");
            Bytes::from(encoder.finish().expect("writing to memory"))
        }
        Encoding::Brotli => {
            let mut out = Vec::new();
            {
                let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                writer.write_all(body).expect("writing to memory");
            }
            Bytes::from(out)
        }
    }
}

/// One cached response: the headers worth keeping and the body in each encoding, made lazily.
struct Entry {
    stamp: Stamp,
    headers: Vec<(HeaderName, HeaderValue)>,
    etag: String,
    identity: Bytes,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
    /// Bytes held: the identity body, the compressed variants made so far, the key and headers.
    size: AtomicUsize,
    /// Read since the last eviction sweep (second-chance eviction keeps what is in use).
    referenced: AtomicBool,
}

impl Entry {
    /// The body in the best encoding the client takes; a compressed variant made now is added
    /// to the entry's size and to `held` (the cache's total, when the entry is in the cache).
    fn body(&self, encoding: Encoding, held: Option<&AtomicUsize>) -> (Bytes, Encoding) {
        if self.identity.len() < MIN_COMPRESS || encoding == Encoding::Identity {
            return (self.identity.clone(), Encoding::Identity);
        }
        let variant = if encoding == Encoding::Gzip { &self.gzip } else { &self.brotli };
        let mut made = 0;
        let body = variant
            .get_or_init(|| {
                let compressed = compress(&self.identity, encoding);
                made = compressed.len();
                compressed
            })
            .clone();
        if made > 0 {
            self.size.fetch_add(made, Ordering::Relaxed);
            if let Some(held) = held {
                held.fetch_add(made, Ordering::Relaxed);
            }
        }
        (body, encoding)
    }
}

/// Cached responses by URL, bounded by the bytes they hold.
pub struct ResponseCache {
    /// Readers share the lock (a hit only clones an `Arc`); only storing an entry excludes them.
    entries: RwLock<HashMap<String, Arc<Entry>>>,
    bytes: AtomicUsize,
    capacity: usize,
    pub hits: AtomicU64,
    pub misses: AtomicU64,
}

impl ResponseCache {
    pub fn new(capacity: usize) -> ResponseCache {
        ResponseCache {
            entries: RwLock::new(HashMap::new()),
            bytes: AtomicUsize::new(0),
            capacity,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let entry = self.entries.read().expect("cache lock").get(key).cloned();
        if let Some(entry) = &entry {
            entry.referenced.store(true, Ordering::Relaxed);
        }
        entry
    }

    fn put(&self, key: String, entry: Entry) {
        let size = entry.size.load(Ordering::Relaxed);
        if self.capacity == 0 || size > self.capacity / 8 {
            return;
        }
        let mut entries = self.entries.write().expect("cache lock");
        if self.bytes.load(Ordering::Relaxed) + size > self.capacity {
            // Free about a quarter with second-chance eviction: an entry read since the last
            // sweep loses its mark and stays, one not read goes. What is in use survives a
            // burst of one-off URLs, at the cost of one relaxed store per hit.
            let over = (self.bytes.load(Ordering::Relaxed) + size).saturating_sub(self.capacity * 3 / 4);
            let mut freed = 0;
            for _sweep in 0..2 {
                entries.retain(|_, old| {
                    if freed >= over || old.referenced.swap(false, Ordering::Relaxed) {
                        return true;
                    }
                    freed += old.size.load(Ordering::Relaxed);
                    false
                });
                if freed >= over {
                    break;
                }
            }
            self.bytes.fetch_sub(freed.min(self.bytes.load(Ordering::Relaxed)), Ordering::Relaxed);
        }
        self.bytes.fetch_add(size, Ordering::Relaxed);
        if let Some(old) = entries.insert(key, Arc::new(entry)) {
            self.bytes.fetch_sub(old.size.load(Ordering::Relaxed), Ordering::Relaxed);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.read().expect("cache lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }
}

const KEPT_HEADERS: [HeaderName; 4] = [header::CONTENT_TYPE, header::CACHE_CONTROL, header::LINK, header::VARY];

fn http_date(rfc3339: &str) -> Option<HttpDate> {
    let time = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    Some(HttpDate::from(UNIX_EPOCH + Duration::from_secs(time.timestamp().max(0) as u64)))
}

/// The `Last-Modified` value for an RFC 3339 time, remembered per thread: it changes only
/// when content does, and formatting it on every cached read was a measurable cost.
fn last_modified_value(rfc3339: &str) -> Option<HeaderValue> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, HeaderValue)>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        if let Some((time, value)) = &*last.borrow() {
            if time == rfc3339 {
                return Some(value.clone());
            }
        }
        let value = HeaderValue::from_str(&http_date(rfc3339)?.to_string()).ok()?;
        *last.borrow_mut() = Some((rfc3339.to_string(), value.clone()));
        Some(value)
    })
}

/// 304 if the client's validators say it has this representation.
fn not_modified(headers: &HeaderMap, etag: Option<&str>, last_modified: Option<&HeaderValue>) -> bool {
    if let Some(if_none_match) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        let Some(etag) = etag else { return false };
        return crate::http::respond::lists_entity(if_none_match, etag);
    }
    match (
        headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()?.parse::<HttpDate>().ok()),
        last_modified.and_then(|value| value.to_str().ok()?.parse::<HttpDate>().ok()),
    ) {
        (Some(since), Some(modified)) => std::time::SystemTime::from(modified) <= std::time::SystemTime::from(since),
        _ => false,
    }
}

fn respond(
    headers: &HeaderMap,
    entry: &Entry,
    last_modified: Option<&HeaderValue>,
    held: Option<&AtomicUsize>,
) -> HttpResponse {
    if not_modified(headers, Some(&entry.etag), last_modified) {
        let mut response = HttpResponse::NotModified();
        response.insert_header((header::ETAG, entry.etag.clone()));
        for (name, value) in &entry.headers {
            if name != header::CONTENT_TYPE {
                response.insert_header((name.clone(), value.clone()));
            }
        }
        if let Some(date) = last_modified {
            response.insert_header((header::LAST_MODIFIED, date.clone()));
        }
        return response.finish();
    }
    let (body, encoding) = entry.body(negotiate(headers), held);
    let mut response = HttpResponse::Ok();
    for (name, value) in &entry.headers {
        response.insert_header((name.clone(), value.clone()));
    }
    let etag = match encoding {
        Encoding::Identity => entry.etag.clone(),
        Encoding::Gzip => crate::http::respond::encoded_etag(&entry.etag, "gz"),
        Encoding::Brotli => crate::http::respond::encoded_etag(&entry.etag, "br"),
    };
    response.insert_header((header::ETAG, etag));
    if let Some(date) = last_modified {
        response.insert_header((header::LAST_MODIFIED, date.clone()));
    }
    if let Some(coding) = encoding.header() {
        response.insert_header((header::CONTENT_ENCODING, coding));
    }
    // HEAD too gets the body: actix sends only its length (`Content-Length` as GET would say).
    response.body(body)
}

/// Put on a verified token's request by the token layer: which content it sees (`preview`).
#[derive(Debug, Clone, Copy)]
pub struct TokenView(pub &'static str);

/// Put on a GET or HEAD by the route guard when the route needs no scope to read: its answer
/// depends on the content a reader sees, not on who the reader is.
#[derive(Debug, Clone, Copy)]
pub struct OpenRead;

fn cacheable_path(path: &str) -> bool {
    // Webhook state changes without a content change, so the content's time says nothing there.
    let content = path.starts_with("/v1/") && !path.starts_with("/v1/webhooks");
    content || path == "/openapi.json" || path.starts_with("/feeds/") || path == "/sitemap.xml"
}

fn compressible(content_type: &str) -> bool {
    content_type.contains("json")
        || content_type.contains("xml")
        || content_type.starts_with("text/")
        || content_type.contains("javascript")
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    if !is_read {
        return next.call(req).await.map(|res| res.map_into_boxed_body());
    }
    let state = req.app_data::<Data<ContentState>>().cloned();
    let cache = req.app_data::<Data<ResponseCache>>().cloned();
    let now = clock::now();
    let last_modified = state.as_ref().and_then(|state| last_modified_value(&state.last_modified(&now)?));
    let view = match req.extensions().get::<TokenView>() {
        Some(TokenView(view)) => Some(*view),
        None if !req.headers().contains_key(header::AUTHORIZATION) => Some(""),
        None => None,
    };
    let use_cache = view.is_some() && cacheable_path(req.path()) && cache.is_some() && state.is_some();
    // An answer may name the origin a trusted proxy forwarded (feed self links): key by it too.
    // A token's view starts with a space, which no path does.
    let origin = req.app_data::<Data<ApiOrigin>>().and_then(|origin| origin.forwarded(req.request()));
    let origin = origin.unwrap_or_default();
    let token_view = view.is_some_and(|view| !view.is_empty());
    let key = match view {
        Some(view) if token_view => format!(" {view} {origin}{}?{}", req.path(), req.query_string()),
        _ => format!("{origin}{}?{}", req.path(), req.query_string()),
    };

    if use_cache {
        let (cache, state) = (cache.as_ref().expect("checked"), state.as_ref().expect("checked"));
        if let Some(entry) = cache.get(&key).filter(|entry| state.is_current(&entry.stamp, &now)) {
            cache.hits.fetch_add(1, Ordering::Relaxed);
            let response = respond(req.headers(), &entry, last_modified.as_ref(), Some(&cache.bytes));
            return Ok(req.into_response(response));
        }
        cache.misses.fetch_add(1, Ordering::Relaxed);
    }
    // Stamp before the read, so a write landing during it makes the entry stale, not wrong.
    let stamp = state.as_ref().map(|state| state.stamp());
    let headers = req.headers().clone();
    let mut req = req;
    if use_cache {
        // Fetch the whole representation even for a revalidation, so it is cached and the
        // next revalidation is answered from memory (the 304 is decided below, from `headers`).
        req.headers_mut().remove(header::IF_NONE_MATCH);
        req.headers_mut().remove(header::IF_MODIFIED_SINCE);
    }
    let res = next.call(req).await?;
    if res.status() != StatusCode::OK {
        return Ok(res.map_into_boxed_body());
    }
    let content_type = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let etag = res.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (http_req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let body = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(_) => return Ok(ServiceResponse::new(http_req, HttpResponse::InternalServerError().finish())),
    };
    let mut kept: Vec<(HeaderName, HeaderValue)> =
        KEPT_HEADERS.iter().filter_map(|name| head.headers().get(name).map(|v| (name.clone(), v.clone()))).collect();
    if body.len() >= MIN_COMPRESS && compressible(&content_type) {
        // Shared caches must key compressed and plain answers apart.
        let vary = head.headers().get(header::VARY).and_then(|v| v.to_str().ok()).unwrap_or("");
        let combined = if vary.is_empty() { "Accept-Encoding".to_string() } else { format!("{vary}, Accept-Encoding") };
        kept.retain(|(name, _)| name != header::VARY);
        kept.push((
            header::VARY,
            HeaderValue::from_str(&combined).unwrap_or(HeaderValue::from_static("Accept-Encoding")),
        ));
    }
    let entry = Entry {
        stamp: stamp.unwrap_or(Stamp { version: 0, until: None }),
        // Compressed variants are counted when they are made.
        size: AtomicUsize::new(body.len() + key.len() + 256),
        referenced: AtomicBool::new(false),
        headers: kept,
        etag: etag.clone().unwrap_or_else(|| crate::http::respond::etag_for(&body)),
        identity: body,
        gzip: OnceLock::new(),
        brotli: OnceLock::new(),
    };
    let last_modified = if cacheable_path(http_req.path()) { last_modified } else { None };
    let extra = head.headers().clone();
    let mut response = if compressible(&content_type) || entry.identity.len() < MIN_COMPRESS {
        respond(&headers, &entry, last_modified.as_ref(), None)
    } else {
        head.set_body(entry.identity.clone()).map_into_boxed_body()
    };
    // Headers the handler set that the cache does not keep (request id, rate limits, ...).
    for (name, value) in extra.iter() {
        if !response.headers().contains_key(name) && name != header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    let shareable = !token_view || http_req.extensions().get::<OpenRead>().is_some();
    if use_cache && etag.is_some() && shareable {
        if let Some(cache) = &cache {
            cache.put(key, entry);
        }
    }
    Ok(ServiceResponse::new(http_req, response))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body_len: usize) -> Entry {
        Entry {
            stamp: Stamp { version: 1, until: None },
            headers: Vec::new(),
            etag: "\"x\"".into(),
            identity: Bytes::from(vec![b'a'; body_len]),
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
            size: AtomicUsize::new(body_len + 256),
            referenced: AtomicBool::new(false),
        }
    }

    #[test]
    fn eviction_keeps_what_is_read_and_stays_within_capacity() {
        let capacity = 100 * 1280;
        let cache = ResponseCache::new(capacity);
        let read_hot = |cache: &ResponseCache| (0..40).all(|i| cache.get(&format!("/hot/{i}")).is_some());
        for i in 0..40 {
            cache.put(format!("/hot/{i}"), entry(1024));
        }
        assert!(read_hot(&cache));
        // Bursts of one-off URLs, several times the capacity, while the hot set keeps being read.
        for i in 0..1000 {
            cache.put(format!("/cold/{i}"), entry(1024));
            assert!(cache.bytes() <= capacity);
            if i % 10 == 9 {
                assert!(read_hot(&cache), "a hot entry was evicted after {i} cold ones");
            }
        }
        assert!(cache.len() > 60, "the cache stays mostly full: {}", cache.len());
    }

    #[test]
    fn compressed_variants_count_when_made() {
        let cache = ResponseCache::new(1 << 20);
        cache.put("/a".into(), entry(4096));
        let before = cache.bytes();
        let hit = cache.get("/a").unwrap();
        let (gzip, encoding) = hit.body(Encoding::Gzip, Some(&cache.bytes));
        assert_eq!(encoding, Encoding::Gzip);
        assert_eq!(cache.bytes(), before + gzip.len());
        hit.body(Encoding::Gzip, Some(&cache.bytes));
        assert_eq!(cache.bytes(), before + gzip.len(), "made once");
    }
}
