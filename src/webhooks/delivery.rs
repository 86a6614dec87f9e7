//! Sending one delivery: Standard Webhooks signing, the address check against what the host
//! resolves to right now, and an HTTP client with timeouts that never follows redirects.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

use super::query::Due;
use super::{target, WebhookSettings};
use crate::crypto::hmac_sha256;

/// What one attempt came to.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub delivered: bool,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub latency_ms: i32,
}

/// The client deliveries are sent with: TLS with the Mozilla root store, connect and overall
/// timeouts, no redirects (a redirect could lead to an address that was never checked).
pub fn client(timeout: Duration) -> awc::Client {
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    awc::Client::builder()
        .disable_redirects()
        .timeout(timeout)
        .connector(awc::Connector::new().rustls_0_23(Arc::new(tls)).timeout(timeout))
        .finish()
}

/// `v1,<base64 HMAC-SHA256("{id}.{timestamp}.{body}")>` keyed with the decoded secret.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| "the stored secret is not base64".to_string())?;
    let mac = hmac_sha256(&key, format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", BASE64.encode(mac)))
}

/// A new secret: `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> Result<String, String> {
    Ok(format!("whsec_{}", BASE64.encode(crate::crypto::random_bytes::<24>()?)))
}

/// POSTs the event once. Never fails: every problem is an unsuccessful attempt.
pub async fn send(client: &awc::Client, settings: &WebhookSettings, due: &Due) -> Attempt {
    let started = Instant::now();
    // The whole attempt, name lookup included, ends within the timeout (so within the lease).
    let result = actix_web::rt::time::timeout(settings.timeout, try_send(client, settings, due))
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", settings.timeout.as_secs_f32())));
    let latency_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    match result {
        Ok(status) => Attempt {
            delivered: (200..300).contains(&status),
            status_code: Some(status as i32),
            error: (!(200..300).contains(&status)).then(|| format!("the receiver answered HTTP {status}")),
            latency_ms,
        },
        Err(error) => Attempt { delivered: false, status_code: None, error: Some(error), latency_ms },
    }
}

async fn try_send(client: &awc::Client, settings: &WebhookSettings, due: &Due) -> Result<u16, String> {
    let allow_private = settings.allow_private_targets;
    let target = target::parse(&due.url, allow_private)?;
    let checked = target.clone();
    let address = actix_web::rt::task::spawn_blocking(move || target::resolve(&checked, allow_private))
        .await
        .map_err(|_| "address lookup failed".to_string())??;
    let timestamp = chrono::Utc::now().timestamp();
    let signature = signature(&due.secret, &due.public_id, timestamp, &due.payload)?;
    let response = client
        .post(target.uri.clone())
        .address(address)
        .insert_header(("content-type", "application/json"))
        .insert_header(("user-agent", concat!("clinic-content-webhooks/", env!("CARGO_PKG_VERSION"))))
        .insert_header(("webhook-id", due.public_id.as_str()))
        .insert_header(("webhook-timestamp", timestamp.to_string()))
        .insert_header(("webhook-signature", signature))
        .timeout(settings.timeout)
        .send_body(due.payload.clone())
        .await
        .map_err(|error| match error {
            awc::error::SendRequestError::Timeout => {
                format!("no answer within {} s", settings.timeout.as_secs_f32())
            }
            // In general terms only: the admin sees what was configured, never where it led.
            awc::error::SendRequestError::Connect(awc::error::ConnectError::Io(io)) => {
                format!("cannot reach the receiver: {}", io.kind())
            }
            _ => "cannot reach the receiver: the connection failed".to_string(),
        })?;
    Ok(response.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn signs_like_standard_webhooks() {
        // The example of the Standard Webhooks reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(signature(secret, id, 1614265330, body).unwrap(), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
