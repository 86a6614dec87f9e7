//! `spawn_app`: the real app factory on a random port over a fresh temporary SQLite file, with
//! real migrations and the seed sync. Every response fetched through `TestApp` is checked
//! against the OpenAPI document: its status must be documented for the route, its content
//! type must match, and its body must validate against the documented schema.

use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
use clinic_content::config::Config;
use clinic_content::Application;
use serde_json::Value;

use crate::spec;

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    /// The server's own connection pool (None for a server in another process).
    pub pool: Option<clinic_content::db::DbPool>,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<crate::pg::PgDatabase>,
    client: awc::Client,
    spec: Value,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("body is not JSON ({error}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }
}

/// The test client: no redirects followed, and longer than the server's 5 s wait for a locked
/// database (awc's default timeout is 5 s too).
fn client() -> awc::Client {
    awc::Client::builder().disable_redirects().timeout(std::time::Duration::from_secs(30)).finish()
}

/// Whether the suite runs on PostgreSQL: `TEST_BACKEND=postgres`, with `TEST_DATABASE_URL` naming
/// the server (`.ci/run` runs the suite once on each backend).
pub fn on_postgres() -> bool {
    std::env::var("TEST_BACKEND").is_ok_and(|backend| backend == "postgres")
}

/// For a test that holds only on one backend (SQLite's files, FTS5 search): on the PostgreSQL
/// run it prints why and returns true, and the test returns.
/// Each skip is also appended to `SKIPS` (libtest hides a passing test's output), which `.ci/run`
/// prints after the PostgreSQL pass.
pub fn skip_on_postgres(why: &str) -> bool {
    if on_postgres() {
        let test = std::thread::current().name().unwrap_or("?").to_string();
        println!("skipped on PostgreSQL: {why}");
        use std::io::Write;
        if let Ok(mut log) = std::fs::OpenOptions::new().create(true).append(true).open(SKIPS) {
            let _ = writeln!(log, "{test}: {why}");
        }
    }
    on_postgres()
}

/// Where `skip_on_postgres` lists the tests it skipped.
pub const SKIPS: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/postgres-skips.txt");

/// The app on the suite's backend: a fresh SQLite file, or a fresh PostgreSQL database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The app over a fresh temporary SQLite file, whatever the suite's backend.
pub async fn spawn_sqlite_app() -> TestApp {
    spawn_sqlite_app_with(|_| {}).await
}

/// `spawn_app` with a changed configuration (rate limits, cache size, ...).
pub async fn spawn_app_with(change: impl FnOnce(&mut Config)) -> TestApp {
    if !on_postgres() {
        return spawn_sqlite_app_with(change).await;
    }
    spawn_postgres_app_with(change).await.expect("TEST_BACKEND=postgres needs TEST_DATABASE_URL")
}

/// The app over a fresh PostgreSQL database, whatever the suite's backend; none without
/// `TEST_DATABASE_URL`.
pub async fn spawn_postgres_app() -> Option<TestApp> {
    spawn_postgres_app_with(|_| {}).await
}

async fn spawn_postgres_app_with(change: impl FnOnce(&mut Config)) -> Option<TestApp> {
    let database = crate::pg::PgDatabase::seeded("app")?;
    let mut app = start(database.url.clone(), change);
    app._pg = Some(database);
    Some(app)
}

/// `spawn_sqlite_app` with a changed configuration.
pub async fn spawn_sqlite_app_with(change: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = dir.path().join("test.db").to_str().unwrap().to_string();
    let mut app = start(database_url, change);
    app._dir = Some(dir);
    app
}

fn start(database_url: String, change: impl FnOnce(&mut Config)) -> TestApp {
    let mut config = Config::for_database(database_url.clone());
    change(&mut config);
    let app = Application::build(config).expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        database_url,
        pool: Some(pool),
        _dir: None,
        _pg: None,
        client: client(),
        spec: serde_json::from_str(&clinic_content::registry::spec_json()).unwrap(),
    }
}

