//! The one error type of the service, rendered as RFC 9457 `application/problem+json`.
//!
//! Handlers return `Result<_, ApiError>`. The request-id middleware (`http::request_id`) fills in
//! `instance` and `request_id` when it sees an `ApiError` on the way out, and turns any other
//! error response (from actix itself) into a problem document too, so clients only ever see one
//! error format.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::retry::Retryable;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// At most this many entries of `errors[]` are sent; `detail` gives the total.
pub const MAX_LISTED_ERRORS: usize = 50;

/// The names of the fields at fault, for a `detail`: the first `MAX_LISTED_ERRORS`, then how
/// many more (the problem's `errors[]` lists the same first ones).
pub fn field_names(errors: &[FieldError]) -> String {
    let listed: Vec<&str> = errors.iter().take(MAX_LISTED_ERRORS).map(|e| e.field.as_str()).collect();
    match errors.len().saturating_sub(MAX_LISTED_ERRORS) {
        0 => listed.join(", "),
        more => format!("{} and {more} more (errors lists the first {MAX_LISTED_ERRORS})", listed.join(", ")),
    }
}

/// The `Retry-After` of every 503: the database was busy (another process holding the write
/// lock, every pooled connection in use) or not ready yet.
pub const RETRY_AFTER_SECONDS: u32 = 2;

/// One invalid input: which parameter or field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The query parameter, path segment or body field at fault.
    #[schema(example = "per_page")]
    pub field: String,
    /// What is wrong and what is allowed.
    #[schema(example = "must be an integer from 1 to 100")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("The method {method} is not allowed here; allowed: {allowed}.")]
    MethodNotAllowed { method: String, allowed: String },
    #[error("{detail}")]
    BadRequest { detail: String, errors: Vec<FieldError> },
    #[error("{detail}")]
    Unauthorized { detail: String, invalid_token: bool },
    #[error("{detail}")]
    Forbidden { detail: String, needed: &'static str },
    #[error("{detail}")]
    Validation { detail: String, errors: Vec<FieldError> },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("The request body is larger than the limit of {limit} bytes.")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    Unavailable(String),
    /// A write transaction lost a race with another (`db::retry`): run again by
    /// `db::write_transaction`, a 503 once it has lost every time.
    #[error("The database is busy; try again shortly.")]
    LostRace,
    /// Anything unexpected. The message is logged, never sent to the client.
    #[error("internal error: {0}")]
    Internal(String),
    /// An error status produced outside our handlers (actix itself), kept with its status.
    #[error("{detail}")]
    Http { status: StatusCode, detail: String },
}

impl ApiError {
    pub fn not_found(resource: &str, slug: &str) -> Self {
        ApiError::NotFound(format!("No {resource} has the slug '{slug}'."))
    }

    pub fn bad_param(field: &str, message: impl Into<String>) -> Self {
        let error = FieldError::new(field, message);
        ApiError::BadRequest {
            detail: format!("The parameter '{}' is invalid: {}.", error.field, error.message),
            errors: vec![error],
        }
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        ApiError::Internal(error.to_string())
    }

    /// The database could not take the request now; a retry shortly will do.
    pub fn busy() -> Self {
        ApiError::Unavailable("The database is busy; try again shortly.".into())
    }

    /// A stable, machine-readable code; also the last segment of the problem `type`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound(_) => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::BadRequest { .. } => "invalid-parameter",
            ApiError::Unauthorized { .. } => "unauthorized",
            ApiError::Forbidden { .. } => "forbidden",
            ApiError::Validation { .. } => "validation-failed",
            ApiError::Conflict(_) => "conflict",
            ApiError::PreconditionFailed(_) => "precondition-failed",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::Unavailable(_) | ApiError::LostRace => "unavailable",
            ApiError::Internal(_) => "internal-error",
            ApiError::Http { status, .. } => code_for_status(*status),
        }
    }

    /// The problem document, without the request context (`instance`, `request_id`).
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let detail = match self {
            // Internals are logged by the middleware with the request id, never sent.
            ApiError::Internal(_) => {
                "The server could not complete the request. Quote the request_id when reporting it.".to_string()
            }
            other => other.to_string(),
        };
        // A problem stays small whatever the request: the first few errors, the count in `detail`.
        let errors = match self {
            ApiError::BadRequest { errors, .. } | ApiError::Validation { errors, .. } => {
                errors.iter().take(MAX_LISTED_ERRORS).cloned().collect()
            }
            _ => Vec::new(),
        };
        Problem {
            type_: format!("/problems/{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            instance: None,
            code: self.code().to_string(),
            request_id: None,
            errors,
        }
    }
}

fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad-request",
        404 => "not-found",
        405 => "method-not-allowed",
        406 => "not-acceptable",
        408 => "request-timeout",
        413 => "payload-too-large",
        414 => "uri-too-long",
        415 => "unsupported-media-type",
        429 => "too-many-requests",
        431 => "request-header-fields-too-large",
        501 => "not-implemented",
        500..=599 => "internal-error",
        _ => "http-error",
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable(_) | ApiError::LostRace => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Http { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.problem().into_response(self)
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/not-found",
    "title": "Not Found",
    "status": 404,
    "detail": "No post has the slug 'no-such-post'.",
    "instance": "/v1/posts/no-such-post",
    "code": "not-found",
    "request_id": "3f9a1c2b7d4e8f60",
    "errors": []
}))]
pub struct Problem {
    /// A URI reference naming the kind of problem; `/problems/{code}`.
    #[serde(rename = "type")]
    #[schema(example = "/problems/not-found")]
    pub type_: String,
    /// The HTTP reason phrase of the status.
    #[schema(example = "Not Found")]
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 404)]
    pub status: u16,
    /// What went wrong, for a human.
    #[schema(example = "No post has the slug 'no-such-post'.")]
    pub detail: String,
    /// The path of the request that failed.
    #[schema(example = "/v1/posts/no-such-post")]
    pub instance: Option<String>,
    /// A stable machine-readable code (`not-found`, `invalid-parameter`, `method-not-allowed`, ...).
    #[schema(example = "not-found")]
    pub code: String,
    /// The id of the request (also in the `X-Request-Id` header); quote it when reporting a problem.
    #[schema(example = "3f9a1c2b7d4e8f60")]
    pub request_id: Option<String>,
    /// Every invalid parameter or field, when the problem is bad input.
    pub errors: Vec<FieldError>,
}

impl Problem {
    pub fn into_response(self, error: &ApiError) -> HttpResponse {
        let mut response =
            HttpResponse::build(StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match error {
            ApiError::MethodNotAllowed { allowed, .. } => {
                response.insert_header((header::ALLOW, allowed.as_str()));
            }
            ApiError::Unauthorized { invalid_token, .. } => {
                let challenge = if *invalid_token {
                    r#"Bearer realm="clinic-content", error="invalid_token""#
                } else {
                    r#"Bearer realm="clinic-content""#
                };
                response.insert_header((header::WWW_AUTHENTICATE, challenge));
            }
            ApiError::Forbidden { needed, .. } => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!(r#"Bearer realm="clinic-content", error="insufficient_scope", scope="{needed}""#),
                ));
            }
            ApiError::Unavailable(_) | ApiError::LostRace => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS.to_string()));
            }
            _ => {}
        }
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        response.body(body)
    }
}

impl ApiError {
    /// A 400 listing every invalid query parameter (an empty list is not an error: callers
    /// check first).
    pub fn bad_params(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("The parameter '{}' {}.", one.field, one.message),
            many => format!("{} query parameters are invalid: {}.", many.len(), field_names(many)),
        };
        ApiError::BadRequest { detail, errors }
    }

    /// A 422 listing every invalid field.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("The field '{}' is invalid: {}.", one.field, one.message),
            many => format!("{} fields are invalid: {}.", many.len(), field_names(many)),
        };
        ApiError::Validation { detail, errors }
    }

    /// A copy for re-rendering (the middleware renders errors with the request's context).
    pub fn duplicate(&self) -> ApiError {
        match self {
            ApiError::NotFound(d) => ApiError::NotFound(d.clone()),
            ApiError::MethodNotAllowed { method, allowed } => {
                ApiError::MethodNotAllowed { method: method.clone(), allowed: allowed.clone() }
            }
            ApiError::BadRequest { detail, errors } => {
                ApiError::BadRequest { detail: detail.clone(), errors: errors.clone() }
            }
            ApiError::Unauthorized { detail, invalid_token } => {
                ApiError::Unauthorized { detail: detail.clone(), invalid_token: *invalid_token }
            }
            ApiError::Forbidden { detail, needed } => ApiError::Forbidden { detail: detail.clone(), needed },
            ApiError::Validation { detail, errors } => {
                ApiError::Validation { detail: detail.clone(), errors: errors.clone() }
            }
            ApiError::Conflict(d) => ApiError::Conflict(d.clone()),
            ApiError::PreconditionFailed(d) => ApiError::PreconditionFailed(d.clone()),
            ApiError::UnsupportedMediaType(d) => ApiError::UnsupportedMediaType(d.clone()),
            ApiError::PayloadTooLarge { limit } => ApiError::PayloadTooLarge { limit: *limit },
            ApiError::Unavailable(d) => ApiError::Unavailable(d.clone()),
            ApiError::LostRace => ApiError::LostRace,
            ApiError::Internal(d) => ApiError::Internal(d.clone()),
            ApiError::Http { status, detail } => ApiError::Http { status: *status, detail: detail.clone() },
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &error {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::Conflict("Something with the same slug already exists.".into())
            }
            // PostgreSQL text cannot hold U+0000 (SQLite's can): the input's, so a 400.
            Error::DatabaseError(_, info) if info.message().starts_with("invalid byte sequence for encoding") => {
                ApiError::bad_param("body", "holds a NUL character (U+0000), which no text here may contain")
            }
            _ if error.lost_a_race() => ApiError::LostRace,
            _ if is_locked(&error) => {
                log::warn!("database busy, answered 503: {error}");
                ApiError::busy()
            }
            _ => ApiError::internal(error),
        }
    }
}

