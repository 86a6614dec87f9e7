use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::{Body, PostRef, Status};
use crate::schema::faqs;
use crate::tags::model::TagRef;

/// A question and its answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Faq {
    #[schema(example = "how-often-massage-for-back-pain")]
    pub slug: String,
    #[schema(example = "How often should I get massage for back pain?")]
    pub question: String,
    /// The answer as Markdown, sanitised HTML and plain text.
    pub answer: Body,
    /// Order within its post, from 0.
    #[schema(example = 3)]
    pub position: i32,
    /// The post this entry belongs to, if any.
    pub post: Option<PostRef>,
    pub tags: Vec<TagRef>,
    #[schema(example = "published")]
    pub status: Status,
    #[schema(example = "2026-04-25T16:00:00Z")]
    pub published_at: Option<String>,
    pub updated_at: String,
    pub links: FaqLinks,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FaqLinks {
    #[serde(rename = "self")]
    #[schema(example = "/v1/faqs/how-often-massage-for-back-pain")]
    pub self_: String,
}

/// An FAQ entry as written: the body of `POST /v1/faqs`, the document `PATCH` merges into,
/// and an entry in a library file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqInput {
    #[schema(example = "how-often-massage-for-back-pain")]
    pub slug: String,
    /// The slug of the post it belongs to, if any.
    #[serde(default)]
    #[schema(example = "is-massage-therapy-worth-it-for-back-pain")]
    pub post: Option<String>,
    /// Order within its post, from 0. New entries go last when omitted; in a library file the
    /// order of the list is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    #[schema(example = "How often should I get massage for back pain?")]
    pub question: String,
    /// Markdown. Raw HTML is shown as text, never passed through.
    pub answer: String,
    /// Tag slugs.
    #[serde(default)]
    pub tags: Vec<String>,
    /// `draft` (the default), `scheduled`, `published` or `archived`.
    #[serde(default = "draft")]
    #[schema(value_type = Status, example = "draft")]
    pub status: String,
    /// Set by the server when first published without one; required to schedule.
    #[serde(default)]
    pub published_at: Option<String>,
}

fn draft() -> String {
    "draft".to_string()
}

/// The stored columns of an FAQ entry.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = faqs, treat_none_as_null = true)]
pub struct FaqContent {
    pub slug: String,
    pub post_id: Option<i32>,
    pub position: i32,
    pub question: String,
    pub answer_markdown: String,
    pub answer_html: String,
    pub answer_text: String,
    pub status: Status,
    pub published_at: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = faqs)]
pub struct FaqRow {
    pub id: i32,
    #[diesel(embed)]
    pub content: FaqContent,
    pub updated_at: String,
}

crate::envelope!(FaqResponse, Faq);
crate::list_envelope!(FaqList, Faq);
