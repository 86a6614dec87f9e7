//! JSON responses for public reads: serialised once, with a strong ETag over the exact bytes,
//! `If-None-Match` answered with 304, and the public caching policy.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::ApiError;
use crate::tokens::Caller;

pub const PUBLIC_CACHE_CONTROL: &str = "public, max-age=60, s-maxage=300, stale-while-revalidate=600";
/// For anything read with a token: drafts must never land in a shared cache.
pub const PRIVATE_CACHE_CONTROL: &str = "private, no-store";

/// `{"data": ...}`.
#[derive(Serialize)]
pub struct Data<T> {
    pub data: T,
}

pub fn etag_for(bytes: &[u8]) -> String {
    format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// Does `If-None-Match` name this ETag (or `*`)? Weak comparison, as RFC 9110 asks for GET.
fn matches_if_none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .any(|value| lists_entity(value, etag))
}

/// The ETag of the content in a given encoding: `"hash-br"` for brotli, `"hash-gz"` for gzip,
/// so every representation has its own strong validator.
pub fn encoded_etag(etag: &str, suffix: &str) -> String {
    match etag.strip_suffix('"') {
        Some(open) => format!("{open}-{suffix}\""),
        None => etag.to_string(),
    }
}

/// The entity an ETag names, whatever its encoding or weakness.
fn entity(etag: &str) -> &str {
    let etag = etag.trim().trim_start_matches("W/");
    etag.strip_suffix("-br\"")
        .or_else(|| etag.strip_suffix("-gz\""))
        .unwrap_or(etag.trim_end_matches('"'))
        .trim_start_matches('"')
}

/// Does an `If-None-Match`/`If-Match` list name this content (in any encoding), or `*`?
pub fn lists_entity(list: &str, etag: &str) -> bool {
    list.split(',').map(str::trim).any(|candidate| candidate == "*" || entity(candidate) == entity(etag))
}

/// Serialises `body` and answers 200 with it, or 304 when the client already has these bytes;
/// public caching for anonymous readers, none for token holders.
pub fn json_for<T: Serialize>(
    req: &HttpRequest,
    caller: &Caller,
    body: &T,
    link_header: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    bytes_with(req, bytes, link_header, cache_control_for(caller), StatusCode::OK)
}

fn cache_control_for(caller: &Caller) -> &'static str {
    if caller.token.is_some() {
        PRIVATE_CACHE_CONTROL
    } else {
        PUBLIC_CACHE_CONTROL
    }
}

/// A JSON-LD document written so it is safe inside `<script type="application/ld+json">`:
/// `<`, `>`, `&`, U+2028 and U+2029 are `\uXXXX` escapes (the same JSON to a parser), so a title
/// such as `</script><script>...` cannot end the element. It serialises as it was written,
/// also inside a larger JSON answer (`include=jsonld`).
#[derive(Debug, Clone)]
pub struct ScriptSafe(Box<RawValue>);

impl ScriptSafe {
    pub fn new(document: &Value) -> ScriptSafe {
        let escaped = script_safe_json(document).expect("a JSON value serialises");
        let text = String::from_utf8(escaped).expect("serde_json writes UTF-8");
        ScriptSafe(RawValue::from_string(text).expect("escaping keeps JSON valid"))
    }

    pub fn as_str(&self) -> &str {
        self.0.get()
    }
}

impl Serialize for ScriptSafe {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// JSON that can go into an HTML `<script>` element as it is (JSON-LD): `<`, `>`, `&`, U+2028
/// and U+2029 are written as `\uXXXX` escapes, so no text can close the element or end a
/// JavaScript string. Any JSON parser reads the same values.
pub fn script_safe_json<T: Serialize>(body: &T) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::with_capacity(1024);
    body.serialize(&mut serde_json::Serializer::with_formatter(&mut bytes, ScriptSafeFormatter))
        .map_err(ApiError::internal)?;
    Ok(bytes)
}

/// serde_json's compact output, with the escapes of `script_safe_json` in every string.
struct ScriptSafeFormatter;

impl serde_json::ser::Formatter for ScriptSafeFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            let escape = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..at])?;
            writer.write_all(escape.as_bytes())?;
            start = at + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// The ETag a representation has when served.
pub fn etag_of<T: Serialize>(body: &T) -> Result<String, ApiError> {
    Ok(etag_for(&serde_json::to_vec(body).map_err(ApiError::internal)?))
}

pub fn json_with<T: Serialize>(
    req: &HttpRequest,
    body: &T,
    link_header: Option<String>,
    cache_control: &str,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    bytes_with(req, serde_json::to_vec(body).map_err(ApiError::internal)?, link_header, cache_control, status)
}

/// Answers with JSON already serialised: its ETag, 304 on a matching `If-None-Match`.
fn bytes_with(
    req: &HttpRequest,
    bytes: Vec<u8>,
    link_header: Option<String>,
    cache_control: &str,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let etag = etag_for(&bytes);
    let not_modified = status == StatusCode::OK && matches_if_none_match(req, &etag);
    let mut response = if not_modified {
        HttpResponse::build(StatusCode::NOT_MODIFIED)
    } else {
        let mut ok = HttpResponse::build(status);
        ok.insert_header((header::CONTENT_TYPE, "application/json"));
        ok
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((header::VARY, "Authorization"));
    if let Some(link) = link_header.and_then(|link| HeaderValue::from_str(&link).ok()) {
        response.insert_header((header::LINK, link));
    }
    if not_modified {
        return Ok(response.finish());
    }
    Ok(response.body(bytes))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn script_safe_json_escapes_what_could_end_a_script_element_and_parses_the_same() {
        let value = json!({"</script>": "<b>&\u{2028}\u{2029}</b> \\\" é", "n": [1, null]});
        let bytes = super::script_safe_json(&value).unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        assert_eq!(
            text,
            r#"{"\u003c/script\u003e":"\u003cb\u003e\u0026\u2028\u2029\u003c/b\u003e \\\" é","n":[1,null]}"#
        );
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(), value);
    }
}
