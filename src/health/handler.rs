use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db;
use crate::error::{responses, ApiError};
use crate::http::list_query::{parse_detail, NO_PARAMETERS};

/// The state of the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the service can serve.
    #[schema(example = "ok")]
    pub status: String,
    /// The service version.
    #[schema(example = "0.1.0")]
    pub version: String,
}

fn ok() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() })
}

/// Liveness
///
/// The process is up and answering. Does not touch the database.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    operation_id = "getHealth",
    security(()),
    responses(
        (status = 200, description = "The process is up", body = Health),
        (status = 400, response = responses::BadRequest),
    )
)]
pub async fn healthz(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    parse_detail(req.query_string(), &NO_PARAMETERS)?;
    Ok(ok())
}

/// Readiness
///
/// The database answers and every migration is applied.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    operation_id = "getReadiness",
    security(()),
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 400, response = responses::BadRequest),
        (status = 503, response = responses::Unavailable),
    )
)]
pub async fn readyz(req: HttpRequest, probe: web::Data<db::Probe>) -> Result<HttpResponse, ApiError> {
    parse_detail(req.query_string(), &NO_PARAMETERS)?;
    // Its own connection, not the pool's: readers being busy is load, not unreadiness.
    let checked = web::block(move || probe.check()).await?;
    match checked {
        Ok(()) => Ok(ok()),
        Err(db::NotReady::MigrationsPending) => Err(ApiError::Unavailable("Database migrations are pending.".into())),
        Err(db::NotReady::Unreachable(error)) => {
            log::error!("readiness: database unreachable: {error}");
            Err(ApiError::Unavailable("The database is unreachable.".into()))
        }
    }
}
