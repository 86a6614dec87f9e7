//! Page-number pagination: `page` from 1, `per_page` 1..=100 (default 20); out-of-range values
//! are a 400, never clamped. Lists answer with `meta.pagination`, `links` and a `Link` header.

use serde::Serialize;
use utoipa::ToSchema;

pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;
/// Deeper than this, page numbers are refused: use the cursor, which costs the same at any depth.
pub const MAX_PAGE: i64 = 1_000_000;

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
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// Where a list page sits in the whole list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pagination {
    /// This page's number, from 1; null when paging by cursor.
    #[schema(example = 1)]
    pub page: Option<i64>,
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
    /// The previous page's number, or null on the first page (and when paging by cursor).
    #[schema(example = json!(null))]
    pub prev: Option<i64>,
    /// An opaque cursor for the page after this one (pass it as `cursor`), or null on the last
    /// page. Deep pages by cursor cost the same as the first.
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
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
    /// `canonical` is the request's query without paging, already encoded; `cursor_mode` says
    /// the page was asked for by cursor.
    pub fn new(
        data: Vec<T>,
        total: i64,
        request: PageRequest,
        next_cursor: Option<String>,
        cursor_mode: bool,
        path: &str,
        canonical: &str,
    ) -> Self {
        let total_pages = (total + request.per_page - 1) / request.per_page;
        let separator = if canonical.is_empty() { "" } else { "&" };
        let link = |paging: String| format!("{path}?{canonical}{separator}{paging}");
        let per_page = request.per_page;
        let (page, next, prev, self_, next_link, prev_link) = if cursor_mode {
            let next_link = next_cursor.as_ref().map(|cursor| link(format!("cursor={cursor}&per_page={per_page}")));
            (None, None, None, None, next_link, None)
        } else {
            let next = (request.page < total_pages).then_some(request.page + 1);
            let prev = (request.page > 1).then(|| (request.page - 1).min(total_pages.max(1)));
            let at = |page: i64| link(format!("page={page}&per_page={per_page}"));
            (Some(request.page), next, prev, Some(at(request.page)), next.map(at), prev.map(at))
        };
        ListPage {
            data,
            meta: ListMeta { pagination: Pagination { page, per_page, total, total_pages, next, prev, next_cursor } },
            links: ListLinks {
                self_: self_.unwrap_or_else(|| link(format!("per_page={per_page}"))),
                next: next_link,
                prev: prev_link,
            },
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
