//! References to other resources, as one resource embeds them.

use serde::Serialize;
use utoipa::ToSchema;

/// A post embedded in another resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PostRef {
    #[schema(example = "is-massage-therapy-worth-it-for-back-pain")]
    pub slug: String,
    #[schema(example = "Is Massage Therapy Worth It for Back Pain? An Honest Answer")]
    pub title: String,
    #[schema(example = "/v1/posts/is-massage-therapy-worth-it-for-back-pain")]
    pub href: String,
}

impl PostRef {
    pub fn new(slug: String, title: String) -> PostRef {
        PostRef { href: format!("/v1/posts/{slug}"), slug, title }
    }
}
