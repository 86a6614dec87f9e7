//! bm25 on PostgreSQL, computed as SQLite's FTS5 computes it (`bm25(search_index, 0, 0, 10, 1)`),
//! so both backends rank alike: for each term i of the query (every quoted phrase, word or
//! prefix that is not excluded),
//!
//!   idf(i) · f(i) · (k1 + 1) / (f(i) + k1 · (1 − b + b · words / average words)),  k1 = 1.2, b = 0.75
//!
//! written as idf(i) · (k1 + 1) · (1 − K / (f(i) + K)) with K = k1 · (1 − b + b · words / average
//! words), so f(i) (a `ts_rank_cd` call, which reads the whole `tsvector`) is computed once;
//! summed and negated (lower is better); f(i) = 10 × the term's hits in the title + its hits in
//! the body, which `ts_rank_cd` with weights A = 1, B = 0.1 and no normalisation gives (÷ 10):
//! for a single term it is the sum of its occurrences' weights. idf(i) = ln((N − n + 0.5) /
//! (n + 0.5)) (at least 1e-6) over the whole index, N documents of which n have the term;
//! N and the word total are `search_totals`, kept by every write.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::list_query::Bind;
use super::prepared::Prepared;
use super::search_terms::{SearchTerms, POSTGRES_CONFIG};
use crate::content::Viewer;
use crate::db::Conn;

#[derive(QueryableByName)]
struct Totals {
    #[diesel(sql_type = BigInt)]
    documents: i64,
    #[diesel(sql_type = BigInt)]
    words: i64,
}

#[derive(QueryableByName)]
struct Having {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The rank of the search document `d` as SQL, with a `?` for each of its values, in order.
pub struct Rank {
    pub sql: String,
    pub binds: Vec<Bind>,
}

/// The rank expression for `terms`. The document counts per term are remembered (with the
/// viewer's other totals) until the content changes.
pub fn rank(conn: &mut Conn, viewer: &Viewer, terms: &SearchTerms) -> QueryResult<Rank> {
    let totals = diesel::sql_query("SELECT documents, words FROM search_totals").get_result::<Totals>(conn)?;
    let documents = totals.documents.max(1) as f64;
    let average_words = (totals.words as f64 / documents).max(1.0);
    let mut having = Vec::with_capacity(terms.tsquery_terms.len());
    for term in &terms.tsquery_terms {
        having.push(viewer.total(&format!("bm25|{term}"), || {
            let count = format!(
                "SELECT count(*) AS n FROM search_documents WHERE document @@ to_tsquery('{POSTGRES_CONFIG}', ?)"
            );
            Ok(Prepared::new(&count, [Bind::Text(term.clone())]).get_result::<Having>(conn)?.n)
        })?);
    }
    // The term's tsquery as a subquery, which PostgreSQL computes once per statement (called
    // in place, a prepared statement's generic plan would parse and stem it again for every row).
    let hits = format!(
        "(10 * CAST(ts_rank_cd('{{0, 0, 0.1, 1}}', d.document, (SELECT to_tsquery('{POSTGRES_CONFIG}', ?)), 0) AS DOUBLE PRECISION))"
    );
    let mut sql = String::from("CAST(-(0");
    let mut binds = Vec::new();
    for (term, n) in terms.tsquery_terms.iter().zip(having) {
        let idf = ((documents - n as f64 + 0.5) / (n as f64 + 0.5)).ln();
        let k = "(1.2 * (0.25 + 0.75 * CAST(d.words AS DOUBLE PRECISION) / ?))";
        sql.push_str(&format!(" + ? * 2.2 * (1 - {k} / ({hits} + {k}))"));
        binds.extend([
            Bind::Float(if idf <= 0.0 { 1e-6 } else { idf }),
            Bind::Float(average_words),
            Bind::Text(term.clone()),
            Bind::Float(average_words),
        ]);
    }
    sql.push_str(") AS DOUBLE PRECISION)");
    Ok(Rank { sql, binds })
}
