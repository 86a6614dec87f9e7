//! Database access for tokens.

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{constant_time_eq, hash, lookup_of, NewToken, Scope, TokenInfo};
use crate::schema::api_tokens;

/// Creates a token and returns its plaintext (shown once) and its row.
pub fn create(conn: &mut Conn, name: &str, scope: Scope, now: &str) -> Result<(String, TokenInfo), String> {
    let new = NewToken::generate()?;
    let info = diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::name.eq(name),
            api_tokens::scope.eq(scope.as_str()),
            api_tokens::lookup.eq(&new.lookup),
            api_tokens::token_hash.eq(new.hash.as_slice()),
            api_tokens::created_at.eq(now),
        ))
        .returning(api_tokens::id)
        .get_result::<i32>(conn)
        .and_then(|id| api_tokens::table.find(id).select(TokenInfo::as_select()).first(conn))
        .map_err(|error| format!("cannot store the token: {error}"))?;
    Ok((new.token, info))
}

pub fn list(conn: &mut Conn) -> QueryResult<Vec<TokenInfo>> {
    api_tokens::table.order(api_tokens::id).select(TokenInfo::as_select()).load(conn)
}

/// Revokes the token with this id or name; returns how many were revoked.
pub fn revoke(conn: &mut Conn, id_or_name: &str, now: &str) -> QueryResult<usize> {
    let target = api_tokens::table.filter(api_tokens::revoked_at.is_null());
    match id_or_name.parse::<i32>() {
        Ok(id) => {
            diesel::update(target.filter(api_tokens::id.eq(id))).set(api_tokens::revoked_at.eq(now)).execute(conn)
        }
        Err(_) => diesel::update(target.filter(api_tokens::name.eq(id_or_name)))
            .set(api_tokens::revoked_at.eq(now))
            .execute(conn),
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct StoredToken {
    id: i32,
    name: String,
    scope: String,
    token_hash: Vec<u8>,
    revoked_at: Option<String>,
    last_used_at: Option<String>,
}

/// What a presented token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// `record_use`: its last recorded use is over a minute old (see `record_use`).
    Valid {
        id: i32,
        name: String,
        scope: Scope,
        record_use: bool,
    },
    Invalid,
    Revoked,
}

/// Finds the token by its lookup prefix and compares hashes in constant time. Only reads.
pub fn verify(conn: &mut Conn, token: &str, now: &str) -> QueryResult<Verified> {
    let Some(lookup) = lookup_of(token) else {
        return Ok(Verified::Invalid);
    };
    let row: Option<StoredToken> = api_tokens::table
        .filter(api_tokens::lookup.eq(lookup))
        .select(StoredToken::as_select())
        .first(conn)
        .optional()?;
    let Some(StoredToken { id, name, scope, token_hash: stored, revoked_at, last_used_at }) = row else {
        return Ok(Verified::Invalid);
    };
    if !constant_time_eq(&hash(token), &stored) {
        return Ok(Verified::Invalid);
    }
    if revoked_at.is_some() {
        return Ok(Verified::Revoked);
    }
    // Use is recorded at most once a minute, so reads with a token do not each write.
    let record_use = last_used_at.is_none_or(|last| last.as_str() < minute_ago(now).as_str());
    match Scope::parse(&scope) {
        Some(scope) => Ok(Verified::Valid { id, name, scope, record_use }),
        None => Ok(Verified::Invalid),
    }
}

/// Records that the token was used at `now`.
pub fn record_use(conn: &mut Conn, id: i32, now: &str) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id)).set(api_tokens::last_used_at.eq(now)).execute(conn)
}

fn minute_ago(now: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(now)
        .map(|time| crate::clock::format(time.with_timezone(&chrono::Utc) - chrono::Duration::seconds(60)))
        .unwrap_or_default()
}