impl Retryable for ApiError {
    fn lost_a_race(&self) -> bool {
        matches!(self, ApiError::LostRace)
    }
}

impl From<crate::content::StoreError> for ApiError {
    fn from(error: crate::content::StoreError) -> Self {
        match error {
            crate::content::StoreError::Database(error) => error.into(),
            // References are validated first, in the same transaction: this is a bug, not bad input.
            crate::content::StoreError::Missing(message) => ApiError::internal(message),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::internal(error)
    }
}

/// Whether SQLite refused the statement because another connection holds a lock it needs
/// (SQLITE_BUSY "database is locked", also after the busy timeout, or SQLITE_LOCKED): the
/// request may succeed if retried, so it is a 503, not a 500. SQLite says so only in the message.
pub fn is_locked(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            message.starts_with("database is locked")
                || message.starts_with("database table is locked")
                || message.starts_with("database schema is locked")
                // PostgreSQL: the writers' lock not had within `lock_timeout`.
                || message.starts_with("canceling statement due to lock timeout")
        }
        Error::RollbackErrorOnCommit { commit_error, .. } => is_locked(commit_error),
        _ => false,
    }
}

/// Reusable OpenAPI responses, each a problem document, and the bundles of them (with the 304 of
/// a conditional read) that handlers list in `responses(...)`.
pub mod responses {
    use super::Problem;
    use utoipa::ToResponse;

