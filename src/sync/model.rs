use serde::Serialize;
use utoipa::ToSchema;

use crate::citations::model::Citation;
use crate::conditions::model::{Condition, ConditionCategory};
use crate::faqs::model::Faq;
use crate::guidance::model::{GuidanceBand, GuidanceCourse};
use crate::posts::model::Post;
use crate::site::model::Site;
use crate::tags::model::Tag;

/// What changed since the token, and the token for next time.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncPage {
    /// In the order they happened. A resource appears at most once per page.
    pub changes: Vec<SyncChange>,
    /// Pass this as `since` next time (or at once, while `has_more`).
    #[schema(example = "eyJsIjoic3luYyIsImsiOlsiMjAyNi0xMS0yNVQxMjowMDowMFoiXSwiaSI6NDJ9.c2lnbmF0dXJl")]
    pub next: String,
    /// True when more changes are waiting: call again with `next` right away.
    pub has_more: bool,
}

/// What happened to a resource.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SyncAction {
    /// Created or changed: `data` is the whole resource as its read route serves it.
    Upsert,
    /// A tombstone: drop the resource with this type and slug.
    Delete,
}

/// Why a tombstone.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SyncReason {
    /// The resource was deleted.
    Deleted,
    /// The post or FAQ entry is no longer public (back to draft, archived, or its post is).
    Unpublished,
    /// The resource now has another slug (its upsert follows).
    Renamed,
}

/// The kinds of resources synced.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SyncType {
    Post,
    Faq,
    Condition,
    ConditionCategory,
    GuidanceBand,
    GuidanceCourse,
    Tag,
    Citation,
    Site,
}

/// One change: an upsert with the resource, or a tombstone.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncChange {
    #[serde(rename = "type")]
    #[schema(value_type = SyncType, example = "post")]
    pub type_: String,
    /// The resource's slug (`course` for the guidance course, `site` for the site); for a
    /// tombstone, the slug the app last received.
    #[schema(example = "is-massage-therapy-worth-it-for-back-pain")]
    pub slug: String,
    #[schema(value_type = SyncAction, example = "upsert")]
    pub action: String,
    /// When the change happened (for a tombstone, when it was deleted or unpublished).
    #[schema(example = "2026-11-25T12:00:00Z")]
    pub changed_at: String,
    /// For a tombstone: why.
    #[schema(value_type = Option<SyncReason>, example = json!(null))]
    pub reason: Option<String>,
    /// For an upsert: the resource, as `GET` of its route serves it; null for a tombstone.
    pub data: Option<SyncData>,
}

/// A synced resource.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum SyncData {
    Post(Box<Post>),
    Faq(Box<Faq>),
    Condition(Box<Condition>),
    ConditionCategory(Box<ConditionCategory>),
    GuidanceBand(Box<GuidanceBand>),
    GuidanceCourse(Box<GuidanceCourse>),
    Tag(Box<Tag>),
    Citation(Box<Citation>),
    Site(Box<Site>),
}

/// `{"data": SyncPage}`
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SyncResponse {
    pub data: SyncPage,
}
