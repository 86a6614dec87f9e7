use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::posts::model::{Body, PostRef, PublicationStatus};
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
    #[schema(value_type = PublicationStatus, example = "published")]
    pub status: String,
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

/// An FAQ entry as written in the seed file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqInput {
    pub slug: String,
    /// The slug of the post it belongs to.
    pub post: Option<String>,
    pub question: String,
    /// Markdown.
    pub answer: String,
    pub tags: Vec<String>,
    pub status: String,
    pub published_at: Option<String>,
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
    pub status: String,
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
