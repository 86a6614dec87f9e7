use std::collections::HashMap;

use crate::db::Conn;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use serde::Serialize;
use utoipa::ToSchema;

use crate::content::Viewer;
use crate::db::{self, DbPool};
use crate::error::{responses, ApiError, FieldError};
use crate::http::list_query::{Bind, ListQuery};
use crate::http::params;
use crate::http::prepared::Prepared;
use crate::http::respond::{self, Data};
use crate::posts::model::PostSummary;
use crate::posts::query as posts_query;
use crate::schema::posts;
use crate::tokens::Caller;

pub const DEFAULT_LIMIT: i64 = 5;
pub const MAX_LIMIT: i64 = 20;
/// A shared tag counts this much; a shared condition category counts 1.
const TAG_WEIGHT: i64 = 2;

/// A post related to another, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelatedPost {
    /// 2 for each shared tag plus 1 for each shared condition category; higher is closer.
    #[schema(example = 5)]
    pub score: i64,
    /// Slugs of the tags both posts have.
    pub shared_tags: Vec<String>,
    /// Slugs of the condition categories both posts discuss.
    pub shared_condition_categories: Vec<String>,
    pub post: PostSummary,
}

/// `{"data": [RelatedPost]}`
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RelatedPostList {
    pub data: Vec<RelatedPost>,
}

#[derive(QueryableByName)]
struct Shared {
    #[diesel(sql_type = Integer)]
    post_id: i32,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    slug: String,
}

fn parse_limit(query_string: &str) -> Result<i64, ApiError> {
    let mut limit = None;
    let mut errors = Vec::new();
    for (param, value) in form_urlencoded::parse(query_string.as_bytes()) {
        match param.as_ref() {
            "" if value.is_empty() => {}
            "limit" if limit.is_some() => errors.push(FieldError::new("limit", "is given more than once")),
            "limit" => match params::limit("limit", &value, MAX_LIMIT) {
                Ok(n) => limit = Some(n),
                Err(error) => {
                    limit = Some(0);
                    errors.push(error)
                }
            },
            other => errors.push(params::unknown(other, "limit")),
        }
    }
    match errors.as_slice() {
        [] => Ok(limit.unwrap_or(DEFAULT_LIMIT)),
        _ => Err(ApiError::bad_params(errors)),
    }
}

/// The related posts of the visible post `slug`, best first; None when there is no such post.
pub fn related(conn: &mut Conn, slug: &str, limit: i64, viewer: &Viewer) -> QueryResult<Option<Vec<RelatedPost>>> {
    let Some(id) =
        posts_query::visible(viewer).filter(posts::slug.eq(slug)).select(posts::id).first::<i32>(conn).optional()?
    else {
        return Ok(None);
    };
    let visible: std::collections::HashSet<i32> = posts_query::visible(viewer)
        .filter(posts::id.ne(id))
        .select(posts::id)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    // What every other post shares with this one.
    let shared: Vec<Shared> = Prepared::new(
        "SELECT other.post_id AS post_id, 'tag' AS kind, t.slug AS slug
           FROM post_tags mine JOIN post_tags other ON other.tag_id = mine.tag_id AND other.post_id <> mine.post_id
           JOIN tags t ON t.id = mine.tag_id
          WHERE mine.post_id = ?
         UNION ALL
         SELECT other.post_id, 'category', cc.slug
           FROM post_condition_categories mine
           JOIN post_condition_categories other ON other.category_id = mine.category_id AND other.post_id <> mine.post_id
           JOIN condition_categories cc ON cc.id = mine.category_id
          WHERE mine.post_id = ?
          ORDER BY 1, 2, 3",
        [Bind::Int(i64::from(id)), Bind::Int(i64::from(id))],
    )
    .load(conn)?;
    let mut by_post: HashMap<i32, (Vec<String>, Vec<String>)> = HashMap::new();
    for row in shared {
        if !visible.contains(&row.post_id) {
            continue;
        }
        let entry = by_post.entry(row.post_id).or_default();
        if row.kind == "tag" {
            entry.0.push(row.slug);
        } else {
            entry.1.push(row.slug);
        }
    }
    let published: HashMap<i32, String> = posts::table
        .filter(posts::id.eq_any(by_post.keys().copied().collect::<Vec<_>>()))
        .select((posts::id, diesel::dsl::sql::<Text>("coalesce(published_at, '')")))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let mut ranked: Vec<(i64, String, i32)> = by_post
        .iter()
        .map(|(post_id, (tags, categories))| {
            let score = TAG_WEIGHT * tags.len() as i64 + categories.len() as i64;
            (score, published.get(post_id).cloned().unwrap_or_default(), *post_id)
        })
        .collect();
    // Best score first; then the newest; then the highest id.
    ranked.sort_by(|a, b| b.cmp(a));
    ranked.truncate(limit as usize);
    let ids: Vec<i32> = ranked.iter().map(|(_, _, post_id)| *post_id).collect();
    let summaries = posts_query::by_ids(conn, &ids, &ListQuery::none(), viewer)?;
    Ok(Some(
        ranked
            .into_iter()
            .zip(summaries)
            .map(|((score, _, post_id), post)| {
                let (shared_tags, shared_condition_categories) = by_post.remove(&post_id).unwrap_or_default();
                RelatedPost { score, shared_tags, shared_condition_categories, post }
            })
            .collect(),
    ))
}

/// List related posts
///
/// Other published posts ranked by what they share with this one: 2 points for each shared tag,
/// 1 for each shared condition category; ties go to the newest. Posts that share nothing are
/// left out. For a post's own FAQ entries and conditions in one call, use
/// `GET /v1/posts/{slug}?include=faqs,conditions`.
#[utoipa::path(
    get,
    path = "/v1/posts/{slug}/related",
    tag = "posts",
    operation_id = "listRelatedPosts",
    params(
        ("slug" = String, Path, description = "The post's slug.", example = "is-massage-therapy-worth-it-for-back-pain"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 20, description = "At most this many posts (1 to 20, default 5).", example = 5),
    ),
    responses(
        (status = 200, description = "The related posts, best first", body = RelatedPostList),
        responses::ReadResponses,
        (status = 404, response = responses::NotFound),
    )
)]
pub async fn get_related_posts(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let limit = parse_limit(req.query_string())?;
    let slug = slug.into_inner();
    let viewer = Viewer::for_request(&req, &caller);
    let lookup = slug.clone();
    let found = db::run(&pool, move |conn| Ok(related(conn, &lookup, limit, &viewer)?)).await?;
    let data = found.ok_or_else(|| ApiError::not_found("post", &slug))?;
    respond::json_for(&req, &caller, &Data { data }, None)
}
