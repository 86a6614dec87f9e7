use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::PostRef;
use crate::schema::citations;

/// Claims a citation shows; `claim_count` and `links.posts` lead to the rest.
pub const CLAIMS_SHOWN: i64 = 10;

/// An external source, with the newest published claims it backs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Citation {
    #[schema(example = "nhs-2024-back-pain")]
    pub slug: String,
    #[schema(example = "NHS")]
    pub publisher: String,
    #[schema(example = "Back pain")]
    pub title: String,
    #[schema(example = 2024)]
    pub year: Option<i32>,
    #[schema(example = "https://www.nhs.uk/conditions/back-pain/")]
    pub url: String,
    /// When the source was last checked (YYYY-MM-DD), if recorded.
    pub accessed_on: Option<String>,
    /// The claims this source backs in published posts, the most recently written posts' first:
    /// at most 10
    /// (`claim_count` has them all; each post lists its own under `include=citations`).
    pub claims: Vec<CitedClaim>,
    /// How many claims this source backs in published posts.
    #[schema(example = 1)]
    pub claim_count: i64,
    pub updated_at: String,
    pub links: CitationLinks,
}

/// Where to find what cites a source.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CitationLinks {
    #[serde(rename = "self")]
    #[schema(example = "/v1/citations/nhs-2024-back-pain")]
    pub self_: String,
    /// The published posts that cite it.
    #[schema(example = "/v1/posts?filter%5Bcitation%5D=nhs-2024-back-pain")]
    pub posts: String,
}

/// A claim a post makes, backed by a citation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CitedClaim {
    pub post: PostRef,
    #[schema(
        example = "The NHS lists massage, alongside manipulation and exercise, as a recommended first-line treatment for persistent low back pain."
    )]
    pub claim: String,
}

/// A citation as embedded in a post: the source and the claim it backs there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema, Queryable)]
pub struct PostCitation {
    #[schema(example = "nhs-2024-back-pain")]
    pub slug: String,
    #[schema(example = "NHS")]
    pub publisher: String,
    #[schema(example = "Back pain")]
    pub title: String,
    #[schema(example = 2024)]
    pub year: Option<i32>,
    #[schema(example = "https://www.nhs.uk/conditions/back-pain/")]
    pub url: String,
    /// The claim in this post that the source backs.
    pub claim: String,
}

/// A citation as written in the seed file.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Insertable, AsChangeset, Queryable, Selectable, ToSchema,
)]
#[diesel(table_name = citations, treat_none_as_null = true)]
#[serde(deny_unknown_fields)]
pub struct CitationInput {
    pub slug: String,
    pub publisher: String,
    pub title: String,
    pub year: Option<i32>,
    pub url: String,
    pub accessed_on: Option<String>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = citations)]
pub struct CitationRow {
    pub id: i32,
    pub slug: String,
    pub publisher: String,
    pub title: String,
    pub year: Option<i32>,
    pub url: String,
    pub accessed_on: Option<String>,
    pub updated_at: String,
}

impl CitationRow {
    pub fn into_citation(self, claims: Vec<CitedClaim>, claim_count: i64) -> Citation {
        Citation {
            links: CitationLinks {
                self_: format!("/v1/citations/{}", self.slug),
                posts: format!("/v1/posts?filter%5Bcitation%5D={}", self.slug),
            },
            claim_count,
            slug: self.slug,
            publisher: self.publisher,
            title: self.title,
            year: self.year,
            url: self.url,
            accessed_on: self.accessed_on,
            claims,
            updated_at: self.updated_at,
        }
    }
}

crate::envelope!(CitationResponse, Citation);
crate::list_envelope!(CitationList, Citation);