    /// A query parameter is unknown, repeated or malformed; `errors` names each one.
    #[derive(ToResponse)]
    #[response(
        content_type = "application/problem+json",
        example = json!({"type": "/problems/invalid-parameter", "title": "Bad Request", "status": 400,
            "detail": "The parameter 'per_page' must be an integer from 1 to 100, got '1000'.",
            "instance": "/v1/posts", "code": "invalid-parameter", "request_id": "3f9a1c2b7d4e8f60",
            "errors": [{"field": "per_page", "message": "must be an integer from 1 to 100, got '1000'"}]})
    )]
    #[allow(dead_code)]
    pub struct BadRequest(Problem);

    /// Nothing public has this slug.
    #[derive(ToResponse)]
    #[response(
        content_type = "application/problem+json",
        example = json!({"type": "/problems/not-found", "title": "Not Found", "status": 404,
            "detail": "No post has the slug 'no-such-post'.", "instance": "/v1/posts/no-such-post",
            "code": "not-found", "request_id": "3f9a1c2b7d4e8f60", "errors": []})
    )]
    #[allow(dead_code)]
    pub struct NotFound(Problem);

    /// The server failed; the body carries a request id and no internals.
    #[derive(ToResponse)]
    #[response(
        content_type = "application/problem+json",
        example = json!({"type": "/problems/internal-error", "title": "Internal Server Error", "status": 500,
            "detail": "The server could not complete the request. Quote the request_id when reporting it.",
            "instance": "/v1/posts", "code": "internal-error", "request_id": "3f9a1c2b7d4e8f60", "errors": []})
    )]
    #[allow(dead_code)]
    pub struct InternalError(Problem);

    /// What a public read may answer besides its 200 (and, for one resource, its 404): a 304 to a
    /// current `If-None-Match`, a bad parameter, a failure. Listed in `responses(...)` of the
    /// read's `#[utoipa::path]`.
    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum ReadResponses {
        /// Not modified: the `If-None-Match` ETag is current
        #[response(status = 304)]
        NotModified,
        #[response(status = 400)]
        BadRequest(#[ref_response] BadRequest),
        #[response(status = 500)]
        InternalError(#[ref_response] InternalError),
    }

    /// Every way a write can fail, for the OpenAPI responses of write routes.
    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum WriteErrors {
        /// The body is not JSON or the route was given an unknown parameter.
        #[response(status = 400, content_type = "application/problem+json")]
        BadRequest(#[to_schema] Problem),
        /// No token, or an invalid or revoked one (`WWW-Authenticate` says which).
        #[response(status = 401, content_type = "application/problem+json")]
        Unauthorized(#[to_schema] Problem),
        /// The token's scope does not allow writes.
        #[response(status = 403, content_type = "application/problem+json")]
        Forbidden(#[to_schema] Problem),
        /// No such resource.
        #[response(status = 404, content_type = "application/problem+json")]
        NotFound(#[to_schema] Problem),
        /// The slug is taken, or the resource is still referenced.
        #[response(status = 409, content_type = "application/problem+json")]
        Conflict(#[to_schema] Problem),
        /// `If-Match` does not match the current ETag: someone else changed it first.
        #[response(status = 412, content_type = "application/problem+json")]
        PreconditionFailed(#[to_schema] Problem),
        /// The body is larger than 256 KiB.
        #[response(status = 413, content_type = "application/problem+json")]
        PayloadTooLarge(#[to_schema] Problem),
        /// The body is not `application/json` (or `application/merge-patch+json` for PATCH).
        #[response(status = 415, content_type = "application/problem+json")]
        UnsupportedMediaType(#[to_schema] Problem),
        /// Invalid fields; `errors` lists every one.
        #[response(status = 422, content_type = "application/problem+json")]
        Validation(#[to_schema] Problem),
        /// The server failed; the body carries a request id and no internals.
        #[response(status = 500, content_type = "application/problem+json")]
        InternalError(#[to_schema] Problem),
    }

    /// Every way a read that needs a token can fail.
    #[derive(utoipa::IntoResponses)]
    #[allow(dead_code)]
    pub enum TokenReadErrors {
        /// An unknown or malformed parameter.
        #[response(status = 400, content_type = "application/problem+json")]
        BadRequest(#[to_schema] Problem),
        /// No token, or an invalid or revoked one (`WWW-Authenticate` says which).
        #[response(status = 401, content_type = "application/problem+json")]
        Unauthorized(#[to_schema] Problem),
        /// The token's scope does not allow this.
        #[response(status = 403, content_type = "application/problem+json")]
        Forbidden(#[to_schema] Problem),
        /// No such resource.
        #[response(status = 404, content_type = "application/problem+json")]
        NotFound(#[to_schema] Problem),
        /// The server failed; the body carries a request id and no internals.
        #[response(status = 500, content_type = "application/problem+json")]
        InternalError(#[to_schema] Problem),
    }

    /// The token sent is malformed, unknown or revoked (reads need no token, but a bad one is refused).
    #[derive(ToResponse)]
    #[response(
        content_type = "application/problem+json",
        example = json!({"type": "/problems/unauthorized", "title": "Unauthorized", "status": 401,
            "detail": "The token is not valid.", "instance": "/v1/posts", "code": "unauthorized",
            "request_id": "3f9a1c2b7d4e8f60", "errors": []})
    )]
    #[allow(dead_code)]
    pub struct Unauthorized(Problem);

    /// The database is busy (another process holds the write lock, or every connection is in
    /// use) or not ready (unreachable, migrations pending); `Retry-After` says when to try again.
    #[derive(ToResponse)]
    #[response(
        content_type = "application/problem+json",
        example = json!({"type": "/problems/unavailable", "title": "Service Unavailable", "status": 503,
            "detail": "The database is busy; try again shortly.", "instance": "/v1/posts", "code": "unavailable",
            "request_id": "3f9a1c2b7d4e8f60", "errors": []})
    )]
    #[allow(dead_code)]
    pub struct Unavailable(Problem);
}
