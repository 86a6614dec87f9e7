//! The published posts as RSS 2.0, Atom, JSON Feed 1.1 and a sitemap.

use crate::db::Conn;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::xml::{element, escape};
use crate::content::Viewer;
use crate::posts::model::PostRow;
use crate::posts::{body, query as posts_query};
use crate::schema::posts;
use crate::site::model::Site;
use crate::tags::query as tags;

/// Posts in a feed: the newest this many.
pub const FEED_SIZE: i64 = 50;
/// URLs in one sitemap file, and files in one sitemap index, as the protocol allows.
pub const SITEMAP_SIZE: i64 = 50_000;

/// A published post as feeds show it.
pub struct FeedPost {
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub url: String,
    pub published_at: String,
    pub updated_at: String,
    pub tags: Vec<String>,
    /// The body as HTML (feeds only; empty for the sitemap).
    pub html: String,
}

/// What a feed shows of each post beyond its URL, title, excerpt and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Nothing more (the sitemap, which may list 50,000 posts).
    Links,
    /// Tag names (RSS categories).
    Tags,
    /// Tag names and the body as HTML (Atom, JSON Feed).
    Bodies,
}

/// The public posts, newest first, from `offset`, at most `limit`, with what `detail` asks.
pub fn load(conn: &mut Conn, base: &str, limit: i64, offset: i64, detail: Detail) -> QueryResult<Vec<FeedPost>> {
    let viewer = Viewer::public();
    let rows: Vec<PostRow> = posts_query::visible(&viewer)
        .order((posts::published_at.desc(), posts::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(PostRow::as_select())
        .load(conn)?;
    let mut tag_refs = match detail {
        Detail::Links => Default::default(),
        Detail::Tags | Detail::Bodies => {
            tags::refs_for_posts(conn, &rows.iter().map(|row| row.id).collect::<Vec<_>>())?
        }
    };
    rows.into_iter()
        .map(|row| {
            let html = match detail {
                Detail::Bodies => body::assemble(&posts_query::sections(conn, row.id)?).html,
                Detail::Links | Detail::Tags => String::new(),
            };
            let content = row.content;
            Ok(FeedPost {
                url: super::post_url(base, &content.slug, content.canonical_url.as_deref()),
                tags: tag_refs.remove(&row.id).unwrap_or_default().into_iter().map(|tag| tag.name).collect(),
                published_at: content.published_at.unwrap_or_else(|| row.updated_at.clone()),
                slug: content.slug,
                title: content.title,
                excerpt: content.excerpt,
                updated_at: row.updated_at,
                html,
            })
        })
        .collect()
}

/// How many posts are public.
pub fn public_count(conn: &mut Conn) -> QueryResult<i64> {
    posts_query::visible(&Viewer::public()).count().get_result(conn)
}

/// The newest change in each sitemap file of `size` URLs, in the files' order.
pub fn sitemap_files(conn: &mut Conn, size: i64) -> QueryResult<Vec<String>> {
    let times: Vec<String> = posts_query::visible(&Viewer::public())
        .order((posts::published_at.desc(), posts::id.desc()))
        .select(posts::updated_at)
        .load(conn)?;
    Ok(times.chunks(size.max(1) as usize).map(|file| file.iter().max().cloned().unwrap_or_default()).collect())
}

fn rfc2822(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map(|time| time.to_rfc2822()).unwrap_or_default()
}

/// The newest change among the posts, or the site's when there are none.
fn updated(posts: &[FeedPost], site: &Site) -> String {
    posts.iter().map(|post| post.updated_at.as_str()).max().unwrap_or(&site.updated_at).to_string()
}

pub fn rss(site: &Site, base: &str, self_url: &str, posts: &[FeedPost]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n",
    );
    element(&mut out, "title", &site.name);
    element(&mut out, "link", &format!("{base}/blog"));
    element(&mut out, "description", &site.description);
    element(&mut out, "language", "en");
    element(&mut out, "lastBuildDate", &rfc2822(&updated(posts, site)));
    out.push_str(&format!("\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n", escape(self_url)));
    for post in posts {
        out.push_str("<item>");
        element(&mut out, "title", &post.title);
        element(&mut out, "link", &post.url);
        out.push_str(&format!("<guid isPermaLink=\"true\">{}</guid>", escape(&post.url)));
        element(&mut out, "description", &post.excerpt);
        element(&mut out, "pubDate", &rfc2822(&post.published_at));
        for tag in &post.tags {
            element(&mut out, "category", tag);
        }
        out.push_str("</item>\n");
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

pub fn atom(site: &Site, base: &str, self_url: &str, posts: &[FeedPost]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    element(&mut out, "id", &format!("{base}/blog"));
    element(&mut out, "title", &site.name);
    element(&mut out, "subtitle", &site.description);
    element(&mut out, "updated", &updated(posts, site));
    out.push_str(&format!("\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", escape(self_url)));
    out.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&format!("{base}/blog"))
    ));
    out.push_str("<author>");
    element(&mut out, "name", &site.name);
    element(&mut out, "uri", base);
    out.push_str("</author>\n");
    for post in posts {
        out.push_str("<entry>");
        element(&mut out, "id", &post.url);
        element(&mut out, "title", &post.title);
        out.push_str(&format!("<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape(&post.url)));
        element(&mut out, "published", &post.published_at);
        element(&mut out, "updated", &post.updated_at);
        element(&mut out, "summary", &post.excerpt);
        out.push_str(&format!("<content type=\"html\">{}</content>", escape(&post.html)));
        for tag in &post.tags {
            out.push_str(&format!("<category term=\"{}\"/>", escape(tag)));
        }
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

pub fn sitemap(posts: &[FeedPost]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for post in posts {
        out.push_str("<url>");
        element(&mut out, "loc", &post.url);
        element(&mut out, "lastmod", &post.updated_at);
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// A sitemap index: file `n` (from 1) is `{index_url}?page=n`, with its newest change.
pub fn sitemap_index(index_url: &str, files: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, lastmod) in files.iter().enumerate() {
        out.push_str("<sitemap>");
        element(&mut out, "loc", &format!("{index_url}?page={}", n + 1));
        element(&mut out, "lastmod", lastmod);
        out.push_str("</sitemap>\n");
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// A JSON Feed 1.1 document (https://www.jsonfeed.org/version/1.1/).
#[derive(Debug, Serialize, ToSchema)]
pub struct JsonFeed {
    #[schema(example = "https://jsonfeed.org/version/1.1")]
    pub version: String,
    #[schema(example = "Easy Cozy Wellness")]
    pub title: String,
    #[schema(example = "https://easycozy.ca/blog")]
    pub home_page_url: String,
    /// This feed's own URL.
    pub feed_url: String,
    pub description: String,
    #[schema(example = "en")]
    pub language: String,
    pub authors: Vec<JsonFeedAuthor>,
    /// The newest published posts first (at most 50).
    pub items: Vec<JsonFeedItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JsonFeedAuthor {
    #[schema(example = "Easy Cozy Wellness")]
    pub name: String,
    #[schema(example = "https://easycozy.ca")]
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JsonFeedItem {
    /// The post's public URL, which never changes for the post.
    pub id: String,
    #[schema(example = "https://easycozy.ca/blog/is-massage-therapy-worth-it-for-back-pain")]
    pub url: String,
    pub title: String,
    pub summary: String,
    /// The body as sanitised HTML.
    pub content_html: String,
    #[schema(example = "2026-04-25T16:00:00Z")]
    pub date_published: String,
    pub date_modified: String,
    /// Tag names.
    pub tags: Vec<String>,
}

pub fn json_feed(site: &Site, base: &str, self_url: &str, posts: Vec<FeedPost>) -> JsonFeed {
    JsonFeed {
        version: "https://jsonfeed.org/version/1.1".into(),
        title: site.name.clone(),
        home_page_url: format!("{base}/blog"),
        feed_url: self_url.to_string(),
        description: site.description.clone(),
        language: "en".into(),
        authors: vec![JsonFeedAuthor { name: site.name.clone(), url: base.to_string() }],
        items: posts
            .into_iter()
            .map(|post| JsonFeedItem {
                id: post.url.clone(),
                url: post.url,
                title: post.title,
                summary: post.excerpt,
                content_html: post.html,
                date_published: post.published_at,
                date_modified: post.updated_at,
                tags: post.tags,
            })
            .collect(),
    }
}
