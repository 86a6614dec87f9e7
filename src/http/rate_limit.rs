//! Per-client rate limits: a token bucket per client address and class of route (reads,
//! search, writes), refilled continuously. Every answer carries `RateLimit-Limit`,
//! `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`; past the limit, a 429
//! problem with `Retry-After`. Limits are per instance (documented): behind a load balancer
//! with n instances a client may get up to n times the limit. A request whose bearer token was
//! verified (`TokenHolder`, put there by the token layer) spends its token's own, larger budget
//! instead of its address's: a site build with a token is not throttled like a crawler. Any
//! other `Authorization` header (malformed, unknown, revoked) spends the address's.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::HttpMessage;

use crate::error::ApiError;
use crate::http::forwarded;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Read,
    Search,
    Write,
}

/// A request made with this verified token (its id); see the module's note.
#[derive(Debug, Clone, Copy)]
pub struct TokenHolder(pub i32);

/// Whose budget a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Client {
    Address(IpAddr),
    Token(i32),
}

/// Requests per minute by class; 0 turns a class's limit off.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub read: u32,
    pub search: u32,
    pub write: u32,
}

impl Limits {
    fn per_minute(&self, class: Class) -> u32 {
        match class {
            Class::Read => self.read,
            Class::Search => self.search,
            Class::Write => self.write,
        }
    }
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

pub struct RateLimiter {
    limits: Limits,
    token_limits: Limits,
    buckets: Mutex<HashMap<(Client, Class), Bucket>>,
}

const MAX_CLIENTS: usize = 100_000;

impl RateLimiter {
    /// `limits` per client address, `token_limits` per verified token.
    pub fn new(limits: Limits, token_limits: Limits) -> RateLimiter {
        RateLimiter { limits, token_limits, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token; returns (allowed, limit, remaining, seconds until full / until a token).
    fn take(&self, client: Client, class: Class) -> Option<(bool, u32, u32, u64)> {
        let limit = match client {
            Client::Address(_) => self.limits.per_minute(class),
            Client::Token(_) => self.token_limits.per_minute(class),
        };
        if limit == 0 {
            return None;
        }
        let rate = f64::from(limit) / 60.0;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("rate limit lock");
        if buckets.len() >= MAX_CLIENTS {
            // Full buckets carry no information; dropping them is harmless.
            buckets.retain(|_, bucket| {
                bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * rate < f64::from(limit)
            });
        }
        let bucket = buckets.entry((client, class)).or_insert(Bucket { tokens: f64::from(limit), updated: now });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * rate).min(f64::from(limit));
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            let reset = ((f64::from(limit) - bucket.tokens) / rate).ceil() as u64;
            Some((true, limit, bucket.tokens.floor() as u32, reset))
        } else {
            Some((false, limit, 0, ((1.0 - bucket.tokens) / rate).ceil().max(1.0) as u64))
        }
    }
}

/// Searches are what `/v1/search` answers and any list given `q`: parameter names are decoded
/// (`%71` is `q`) and the path is read as routing reads it (normalized, `%73` is `s`).
fn class_of(req: &ServiceRequest) -> Class {
    let query = req.query_string();
    let searching = routed_path(req.path()) == "/v1/search"
        || (!query.is_empty() && form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "q"));
    match *req.method() {
        Method::GET | Method::HEAD | Method::OPTIONS if searching => Class::Search,
        Method::GET | Method::HEAD | Method::OPTIONS => Class::Read,
        _ => Class::Write,
    }
}

/// The path as the router matches it: percent-escapes decoded, empty segments and a trailing
/// slash dropped. Borrowed when there is nothing to change (the usual case).
fn routed_path(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.contains('%') && !path.contains("//") && (path.len() == 1 || !path.ends_with('/')) {
        return std::borrow::Cow::Borrowed(path);
    }
    let decoded: Vec<u8> = percent_decoded(path.as_bytes());
    let decoded = String::from_utf8_lossy(&decoded);
    let mut out = String::with_capacity(decoded.len());
    for segment in decoded.split('/').filter(|segment| !segment.is_empty()) {
        out.push('/');
        out.push_str(segment);
    }
    std::borrow::Cow::Owned(out)
}

fn percent_decoded(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(high << 4 | low);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn set(res: &mut ServiceResponse<BoxBody>, name: &'static str, value: String) {
    if let Ok(value) = HeaderValue::from_str(&value) {
        res.headers_mut().insert(HeaderName::from_static(name), value);
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(limiter) = req.app_data::<Data<RateLimiter>>().cloned() else {
        return next.call(req).await.map(|res| res.map_into_boxed_body());
    };
    let client = match req.extensions().get::<TokenHolder>() {
        Some(TokenHolder(id)) => Client::Token(*id),
        None => Client::Address(forwarded::rate_limit_key(forwarded::client_of(req.request()).ip)),
    };
    let class = class_of(&req);
    let Some((allowed, limit, remaining, reset)) = limiter.take(client, class) else {
        return next.call(req).await.map(|res| res.map_into_boxed_body());
    };
    let mut res = if allowed {
        next.call(req).await?.map_into_boxed_body()
    } else {
        let error = ApiError::Http {
            status: actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            detail: format!(
                "Too many requests: the limit is {limit} a minute for this kind of request. Retry after {reset} s."
            ),
        };
        // Carry the error itself, so the request-id layer renders it with the request's context.
        let (request, _) = req.into_parts();
        let mut res = ServiceResponse::new(request, actix_web::HttpResponse::from_error(error));
        res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(reset));
        res
    };
    set(&mut res, "ratelimit-limit", limit.to_string());
    set(&mut res, "ratelimit-remaining", remaining.to_string());
    set(&mut res, "ratelimit-reset", reset.to_string());
    set(&mut res, "ratelimit-policy", format!("{limit};w=60"));
    Ok(res)
}
