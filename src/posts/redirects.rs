//! The redirect map: every old slug of a renamed post and where it leads now, as site paths, so a
//! front end can generate its own redirects (Next.js `redirects()`, Netlify or Cloudflare Pages
//! `_redirects`). The API itself answers an old slug with a 301 to the new API path.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::content::Viewer;
use crate::db::{self, Conn, DbPool};
use crate::error::{responses, ApiError, FieldError};
use crate::http::params;
use crate::http::respond;
use crate::schema::{post_redirects, posts};
use crate::tokens::Caller;

/// Redirects in one answer; `page` reaches the rest.
pub const PER_ANSWER: i64 = 5_000;

/// One old address and the one it leads to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Redirect {
    /// The old page, as a path on the clinic's site.
    #[schema(example = "/blog/massage-for-back-pain")]
    pub from: String,
    /// The post's page now, as a path on the clinic's site.
    #[schema(example = "/blog/is-massage-therapy-worth-it-for-back-pain")]
    pub to: String,
    /// `from` as an absolute URL (`PUBLIC_SITE_URL`, else the site's `website_url`).
    #[schema(example = "https://easycozy.ca/blog/massage-for-back-pain")]
    pub from_url: String,
    /// `to` as an absolute URL.
    #[schema(example = "https://easycozy.ca/blog/is-massage-therapy-worth-it-for-back-pain")]
    pub to_url: String,
    /// Always 301: a renamed post has moved for good.
    #[schema(example = 301)]
    pub status: u16,
    #[schema(example = "massage-for-back-pain")]
    pub from_slug: String,
    #[schema(example = "is-massage-therapy-worth-it-for-back-pain")]
    pub to_slug: String,
}

/// `{"data": [Redirect], "links": {"next": ...}}`
#[derive(Debug, Serialize, ToSchema)]
pub struct RedirectList {
    pub data: Vec<Redirect>,
    pub links: RedirectLinks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RedirectLinks {
    /// The next part of the map when it has more than 5,000 redirects; null on the last.
    #[schema(example = json!(null))]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Json,
    Netlify,
}

fn parse(query_string: &str) -> Result<(Format, i64), ApiError> {
    let (mut format, mut page) = (Format::Json, 1);
    let errors = params::each_once(query_string, |param, value| match param {
        "format" => {
            format = match value {
                "json" => Format::Json,
                "netlify" => Format::Netlify,
                other => {
                    let message = format!("must be json or netlify, got '{}'", params::clip(other));
                    return Err(FieldError::new("format", message));
                }
            };
            Ok(())
        }
        "page" => params::limit("page", value, 1_000_000).map(|n| page = n),
        other => Err(params::unknown(other, "format, page")),
    });
    match errors.as_slice() {
        [] => Ok((format, page)),
        _ => Err(ApiError::bad_params(errors)),
    }
}

/// One part of the map, by old slug, and whether there is more; only redirects to posts the
/// viewer may see.
fn load(conn: &mut Conn, viewer: &Viewer, base: &str, page: i64) -> QueryResult<(Vec<Redirect>, bool)> {
    let mut query = post_redirects::table
        .inner_join(posts::table)
        .order(post_redirects::old_slug)
        .select((post_redirects::old_slug, posts::slug))
        .offset((page - 1) * PER_ANSWER)
        .limit(PER_ANSWER + 1)
        .into_boxed();
    if !viewer.preview {
        query = query.filter(crate::posts::query::is_public_post(&viewer.now));
    }
    let mut rows: Vec<(String, String)> = query.load(conn)?;
    let more = rows.len() as i64 > PER_ANSWER;
    rows.truncate(PER_ANSWER as usize);
    let redirects = rows
        .into_iter()
        .map(|(from_slug, to_slug)| {
            let (from, to) = (crate::seo::post_path(&from_slug), crate::seo::post_path(&to_slug));
            Redirect {
                from_url: format!("{base}{from}"),
                to_url: format!("{base}{to}"),
                from,
                to,
                status: 301,
                from_slug,
                to_slug,
            }
        })
        .collect();
    Ok((redirects, more))
}

/// The map in Netlify's `_redirects` syntax (also read by Cloudflare Pages): `from to 301`.
fn netlify(redirects: &[Redirect]) -> String {
    let mut out = String::from("# Renamed posts: old page, new page, status.\n");
    for redirect in redirects {
        out.push_str(&format!("{} {} {}\n", redirect.from, redirect.to, redirect.status));
    }
    out
}

/// List redirects
///
/// Every old slug of a renamed post, with the page it leads to, as paths and absolute URLs on
/// the clinic's site (posts at `/blog/{slug}`), ordered by the old slug; redirects to posts
/// that are not public are left out (a token with `preview` sees them). `format=netlify` gives
/// the same map as a `_redirects` file (`text/plain`), one `from to 301` line each. At most
/// 5,000 per answer: `page=2` and on give the rest (`links.next`, and a `Link` header).
#[utoipa::path(
    get,
    path = "/v1/redirects",
    tag = "posts",
    operation_id = "listRedirects",
    params(
        ("format" = Option<String>, Query, description = "`json` (the default) or `netlify` (a `_redirects` file).", example = "json"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "Which 5,000 (from 1, default 1).", example = 1),
    ),
    responses(
        (status = 200, description = "The redirect map", content(
            (RedirectList = "application/json"),
            (String = "text/plain; charset=utf-8", example = "# Renamed posts: old page, new page, status.\n/blog/massage-for-back-pain /blog/is-massage-therapy-worth-it-for-back-pain 301\n"),
        )),
        responses::ReadResponses,
        (status = 503, response = responses::Unavailable),
    )
)]
pub async fn list_redirects(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let (format, page) = parse(req.query_string())?;
    let viewer = Viewer::for_request(&req, &caller);
    let configured = crate::seo::configured_url(&req);
    let (redirects, more) = db::run(&pool, move |conn| {
        let website = crate::site::query::find(conn)?.map(|site| site.website_url).unwrap_or_default();
        Ok(load(conn, &viewer, &crate::seo::base(configured.as_deref(), &website), page)?)
    })
    .await?;
    let next = more.then(|| match format {
        Format::Json => format!("/v1/redirects?page={}", page + 1),
        Format::Netlify => format!("/v1/redirects?format=netlify&page={}", page + 1),
    });
    let link = next.as_ref().map(|next| format!("<{next}>; rel=\"next\""));
    if format == Format::Json {
        return respond::json_for(
            &req,
            &caller,
            &RedirectList { data: redirects, links: RedirectLinks { next } },
            link,
        );
    }
    let mut response =
        crate::seo::bytes_response_for(&req, &caller, "text/plain; charset=utf-8", netlify(&redirects).into_bytes());
    if let Some(link) = link {
        response.headers_mut().insert(header::LINK, link.parse().map_err(ApiError::internal)?);
    }
    Ok(response)
}
