//! Route registration helpers: every route answers GET and HEAD where it reads, and any method
//! it does not serve with a 405 problem document carrying an `Allow` header.

use actix_web::{guard, web, HttpRequest, Resource, Route};

use crate::error::ApiError;

/// A resource at `path` answering `allowed` (e.g. "GET, HEAD, POST"); other methods get a 405.
pub fn resource(path: &str, allowed: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move |req: HttpRequest| async move {
        Err::<actix_web::HttpResponse, _>(ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            allowed: allowed.to_string(),
        })
    }))
}

/// A route for GET and HEAD (actix sends no body for HEAD).
pub fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A read-only resource at `path` served by `handler`.
pub fn read<F, Args>(path: &str, handler: F) -> Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    resource(path, "GET, HEAD").route(get().to(handler))
}

/// The fallback for paths no route matches.
pub async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!("No resource is at '{}'. The API lives under /v1; see /openapi.json.", req.path())))
}