impl TestApp {
    /// A client for a server running elsewhere (a child process) on `database_url`.
    pub fn at(address: &str, database_url: &str) -> TestApp {
        TestApp {
            address: address.to_string(),
            database_url: database_url.to_string(),
            pool: None,
            _dir: None,
            _pg: None,
            client: client(),
            spec: serde_json::from_str(&clinic_content::registry::spec_json()).unwrap(),
        }
    }

    /// Sends a request and checks the response against the spec.
    pub async fn request(&self, method: Method, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        self.send(method, path, headers, None).await
    }

    /// Sends a request with an optional body and checks the response against the spec.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> TestResponse {
        let mut request = self.client.request(method.clone(), format!("{}{}", self.address, path));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let sent = match body {
            Some(body) => request.send_body(body).await,
            None => request.send().await,
        };
        let mut response = sent.unwrap_or_else(|error| panic!("{method} {path}: {error}"));
        let body = response.body().limit(16 << 20).await.expect("body").to_vec();
        let response = TestResponse { status: response.status(), headers: response.headers().clone(), body };
        spec::check_response(&self.spec, &method, path, &response);
        response
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Method::GET, path, &[]).await
    }

    /// GETs a path that must answer 200 with JSON, and returns the JSON.
    pub async fn get_ok(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status, StatusCode::OK, "GET {path}: {}", String::from_utf8_lossy(&response.body));
        assert_eq!(response.content_type(), "application/json", "GET {path}");
        response.json()
    }

    /// GETs a path that must fail with `status` and a problem document; returns the document.
    pub async fn get_problem(&self, path: &str, status: u16) -> Value {
        let response = self.get(path).await;
        assert_problem(&response, status, path);
        response.json()
    }

    /// Sends JSON with a bearer token (`application/json`, or merge patch for PATCH).
    pub async fn write(&self, method: Method, path: &str, token: &str, body: &serde_json::Value) -> TestResponse {
        self.write_with(method, path, token, body, &[]).await
    }

    pub async fn write_with(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: &serde_json::Value,
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let auth = format!("Bearer {token}");
        let content_type = if method == Method::PATCH { "application/merge-patch+json" } else { "application/json" };
        let mut headers = vec![("Authorization", auth.as_str()), ("Content-Type", content_type)];
        headers.extend_from_slice(extra);
        self.send(method, path, &headers, Some(serde_json::to_vec(body).unwrap())).await
    }

    /// GET with a bearer token.
    pub async fn get_as(&self, path: &str, token: &str) -> TestResponse {
        let auth = format!("Bearer {token}");
        self.request(Method::GET, path, &[("Authorization", &auth)]).await
    }

    /// A new token with this scope ("preview", "write" or "admin").
    pub fn token(&self, scope: &str) -> String {
        let scope = clinic_content::tokens::Scope::parse(scope).expect("a scope");
        let (token, _) = clinic_content::tokens::query::create(
            &mut self.connection(),
            &format!("test {scope:?}"),
            scope,
            "2026-01-01T00:00:00Z",
        )
        .expect("token");
        token
    }

    /// A connection of the test's own, that waits for the lock as the server's do (the server
    /// writes in the background too, e.g. a token's last use).
    pub fn connection(&self) -> clinic_content::db::Conn {
        use diesel::connection::SimpleConnection;
        let mut conn =
            clinic_content::db::Manager::new(&self.database_url).establish().expect("open the test database");
        if !conn.is_postgres() {
            conn.batch_execute("PRAGMA busy_timeout = 5000").expect("busy timeout");
        }
        conn
    }
}

