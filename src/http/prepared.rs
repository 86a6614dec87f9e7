//! SQL text with bound values that diesel keeps prepared on its connection.
//!
//! Diesel never caches statements made with `sql_query` (their text could be anything), so
//! each run parses and plans the SQL again: for the search query, a sixth of its time. Use this
//! only for SQL whose text comes from a small, fixed set of shapes (never from input: values
//! are bound), since each distinct text stays prepared for the life of the connection. And keep
//! bound values out of comparisons SQLite would estimate from index statistics (prefix the
//! column with unary `+`): SQLite re-prepares a statement whenever such a value is bound.
//!
//! The text is written as for SQLite, with a `?` per value; each backend gets its own
//! placeholders, and its own spelling where `Dialect::adapt` says they differ.

use crate::db::{Backend, Dialect};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Double, Text, Untyped};
use diesel::QueryResult;

use super::list_query::Bind;

enum Piece {
    Sql(String),
    Value(Bind),
}

pub struct Prepared {
    pieces: Vec<Piece>,
    cache: bool,
}

impl Prepared {
    /// SQL with a `?` for each value, in order (the text has no other `?`).
    pub fn new(text: &str, values: impl IntoIterator<Item = Bind>) -> Prepared {
        let mut values = values.into_iter();
        let mut pieces = Vec::new();
        for (i, part) in text.split('?').enumerate() {
            if i > 0 {
                pieces.extend(values.next().map(Piece::Value));
            }
            pieces.push(Piece::Sql(part.to_string()));
        }
        Prepared { pieces, cache: true }
    }

    /// For text of many shapes (a list of `?` as long as the input's): not kept prepared.
    pub fn once(text: &str, values: impl IntoIterator<Item = Bind>) -> Prepared {
        Prepared { cache: false, ..Prepared::new(text, values) }
    }
}

impl QueryFragment<Backend> for Prepared {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Backend>) -> QueryResult<()> {
        if !self.cache {
            out.unsafe_to_cache_prepared();
        }
        let dialect = Dialect::of(out.backend());
        for piece in &self.pieces {
            match piece {
                Piece::Sql(text) => out.push_sql(&dialect.adapt(text)),
                Piece::Value(Bind::Text(text)) => out.push_bind_param::<Text, _>(text)?,
                Piece::Value(Bind::Int(n)) => out.push_bind_param::<BigInt, _>(n)?,
                Piece::Value(Bind::Float(f)) => out.push_bind_param::<Double, _>(f)?,
                Piece::Value(Bind::Bool(b)) => out.push_bind_param::<Bool, _>(b)?,
            }
        }
        Ok(())
    }
}

impl QueryId for Prepared {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Prepared {
    type SqlType = Untyped;
}

impl<Conn> diesel::RunQueryDsl<Conn> for Prepared {}
