//! Per-client rate limits: a token bucket per client address and class of route (reads,
//! search, writes), refilled continuously. Every answer carries `RateLimit-Limit`,
//! `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`; past the limit, a 429
//! problem with `Retry-After`. Limits are per instance (documented): behind a load balancer
//! with n instances a client may get up to n times the limit.

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

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Read,
    Search,
    Write,
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
    buckets: Mutex<HashMap<(IpAddr, Class), Bucket>>,
}

const MAX_CLIENTS: usize = 100_000;

impl RateLimiter {
    pub fn new(limits: Limits) -> RateLimiter {
        RateLimiter { limits, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token; returns (allowed, limit, remaining, seconds until full / until a token).
    fn take(&self, client: IpAddr, class: Class) -> Option<(bool, u32, u32, u64)> {
        let limit = self.limits.per_minute(class);
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

fn class_of(req: &ServiceRequest) -> Class {
    let searching = req.path() == "/v1/search" || req.query_string().split('&').any(|p| p.starts_with("q="));
    match *req.method() {
        Method::GET | Method::HEAD | Method::OPTIONS if searching => Class::Search,
        Method::GET | Method::HEAD | Method::OPTIONS => Class::Read,
        _ => Class::Write,
    }
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
    let client = req.peer_addr().map(|addr| addr.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]));
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
