//! Runs a parsed list query: builds the SQL for the spec's visibility, the filters, search, the
//! order and the cursor (all input values bound, only whitelisted SQL from the specs), and returns
//! the page's ids in order with the total and the next cursor. Resources then load full items
//! by id, one query per relation for the whole page.

use crate::db::{Conn, Dialect};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text};
use serde_json::Value;

use super::cursor::{CursorKey, Position};
use super::list_query::{Bind, Dir, KeyKind, ListQuery, ListSpec, Listing, Op, Target, RELEVANCE};
use super::prepared::Prepared;
use super::{bm25, search_terms};
use crate::content::Viewer;
use crate::error::ApiError;

pub struct Page {
    pub ids: Vec<i32>,
    pub total: i64,
    pub next_cursor: Option<String>,
}

#[derive(Default)]
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn bind(&mut self, value: Bind) {
        self.text.push('?');
        self.binds.push(value);
    }

    /// SQL with a `?` for each of `binds`, in order.
    fn push_with(&mut self, text: &str, binds: &[Bind]) {
        self.text.push_str(text);
        self.binds.extend(binds.iter().cloned());
    }

    fn query(&self) -> Prepared {
        Prepared::new(&self.text, self.binds.clone())
    }
}

/// The list is filtered to one related resource that has a copy (`ListSpec::listing`): the copy,
/// the filter it stands for (by index in `query.filters`) and the resource's id.
#[derive(Clone, Copy)]
struct Listed {
    listing: Listing,
    filter: usize,
    id: i64,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// Whether the list reads a copy: it is filtered by equality to a related resource that has one,
/// and that resource exists (an unknown one takes the plain path, which finds nothing).
fn listed(conn: &mut Conn, spec: &ListSpec, query: &ListQuery) -> QueryResult<Option<Listed>> {
    let Some(listing) = spec.listing else { return Ok(None) };
    let Some(filter) = query.filters.iter().position(|f| f.spec.name == listing.filter && f.op == Op::Eq) else {
        return Ok(None);
    };
    let mut lookup = Sql::default();
    let mut parts = listing.lookup.split('?');
    lookup.push(parts.next().unwrap_or(""));
    lookup.bind(query.filters[filter].values[0].clone());
    lookup.push(parts.next().unwrap_or(""));
    let found = lookup.query().get_result::<Id>(conn).optional()?;
    Ok(found.map(|found| Listed { listing, filter, id: i64::from(found.id) }))
}

/// FROM and WHERE without the cursor: what both the page and the total select from.
/// `rank` is PostgreSQL's search rank expression (`bm25`), when the rows are ordered.
fn from_where(
    dialect: Dialect,
    rank: Option<&bm25::Rank>,
    spec: &ListSpec,
    query: &ListQuery,
    viewer: &Viewer,
    listed: Option<Listed>,
) -> Sql {
    let mut sql = Sql::default();
    // Filtered to one related resource with a copy for it: read the copy (under the table's
    // name), narrowed to that resource, instead of testing each row for membership.
    match listed {
        Some(listed) => sql.push(&format!(" FROM {} AS {}", listed.listing.table, spec.table)),
        None => sql.push(&format!(" FROM {}", spec.table)),
    }
    if let (Some(terms), Some(kind)) = (&query.search, spec.search) {
        match dialect {
            Dialect::Sqlite => {
                // bm25 with the title weighted ten times the body (kind and slug carry no text).
                sql.push(&format!(
                    " JOIN (SELECT rowid - ({code} << 40) AS id, bm25(search_index, 0.0, 0.0, 10.0, 1.0) AS rank
                            FROM search_index WHERE search_index MATCH ",
                    code = kind.0
                ));
                sql.bind(Bind::Text(terms.fts.clone()));
                // The kind's rows are a rowid range (FTS5 seeks it), where `kind = '…'` would load
                // every match's whole document to read the column.
                sql.push(&format!(
                    " AND rowid BETWEEN {} AND {}) AS fts ON fts.id = {}",
                    kind.0 << 40,
                    (kind.0 << 40) + (1 << 40) - 1,
                    spec.id
                ));
            }
            Dialect::Postgres => {
                // The rank only where the rows are ordered by it; a count needs none.
                sql.push(" JOIN (SELECT d.id AS id, ");
                match rank {
                    Some(rank) => sql.push_with(&rank.sql, &rank.binds),
                    None => sql.push("0"),
                }
                sql.push(&format!(
                    " AS rank FROM search_documents d, to_tsquery('{config}', ",
                    config = search_terms::POSTGRES_CONFIG
                ));
                sql.bind(Bind::Text(terms.tsquery.clone()));
                sql.push(&format!(
                    ") AS q(q) WHERE d.kind = {code} AND d.document @@ q.q) AS fts ON fts.id = {id}",
                    code = kind.0,
                    id = spec.id
                ));
            }
        }
    }
    sql.push(" WHERE 1 = 1");
    if let Some(listed) = listed {
        sql.push(&format!(" AND {} = ", listed.listing.column));
        sql.bind(Bind::Int(listed.id));
    }
    if !viewer.preview && !spec.public.is_empty() {
        sql.push(" AND (");
        let mut parts = spec.public.split('?');
        sql.push(parts.next().unwrap_or(""));
        for part in parts {
            sql.bind(Bind::Text(viewer.now.clone()));
            sql.push(part);
        }
        sql.push(")");
        debug_assert_eq!(spec.public.matches('?').count(), spec.public_binds);
    }
    for (i, filter) in query.filters.iter().enumerate() {
        if listed.is_some_and(|listed| listed.filter == i) {
            continue;
        }
        sql.push(" AND ");
        let (subject, negate_membership) = match filter.spec.target {
            Target::Column(column) => (column.to_string(), false),
            Target::Related { id, select } => {
                // A row with no related id (an FAQ entry without a post) is not "equal" to any.
                let negated = filter.op == Op::Ne;
                if negated {
                    sql.push(&format!("({id} IS NULL OR {id} NOT IN ({select} "));
                } else {
                    sql.push(&format!("{id} IN ({select} "));
                }
                (String::new(), negated)
            }
        };
        sql.push(&subject);
        let op = if negate_membership { Op::Eq } else { filter.op };
        if op == Op::In {
            sql.push(" IN (");
            for (i, value) in filter.values.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(value.clone());
            }
            sql.push(")");
        } else {
            sql.push(&format!(" {} ", op.sql()));
            sql.bind(filter.values[0].clone());
        }
        if matches!(filter.spec.target, Target::Related { .. }) {
            sql.push(if negate_membership { "))" } else { ")" });
        }
    }
    sql
}

