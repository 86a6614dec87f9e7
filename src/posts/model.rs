use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::citations::model::PostCitation;
use crate::conditions::model::{CategoryRef, Condition, ConditionCategory};
use crate::content::Status;
pub use crate::content::{Body, PostRef};
use crate::faqs::model::Faq;
use crate::guidance::model::Guidance;
use crate::schema::{post_sections, posts};
use crate::site::model::Site;
use crate::tags::model::TagRef;

/// An article, with its body in every form a client may want.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Post {
    #[schema(example = "is-massage-therapy-worth-it-for-back-pain")]
    pub slug: String,
    #[schema(example = "Is Massage Therapy Worth It for Back Pain? An Honest Answer")]
    pub title: String,
    /// A short summary for cards and previews (plain text).
    pub excerpt: String,
    #[schema(example = "published")]
    pub status: Status,
    #[schema(example = "2026-04-25T16:00:00Z")]
    pub published_at: Option<String>,
    #[schema(example = "2026-04-25T16:00:00Z")]
    pub updated_at: String,
    /// Minutes to read the post and its FAQ entries, computed from their text.
    #[schema(example = 8)]
    pub reading_time_minutes: i32,
    /// Words in the body.
    #[schema(example = 1420)]
    pub word_count: i32,
    /// The `<title>` for search engines, if different from the title.
    pub meta_title: Option<String>,
    /// The meta description for search engines.
    pub meta_description: Option<String>,
    /// The post's canonical URL on the clinic's website.
    #[schema(example = "https://easycozy.ca/blog/is-massage-therapy-worth-it-for-back-pain")]
    pub canonical_url: Option<String>,
    /// The call to action to show with the post.
    pub cta: Option<CallToAction>,
    pub author: Author,
    pub tags: Vec<TagRef>,
    /// The sources the post cites, each with the claim it backs here.
    pub citations: Vec<PostCitation>,
    /// The condition categories the post discusses.
    pub condition_categories: Vec<CategoryRef>,
    pub key_points: KeyPoints,
    /// The whole body as Markdown, sanitised HTML and plain text.
    pub body: Body,
    /// The body split at its headings, for native rendering and tables of contents.
    pub sections: Vec<Section>,
    pub links: PostLinks,
    /// The post's old slugs, which answer `301` to it (kept when a published post is renamed).
    #[schema(example = json!(["massage-for-back-pain"]))]
    pub redirect_from: Vec<String>,
    /// With `include=faqs`: the post's FAQ entries, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faqs: Option<Vec<Faq>>,
    /// With `include=conditions`: the conditions of the categories the post discusses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// With `include=jsonld`: the post's schema.org JSON-LD (as `GET /v1/posts/{slug}/jsonld`).
    /// Written with `<`, `>`, `&`, U+2028 and U+2029 as `\u003c`-style escapes; once parsed,
    /// serialise it with the client's `jsonLdScript` (not `JSON.stringify`) for a script element.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub jsonld: Option<crate::http::respond::ScriptSafe>,
    /// With `include=categories`: the condition categories the post discusses, in full (their
    /// description and every condition), as `GET /v1/condition-categories/{slug}` gives them.
    /// As many as the post names in `condition_categories` (each at most once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<ConditionCategory>>,
    /// With `include=guidance`: the session guidance with the disclaimer and booking link, as
    /// `GET /v1/guidance` gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<Guidance>,
    /// With `include=site`: the clinic's site settings, as `GET /v1/site` gives them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
}

/// A post in a list: everything but the body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostSummary {
    #[schema(example = "is-massage-therapy-worth-it-for-back-pain")]
    pub slug: String,
    #[schema(example = "Is Massage Therapy Worth It for Back Pain? An Honest Answer")]
    pub title: String,
    pub excerpt: String,
    #[schema(example = "published")]
    pub status: Status,
    #[schema(example = "2026-04-25T16:00:00Z")]
    pub published_at: Option<String>,
    pub updated_at: String,
    #[schema(example = 8)]
    pub reading_time_minutes: i32,
    pub cta: Option<CallToAction>,
    pub tags: Vec<TagRef>,
    pub links: PostLinks,
    /// With `include=faqs`: the post's FAQ entries, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faqs: Option<Vec<Faq>>,
    /// With `include=conditions`: the conditions of the categories the post discusses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// With `include=citations`: the sources the post cites, with their claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<PostCitation>>,
}

/// Related resources of a post.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostLinks {
    #[serde(rename = "self")]
    #[schema(example = "/v1/posts/is-massage-therapy-worth-it-for-back-pain")]
    pub self_: String,
    /// The post's FAQ entries.
    #[schema(example = "/v1/faqs?filter%5Bpost%5D=is-massage-therapy-worth-it-for-back-pain")]
    pub faqs: String,
}

