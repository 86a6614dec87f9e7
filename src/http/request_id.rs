//! Gives every request an id (`X-Request-Id`, accepted from the client when well-formed) and
//! renders every error response as a problem document carrying that id and the request path.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use actix_web::middleware::Next;
use actix_web::HttpMessage;

use crate::error::{ApiError, PROBLEM_JSON};

/// Longer URLs are refused with a 414.
pub const MAX_URI_LENGTH: usize = 8 * 1024;
/// Larger header sections are refused with a 431 (more than 96 headers are refused by actix
/// itself, before any of this code runs, with an empty 431).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, stored in its extensions.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

fn new_request_id() -> String {
    // A per-process random key (std's RandomState is seeded from the OS) hashed with a counter:
    // unique across processes and restarts without a random-number crate.
    static STATE: OnceLock<RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:016x}", STATE.get_or_init(RandomState::new).hash_one(n))
}

fn accepted_id(value: &HeaderValue) -> Option<String> {
    let id = value.to_str().ok()?;
    let well_formed = (1..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    well_formed.then(|| id.to_string())
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = req.headers().get(&REQUEST_ID).and_then(accepted_id).unwrap_or_else(new_request_id);
    req.extensions_mut().insert(RequestId(id.clone()));
    let path = req.path().to_string();
    let header_bytes: usize = req.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    let uri_length = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len())
        + req.uri().authority().map_or(0, |authority| authority.as_str().len());
    let refused = if uri_length > MAX_URI_LENGTH {
        Some((
            actix_web::http::StatusCode::URI_TOO_LONG,
            format!("The URL is longer than {MAX_URI_LENGTH} characters."),
        ))
    } else if header_bytes > MAX_HEADER_BYTES {
        Some((
            actix_web::http::StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("The request headers are larger than {MAX_HEADER_BYTES} bytes."),
        ))
    } else {
        None
    };
    if let Some((status, detail)) = refused {
        let error = ApiError::Http { status, detail };
        let mut problem = error.problem();
        problem.instance = Some(path.chars().take(200).collect());
        problem.request_id = Some(id.clone());
        let mut res = req.into_response(problem.into_response(&error));
        if let Ok(value) = HeaderValue::from_str(&id) {
            res.headers_mut().insert(REQUEST_ID.clone(), value);
        }
        return Ok(res);
    }

    let res = match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        // An error that escaped as Err: render it here like any other.
        Err(error) => return Err(error),
    };
    let mut res = if res.status().is_client_error() || res.status().is_server_error() {
        as_problem(res, &path, &id)
    } else {
        res
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    Ok(res)
}

/// Re-renders an error response as a problem document with the request context.
fn as_problem(res: ServiceResponse<BoxBody>, path: &str, id: &str) -> ServiceResponse<BoxBody> {
    let api_error = match res.response().error() {
        Some(error) => match error.as_error::<ApiError>() {
            Some(api_error) => Some(api_error.duplicate()),
            // actix's own body-size error: say what the limit is.
            None if res.status() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Some(ApiError::PayloadTooLarge { limit: crate::http::write::MAX_BODY_BYTES })
            }
            // actix's own messages name its parsers: say what happened in our words instead.
            None => Some(ApiError::Http { status: res.status(), detail: plain_detail(res.status()) }),
        },
        None => {
            let is_problem =
                res.headers().get(CONTENT_TYPE).is_some_and(|ct| ct.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
            // A problem document already (e.g. written by a handler): keep it.
            (!is_problem).then(|| ApiError::Http {
                status: res.status(),
                detail: res.status().canonical_reason().unwrap_or("Error").to_string(),
            })
        }
    };
    let Some(api_error) = api_error else {
        return res;
    };
    if let ApiError::Internal(message) = &api_error {
        log::error!("request {id} {path} failed: {message}");
    }
    let mut problem = api_error.problem();
    problem.instance = Some(path.to_string());
    problem.request_id = Some(id.to_string());
    let headers = res.headers().clone();
    let (req, _) = res.into_parts();
    let mut response = problem.into_response(&api_error);
    for (name, value) in headers.iter() {
        if name != CONTENT_TYPE && name != actix_web::http::header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, response)
}

/// What an error status that no handler explained means, for a client.
fn plain_detail(status: actix_web::http::StatusCode) -> String {
    match status.as_u16() {
        400 => "The request could not be read.".to_string(),
        408 => "The request took too long to arrive.".to_string(),
        _ => status.canonical_reason().unwrap_or("Error").to_string() + ".",
    }
}
