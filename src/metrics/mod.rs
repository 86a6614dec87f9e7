//! `GET /metrics` in the Prometheus text format: requests by route and status, a latency
//! histogram, the response cache's hits and size, and the database pool's use.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::{self, Data};
use actix_web::{HttpRequest, HttpResponse};

use crate::db::DbPool;
use crate::error::{responses, ApiError};
use crate::http::cache::ResponseCache;
use crate::http::list_query::{parse_detail, NO_PARAMETERS};
use crate::http::routes::read;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

pub struct Metrics {
    /// The route patterns requests are counted under.
    routes: Vec<Pattern>,
    requests: Mutex<BTreeMap<(&'static str, &'static str, u16), u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    /// Metrics labelled by these route patterns (`/v1/posts/{slug}`), plus the docs pages.
    pub fn new(routes: impl IntoIterator<Item = String>) -> Metrics {
        let mut texts: Vec<String> = routes.into_iter().collect();
        texts.extend(["/".to_string(), "/docs".to_string()]);
        Metrics {
            routes: texts.into_iter().map(Pattern::new).collect(),
            requests: Mutex::default(),
            buckets: Default::default(),
            count: AtomicU64::default(),
            sum_micros: AtomicU64::default(),
        }
    }

    fn record(&self, route: &'static str, method: &'static str, status: u16, seconds: f64) {
        *self.requests.lock().expect("metrics lock").entry((route, method, status)).or_insert(0) += 1;
        self.observe(seconds);
    }

