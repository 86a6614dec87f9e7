use base64::Engine;
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::schema::api_tokens;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read drafts, scheduled and archived content through the read endpoints.
    Preview,
    /// Create, update and delete content (and preview).
    Write,
    /// Everything, including operating the service.
    Admin,
}

impl Scope {
    pub const NAMES: &'static [&'static str] = &["preview", "write", "admin"];

    pub fn parse(name: &str) -> Option<Scope> {
        match name {
            "preview" => Some(Scope::Preview),
            "write" => Some(Scope::Write),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Preview => "preview",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }
}

/// A token as listed (never with its secret or hash).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_tokens)]
pub struct TokenInfo {
    pub id: i32,
    pub name: String,
    pub scope: String,
    pub lookup: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A newly generated token: the secret is shown once; only the hash is stored.
pub struct NewToken {
    pub token: String,
    pub lookup: String,
    pub hash: [u8; 32],
}

const PREFIX: &str = "cc_";
const LOOKUP_LEN: usize = 12;

impl NewToken {
    /// `cc_` + a 12-character lookup + `_` + 256 random bits, all base64url.
    pub fn generate() -> Result<NewToken, String> {
        let mut random = [0u8; 9 + 32];
        getrandom::fill(&mut random).map_err(|error| format!("no randomness available: {error}"))?;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let lookup = engine.encode(&random[..9]);
        let token = format!("{PREFIX}{lookup}_{}", engine.encode(&random[9..]));
        Ok(NewToken { hash: hash(&token), token, lookup })
    }
}

pub fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The lookup part of a well-formed token.
pub fn lookup_of(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(PREFIX)?;
    let lookup = rest.get(..LOOKUP_LEN)?;
    (rest.as_bytes().get(LOOKUP_LEN) == Some(&b'_') && rest.len() > LOOKUP_LEN + 1).then_some(lookup)
}

/// Compares two hashes in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_parse_and_differ() {
        let a = NewToken::generate().unwrap();
        let b = NewToken::generate().unwrap();
        assert_ne!(a.token, b.token);
        assert_eq!(lookup_of(&a.token), Some(a.lookup.as_str()));
        assert_eq!(a.token.len(), 3 + 12 + 1 + 43);
        assert!(constant_time_eq(&hash(&a.token), &a.hash));
        assert!(!constant_time_eq(&hash(&b.token), &a.hash));
    }

    #[test]
    fn malformed_tokens_have_no_lookup() {
        for bad in ["", "cc_", "cc_short", "xx_aaaaaaaaaaaa_secret", "cc_aaaaaaaaaaaa", "cc_aaaaaaaaaaaa_"] {
            assert_eq!(lookup_of(bad), None, "{bad}");
        }
    }
}