impl PostLinks {
    pub fn for_slug(slug: &str) -> PostLinks {
        PostLinks { self_: format!("/v1/posts/{slug}"), faqs: format!("/v1/faqs?filter%5Bpost%5D={slug}") }
    }
}

/// A call to action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallToAction {
    #[schema(example = "Book Now")]
    pub label: String,
    #[schema(example = "https://easycozy.ca/booking")]
    pub url: String,
}

/// Who wrote the post: the clinic.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Author {
    #[schema(example = "Easy Cozy Wellness")]
    pub name: String,
    #[schema(example = "https://easycozy.ca")]
    pub url: String,
    /// `organization` (the clinic) or `person`.
    #[schema(example = "organization")]
    pub kind: String,
}

/// What the treatment does and does not do, as the post states it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyPoints {
    /// How it works.
    pub mechanisms: Vec<String>,
    /// What it does not do.
    pub limitations: Vec<String>,
}

/// One section of a post body: the lead (no heading) or a level-2 heading and what follows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Section {
    /// A fragment id for the section, unique within the post.
    #[schema(example = "how-many-sessions-you-actually-need")]
    pub anchor: String,
    #[schema(example = "How many sessions you actually need")]
    pub heading: Option<String>,
    pub markdown: String,
    pub html: String,
    pub text: String,
}

/// A post as written: the body of `POST /v1/posts`, the document `PATCH` merges into, and a
/// post in a library file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostInput {
    /// Unique; lower-case words joined by hyphens.
    #[schema(example = "is-massage-therapy-worth-it-for-back-pain")]
    pub slug: String,
    #[schema(example = "Is Massage Therapy Worth It for Back Pain? An Honest Answer")]
    pub title: String,
    /// A short plain-text summary.
    #[serde(default)]
    pub excerpt: String,
    /// `draft` (the default), `scheduled` (public from `published_at`), `published` or `archived`.
    #[serde(default = "draft")]
    #[schema(value_type = Status, example = "draft")]
    pub status: String,
    /// Set by the server when a post is first published without one; required to schedule.
    #[serde(default)]
    #[schema(example = "2026-04-25T16:00:00Z")]
    pub published_at: Option<String>,
    #[serde(default)]
    pub meta_title: Option<String>,
    #[serde(default)]
    pub meta_description: Option<String>,
    #[serde(default)]
    pub canonical_url: Option<String>,
    #[serde(default)]
    pub cta: Option<CallToAction>,
    /// Tag slugs, in display order.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Citations by slug, each with the claim it backs in this post.
    #[serde(default)]
    pub citations: Vec<CitationClaimInput>,
    /// Slugs of the condition categories the post discusses.
    #[serde(default)]
    pub condition_categories: Vec<String>,
    #[serde(default)]
    pub key_points: KeyPoints,
    /// The body: the lead (no heading) and sections under level-2 headings, in Markdown.
    pub sections: Vec<SectionInput>,
    /// Old slugs that answer `301` to this post. Maintained by the server when a published
    /// post's slug changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirect_from: Vec<String>,
}

fn draft() -> String {
    "draft".to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitationClaimInput {
    /// The citation's slug.
    #[schema(example = "nhs-2024-back-pain")]
    pub citation: String,
    /// The claim in this post that the citation backs.
    pub claim: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionInput {
    /// The level-2 heading; null for the lead.
    #[serde(default)]
    #[schema(example = "What the evidence shows")]
    pub heading: Option<String>,
    /// CommonMark. Raw HTML is shown as text, never passed through.
    pub markdown: String,
}

/// The stored columns of a post.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = posts, treat_none_as_null = true)]
pub struct PostContent {
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub status: Status,
    pub published_at: Option<String>,
    pub reading_time_minutes: i32,
    pub word_count: i32,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
    pub cta_label: Option<String>,
    pub cta_url: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct PostRow {
    pub id: i32,
    #[diesel(embed)]
    pub content: PostContent,
    pub updated_at: String,
}

/// The stored columns of a section.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, Queryable, Selectable)]
#[diesel(table_name = post_sections)]
pub struct SectionContent {
    pub position: i32,
    pub anchor: String,
    pub heading: Option<String>,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
}

impl PostContent {
    pub fn cta(&self) -> Option<CallToAction> {
        self.cta_label.clone().zip(self.cta_url.clone()).map(|(label, url)| CallToAction { label, url })
    }
}

crate::envelope!(PostResponse, Post);
crate::list_envelope!(PostList, PostSummary);
