//! Pages for people rather than programs: a landing page at `/` and interactive API docs
//! (Swagger UI) at `/docs`.
//!
//! Every byte is compiled into the binary: the pages here with `include_str!`, and Swagger UI's
//! own assets by `utoipa-swagger-ui` with its `vendored` feature (the distribution ships inside
//! the crate, so nothing is downloaded at build time and nothing is loaded from a CDN at run
//! time). The docs read the spec from the existing `/openapi.json` route; no second copy of the
//! document is served.
//!
//! These routes are not API endpoints, so they are not in the OpenAPI document. Like every
//! route they answer GET and HEAD only (anything else is a 405 problem document).
//!
//! `NormalizePath::trim` runs before routing, so `/docs/` reaches the `/docs` route. The docs
//! page therefore carries `<base href="/docs/">`: its relative asset URLs resolve under `/docs/`
//! whichever of `/docs` or `/docs/` the browser asked for, without a redirect (a redirect from
//! `/docs` to `/docs/` would loop, both being the same path once normalised).

use std::sync::{Arc, LazyLock};

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::error::ApiError;
use crate::http::routes::read;

const LANDING_HTML: &str = include_str!("landing.html");
const DOCS_HTML: &str = include_str!("docs.html");
const DOCS_INITIALIZER_JS: &str = include_str!("swagger-initializer.js");

/// Pages and assets may be cached briefly, like `/openapi.json`: they change only with the binary.
const CACHE_CONTROL: &str = "public, max-age=300";

/// The landing page loads nothing but itself.
const LANDING_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Only used by `utoipa_swagger_ui::serve` to fill in its own `swagger-initializer.js`, which is
/// never served: ours (`swagger-initializer.js` here) replaces it.
static SWAGGER_CONFIG: LazyLock<Arc<utoipa_swagger_ui::Config<'static>>> =
    LazyLock::new(|| Arc::new(utoipa_swagger_ui::Config::new(["/openapi.json"])));

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/", landing)).service(read("/docs", docs_page)).service(read("/docs/{file:.*}", docs_asset));
}

fn page(content_type: &'static str, body: impl actix_web::body::MessageBody + 'static) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}

/// `GET /`: what this service is, with links to the docs, the spec and the main resources.
async fn landing() -> HttpResponse {
    let mut response = page("text/html; charset=utf-8", LANDING_HTML.replace("{{version}}", env!("CARGO_PKG_VERSION")));
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static(LANDING_CSP));
    response
}

/// `GET /docs` (and `/docs/`, `/docs/index.html`): the Swagger UI page.
async fn docs_page() -> HttpResponse {
    page("text/html; charset=utf-8", DOCS_HTML)
}

/// `GET /docs/{file}`: one of Swagger UI's embedded assets.
async fn docs_asset(file: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let file = file.into_inner();
    match file.as_str() {
        "index.html" => return Ok(docs_page().await),
        "swagger-initializer.js" => return Ok(page("text/javascript; charset=utf-8", DOCS_INITIALIZER_JS)),
        _ => {}
    }
    let asset = utoipa_swagger_ui::serve(&file, SWAGGER_CONFIG.clone())
        .map_err(|error| ApiError::Internal(format!("cannot serve the docs asset '{file}': {error}")))?;
    match asset {
        Some(asset) => Ok(page(
            // `mime_guess` names JavaScript `application/javascript`; both work in browsers.
            if file.ends_with(".js") { "text/javascript; charset=utf-8" } else { static_type(&asset.content_type) },
            asset.bytes.into_owned(),
        )),
        None => Err(ApiError::NotFound(format!("The docs have no file '{file}'. The docs are at /docs."))),
    }
}

/// The content types of Swagger UI's files, as `'static` strings.
fn static_type(guessed: &str) -> &'static str {
    match guessed {
        "text/css" => "text/css; charset=utf-8",
        "text/html" => "text/html; charset=utf-8",
        "image/png" => "image/png",
        "application/json" => "application/json",
        _ => "application/octet-stream",
    }
}
