//! Writes to the search index: one document per resource (its title and body), built from
//! the resource's tables by the same SQL on both backends. On SQLite the index is FTS5, a row
//! at rowid `kind × 2^40 + id`; on PostgreSQL it is `search_documents`, keyed by (kind, id),
//! with a weighted `tsvector` under a GIN index (see `documents`).

use crate::db::{Conn, Dialect};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

use super::documents;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Post = 1,
    Faq = 2,
    Condition = 3,
    Guidance = 4,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Post => "post",
            Kind::Faq => "faq",
            Kind::Condition => "condition",
            Kind::Guidance => "guidance",
        }
    }

    /// What a searchable list's `ListSpec` names.
    pub const fn in_lists(self) -> crate::http::list_query::SearchKind {
        crate::http::list_query::SearchKind(self as i64)
    }

    pub const ALL: [Kind; 4] = [Kind::Post, Kind::Faq, Kind::Condition, Kind::Guidance];

    /// The table the kind's resources live in.
    pub fn table(self) -> &'static str {
        match self {
            Kind::Post => "posts",
            Kind::Faq => "faqs",
            Kind::Condition => "conditions",
            Kind::Guidance => "guidance_bands",
        }
    }

    pub fn rowid(self, id: i32) -> i64 {
        ((self as i64) << 40) + i64::from(id)
    }
}

/// How each kind's rows are built from its tables: (id, slug, title, body), narrowed by `filter`.
pub(super) fn source(dialect: Dialect, kind: Kind, filter: &str) -> String {
    match kind {
        Kind::Post => {
            let sections = match dialect {
                Dialect::Sqlite => "SELECT group_concat(coalesce(s.heading, '') || ' ' || s.body_text, ' ')
                        FROM (SELECT heading, body_text FROM post_sections WHERE post_id = p.id ORDER BY position) s",
                Dialect::Postgres => "SELECT string_agg(coalesce(s.heading, '') || ' ' || s.body_text, ' ' ORDER BY s.position)
                        FROM post_sections s WHERE s.post_id = p.id",
            };
            format!(
                "SELECT p.id AS id, p.slug AS slug, p.title AS title,
                        p.excerpt || ' ' || coalesce(({sections}), '') AS body
                 FROM posts p {filter}"
            )
        }
        Kind::Faq => format!("SELECT f.id AS id, f.slug AS slug, f.question AS title, f.answer_text AS body FROM faqs f {filter}"),
        Kind::Condition => format!(
            "SELECT c.id AS id, c.slug AS slug, c.name AS title,
                    c.summary || ' ' || coalesce(c.caveat, '') || ' ' || cc.name AS body
             FROM conditions c JOIN condition_categories cc ON cc.id = c.category_id {filter}"
        ),
        Kind::Guidance => format!(
            "SELECT g.id AS id, g.slug AS slug, g.name AS title, g.duration_label || ' ' || g.notes AS body FROM guidance_bands g {filter}"
        ),
    }
}

fn insert_from(kind: Kind, filter: &str) -> String {
    format!(
        "INSERT INTO search_index (rowid, kind, slug, title, body)
         SELECT ({code} << 40) + src.id, '{name}', src.slug, src.title, src.body FROM ({source}) AS src",
        code = kind as i64,
        name = kind.name(),
        source = source(Dialect::Sqlite, kind, filter)
    )
}

pub(super) fn alias(kind: Kind) -> &'static str {
    match kind {
        Kind::Post => "p",
        Kind::Faq => "f",
        Kind::Condition => "c",
        Kind::Guidance => "g",
    }
}

/// Brings the resource's index row up to date (removing it if the resource is gone).
pub fn reindex(conn: &mut Conn, kind: Kind, id: i32) -> QueryResult<()> {
    remove(conn, kind, id)?;
    add_range(conn, kind, id, id)
}

pub fn remove(conn: &mut Conn, kind: Kind, id: i32) -> QueryResult<()> {
    match conn.dialect() {
        Dialect::Sqlite => {
            diesel::sql_query("DELETE FROM search_index WHERE rowid = ?")
                .bind::<BigInt, _>(kind.rowid(id))
                .execute(conn)?;
        }
        Dialect::Postgres => documents::remove(conn, kind, id)?,
    }
    Ok(())
}

/// Adds the rows of the resources of one kind with ids `first..=last` (new rows of a bulk load).
pub fn add_range(conn: &mut Conn, kind: Kind, first: i32, last: i32) -> QueryResult<()> {
    match conn.dialect() {
        Dialect::Sqlite => {
            let filter = format!("WHERE {alias}.id BETWEEN ? AND ?", alias = alias(kind));
            diesel::sql_query(insert_from(kind, &filter))
                .bind::<Integer, _>(first)
                .bind::<Integer, _>(last)
                .execute(conn)?;
        }
        Dialect::Postgres => documents::add_range(conn, kind, first, last)?,
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Changes {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn total_changes(conn: &mut Conn) -> QueryResult<i64> {
    Ok(diesel::sql_query("SELECT total_changes() AS n").get_result::<Changes>(conn)?.n)
}

/// One bounded step (about `pages` leaf pages written) of merging the index's segments into
/// one, as `optimize` does at once; true while there is more to merge. (FTS5: a negative
/// 'merge' merges every level; fewer than two changes means it found nothing left to do.)
/// PostgreSQL's GIN index merges its own pending list (nothing to do there).
pub fn merge_step(conn: &mut Conn, pages: i32) -> QueryResult<bool> {
    if conn.dialect() == Dialect::Postgres {
        return Ok(false);
    }
    let before = total_changes(conn)?;
    diesel::sql_query("INSERT INTO search_index (search_index, rank) VALUES ('merge', ?)")
        .bind::<Integer, _>(-pages.abs())
        .execute(conn)?;
    Ok(total_changes(conn)? - before >= 2)
}

/// Rebuilds the whole index (after a bulk load).
pub fn rebuild(conn: &mut Conn) -> QueryResult<()> {
    if conn.dialect() == Dialect::Postgres {
        return documents::rebuild(conn);
    }
    diesel::sql_query("DELETE FROM search_index").execute(conn)?;
    for kind in Kind::ALL {
        diesel::sql_query(insert_from(kind, "")).execute(conn)?;
    }
    // A bulk load leaves the index in dozens of segments, and every search then reads each of
    // them; merged into one, a search does a third of the work.
    diesel::sql_query("INSERT INTO search_index (search_index) VALUES ('optimize')").execute(conn)?;
    Ok(())
}

/// Builds the index when it is empty (a database from before search existed).
pub fn build_if_empty(conn: &mut Conn) -> QueryResult<()> {
    let table = match conn.dialect() {
        Dialect::Sqlite => "search_index",
        Dialect::Postgres => "search_documents",
    };
    let indexed = diesel::sql_query(format!("SELECT count(*) AS n FROM (SELECT 1 FROM {table} LIMIT 1) AS one"))
        .get_result::<Changes>(conn)?
        .n;
    if indexed == 0 {
        rebuild(conn)?;
    }
    Ok(())
}
