//! CORS. Public reads are readable from any origin (`*`, errors included); anything sent with
//! credentials (a token) or that writes is allowed only from the configured origins
//! (`CORS_ALLOWED_ORIGINS`, comma-separated; none by default). Preflights are answered here.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::HttpResponse;

/// The origins allowed to send tokens and writes.
#[derive(Debug, Clone, Default)]
pub struct CorsOrigins(pub Vec<String>);

const ALLOW_HEADERS: &str = "Authorization, Content-Type, If-Match, If-None-Match, If-Modified-Since, X-Request-Id";
const EXPOSE_HEADERS: &str =
    "ETag, Last-Modified, Link, Location, X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After";
const READ_METHODS: [Method; 2] = [Method::GET, Method::HEAD];

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(origin) = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_string) else {
        return next.call(req).await.map(|res| res.map_into_boxed_body());
    };
    let trusted =
        req.app_data::<Data<CorsOrigins>>().is_some_and(|allowed| allowed.0.iter().any(|o| o == &origin || o == "*"));

    // A preflight: which method and headers the real request will use.
    if req.method() == Method::OPTIONS {
        if let Some(method) = req.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD).and_then(|m| m.to_str().ok()) {
            let wants_credentials = req
                .headers()
                .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
                .and_then(|h| h.to_str().ok())
                .is_some_and(|h| h.to_ascii_lowercase().contains("authorization"));
            let is_read = READ_METHODS.iter().any(|m| m.as_str() == method);
            let mut response = HttpResponse::NoContent();
            response.insert_header((header::VARY, "Origin"));
            if trusted {
                response
                    .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.as_str()))
                    .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, POST, PUT, PATCH, DELETE"))
                    .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS));
            } else if is_read && !wants_credentials {
                response
                    .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
                    .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD"))
                    .insert_header((
                        header::ACCESS_CONTROL_ALLOW_HEADERS,
                        "If-None-Match, If-Modified-Since, X-Request-Id",
                    ));
            }
            response.insert_header((header::ACCESS_CONTROL_MAX_AGE, "86400"));
            return Ok(req.into_response(response.finish()));
        }
    }

    let anonymous_read = READ_METHODS.contains(req.method()) && !req.headers().contains_key(header::AUTHORIZATION);
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    if trusted {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_str(&origin).unwrap_or(HeaderValue::from_static("null")),
        );
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    } else if anonymous_read {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    } else {
        return Ok(res);
    }
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSE_HEADERS));
    Ok(res)
}
