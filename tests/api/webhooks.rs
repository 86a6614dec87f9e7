//! Webhooks against real local receivers: signed deliveries, retries with back-off, restarts,
//! hanging receivers, drafts, scheduling, the admin API and its errors.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::Method;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, TestApp, POST_SLUG};

/// What the receiver answers.
pub const ANSWER_OK: u8 = 0;
const ANSWER_500: u8 = 1;
const ANSWER_HANG: u8 = 2;
/// Answers 204 after a second.
pub const ANSWER_SLOW: u8 = 3;

#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// A real HTTP receiver on a loopback port, recording what it is sent.
#[derive(Clone)]
pub struct Receiver {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub answer: Arc<AtomicU8>,
    /// Requests that arrived, including ones still hanging.
    pub arrived: Arc<AtomicUsize>,
    /// Every request as it arrived, whatever the answer (or whether one was sent).
    pub arrivals: Arc<Mutex<Vec<Received>>>,
    server: actix_web::dev::ServerHandle,
}

impl Receiver {
    pub fn start(port: u16) -> Receiver {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let answer = Arc::new(AtomicU8::new(ANSWER_OK));
        let arrived = Arc::new(AtomicUsize::new(0));
        let arrivals: Arc<Mutex<Vec<Received>>> = Arc::default();
        let state = (received.clone(), answer.clone(), arrived.clone(), arrivals.clone());
        let server = HttpServer::new(move || {
            let state = state.clone();
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (received, answer, arrived, arrivals) = state.clone();
                async move {
                    arrived.fetch_add(1, Ordering::SeqCst);
                    let header =
                        |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                    let event = Received {
                        id: header("webhook-id"),
                        timestamp: header("webhook-timestamp"),
                        signature: header("webhook-signature"),
                        body: String::from_utf8(body.to_vec()).unwrap(),
                    };
                    arrivals.lock().unwrap().push(event.clone());
                    match answer.load(Ordering::SeqCst) {
                        ANSWER_HANG => {
                            actix_web::rt::time::sleep(Duration::from_secs(60)).await;
                            HttpResponse::NoContent().finish()
                        }
                        ANSWER_500 => HttpResponse::InternalServerError().finish(),
                        slow_or_ok => {
                            if slow_or_ok == ANSWER_SLOW {
                                actix_web::rt::time::sleep(Duration::from_secs(1)).await;
                            }
                            received.lock().unwrap().push(event);
                            HttpResponse::NoContent().finish()
                        }
                    }
                }
            }))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", port))
        .expect("the receiver binds")
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Receiver { port, received, answer, arrived, arrivals, server: handle }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/content", self.port)
    }

    pub fn events(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn arrivals(&self) -> Vec<Received> {
        self.arrivals.lock().unwrap().clone()
    }

    /// Waits until `n` events arrived (or fails after `seconds`).
    pub async fn wait_for(&self, n: usize, seconds: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let events = self.events();
            if events.len() >= n {
                return events;
            }
            assert!(Instant::now() < deadline, "expected {n} deliveries, got {}: {events:?}", events.len());
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn stop(&self) {
        self.server.stop(false).await;
    }
}

/// A loopback port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Checks a delivery's Standard Webhooks signature with the subscription's secret, done here
/// from the spec rather than with the server's code.
pub fn verifies(event: &Received, secret: &str) -> bool {
    use sha2::{Digest, Sha256};
    let key = BASE64.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    // HMAC-SHA256 by its definition (RFC 2104), independent of the server's implementation.
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(&key);
    let signed = format!("{}.{}.{}", event.id, event.timestamp, event.body);
    let inner = Sha256::new().chain_update(block.map(|b| b ^ 0x36)).chain_update(signed.as_bytes()).finalize();
    let mac = Sha256::new().chain_update(block.map(|b| b ^ 0x5c)).chain_update(inner).finalize();
    event.signature == format!("v1,{}", BASE64.encode(mac))
}

pub async fn subscribe(app: &TestApp, admin: &str, url: &str, events: Value) -> (i64, String) {
    let created = app.write(Method::POST, "/v1/webhooks", admin, &json!({"url": url, "events": events})).await;
    assert_eq!(created.status.as_u16(), 201, "{}", String::from_utf8_lossy(&created.body));
    let data = created.json()["data"].clone();
    (data["id"].as_i64().unwrap(), data["secret"].as_str().unwrap().to_string())
}

fn draft(slug: &str) -> Value {
    json!({
        "slug": slug,
        "title": "Heat or ice for a stiff back",
        "excerpt": "When each one helps.",
        "tags": ["back-pain"],
        "sections": [{"heading": null, "markdown": "Heat relaxes tight muscles; ice calms a fresh strain."}]
    })
}

async fn deliveries(app: &TestApp, admin: &str, id: i64) -> Vec<Value> {
    let response = app.get_as(&format!("/v1/webhooks/{id}/deliveries"), admin).await;
    assert_eq!(response.status.as_u16(), 200, "{}", String::from_utf8_lossy(&response.body));
    response.json()["data"].as_array().unwrap().clone()
}

/// Waits until the newest delivery satisfies `done`.
async fn wait_for_delivery(app: &TestApp, admin: &str, id: i64, seconds: u64, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let list = deliveries(app, admin, id).await;
        if let Some(newest) = list.first().filter(|d| done(d)) {
            return newest.clone();
        }
        assert!(Instant::now() < deadline, "the delivery did not get there: {list:?}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn publishing_sends_exactly_one_signed_event_and_drafts_send_none() {
    let app = spawn_app().await;
    let (admin, write) = (app.token("admin"), app.token("write"));
    let receiver = Receiver::start(free_port());
    let (_, secret) = subscribe(&app, &admin, &receiver.url(), json!(["post.*"])).await;

    // Drafts: created, edited, deleted — the public never saw them, so nothing is sent.
    assert_eq!(app.write(Method::POST, "/v1/posts", &write, &draft("heat-or-ice")).await.status.as_u16(), 201);
    let edit = json!({"title": "Heat or ice? A short guide"});
    assert_eq!(app.write(Method::PATCH, "/v1/posts/heat-or-ice", &write, &edit).await.status.as_u16(), 200);
    assert_eq!(app.write(Method::POST, "/v1/posts", &write, &draft("throwaway")).await.status.as_u16(), 201);
    assert_eq!(app.write(Method::DELETE, "/v1/posts/throwaway", &write, &json!({})).await.status.as_u16(), 204);
    actix_web::rt::time::sleep(Duration::from_millis(700)).await;
    assert!(receiver.events().is_empty(), "drafts are never announced: {:?}", receiver.events());

    let publish = json!({"status": "published"});
    assert_eq!(app.write(Method::PATCH, "/v1/posts/heat-or-ice", &write, &publish).await.status.as_u16(), 200);
    receiver.wait_for(1, 10).await;
    actix_web::rt::time::sleep(Duration::from_millis(700)).await;
    let events = receiver.events();
    assert_eq!(events.len(), 1, "exactly one delivery: {events:?}");
    let event = &events[0];
    assert!(verifies(event, &secret), "the signature verifies: {event:?}");
    assert!(!verifies(event, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "and only with its own secret");
    let age = chrono::Utc::now().timestamp() - event.timestamp.parse::<i64>().unwrap();
    assert!((0..60).contains(&age), "the timestamp is now: {age}");
    let payload = event.json();
    assert_eq!(payload["id"], event.id.as_str());
    assert_eq!(payload["type"], "post.published");
    assert_eq!(payload["resource"]["type"], "post");
    assert_eq!(payload["resource"]["slug"], "heat-or-ice");
    assert_eq!(payload["resource"]["path"], "/v1/posts/heat-or-ice");
    assert!(payload["resource"]["url"].as_str().unwrap().ends_with("/blog/heat-or-ice"), "{payload}");
    // The data is what the public read answers.
    let public = app.get_ok("/v1/posts/heat-or-ice").await;
    assert_eq!(payload["data"], public["data"]);
    assert_eq!(payload["data"]["status"], "published");
}

#[actix_web::test]
async fn updates_unpublishing_and_deletes_are_announced_with_tombstones() {
    let app = spawn_app().await;
    let (admin, write) = (app.token("admin"), app.token("write"));
    let receiver = Receiver::start(free_port());
    let (id, _) = subscribe(&app, &admin, &receiver.url(), json!(["post.*", "faq.deleted", "guidance.*"])).await;

    let path = format!("/v1/posts/{POST_SLUG}");
    assert_eq!(app.write(Method::PATCH, &path, &write, &json!({"excerpt": "Shorter."})).await.status.as_u16(), 200);
    // A patch that changes nothing the public sees sends nothing.
    assert_eq!(app.write(Method::PATCH, &path, &write, &json!({"excerpt": "Shorter."})).await.status.as_u16(), 200);
    assert_eq!(app.write(Method::PATCH, &path, &write, &json!({"status": "archived"})).await.status.as_u16(), 200);
    assert_eq!(app.write(Method::PATCH, &path, &write, &json!({"status": "published"})).await.status.as_u16(), 200);
    // Bands replaced as a set: one event per band that changed.
    let mut changed = crate::helpers::band_inputs(&app).await;
    changed[0]["notes"] = json!("Reviewed by the clinic in November.");
    let put = app.write(Method::PUT, "/v1/guidance/bands", &write, &json!(changed)).await;
    assert_eq!(put.status.as_u16(), 200, "{}", String::from_utf8_lossy(&put.body));
    assert_eq!(app.write(Method::DELETE, &path, &write, &json!({})).await.status.as_u16(), 204);

    let events = receiver.wait_for(5, 10).await;
    let types: Vec<String> = events.iter().map(|e| e.json()["type"].as_str().unwrap().to_string()).collect();
    // In the order they happened; the post's FAQ entries went with it (cascade, no own events).
    assert_eq!(types, ["post.updated", "post.unpublished", "post.published", "guidance.updated", "post.deleted"]);
    let unpublished = events[1].json();
    assert_eq!(unpublished["data"], Value::Null);
    assert_eq!(unpublished["resource"]["slug"], POST_SLUG);
    assert_eq!(events[3].json()["resource"]["path"], format!("/v1/guidance/{}", changed[0]["slug"].as_str().unwrap()));
    let deleted = events[4].json();
    assert_eq!(deleted["data"], Value::Null, "a tombstone");
    assert_eq!(deleted["resource"]["slug"], POST_SLUG);
    let ids: std::collections::HashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), events.len(), "every event has its own id");
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.events().len(), 5);
    let list = deliveries(&app, &admin, id).await;
    assert_eq!(list.len(), 5);
    assert!(list.iter().all(|d| d["status"] == "delivered" && d["attempts"] == 1 && d["last_status_code"] == 204));
}