/// A stable name for the list, order and filters, which a cursor must match.
fn list_identity(spec: &ListSpec, query: &ListQuery, viewer: &Viewer) -> String {
    let sort: Vec<String> = query
        .sort
        .iter()
        .map(|(key, dir)| format!("{}{}", if *dir == Dir::Desc { "-" } else { "" }, key.name))
        .collect();
    let identity = format!("{}|{}|{}|{}", spec.table, sort.join(","), query.selection, viewer.preview);
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(identity.as_bytes()))
}

fn op_for(dir: Dir) -> &'static str {
    match dir {
        Dir::Asc => ">",
        Dir::Desc => "<",
    }
}

fn key_bind(kind: KeyKind, value: &Value) -> Option<Bind> {
    match kind {
        KeyKind::Text => value.as_str().map(|s| Bind::Text(s.to_string())),
        KeyKind::Int => value.as_i64().map(Bind::Int),
        KeyKind::Float => value.as_f64().map(Bind::Float),
    }
}

/// `AND` rows after the cursor's position in the list's order.
fn after(sql: &mut Sql, spec: &ListSpec, query: &ListQuery, position: &Position) -> Result<(), ApiError> {
    let bad = || {
        ApiError::bad_param(
            "cursor",
            "does not belong to this list (its order or filters differ); start again without it",
        )
    };
    if position.keys.len() != query.sort.len() {
        return Err(bad());
    }
    let mut keys: Vec<(String, Dir, Bind)> = Vec::new();
    for ((key, dir), value) in query.sort.iter().zip(&position.keys) {
        keys.push((key.sql.to_string(), *dir, key_bind(key.kind, value).ok_or_else(bad)?));
    }
    let id_dir = query.sort.first().map_or(Dir::Asc, |(_, dir)| *dir);
    keys.push((spec.id.to_string(), id_dir, Bind::Int(position.id)));
    // A plain bound on the first key (implied by what follows) lets SQLite seek its index.
    let (first, first_dir, first_value) = &keys[0];
    sql.push(&format!(" AND {first} {}= ", op_for(*first_dir)));
    sql.bind(first_value.clone());
    sql.push(" AND (");
    if keys.iter().all(|(_, dir, _)| *dir == id_dir) {
        // One direction: a row-value comparison, which SQLite answers from an index.
        let columns: Vec<&str> = keys.iter().map(|(sql, _, _)| sql.as_str()).collect();
        sql.push(&format!("({}) {} (", columns.join(", "), op_for(id_dir)));
        for (i, (_, _, value)) in keys.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(value.clone());
        }
        sql.push(")");
    } else {
        // Mixed directions: (k1 after v1) OR (k1 = v1 AND k2 after v2) OR ...
        for i in 0..keys.len() {
            sql.push(if i == 0 { "(" } else { " OR (" });
            for (column, _, value) in &keys[..i] {
                sql.push(&format!("{column} = "));
                sql.bind(value.clone());
                sql.push(" AND ");
            }
            let (column, dir, value) = &keys[i];
            sql.push(&format!("{column} {} ", op_for(*dir)));
            sql.bind(value.clone());
            sql.push(")");
        }
    }
    sql.push(")");
    Ok(())
}

