//! Route registration helpers: every read route answers GET and HEAD, and any other method with
//! a 405 problem document carrying an `Allow` header.

use actix_web::{guard, web, HttpRequest, Resource};

use crate::error::ApiError;

const READ_METHODS: &str = "GET, HEAD";

async fn method_not_allowed(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed { method: req.method().to_string(), allowed: READ_METHODS.to_string() })
}

/// A read-only resource at `path` served by `handler` for GET and HEAD.
pub fn read<F, Args>(path: &str, handler: F) -> Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(web::route().guard(guard::Any(guard::Get()).or(guard::Head())).to(handler))
        .default_service(web::to(method_not_allowed))
}

/// The fallback for paths no route matches.
pub async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!("No resource is at '{}'. The API lives under /v1; see /openapi.json.", req.path())))
}
