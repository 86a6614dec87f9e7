//! The OpenAPI document, generated from the handlers and types. `openapi/openapi.json` is the
//! committed copy; a test fails when they differ (`UPDATE_OPENAPI=1 cargo test` rewrites it).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::Ref;
use utoipa::openapi::{InfoBuilder, LicenseBuilder, OpenApi as Spec, ServerBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::citations::model::{Citation, CitationInput, CitedClaim, PostCitation};
use crate::conditions::model::{
    CategoryRef, CategoryWrite, Condition, ConditionCategory, ConditionWrite, Region, ResponseLevel,
};
use crate::error::{responses, FieldError, Problem};
use crate::faqs::model::{Faq, FaqInput, FaqLinks};
use crate::guidance::model::{
    BandInput, CourseInput, DurationRange, Guidance, GuidanceBand, GuidanceCourse, IntRange, MaintenanceInterval,
};
use crate::health::handler::Health;
use crate::http::pagination::{ListLinks, ListMeta, Pagination};
use crate::posts::model::{
    Author, Body, CallToAction, CitationClaimInput, KeyPoints, Post, PostInput, PostLinks, PostRef, PostSummary,
    PublicationStatus, Section, SectionInput,
};
use crate::recommendation::handler::RecommendationResponse;
use crate::recommendation::model::{Backing, BackingSection, Outcome, Recommendation, RecommendationInput, Symptom};
use crate::related::handler::{RelatedPost, RelatedPostList};
use crate::search::query::SearchHit;
use crate::seo::feeds::{JsonFeed, JsonFeedAuthor, JsonFeedItem};
use crate::site::model::{Address, Site, SiteInput};
use crate::sync::model::{SyncAction, SyncChange, SyncData, SyncPage, SyncReason, SyncResponse, SyncType};
use crate::tags::model::{Tag, TagInput, TagLinks, TagRef};
use crate::webhooks::model::{
    DeliveredEvent, Delivery, DeliveryLinks, EventResource, Webhook, WebhookEvent, WebhookInput, WebhookLinks,
};

/// Declares `{"data": T}` for the spec.
macro_rules! envelope {
    ($name:ident, $inner:ty) => {
        #[doc = concat!("`{\"data\": ", stringify!($inner), "}`")]
        #[derive(ToSchema)]
        #[allow(dead_code)]
        pub struct $name {
            pub data: $inner,
        }
    };
}

/// Declares `{"data": [T], "meta": ..., "links": ...}` for the spec.
macro_rules! list_envelope {
    ($name:ident, $item:ty) => {
        #[doc = concat!("A page of ", stringify!($item), " with pagination.")]
        #[derive(ToSchema)]
        #[allow(dead_code)]
        pub struct $name {
            pub data: Vec<$item>,
            pub meta: ListMeta,
            pub links: ListLinks,
        }
    };
}

envelope!(SiteResponse, Site);
envelope!(PostResponse, Post);
envelope!(FaqResponse, Faq);
envelope!(TagResponse, Tag);
envelope!(CitationResponse, Citation);
envelope!(ConditionCategoryResponse, ConditionCategory);
envelope!(ConditionResponse, Condition);
envelope!(GuidanceResponse, Guidance);
envelope!(GuidanceBandResponse, GuidanceBand);
envelope!(GuidanceCourseResponse, GuidanceCourse);
list_envelope!(PostList, PostSummary);
list_envelope!(FaqList, Faq);
list_envelope!(TagList, Tag);
list_envelope!(CitationList, Citation);
list_envelope!(ConditionCategoryList, ConditionCategory);
list_envelope!(ConditionList, Condition);
list_envelope!(SearchResults, SearchHit);
envelope!(WebhookResponse, Webhook);
envelope!(WebhookListResponse, Vec<Webhook>);
envelope!(DeliveryResponse, Delivery);
list_envelope!(DeliveryList, Delivery);

/// The bearer-token security scheme of write and preview access. Reads take a token
/// optionally (it shows drafts) and refuse a bad one with a 401; both are added to every read
/// here rather than repeated on each handler.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, spec: &mut Spec) {
        for (path, item) in spec.paths.paths.iter_mut() {
            let Some(get) = item.get.as_mut() else { continue };
            if path.starts_with("/v1/") && !path.starts_with("/v1/webhooks") {
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

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth),
    paths(
        crate::site::handler::get_site,
        crate::site::handler::update_site,
        crate::posts::handler::list_posts,
        crate::posts::handler::create_post,
        crate::posts::handler::get_post,
        crate::posts::handler::update_post,
        crate::posts::handler::delete_post,
        crate::related::handler::get_related_posts,
        crate::seo::handler::get_post_jsonld,
        crate::faqs::handler::list_faqs,
        crate::faqs::handler::create_faq,
        crate::faqs::handler::get_faq,
        crate::faqs::handler::update_faq,
        crate::faqs::handler::delete_faq,
        crate::conditions::handler::list_condition_categories,
        crate::conditions::handler::create_condition_category,
        crate::conditions::handler::get_condition_category,
        crate::conditions::handler::update_condition_category,
        crate::conditions::handler::delete_condition_category,
        crate::conditions::handler::list_conditions,
        crate::conditions::handler::create_condition,
        crate::conditions::handler::get_condition,
        crate::conditions::handler::update_condition,
        crate::conditions::handler::delete_condition,
        crate::guidance::handler::get_guidance,
        crate::recommendation::handler::get_recommendation,
        crate::guidance::handler::replace_guidance_bands,
        crate::guidance::handler::get_guidance_course,
        crate::guidance::handler::update_guidance_course,
        crate::guidance::handler::get_guidance_band,
        crate::guidance::handler::update_guidance_band,
        crate::tags::handler::list_tags,
        crate::tags::handler::create_tag,
        crate::tags::handler::get_tag,
        crate::tags::handler::update_tag,
        crate::tags::handler::delete_tag,
        crate::citations::handler::list_citations,
        crate::citations::handler::create_citation,
        crate::citations::handler::get_citation,
        crate::citations::handler::update_citation,
        crate::citations::handler::delete_citation,
        crate::search::handler::search,
        crate::webhooks::handler::list_webhooks,
        crate::webhooks::handler::create_webhook,
        crate::webhooks::handler::get_webhook,
        crate::webhooks::handler::update_webhook,
        crate::webhooks::handler::delete_webhook,
        crate::webhooks::handler::ping_webhook,
        crate::webhooks::handler::list_deliveries,
        crate::webhooks::handler::get_delivery,
        crate::webhooks::handler::redeliver,
        crate::sync::handler::sync,
        crate::seo::handler::rss_feed,
        crate::seo::handler::atom_feed,
        crate::seo::handler::json_feed,
        crate::seo::handler::sitemap,
        crate::health::handler::healthz,
        crate::metrics::metrics,
        crate::health::handler::readyz,
        openapi_json,
    ),
    components(
        schemas(
            Problem, FieldError, Pagination, ListMeta, ListLinks,
            Site, Address, Post, PostSummary, PostRef, PostLinks, CallToAction, Author, KeyPoints, Body, Section,
            PublicationStatus, Faq, FaqLinks, Tag, TagRef, TagLinks, Citation, CitedClaim, PostCitation,
            ConditionCategory, Condition, CategoryRef, ResponseLevel, Region,
            Guidance, GuidanceBand, GuidanceCourse, IntRange, DurationRange, MaintenanceInterval, Health,
            PostInput, SectionInput, CitationClaimInput, FaqInput, TagInput, CitationInput, SiteInput, CategoryWrite,
            ConditionWrite, BandInput, CourseInput, SearchHit,
            Recommendation, RecommendationInput, Outcome, Symptom, Backing, BackingSection, RecommendationResponse,
            RelatedPost, RelatedPostList, JsonFeed, JsonFeedAuthor, JsonFeedItem,
            SyncPage, SyncChange, SyncData, SyncAction, SyncReason, SyncType, SyncResponse,
            Webhook, WebhookLinks, WebhookInput, Delivery, DeliveredEvent, DeliveryLinks, WebhookEvent, EventResource,
        ),
        responses(
            responses::BadRequest,
            responses::NotFound,
            responses::Unauthorized,
            responses::InternalError,
            responses::Unavailable
        ),
    ),
    tags(
        (name = "site", description = "The clinic that publishes the content."),
        (name = "posts", description = "Articles, with their body as Markdown, HTML, plain text and sections."),
        (name = "faqs", description = "Questions and answers, usually tied to a post."),
        (name = "conditions", description = "How kinds of back pain respond to massage, and the red flags that need a doctor first."),
        (name = "guidance", description = "How many sessions, by how long the pain has lasted; frequency and maintenance."),
        (name = "tags", description = "Topics and keywords."),
        (name = "citations", description = "External sources and the claims they back."),
        (name = "search", description = "Full-text search across posts, FAQ entries, conditions and guidance."),
        (name = "sync", description = "Delta sync for apps that keep an offline copy: changes and tombstones since a token."),
        (name = "webhooks", description = "Subscriptions that POST signed events to your URL when content is published, updated, unpublished or deleted (admin scope). The payload is `WebhookEvent`; see `webhooks` at the top of this document."),
        (name = "feeds", description = "RSS, Atom and JSON Feed of the published posts, and the sitemap, with front-end URLs."),
        (name = "health", description = "Liveness and readiness probes."),
        (name = "meta", description = "This document."),
    )
)]
struct ApiDoc;

