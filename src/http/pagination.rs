//! Page-number pagination: `page` from 1, `per_page` 1..=100 (default 20); out-of-range values
//! are a 400, never clamped. Lists answer with `meta.pagination`, `links` and a `Link` header.

use serde::Serialize;
use utoipa::ToSchema;

pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest { page: 1, per_page: DEFAULT_PER_PAGE }
    }
}

impl PageRequest {
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// Where a list page sits in the whole list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pagination {
    /// This page's number, from 1.
    #[schema(example = 1)]
    pub page: i64,
    /// Items per page (1 to 100).
    #[schema(example = 20)]
    pub per_page: i64,
    /// Items in the whole list.
    #[schema(example = 1)]
    pub total: i64,
    /// Pages in the whole list (0 when the list is empty).
    #[schema(example = 1)]
    pub total_pages: i64,
    /// The next page's number, or null on the last page.
    #[schema(example = json!(null))]
    pub next: Option<i64>,
    /// The previous page's number, or null on the first page.
    #[schema(example = json!(null))]
    pub prev: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListMeta {
    pub pagination: Pagination,
}

/// Links to this page and its neighbours (relative URLs, with the same filters).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListLinks {
    #[serde(rename = "self")]
    #[schema(example = "/v1/posts?page=1&per_page=20")]
    pub self_: String,
    #[schema(example = json!(null))]
    pub next: Option<String>,
    #[schema(example = json!(null))]
    pub prev: Option<String>,
}

/// `{"data": [...], "meta": {"pagination": ...}, "links": ...}`.
#[derive(Debug, Serialize)]
pub struct ListPage<T> {
    pub data: Vec<T>,
    pub meta: ListMeta,
    pub links: ListLinks,
}

impl<T> ListPage<T> {
    /// `base_query` is the request's query without `page`/`per_page`, already encoded.
    pub fn new(data: Vec<T>, total: i64, request: PageRequest, path: &str, base_query: &str) -> Self {
        let total_pages = (total + request.per_page - 1) / request.per_page;
        let next = (request.page < total_pages).then_some(request.page + 1);
        let prev = (request.page > 1).then(|| (request.page - 1).min(total_pages.max(1)));
        let link = |page: i64| {
            let separator = if base_query.is_empty() { "" } else { "&" };
            format!("{path}?{base_query}{separator}page={page}&per_page={}", request.per_page)
        };
        ListPage {
            data,
            meta: ListMeta {
                pagination: Pagination {
                    page: request.page,
                    per_page: request.per_page,
                    total,
                    total_pages,
                    next,
                    prev,
                },
            },
            links: ListLinks { self_: link(request.page), next: next.map(link), prev: prev.map(link) },
        }
    }

    /// The RFC 8288 `Link` header for the neighbours, if any.
    pub fn link_header(&self) -> Option<String> {
        let links: Vec<String> = [("next", &self.links.next), ("prev", &self.links.prev)]
            .into_iter()
            .filter_map(|(rel, url)| url.as_ref().map(|url| format!("<{url}>; rel=\"{rel}\"")))
            .collect();
        (!links.is_empty()).then(|| links.join(", "))
    }
}