#[actix_web::test]
async fn a_receiver_that_is_down_gets_the_event_when_it_comes_back() {
    let app = spawn_app().await;
    let (admin, write) = (app.token("admin"), app.token("write"));
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/hooks/content");
    let (id, secret) = subscribe(&app, &admin, &url, json!(["*"])).await;
    let path = format!("/v1/posts/{POST_SLUG}");
    assert_eq!(app.write(Method::PATCH, &path, &write, &json!({"excerpt": "One."})).await.status.as_u16(), 200);
    assert_eq!(app.write(Method::PATCH, &path, &write, &json!({"excerpt": "Two."})).await.status.as_u16(), 200);

    // Nobody listens: attempts fail and back off (100 ms, 200 ms, ... in tests).
    let deadline = Instant::now() + Duration::from_secs(10);
    let first = loop {
        let list = deliveries(&app, &admin, id).await;
        let first = list.last().unwrap().clone();
        if first["attempts"].as_i64().unwrap() >= 2 {
            break first;
        }
        assert!(Instant::now() < deadline, "retried: {first}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(first["status"], "pending");
    assert!(first["last_error"].as_str().unwrap().contains("cannot reach"), "{first}");
    assert!(first["next_attempt_at"].is_string());
    // The second event waits behind the first: per-subscription order.
    let list = deliveries(&app, &admin, id).await;
    assert_eq!(list[0]["attempts"], 0, "the later event waits its turn: {list:?}");

    let receiver = Receiver::start(port);
    let events = receiver.wait_for(2, 15).await;
    assert_eq!(events[0].json()["data"]["excerpt"], "One.");
    assert_eq!(events[1].json()["data"]["excerpt"], "Two.");
    assert!(events.iter().all(|e| verifies(e, &secret)));
    let list = deliveries(&app, &admin, id).await;
    let first = list.last().unwrap();
    assert_eq!(first["status"], "delivered");
    assert!(first["attempts"].as_i64().unwrap() >= 3, "{first}");

    // A receiver answering 500 is retried too, then marked failed after the last attempt
    // (5 in tests); redeliver sends the same event again.
    receiver.answer.store(ANSWER_500, Ordering::SeqCst);
    assert_eq!(app.write(Method::PATCH, &path, &write, &json!({"excerpt": "Three."})).await.status.as_u16(), 200);
    let failed = wait_for_delivery(&app, &admin, id, 20, |d| d["status"] == "failed").await;
    assert_eq!(failed["attempts"], 5);
    assert_eq!(failed["last_status_code"], 500);
    receiver.answer.store(ANSWER_OK, Ordering::SeqCst);
    let again = app
        .send(
            Method::POST,
            &format!("/v1/webhooks/{id}/deliveries/{}/redeliver", failed["id"]),
            &[("Authorization", &format!("Bearer {admin}"))],
            None,
        )
        .await;
    assert_eq!(again.status.as_u16(), 202);
    assert_eq!(again.json()["data"]["event"]["id"], failed["event"]["id"]);
    let events = receiver.wait_for(3, 10).await;
    assert_eq!(events[2].id, failed["event"]["id"].as_str().unwrap(), "the same event id: receivers can deduplicate");
    assert_eq!(events[2].json()["data"]["excerpt"], "Three.");
    receiver.stop().await;
}

#[actix_web::test]
async fn a_hanging_receiver_does_not_slow_the_api() {
    let app = spawn_app().await;
    let (admin, write) = (app.token("admin"), app.token("write"));
    let receiver = Receiver::start(free_port());
    receiver.answer.store(ANSWER_HANG, Ordering::SeqCst);
    let (id, _) = subscribe(&app, &admin, &receiver.url(), json!(["*"])).await;
    let path = format!("/v1/posts/{POST_SLUG}");
    assert_eq!(app.write(Method::PATCH, &path, &write, &json!({"excerpt": "Hang."})).await.status.as_u16(), 200);
    let deadline = Instant::now() + Duration::from_secs(5);
    while receiver.arrived.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the delivery reached the receiver");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    // While the receiver holds the delivery open, reads and writes answer as usual.
    let started = Instant::now();
    for i in 0..10 {
        let body = json!({"excerpt": format!("Write {i}.")});
        assert_eq!(app.write(Method::PATCH, &path, &write, &body).await.status.as_u16(), 200);
        app.get_ok(&path).await;
    }
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(1500), "20 requests took {elapsed:?} while a delivery hung");
    // The hanging attempt times out (2 s in tests) and is retried.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list = deliveries(&app, &admin, id).await;
        let first = list.last().unwrap();
        if first["attempts"].as_i64().unwrap() >= 1 {
            assert!(first["last_error"].as_str().unwrap().contains("no answer within"), "{first}");
            assert!(first["last_latency_ms"].as_i64().unwrap() >= 1900, "{first}");
            break;
        }
        assert!(Instant::now() < deadline, "the attempt timed out: {first}");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn a_scheduled_post_is_announced_when_its_time_comes() {
    let app = spawn_app().await;
    let (admin, write) = (app.token("admin"), app.token("write"));
    let receiver = Receiver::start(free_port());
    subscribe(&app, &admin, &receiver.url(), json!(["post.published"])).await;
    let due = clinic_content::clock::format(chrono::Utc::now() + chrono::Duration::seconds(2));
    let mut post = draft("scheduled-soon");
    post["status"] = json!("scheduled");
    post["published_at"] = json!(due);
    assert_eq!(app.write(Method::POST, "/v1/posts", &write, &post).await.status.as_u16(), 201);
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    assert!(receiver.events().is_empty(), "not before its time");
    let events = receiver.wait_for(1, 10).await;
    let payload = events[0].json();
    assert_eq!(payload["type"], "post.published");
    assert_eq!(payload["data"]["slug"], "scheduled-soon");
    assert_eq!(app.get_ok("/v1/posts/scheduled-soon").await["data"], payload["data"]);
    actix_web::rt::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(receiver.events().len(), 1, "announced once");
}

#[actix_web::test]
async fn the_admin_api_manages_subscriptions_and_never_shows_secrets_again() {
    let app = spawn_app().await;
    let (admin, write) = (app.token("admin"), app.token("write"));
    let receiver = Receiver::start(free_port());
    let auth = format!("Bearer {admin}");

    // Scopes: anonymous 401, write 403.
    assert_problem(&app.get("/v1/webhooks").await, 401, "/v1/webhooks");
    assert_problem(&app.get_as("/v1/webhooks", &write).await, 403, "/v1/webhooks");
    let body = json!({"url": receiver.url(), "events": ["*"]});
    assert_problem(&app.write(Method::POST, "/v1/webhooks", &write, &body).await, 403, "/v1/webhooks");

    let created = app.write(Method::POST, "/v1/webhooks", &admin, &body).await;
    assert_eq!(created.status.as_u16(), 201);
    assert_eq!(created.header("location"), Some("/v1/webhooks/1"));
    assert_eq!(created.header("cache-control"), Some("private, no-store"));
    let secret = created.json()["data"]["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_") && BASE64.decode(&secret[6..]).unwrap().len() == 24);

    let listed = app.get_as("/v1/webhooks", &admin).await;
    assert_eq!(listed.status.as_u16(), 200);
    assert!(!String::from_utf8_lossy(&listed.body).contains(&secret[6..]), "no secret in lists");
    let one = app.get_as("/v1/webhooks/1", &admin).await;
    assert!(one.json()["data"].get("secret").is_none());

    // Patch: deactivate, then events are not queued for it.
    let patched = app.write(Method::PATCH, "/v1/webhooks/1", &admin, &json!({"active": false})).await;
    assert_eq!(patched.status.as_u16(), 200);
    assert_eq!(patched.json()["data"]["active"], false);
    let path = format!("/v1/posts/{POST_SLUG}");
    assert_eq!(app.write(Method::PATCH, &path, &write, &json!({"excerpt": "Quiet."})).await.status.as_u16(), 200);
    assert!(deliveries(&app, &admin, 1).await.is_empty());
    app.write(Method::PATCH, "/v1/webhooks/1", &admin, &json!({"active": true})).await;

    // Ping: delivered whatever the patterns, signed.
    let ping = app.send(Method::POST, "/v1/webhooks/1/ping", &[("Authorization", &auth)], None).await;
    assert_eq!(ping.status.as_u16(), 202);
    let events = receiver.wait_for(1, 10).await;
    assert_eq!(events[0].json()["type"], "ping");
    assert!(verifies(&events[0], &secret));
    let delivery_id = ping.json()["data"]["id"].as_i64().unwrap();
    let delivered = wait_for_delivery(&app, &admin, 1, 10, |d| d["status"] == "delivered").await;
    assert_eq!(delivered["id"], delivery_id);
    let one = app.get_as(&format!("/v1/webhooks/1/deliveries/{delivery_id}"), &admin).await;
    assert_eq!(one.json()["data"]["last_status_code"], 204);
    let filtered = app.get_as("/v1/webhooks/1/deliveries?filter[status]=failed", &admin).await;
    assert_eq!(filtered.json()["data"], json!([]));

    // Bad input: every problem at once, and SSRF-style targets are refused when not allowed.
    let bad = json!({"url": "ftp://example.com/", "events": ["post.created", "*"], "extra": 1});
    assert_problem(&app.write(Method::POST, "/v1/webhooks", &admin, &bad).await, 422, "/v1/webhooks");
    let bad = json!({"url": "ftp://example.com/", "events": ["post.created"]});
    let problem = app.write(Method::POST, "/v1/webhooks", &admin, &bad).await;
    assert_problem(&problem, 422, "/v1/webhooks");
    let fields: Vec<String> =
        problem.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().into()).collect();
    assert_eq!(fields, ["url", "events[0]"]);
    assert_problem(&app.get_as("/v1/webhooks/99", &admin).await, 404, "/v1/webhooks/99");
    assert_problem(&app.get_as("/v1/webhooks/abc", &admin).await, 400, "/v1/webhooks/abc");
    assert_problem(&app.get_as("/v1/webhooks/1/deliveries?sort=url", &admin).await, 400, "/v1/webhooks/1/deliveries");
    assert_problem(&app.get_as("/v1/webhooks/1/deliveries/999", &admin).await, 404, "/v1/webhooks/1/deliveries/999");

    let deleted = app.send(Method::DELETE, "/v1/webhooks/1", &[("Authorization", &auth)], None).await;
    assert_eq!(deleted.status.as_u16(), 204);
    assert_problem(&app.get_as("/v1/webhooks/1", &admin).await, 404, "/v1/webhooks/1");
}