#[derive(QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Nullable<Text>)]
    t0: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    i0: Option<i64>,
    #[diesel(sql_type = Nullable<Double>)]
    f0: Option<f64>,
    #[diesel(sql_type = Nullable<Text>)]
    t1: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    i1: Option<i64>,
    #[diesel(sql_type = Nullable<Double>)]
    f1: Option<f64>,
}

impl KeyRow {
    fn key(&self, index: usize, kind: KeyKind) -> Value {
        let (t, i, f) = if index == 0 { (&self.t0, self.i0, self.f0) } else { (&self.t1, self.i1, self.f1) };
        match kind {
            KeyKind::Text => t.clone().map(Value::from).unwrap_or(Value::Null),
            KeyKind::Int => i.map(Value::from).unwrap_or(Value::Null),
            KeyKind::Float => f.map(Value::from).unwrap_or(Value::Null),
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn total(
    conn: &mut Conn,
    spec: &ListSpec,
    query: &ListQuery,
    viewer: &Viewer,
    listed: Option<Listed>,
) -> QueryResult<i64> {
    let key = format!("{}|{}|{}", spec.table, query.selection, viewer.preview);
    viewer.total(&key, || {
        let mut sql = Sql::default();
        sql.push("SELECT count(*) AS n");
        let rest = from_where(conn.dialect(), None, spec, query, viewer, listed);
        sql.push(&rest.text);
        sql.binds.extend(rest.binds);
        Ok(sql.query().get_result::<Count>(conn)?.n)
    })
}

/// One page of the list: ids in order, the total, and a cursor (signed with `key`) for the
/// page after.
pub fn page(
    conn: &mut Conn,
    spec: &ListSpec,
    query: &ListQuery,
    viewer: &Viewer,
    key: &CursorKey,
) -> Result<Page, ApiError> {
    let identity = list_identity(spec, query, viewer);
    let position = match &query.cursor {
        Some(raw) => {
            let position = key.decode(raw).ok_or_else(|| {
                ApiError::bad_param("cursor", "is not a cursor this service issued (it may have been altered)")
            })?;
            if position.list != identity {
                return Err(ApiError::bad_param(
                    "cursor",
                    "does not belong to this list (its order or filters differ); start again without it",
                ));
            }
            Some(position)
        }
        None => None,
    };

    let mut sql = Sql::default();
    sql.push(&format!("SELECT {} AS id", spec.id));
    for slot in 0..2 {
        let key = query.sort.get(slot);
        for (column, kind) in [("t", KeyKind::Text), ("i", KeyKind::Int), ("f", KeyKind::Float)] {
            // Cast to the width the row decodes (PostgreSQL hands back an INTEGER column as
            // 4 bytes, which a BigInt will not read).
            let expression = match key {
                Some((key, _)) if key.kind == kind => match kind {
                    KeyKind::Text => key.sql.to_string(),
                    KeyKind::Int => format!("CAST({} AS BIGINT)", key.sql),
                    KeyKind::Float => format!("CAST({} AS DOUBLE PRECISION)", key.sql),
                },
                _ => "NULL".to_string(),
            };
            sql.push(&format!(", {expression} AS {column}{slot}"));
        }
    }
    let listed = listed(conn, spec, query)?;
    // PostgreSQL's rank is an expression of the index's statistics: read them only when the
    // rows are ordered by it.
    let by_relevance = query.sort.iter().any(|(key, _)| key.name == RELEVANCE.name);
    let rank = match (&query.search, conn.dialect()) {
        (Some(terms), Dialect::Postgres) if by_relevance => Some(bm25::rank(conn, viewer, terms)?),
        _ => None,
    };
    let rest = from_where(conn.dialect(), rank.as_ref(), spec, query, viewer, listed);
    sql.push(&rest.text);
    sql.binds.extend(rest.binds);
    if let Some(position) = &position {
        after(&mut sql, spec, query, position)?;
    }
    sql.push(" ORDER BY ");
    for (key, dir) in &query.sort {
        sql.push(&format!("{} {}, ", key.sql, if *dir == Dir::Desc { "DESC" } else { "ASC" }));
    }
    let id_dir = query.sort.first().map_or(Dir::Asc, |(_, dir)| *dir);
    sql.push(&format!("{} {}", spec.id, if id_dir == Dir::Desc { "DESC" } else { "ASC" }));
    // One row more than the page tells whether there is a next page. The limit is written in
    // (a number we computed, not input): SQLite plans for a bound limit's value, so binding it
    // would prepare the statement a second time on every run.
    sql.push(&format!(" LIMIT {}", query.page.per_page + 1));
    if position.is_none() {
        sql.push(" OFFSET ");
        sql.bind(Bind::Int(query.page.offset()));
    }
    let mut rows: Vec<KeyRow> = sql.query().load(conn).map_err(search_error)?;
    let more = rows.len() as i64 > query.page.per_page;
    rows.truncate(query.page.per_page as usize);
    let next_cursor = match (more, rows.last()) {
        (true, Some(last)) => Some(key.encode(&Position {
            list: identity,
            keys: query.sort.iter().enumerate().map(|(i, (key, _))| last.key(i, key.kind)).collect(),
            id: i64::from(last.id),
        })),
        _ => None,
    };
    let total = total(conn, spec, query, viewer, listed).map_err(search_error)?;
    Ok(Page { ids: rows.into_iter().map(|row| row.id).collect(), total, next_cursor })
}

/// FTS5 rejects some queries our parser lets through (e.g. a prefix too short to index); that
/// is the caller's input, so a 400, not a 500.
pub fn search_error(error: diesel::result::Error) -> ApiError {
    let message = error.to_string();
    if message.contains("fts5") {
        ApiError::bad_param("q", "cannot be searched; use words, \"phrases\", prefix* and -exclusions")
    } else {
        ApiError::from(error)
    }
}