/// Asserts an RFC 9457 problem document with the given status, the request id and path.
pub fn assert_problem(response: &TestResponse, status: u16, path: &str) {
    assert_eq!(response.status.as_u16(), status, "{path}: {}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.content_type(), "application/problem+json", "{path}");
    let problem = response.json();
    assert_eq!(problem["status"], status, "{path}");
    let code = problem["code"].as_str().expect("code");
    assert_eq!(problem["type"], format!("/problems/{code}"));
    assert!(!problem["title"].as_str().unwrap().is_empty());
    assert!(!problem["detail"].as_str().unwrap().is_empty());
    let request_id = response.header("x-request-id").expect("X-Request-Id header");
    assert_eq!(problem["request_id"], request_id, "{path}");
    let path_only = path.split('?').next().unwrap();
    assert_eq!(problem["instance"], path_only, "{path}");
    assert!(problem["errors"].is_array());
}

pub const POST_SLUG: &str = "is-massage-therapy-worth-it-for-back-pain";

/// The seed's guidance bands as `PUT /v1/guidance/bands` takes them.
pub async fn band_inputs(app: &TestApp) -> Vec<serde_json::Value> {
    let guidance = app.get_ok("/v1/guidance").await["data"].clone();
    guidance["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            serde_json::json!({
                "slug": b["slug"], "name": b["name"], "duration_label": b["duration_label"],
                "pain_duration_min_days": b["pain_duration"]["min_days"], "pain_duration_max_days": b["pain_duration"]["max_days"],
                "includes_recurring": b["includes_recurring"], "sessions_min": b["sessions"]["min"], "sessions_max": b["sessions"]["max"],
                "weeks_min": b["weeks"].get("min"), "weeks_max": b["weeks"].get("max"),
                "reassess_after_course": b["reassess_after_course"], "maintenance_interval": b["maintenance_interval"], "notes": b["notes"]
            })
        })
        .collect()
}

/// `clinic-content serve` as a child process on a free port: the real binary, so several of
/// them on one database share nothing but the file. Its standard error is kept (for the log
/// lines tests look for); it is killed when dropped.
pub struct ChildServer {
    child: Option<std::process::Child>,
    address: std::sync::mpsc::Receiver<String>,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ChildServer {
    /// Starts it and returns at once; `address` waits until it listens. The service's own
    /// lines are logged at info at least (`RUST_LOG` in `env` may add to that).
    pub fn start(db: impl AsRef<std::ffi::OsStr>, env: &[(&str, &str)]) -> ChildServer {
        use std::io::BufRead;
        let rust_log = match env.iter().find(|(name, _)| *name == "RUST_LOG") {
            Some((_, filter)) => format!("{filter},clinic_content=info"),
            None => "info".to_string(),
        };
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_clinic-content"))
            .arg("serve")
            .envs(env.iter().copied())
            .env("RUST_LOG", rust_log)
            .env("DATABASE_URL", db.as_ref())
            .env("PORT", "0")
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let stderr = child.stderr.take().unwrap();
        let (sender, address) = std::sync::mpsc::channel();
        let log: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("listening on http://") {
                    let address = line[at + "listening on ".len()..].split_whitespace().next().unwrap().to_string();
                    let _ = sender.send(address);
                }
                lines.lock().unwrap().push(line);
            }
        });
        ChildServer { child: Some(child), address, log }
    }

    /// Its base URL, once it listens (panics with its log if it exits or takes over `seconds`).
    pub async fn address(&mut self, seconds: u64) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            if let Ok(address) = self.address.try_recv() {
                return address;
            }
            let exited = self.child.as_mut().unwrap().try_wait().unwrap();
            assert!(
                exited.is_none() && std::time::Instant::now() < deadline,
                "the server did not start ({exited:?}): {}",
                self.log().join("\n")
            );
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// `address` for tests without an async runtime.
    pub fn address_blocking(&mut self, seconds: u64) -> String {
        let address = self.address.recv_timeout(std::time::Duration::from_secs(seconds));
        address.unwrap_or_else(|_| panic!("the server did not start: {}", self.log().join("\n")))
    }

    /// Every line it wrote to standard error so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// SIGKILL: no graceful shutdown.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The process itself, for tests that manage it (it is no longer killed on drop).
    pub fn into_child(mut self) -> std::process::Child {
        self.child.take().unwrap()
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        self.kill();
    }
}
