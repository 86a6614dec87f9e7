use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::schema::tags;

/// A topic or keyword that posts and FAQ entries are filed under.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Tag {
    #[schema(example = "lower-back-pain")]
    pub slug: String,
    #[schema(example = "Lower back pain")]
    pub name: String,
    /// What the tag covers.
    pub description: Option<String>,
    /// Published posts with this tag.
    #[schema(example = 1)]
    pub post_count: i64,
    /// Published FAQ entries with this tag.
    #[schema(example = 4)]
    pub faq_count: i64,
    pub updated_at: String,
    pub links: TagLinks,
}

/// Where to find what is tagged.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TagLinks {
    #[serde(rename = "self")]
    #[schema(example = "/v1/tags/lower-back-pain")]
    pub self_: String,
    /// The published posts with this tag.
    #[schema(example = "/v1/posts?filter%5Btag%5D=lower-back-pain")]
    pub posts: String,
    /// The published FAQ entries with this tag.
    #[schema(example = "/v1/faqs?filter%5Btag%5D=lower-back-pain")]
    pub faqs: String,
}

/// A tag embedded in another resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TagRef {
    #[schema(example = "lower-back-pain")]
    pub slug: String,
    #[schema(example = "Lower back pain")]
    pub name: String,
}

/// A tag as written in the seed file (and, later, in write requests).
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Insertable, AsChangeset, Queryable, Selectable, ToSchema,
)]
#[diesel(table_name = tags, treat_none_as_null = true)]
#[serde(deny_unknown_fields)]
pub struct TagInput {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = tags)]
pub struct TagRow {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub updated_at: String,
}

impl Tag {
    pub fn from_row(row: TagRow, post_count: i64, faq_count: i64) -> Tag {
        let filter = |list: &str| format!("/v1/{list}?filter%5Btag%5D={}", row.slug);
        Tag {
            links: TagLinks { self_: format!("/v1/tags/{}", row.slug), posts: filter("posts"), faqs: filter("faqs") },
            slug: row.slug,
            name: row.name,
            description: row.description,
            post_count,
            faq_count,
            updated_at: row.updated_at,
        }
    }
}

crate::envelope!(TagResponse, Tag);
crate::list_envelope!(TagList, Tag);