    fn observe(&self, seconds: f64) {
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<Data<Metrics>>().cloned();
    // The route's pattern, not the path: one series per route, whatever the slugs.
    let route = metrics.as_ref().map_or("unmatched", |metrics| route_of(&metrics.routes, req.path()));
    let method = method_name(req.method());
    let res = next.call(req).await?.map_into_boxed_body();
    if let Some(metrics) = metrics {
        metrics.record(route, method, res.status().as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(res)
}

/// A route pattern split into segments; `None` stands for a `{parameter}`.
struct Pattern {
    text: &'static str,
    segments: Vec<Option<&'static str>>,
}

impl Pattern {
    fn new(text: String) -> Pattern {
        // Made once per app; the labels live as long as the process anyway.
        let text: &'static str = Box::leak(text.into_boxed_str());
        let segments = text.split('/').skip(1).map(|segment| (!segment.starts_with('{')).then_some(segment)).collect();
        Pattern { text, segments }
    }
}

/// The pattern a path answers to, by comparing segments (actix's own `match_pattern` runs
/// the router's regexes again and cost a tenth of a cached read). Literal segments win over
/// parameters (`/v1/guidance/course` over `/v1/guidance/{slug}`).
fn route_of(routes: &[Pattern], path: &str) -> &'static str {
    if path == "/docs" || path.starts_with("/docs/") {
        return if path == "/docs" { "/docs" } else { "/docs/{file}" };
    }
    let segments = path.split('/').skip(1).count();
    let mut best: Option<(&'static str, usize)> = None;
    for pattern in routes.iter().filter(|pattern| pattern.segments.len() == segments) {
        let mut literals = 0;
        let matched = pattern.segments.iter().zip(path.split('/').skip(1)).all(|(want, got)| match want {
            Some(literal) => {
                literals += 1;
                *literal == got
            }
            None => !got.is_empty(),
        });
        if matched && best.is_none_or(|(_, most)| literals > most) {
            best = Some((pattern.text, literals));
        }
    }
    best.map_or("unmatched", |(text, _)| text)
}

fn method_name(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/metrics", metrics));
}

/// Metrics
///
/// Counters and gauges in the Prometheus text format (version 0.0.4).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "health",
    operation_id = "getMetrics",
    security(()),
    responses(
        (status = 200, description = "The metrics", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 400, response = responses::BadRequest),
    )
)]
pub async fn metrics(
    req: HttpRequest,
    metrics: Data<Metrics>,
    cache: Data<ResponseCache>,
    pool: Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    parse_detail(req.query_string(), &NO_PARAMETERS)?;
    let mut out = String::new();
    out.push_str("# HELP clinic_http_requests_total Requests answered, by route pattern, method and status.\n");
    out.push_str("# TYPE clinic_http_requests_total counter\n");
    for ((route, method, status), count) in metrics.requests.lock().expect("metrics lock").iter() {
        let route = route.replace('\\', "\\\\").replace('"', "\\\"");
        let _ = writeln!(
            out,
            "clinic_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {count}"
        );
    }
    out.push_str("# HELP clinic_http_request_duration_seconds Time to answer a request.\n");
    out.push_str("# TYPE clinic_http_request_duration_seconds histogram\n");
    for (bucket, bound) in metrics.buckets.iter().zip(BUCKETS) {
        let _ = writeln!(
            out,
            "clinic_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
            bucket.load(Ordering::Relaxed)
        );
    }
    let count = metrics.count.load(Ordering::Relaxed);
    let _ = writeln!(out, "clinic_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
    let _ = writeln!(
        out,
        "clinic_http_request_duration_seconds_sum {}",
        metrics.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
    );
    let _ = writeln!(out, "clinic_http_request_duration_seconds_count {count}");
    let (hits, misses) = (cache.hits.load(Ordering::Relaxed), cache.misses.load(Ordering::Relaxed));
    out.push_str("# TYPE clinic_response_cache_hits_total counter\n");
    let _ = writeln!(out, "clinic_response_cache_hits_total {hits}");
    out.push_str("# TYPE clinic_response_cache_misses_total counter\n");
    let _ = writeln!(out, "clinic_response_cache_misses_total {misses}");
    out.push_str("# HELP clinic_response_cache_hit_ratio Hits over lookups since start.\n# TYPE clinic_response_cache_hit_ratio gauge\n");
    let ratio = if hits + misses == 0 { 0.0 } else { hits as f64 / (hits + misses) as f64 };
    let _ = writeln!(out, "clinic_response_cache_hit_ratio {ratio}");
    out.push_str("# TYPE clinic_response_cache_entries gauge\n");
    let _ = writeln!(out, "clinic_response_cache_entries {}", cache.len());
    out.push_str("# TYPE clinic_response_cache_bytes gauge\n");
    let _ = writeln!(out, "clinic_response_cache_bytes {}", cache.bytes());
    let state = pool.state();
    out.push_str("# HELP clinic_db_pool_connections Open database connections, and how many are idle.\n");
    out.push_str("# TYPE clinic_db_pool_connections gauge\n");
    let _ = writeln!(out, "clinic_db_pool_connections {}", state.connections);
    out.push_str("# TYPE clinic_db_pool_idle_connections gauge\n");
    let _ = writeln!(out, "clinic_db_pool_idle_connections {}", state.idle_connections);
    let _ = writeln!(out, "clinic_db_pool_max_connections {}", pool.max_size());
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header(("Cache-Control", "no-store"))
        .body(out))
}

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(metrics))]
pub struct Api;

#[cfg(test)]
mod tests {
    use super::{route_of, Pattern};

    #[test]
    fn paths_map_to_their_route_patterns() {
        let routes: Vec<Pattern> = [
            "/v1/posts",
            "/v1/posts/{slug}",
            "/v1/posts/{slug}/jsonld",
            "/v1/guidance/course",
            "/v1/guidance/{slug}",
            "/v1/guidance/recommendation",
            "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            "/metrics",
            "/",
        ]
        .into_iter()
        .map(|text| Pattern::new(text.to_string()))
        .collect();
        for (path, route) in [
            ("/v1/posts", "/v1/posts"),
            ("/v1/posts/some-post", "/v1/posts/{slug}"),
            ("/v1/posts/some-post/jsonld", "/v1/posts/{slug}/jsonld"),
            ("/v1/guidance/course", "/v1/guidance/course"),
            ("/v1/guidance/acute", "/v1/guidance/{slug}"),
            ("/v1/guidance/recommendation", "/v1/guidance/recommendation"),
            ("/v1/webhooks/3/deliveries/9/redeliver", "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver"),
            ("/", "/"),
            ("/docs/swagger-ui.css", "/docs/{file}"),
            ("/metrics", "/metrics"),
            ("/v2/nothing", "unmatched"),
            ("/v1/posts/a/b/c", "unmatched"),
        ] {
            assert_eq!(route_of(&routes, path), route, "{path}");
        }
    }
}
