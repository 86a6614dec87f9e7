//! References to other resources, as one resource embeds them.

use std::collections::HashMap;

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

/// Rows of (owner, item) as each owner's items, in the rows' order: how a list embeds what
/// each of its resources refers to.
pub fn grouped<K: std::hash::Hash + Eq, V>(rows: impl IntoIterator<Item = (K, V)>) -> HashMap<K, Vec<V>> {
    let mut grouped: HashMap<K, Vec<V>> = HashMap::new();
    for (owner, item) in rows {
        grouped.entry(owner).or_default().push(item);
    }
    grouped
}