const DESCRIPTION: &str = "A headless content API for a health clinic's educational content: posts, FAQ \
entries, condition categories and session guidance, as structured JSON.\n\n\
Conventions: published resources are addressed by slug under `/v1`. One resource answers \
`{\"data\": ...}`; a list answers `{\"data\": [...], \"meta\": {\"pagination\": ...}, \"links\": ...}` \
with `page` (from 1) and `per_page` (1 to 100, default 20) and a `Link` header. Filters use \
`filter[field]=value`. Unknown or malformed query parameters are a 400. Every error is an RFC 9457 \
`application/problem+json` document. Every read carries a strong `ETag`; send it back in \
`If-None-Match` to get a 304.";

/// The whole spec, as served at `/openapi.json` and committed in `openapi/openapi.json`.
pub fn spec() -> Spec {
    let mut spec = ApiDoc::openapi();
    spec.info = InfoBuilder::new()
        .title("clinic-content")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(DESCRIPTION))
        .license(Some(LicenseBuilder::new().name("MIT").identifier(Some("MIT")).build()))
        .build();
    spec.servers = Some(vec![ServerBuilder::new()
        .url("http://localhost:8080")
        .description(Some("A local `clinic-content serve` with the default settings"))
        .build()]);
    spec
}

/// The spec as pretty JSON with a trailing newline (the committed file's exact form).
pub fn spec_json() -> String {
    let mut value = serde_json::to_value(spec()).expect("the OpenAPI document serialises");
    crate::openapi_refine::refine(&mut value);
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
