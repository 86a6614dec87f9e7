//! Opaque, tamper-evident paging cursors: the sort-key values and id of the last item on a
//! page, bound to the list's order and filters, signed with HMAC-SHA256 under a key the
//! database keeps (so every instance on one database accepts every cursor).

use std::sync::OnceLock;

use base64::Engine;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::crypto::{hmac_sha256, random_bytes};
use crate::schema::service_secrets;

static KEY: OnceLock<[u8; 32]> = OnceLock::new();
const SIGNATURE_BYTES: usize = 16;

/// Loads (creating on first use) the signing key from the database.
pub fn init(conn: &mut SqliteConnection) -> Result<(), String> {
    let stored: Option<Vec<u8>> = service_secrets::table
        .filter(service_secrets::name.eq("cursor_key"))
        .select(service_secrets::value)
        .first(conn)
        .optional()
        .map_err(|error| error.to_string())?;
    let key: Vec<u8> = match stored {
        Some(key) if key.len() == 32 => key,
        _ => {
            let key = random_bytes::<32>()?.to_vec();
            diesel::replace_into(service_secrets::table)
                .values((service_secrets::name.eq("cursor_key"), service_secrets::value.eq(&key)))
                .execute(conn)
                .map_err(|error| error.to_string())?;
            key
        }
    };
    let _ = KEY.set(key.try_into().expect("32 bytes"));
    Ok(())
}

fn key() -> &'static [u8; 32] {
    KEY.get_or_init(|| random_bytes::<32>().expect("randomness"))
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

pub fn encode(position: &Position) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = serde_json::to_vec(position).expect("a cursor serialises");
    let signature = &hmac_sha256(key(), &payload)[..SIGNATURE_BYTES];
    format!("{}.{}", engine.encode(&payload), engine.encode(signature))
}

/// The position in a cursor, if the cursor is intact.
pub fn decode(cursor: &str) -> Option<Position> {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (payload, signature) = cursor.split_once('.')?;
    let payload = engine.decode(payload).ok()?;
    let signature = engine.decode(signature).ok()?;
    let expected = &hmac_sha256(key(), &payload)[..SIGNATURE_BYTES];
    if !crate::tokens::model::constant_time_eq(&signature, expected) {
        return None;
    }
    serde_json::from_slice(&payload).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_tampering() {
        let position = Position { list: "abc".into(), keys: vec![Value::from("2026-04-25T16:00:00Z")], id: 42 };
        let cursor = encode(&position);
        assert_eq!(decode(&cursor), Some(position.clone()));
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let forged_payload = engine.encode(serde_json::to_vec(&Position { id: 41, ..position }).unwrap());
        let signature = cursor.split_once('.').unwrap().1;
        assert_eq!(decode(&format!("{forged_payload}.{signature}")), None);
        assert_eq!(decode("not-a-cursor"), None);
        assert_eq!(decode(""), None);
    }
}
