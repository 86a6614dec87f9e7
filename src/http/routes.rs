//! Route registration helpers: every route answers GET and HEAD where it reads, and any method
//! it does not serve with a 405 problem document carrying an `Allow` header.

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{guard, web, HttpRequest, Resource, Route};

use crate::error::ApiError;
use crate::tokens::auth::{Guard, Needs};

/// What a resource built here serves with: its routes behind the scope guard, and the 405
/// fallback (the one service type `cfg.service` takes from `resource`, `guarded` and `read`).
pub trait Served:
    ServiceFactory<
    ServiceRequest,
    Config = (),
    Response = ServiceResponse<EitherBody<BoxBody>>,
    Error = actix_web::Error,
    InitError = (),
>
{
}

impl<T> Served for T where
    T: ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<EitherBody<BoxBody>>,
        Error = actix_web::Error,
        InitError = (),
    >
{
}

/// A content resource at `path` answering `allowed` (e.g. "GET, HEAD, POST"); other methods
/// get a 405. Anyone reads; writes need the `write` scope, checked before the handler runs.
pub fn resource(path: &str, allowed: &'static str) -> Resource<impl Served> {
    guarded(path, allowed, Needs::CONTENT)
}

/// A resource whose methods need the scopes in `needs`.
pub fn guarded(path: &str, allowed: &'static str, needs: Needs) -> Resource<impl Served> {
    web::resource(path)
        .default_service(web::to(move |req: HttpRequest| async move {
            Err::<actix_web::HttpResponse, _>(ApiError::MethodNotAllowed {
                method: req.method().to_string(),
                allowed: allowed.to_string(),
            })
        }))
        .wrap(Guard { needs, allowed })
}

/// A route for GET and HEAD (actix sends no body for HEAD).
pub fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A read-only resource at `path` served by `handler`.
pub fn read<F, Args>(path: &str, handler: F) -> Resource<impl Served>
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
