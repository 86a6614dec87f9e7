//! Opaque, tamper-evident paging cursors: the sort-key values and id of the last item on a
//! page, bound to the list's order and filters, signed with HMAC-SHA256 under a key the
//! database keeps (so every instance on one database accepts every cursor). Each application
//! loads its database's key; nothing is shared through the process.

use crate::db::Conn;
use actix_web::web::Data;
use base64::Engine;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::crypto::{hmac_sha256, random_bytes};
use crate::error::ApiError;
use crate::schema::service_secrets;

const SIGNATURE_BYTES: usize = 16;
const KEY_NAME: &str = "cursor_key";

/// The key an application signs and checks cursors with.
pub struct CursorKey([u8; 32]);

impl CursorKey {
    /// The database's key, created on first use. Several instances may start at once: each
    /// tries to insert a new key, a unique violation means another one's is there, and every
    /// instance then uses the stored key. (No upsert: plain SQL on every backend.)
    pub fn load_or_create(conn: &mut Conn) -> Result<CursorKey, String> {
        let candidate = random_bytes::<32>()?.to_vec();
        let inserted = diesel::insert_into(service_secrets::table)
            .values((service_secrets::name.eq(KEY_NAME), service_secrets::value.eq(&candidate)))
            .execute(conn);
        match inserted {
            Ok(_) | Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {}
            Err(error) => return Err(format!("cannot store the cursor key: {error}")),
        }
        let stored: Vec<u8> = service_secrets::table
            .filter(service_secrets::name.eq(KEY_NAME))
            .select(service_secrets::value)
            .first(conn)
            .map_err(|error| format!("cannot read the cursor key: {error}"))?;
        let key: [u8; 32] =
            stored.try_into().map_err(|_| "the stored cursor key is not 32 bytes (service_secrets.cursor_key)")?;
        Ok(CursorKey(key))
    }

    /// The application's key, from a request.
    pub fn of(req: &actix_web::HttpRequest) -> Result<Data<CursorKey>, ApiError> {
        req.app_data::<Data<CursorKey>>().cloned().ok_or_else(|| ApiError::internal("no cursor key in the app"))
    }

    pub fn encode(&self, position: &Position) -> String {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = serde_json::to_vec(position).expect("a cursor serialises");
        let signature = &hmac_sha256(&self.0, &payload)[..SIGNATURE_BYTES];
        format!("{}.{}", engine.encode(&payload), engine.encode(signature))
    }

    /// The position in a cursor, if the cursor is intact.
    pub fn decode(&self, cursor: &str) -> Option<Position> {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let (payload, signature) = cursor.split_once('.')?;
        let payload = engine.decode(payload).ok()?;
        let signature = engine.decode(signature).ok()?;
        let expected = &hmac_sha256(&self.0, &payload)[..SIGNATURE_BYTES];
        if !crate::tokens::model::constant_time_eq(&signature, expected) {
            return None;
        }
        serde_json::from_slice(&payload).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// A hash of the list, order and filters the cursor belongs to.
    #[serde(rename = "l")]
    pub list: String,
    /// The last item's sort-key values.
    #[serde(rename = "k")]
    pub keys: Vec<Value>,
    /// The last item's id.
    #[serde(rename = "i")]
    pub id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_tampering() {
        let key = CursorKey([7; 32]);
        let position = Position { list: "abc".into(), keys: vec![Value::from("2026-04-25T16:00:00Z")], id: 42 };
        let cursor = key.encode(&position);
        assert_eq!(key.decode(&cursor), Some(position.clone()));
        assert_eq!(CursorKey([8; 32]).decode(&cursor), None, "another database's key");
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let forged_payload = engine.encode(serde_json::to_vec(&Position { id: 41, ..position }).unwrap());
        let signature = cursor.split_once('.').unwrap().1;
        assert_eq!(key.decode(&format!("{forged_payload}.{signature}")), None);
        assert_eq!(key.decode("not-a-cursor"), None);
        assert_eq!(key.decode(""), None);
    }
}