#[actix_web::test]
async fn private_targets_are_refused_unless_allowed() {
    let app = crate::helpers::spawn_app_with(|config| config.webhooks.allow_private_targets = false).await;
    let admin = app.token("admin");
    for url in [
        "http://127.0.0.1:9000/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://10.0.0.5/hook",
    ] {
        let response = app.write(Method::POST, "/v1/webhooks", &admin, &json!({"url": url, "events": ["*"]})).await;
        assert_problem(&response, 422, "/v1/webhooks");
        assert_eq!(response.json()["errors"][0]["field"], "url", "{url}");
    }
    let public = json!({"url": "https://example.com/hook", "events": ["*"]});
    assert_eq!(app.write(Method::POST, "/v1/webhooks", &admin, &public).await.status.as_u16(), 201);
}

#[test]
fn a_delivery_pending_at_sigkill_is_sent_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hooks.db");
    // A delivery in flight at the kill keeps its lease until it runs out: short ones here.
    let env = [
        ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true"),
        ("WEBHOOK_RETRY_BASE_MS", "100"),
        ("WEBHOOK_TIMEOUT_SECONDS", "1"),
        ("WEBHOOK_LEASE_SECONDS", "2"),
        ("RUST_LOG", "warn"),
    ];
    let cli = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_clinic-content"))
            .args(args)
            .envs(env)
            .env("DATABASE_URL", &db)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    };
    cli(&["migrate"]);
    let token = cli(&["token", "create", "--name", "hooks", "--scope", "admin"]);
    let port = free_port();
    // Subscribed from the command line; nothing listens on the port yet.
    let secret = cli(&["webhook", "create", "--url", &format!("http://127.0.0.1:{port}/hook"), "--events", "post.*"]);
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert!(cli(&["webhook", "list"]).contains(&format!("http://127.0.0.1:{port}/hook")));

    let (mut server, address) = crate::operations::start_server_with(&db, &env);
    actix_web::rt::System::new().block_on(async {
        let response = awc::Client::default()
            .patch(format!("{address}/v1/posts/{POST_SLUG}"))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", "application/merge-patch+json"))
            .send_body(r#"{"excerpt": "Written just before the crash."}"#)
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
    });
    // Killed the moment the write was acknowledged, before any delivery could succeed.
    server.kill().unwrap();
    server.wait().unwrap();

    actix_web::rt::System::new().block_on(async {
        let receiver = Receiver::start(port);
        let (mut server, _) = crate::operations::start_server_with(&db, &env);
        let events = receiver.wait_for(1, 15).await;
        actix_web::rt::time::sleep(Duration::from_millis(600)).await;
        server.kill().unwrap();
        server.wait().unwrap();
        let events_now = receiver.events();
        assert_eq!(events_now.len(), 1, "delivered once: {events_now:?}");
        assert!(verifies(&events[0], &secret));
        let payload = events[0].json();
        assert_eq!(payload["type"], "post.updated");
        assert_eq!(payload["data"]["excerpt"], "Written just before the crash.");
    });
}
