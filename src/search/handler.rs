use actix_web::{web, HttpRequest, HttpResponse};

use super::index::Kind;
use super::query;
use super::query::SearchResults;
use crate::content::Viewer;
use crate::db::{self, DbPool};
use crate::error::{responses, ApiError};
use crate::http::list_query::{Bind, FilterKind, FilterSpec, ListQuery, ListSpec, PageParams, Target, EQUALITY};
use crate::http::pagination::ListPage;
use crate::http::{respond, select};
use crate::tokens::Caller;

const KINDS: &[&str] = &["post", "faq", "condition", "guidance"];

/// Only the parameters matter here; the SQL is the search module's own.
pub static SEARCH: ListSpec = ListSpec {
    table: "search_index",
    id: "search_index.rowid",
    public: "",
    public_binds: 0,
    filters: &[FilterSpec {
        name: "type",
        kind: FilterKind::OneOf(KINDS),
        ops: EQUALITY,
        target: Target::Column("kind"),
        preview_only: false,
    }],
    sorts: &[],
    default_sort: "",
    fields: &[],
    includes: &[],
    search: Some(Kind::Post.in_lists()),
    paged: true,
    listing: None,
};

/// Search everything
///
/// Full-text search across posts, FAQ entries, conditions and guidance bands, best match
/// first (bm25; titles weigh ten times the body), each hit with its type, slug, `title` as plain
/// text, and `title_highlighted` and `snippet` as escaped HTML with the matches in `<mark>`.
/// `q` takes words (all must match), `"quoted phrases"`, prefixes (`mass*`), exclusions
/// (`-sciatica`) and `OR` between two terms.
#[utoipa::path(
    get,
    path = "/v1/search",
    tag = "search",
    operation_id = "search",
    params(
        ("q" = String, Query, description = "What to search for.", example = "deep tissue"),
        ("filter[type]" = Option<String>, Query, description = "Only these types: `post`, `faq`, `condition`, `guidance` (`filter[type][in]=post,faq` for several).", example = "faq"),
        PageParams,
    ),
    responses(
        (status = 200, description = "A page of hits, best first", body = SearchResults),
        (status = 304, description = "Not modified: the `If-None-Match` ETag is current"),
        (status = 400, response = responses::BadRequest),
        (status = 500, response = responses::InternalError),
    )
)]
pub async fn search(req: HttpRequest, pool: web::Data<DbPool>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let viewer = Viewer::for_request(&req, &caller);
    let query = ListQuery::parse(req.query_string(), &SEARCH, viewer.preview)?;
    let Some(terms) = query.search.clone() else {
        return Err(ApiError::bad_param("q", "is required: what to search for"));
    };
    if query.cursor.is_some() {
        return Err(ApiError::bad_param("cursor", "is not supported by search; use page"));
    }
    // Every type condition applies (they are ANDed like any filters).
    let mut kinds: Vec<String> = KINDS.iter().map(|k| k.to_string()).collect();
    for filter in &query.filters {
        let chosen: Vec<String> =
            filter.values.iter().filter_map(|v| if let Bind::Text(t) = v { Some(t.clone()) } else { None }).collect();
        let negated = filter.op == crate::http::list_query::Op::Ne;
        kinds.retain(|kind| chosen.contains(kind) != negated);
    }
    if kinds.is_empty() {
        let list =
            ListPage::<query::SearchHit>::new(Vec::new(), 0, query.page, None, false, req.path(), &query.canonical);
        return respond::json_for(&req, &caller, &list, list.link_header());
    }
    let page = query.page;
    let (hits, total) = db::run(&pool, move |conn| {
        query::search(conn, &terms, &kinds, &viewer, page.per_page, page.offset()).map_err(select::search_error)
    })
    .await?;
    let list = ListPage::new(hits, total, page, None, false, req.path(), &query.canonical);
    respond::json_for(&req, &caller, &list, list.link_header())
}
