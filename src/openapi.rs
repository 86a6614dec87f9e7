//! The OpenAPI document, generated from the handlers and types. `openapi/openapi.json` is the
//! committed copy; a test fails when they differ (`UPDATE_OPENAPI=1 cargo test` rewrites it).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::Ref;
use utoipa::openapi::{InfoBuilder, LicenseBuilder, OpenApi as Spec, ServerBuilder};
use utoipa::{Modify, OpenApi};

use crate::error::{responses, FieldError, Problem};
use crate::http::pagination::{ListLinks, ListMeta, Pagination};

/// The bearer-token security scheme of write and preview access. Reads under `/v1` take a token
/// optionally (it shows drafts) and refuse a bad one with a 401; both are added to every such
/// read without a security requirement of its own, rather than repeated on each handler. Every
/// write (POST, PUT, PATCH, DELETE) needs a token: that requirement is added to each likewise.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, spec: &mut Spec) {
        for (path, item) in spec.paths.paths.iter_mut() {
            for write in [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
                write.security.get_or_insert_with(|| vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
            }
            let Some(get) = item.get.as_mut() else { continue };
            // Routes that need a token say so themselves.
            if path.starts_with("/v1/") && get.security.is_none() {
                get.responses.responses.insert("401".into(), Ref::from_response_name("Unauthorized").into());
                get.security = Some(vec![
                    SecurityRequirement::default(),
                    SecurityRequirement::new("bearer", Vec::<String>::new()),
                ]);
            }
        }
        let components = spec.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token made with `clinic-content token create --name NAME --scope preview|write|admin`. \
                         Any valid token also lets the read routes show drafts, scheduled and archived content.",
                    ))
                    .build(),
            ),
        );
    }
}

/// What every document has whatever the resources: this document's own route, the problem and
/// pagination schemas, the shared error responses.
#[derive(OpenApi)]
#[openapi(
    paths(openapi_json),
    components(
        schemas(Problem, FieldError, Pagination, ListMeta, ListLinks),
        responses(
            responses::BadRequest,
            responses::NotFound,
            responses::Unauthorized,
            responses::InternalError,
            responses::Unavailable
        ),
    ),
    tags((name = "meta", description = "This document.")),
)]
struct ApiDoc;

const DESCRIPTION: &str = "A headless content API for a health clinic's educational content: posts, FAQ \
entries, condition categories and session guidance, as structured JSON.\n\n\
Conventions: published resources are addressed by slug under `/v1`. One resource answers \
`{\"data\": ...}`; a list answers `{\"data\": [...], \"meta\": {\"pagination\": ...}, \"links\": ...}` \
with `page` (from 1) and `per_page` (1 to 100, default 20) and a `Link` header. Filters use \
`filter[field]=value`. Unknown or malformed query parameters are a 400, except these analytics \
tags, which every route ignores (they change neither the answer nor its cache entry nor a cursor): ";

const DESCRIPTION_END: &str = ". Every error is an RFC 9457 `application/problem+json` document. Every \
read carries a strong `ETag`; send it back in `If-None-Match` to get a 304.";

fn description() -> String {
    let ignored: Vec<String> = crate::http::tracking::IGNORED.iter().map(|name| format!("`{name}`")).collect();
    format!("{DESCRIPTION}{}{DESCRIPTION_END}", ignored.join(", "))
}

/// The whole document from the resources' parts (in the order their tags are listed), as
/// served at `/openapi.json` and committed in `openapi/openapi.json`.
pub fn document(parts: impl IntoIterator<Item = Spec>) -> Spec {
    let mut spec = parts.into_iter().fold(Spec::default(), |mut spec, part| {
        spec.merge(part);
        spec
    });
    spec.merge(ApiDoc::openapi());
    BearerAuth.modify(&mut spec);
    spec.info = InfoBuilder::new()
        .title("clinic-content")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(description()))
        .license(Some(LicenseBuilder::new().name("MIT").identifier(Some("MIT")).build()))
        .build();
    spec.servers = Some(vec![ServerBuilder::new()
        .url("http://localhost:8080")
        .description(Some("A local `clinic-content serve` with the default settings"))
        .build()]);
    spec
}

/// A document as pretty JSON with a trailing newline (the committed file's exact form), after
/// the document-wide rules of `openapi_refine` and the resources' own (`extra`).
pub fn to_json(spec: Spec, lists: &[crate::openapi_refine::Listed], extra: &[fn(&mut serde_json::Value)]) -> String {
    let mut value = serde_json::to_value(spec).expect("the OpenAPI document serialises");
    crate::openapi_refine::refine(&mut value, lists);
    for rule in extra {
        rule(&mut value);
    }
    let mut json = serde_json::to_string_pretty(&value).expect("the OpenAPI document serialises");
    json.push('\n');
    json
}

/// The spec, rendered once at start.
pub struct SpecJson(pub String);

/// Get the OpenAPI document
///
/// This API's OpenAPI 3.1 document, generated from the code.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    operation_id = "getOpenApi",
    security(()),
    responses(
        (status = 200, description = "The OpenAPI document", body = Object, content_type = "application/json"),
        (status = 400, response = responses::BadRequest),
    )
)]
pub async fn openapi_json(
    req: actix_web::HttpRequest,
    spec: actix_web::web::Data<SpecJson>,
) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    crate::http::list_query::parse_detail(req.query_string(), &crate::http::list_query::NO_PARAMETERS)?;
    Ok(actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Cache-Control", "public, max-age=300"))
        .body(spec.0.clone()))
}
