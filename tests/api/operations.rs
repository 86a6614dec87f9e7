//! The operator's side: the command line, crash safety, concurrent use, export/import, backup.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use actix_web::http::Method;
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::json;

use crate::helpers::{spawn_app, POST_SLUG as POST};

const BIN: &str = env!("CARGO_BIN_EXE_clinic-content");

pub fn cli(db: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
    let output =
        Command::new(BIN).args(args).env("DATABASE_URL", db.as_ref()).env("RUST_LOG", "warn").output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Starts `clinic-content serve` on a free port and returns it with its base URL.
fn start_server(db: &Path) -> (Child, String) {
    start_server_with(db, &[])
}

/// `start_server` with extra environment variables.
pub fn start_server_with(db: &Path, env: &[(&str, &str)]) -> (Child, String) {
    let mut server = crate::helpers::ChildServer::start(db, env);
    let address = server.address_blocking(30);
    (server.into_child(), address)
}

#[test]
fn tokens_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let token = cli(&db, &["token", "create", "--name", "admin UI", "--scope", "write"]).trim().to_string();
    assert!(token.starts_with("cc_") && token.len() == 59, "{token}");
    let list = cli(&db, &["token", "list"]);
    assert!(list.contains("admin UI") && list.contains("write") && list.contains("active"), "{list}");
    assert!(!list.contains(&token[16..]), "the secret is never listed");
    assert_eq!(cli(&db, &["token", "revoke", "admin UI"]).trim(), "revoked 1 token(s)");
    assert!(cli(&db, &["token", "list"]).contains("revoked"));
    let bad_scope = Command::new(BIN)
        .args(["token", "create", "--name", "x", "--scope", "root"])
        .env("DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(!bad_scope.status.success());
    for command in ["serve", "migrate", "seed", "import", "export", "backup", "token", "openapi"] {
        let help = Command::new(BIN).args([command, "--help"]).output().unwrap();
        assert!(help.status.success() && !help.stdout.is_empty(), "{command} --help");
    }
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    const WRITES: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let token = cli(&db, &["token", "create", "--name", "crash", "--scope", "write"]).trim().to_string();
    let (mut server, address) = start_server(&db);

    actix_web::rt::System::new().block_on(async {
        let client = awc::Client::default();
        for i in 0..WRITES {
            let body = json!({"slug": format!("crash-{i}"), "name": format!("Crash {i}")});
            let response = client
                .post(format!("{address}/v1/tags"))
                .insert_header(("Authorization", format!("Bearer {token}")))
                .send_json(&body)
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 201);
        }
    });
    // Killed the moment the last write was acknowledged: no graceful shutdown, no checkpoint.
    server.kill().unwrap();
    server.wait().unwrap();

    let (mut server, address) = start_server(&db);
    actix_web::rt::System::new().block_on(async {
        let mut response = awc::Client::default().get(format!("{address}/v1/tags?per_page=100")).send().await.unwrap();
        let list: serde_json::Value = response.json().limit(1 << 20).await.unwrap();
        let slugs: Vec<&str> = list["data"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
        for i in 0..WRITES {
            assert!(slugs.contains(&format!("crash-{i}").as_str()), "crash-{i} survived");
        }
    });
    server.kill().unwrap();
    server.wait().unwrap();
    let mut conn = SqliteConnection::establish(db.to_str().unwrap()).unwrap();
    let check = diesel::sql_query("PRAGMA integrity_check").load::<IntegrityRow>(&mut conn).unwrap();
    assert_eq!(check[0].integrity_check, "ok");
}

#[derive(QueryableByName)]
struct IntegrityRow {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[actix_web::test]
async fn concurrent_writers_and_readers_never_see_a_server_error() {
    let app = std::rc::Rc::new(spawn_app().await);
    let token = std::rc::Rc::new(app.token("write"));
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut tasks = Vec::new();
    for writer in 0..4 {
        let (app, token) = (app.clone(), token.clone());
        tasks.push(actix_web::rt::spawn(async move {
            let mut statuses = Vec::new();
            let mut i = 0;
            while Instant::now() < deadline {
                let slug = format!("w{writer}-{i}");
                let created = app.write(Method::POST, "/v1/tags", &token, &json!({"slug": slug, "name": "Tag"})).await;
                statuses.push(created.status.as_u16());
                let edited = app
                    .write(
                        Method::PATCH,
                        "/v1/faqs/how-often-massage-for-back-pain",
                        &token,
                        &json!({"question": format!("Q {writer} {i}?")}),
                    )
                    .await;
                statuses.push(edited.status.as_u16());
                i += 1;
            }
            statuses
        }));
    }
    for _ in 0..4 {
        let app = app.clone();
        tasks.push(actix_web::rt::spawn(async move {
            let mut statuses = Vec::new();
            while Instant::now() < deadline {
                for path in ["/v1/posts/is-massage-therapy-worth-it-for-back-pain", "/v1/tags?per_page=100", "/v1/faqs"]
                {
                    statuses.push(app.get(path).await.status.as_u16());
                }
            }
            statuses
        }));
    }
    let mut counts = std::collections::BTreeMap::new();
    for task in tasks {
        for status in task.await.unwrap() {
            *counts.entry(status).or_insert(0) += 1;
        }
    }
    let total: usize = counts.values().sum();
    eprintln!("concurrency: {total} requests in 3 s, by status: {counts:?}");
    assert!(counts.keys().all(|status| [200, 201].contains(status)), "{counts:?}");
    assert!(total > 50, "{counts:?}");
}

#[actix_web::test]
async fn export_then_import_into_an_empty_database_round_trips() {
    let app = spawn_app().await;
    let write = app.token("write");
    // Content beyond the seed: a draft, a rename (with its redirect), an edited FAQ order.
    let draft = json!({"slug": "a-draft", "title": "Draft", "tags": ["sciatica"], "sections": [{"markdown": "Soon."}]});
    assert_eq!(app.write(Method::POST, "/v1/posts", &write, &draft).await.status.as_u16(), 201);
    let rename = json!({"slug": "massage-and-back-pain"});
    let path = "/v1/posts/is-massage-therapy-worth-it-for-back-pain";
    assert_eq!(app.write(Method::PATCH, path, &write, &rename).await.status.as_u16(), 200);
    let reorder = json!({"position": 0});
    assert_eq!(
        app.write(Method::PATCH, "/v1/faqs/how-often-massage-for-back-pain", &write, &reorder).await.status.as_u16(),
        200
    );

    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.json");
    let source = Path::new(&app.database_url);
    cli(source, &["export", "--output", first.to_str().unwrap()]);
    let fresh = dir.path().join("fresh.db");
    cli(&fresh, &["migrate"]);
    let imported = cli(&fresh, &["import", first.to_str().unwrap()]);
    assert!(imported.contains("inserted"), "{imported}");
    let again = cli(&fresh, &["import", first.to_str().unwrap()]);
    assert!(again.contains("0 inserted, 0 updated"), "import is idempotent: {again}");
    let second = cli(&fresh, &["export"]);
    assert_eq!(std::fs::read_to_string(&first).unwrap(), second, "export → import → export is byte-identical");
    assert!(second.contains("\"redirect_from\": [\n        \"is-massage-therapy-worth-it-for-back-pain\""));
    assert!(second.contains("\"status\": \"draft\""));
}

#[actix_web::test]
async fn an_invalid_import_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("import.db");
    cli(&db, &["migrate"]);
    let mut library: serde_json::Value = serde_json::from_str(clinic_content::seed::DEFAULT_SEED).unwrap();
    library["faqs"][0]["tags"] = json!(["no-such-tag"]);
    let file = dir.path().join("bad.json");
    std::fs::write(&file, library.to_string()).unwrap();
    let output = Command::new(BIN).args(["import", file.to_str().unwrap()]).env("DATABASE_URL", &db).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("faqs[0].tags[0]: no tag has the slug 'no-such-tag'"));
    let mut conn = SqliteConnection::establish(db.to_str().unwrap()).unwrap();
    let count: i64 = clinic_content::schema::tags::table.count().get_result(&mut conn).unwrap();
    assert_eq!(count, 0);
}

/// The bundled library with a second post, and each post's `redirect_from`.
fn library_with_redirects(first: &[&str], second: &[&str]) -> String {
    let mut library: serde_json::Value = serde_json::from_str(clinic_content::seed::DEFAULT_SEED).unwrap();
    let mut other = library["posts"][0].clone();
    other["slug"] = json!("second-post");
    other["redirect_from"] = json!(second);
    library["posts"][0]["redirect_from"] = json!(first);
    library["posts"].as_array_mut().unwrap().push(other);
    library.to_string()
}

/// Runs `import` of `document` on `db`; its success and standard error.
fn import(db: &Path, document: &str) -> (bool, String) {
    let file = db.with_extension("json");
    std::fs::write(&file, document).unwrap();
    let output = Command::new(BIN).args(["import", file.to_str().unwrap()]).env("DATABASE_URL", db).output().unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stderr).to_string())
}

fn post_count(db: &Path) -> i64 {
    let mut conn = SqliteConnection::establish(db.to_str().unwrap()).unwrap();
    clinic_content::schema::posts::table.count().get_result(&mut conn).unwrap()
}

/// The write API refuses an old slug that is another post's live slug; an import must too, and
/// an old slug claimed by two posts of one document, which each run moved to the other post
/// ("2 updated" on every run, never "0 updated").
#[test]
fn an_import_with_colliding_redirects_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            library_with_redirects(&["old-name"], &["old-name"]),
            "posts[1].redirect_from[0]: 'old-name' already redirects to posts[0]",
        ),
        (
            library_with_redirects(&[], &[POST]),
            &*format!("posts[1].redirect_from[0]: '{POST}' is the slug of another post"),
        ),
    ];
    for (i, (document, problem)) in cases.iter().enumerate() {
        let db = dir.path().join(format!("collide-{i}.db"));
        cli(&db, &["migrate"]);
        let (imported, stderr) = import(&db, document);
        assert!(!imported, "refused: {stderr}");
        assert!(stderr.contains(problem), "{stderr}");
        assert_eq!(post_count(&db), 0, "nothing written");
    }
    // An old slug that is the live slug of a post the database has and the document does not.
    let db = dir.path().join("collide-db.db");
    cli(&db, &["migrate"]);
    assert!(import(&db, &library_with_redirects(&[], &[])).0);
    let mut library: serde_json::Value = serde_json::from_str(clinic_content::seed::DEFAULT_SEED).unwrap();
    library["posts"][0]["redirect_from"] = json!(["second-post"]);
    let (imported, stderr) = import(&db, &library.to_string());
    assert!(!imported, "refused: {stderr}");
    assert!(stderr.contains("posts[0].redirect_from[0]: 'second-post' is the slug of another post"), "{stderr}");
    // Its own slug listed is no collision (it is dropped), and a valid redirect imports once.
    library["posts"][0]["redirect_from"] = json!([POST, "an-old-name"]);
    assert!(import(&db, &library.to_string()).0);
    let again = cli(&db, &["import", db.with_extension("json").to_str().unwrap()]);
    assert!(again.contains("0 inserted, 0 updated"), "a second run writes nothing: {again}");
}

#[actix_web::test]
async fn a_backup_of_a_live_server_opens_and_matches() {
    if crate::helpers::skip_on_postgres("backup is VACUUM INTO on SQLite; on PostgreSQL it names pg_dump") {
        return;
    }
    let app = spawn_app().await;
    let write = app.token("write");
    assert_eq!(
        app.write(Method::POST, "/v1/tags", &write, &json!({"slug": "live", "name": "Live"})).await.status.as_u16(),
        201
    );
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    let source = Path::new(&app.database_url);
    // The server keeps serving (and writing) while the backup runs.
    let backup = std::thread::spawn({
        let (source, copy) = (source.to_path_buf(), copy.clone());
        move || cli(&source, &["backup", copy.to_str().unwrap()])
    });
    for i in 0..5 {
        assert_eq!(app.get(&format!("/v1/tags/live?x={i}")).await.status.as_u16(), 400);
        assert_eq!(app.get("/v1/tags/live").await.status.as_u16(), 200);
    }
    assert!(backup.join().unwrap().contains("backed up"));
    let mut conn = SqliteConnection::establish(copy.to_str().unwrap()).unwrap();
    let check = diesel::sql_query("PRAGMA integrity_check").load::<IntegrityRow>(&mut conn).unwrap();
    assert_eq!(check[0].integrity_check, "ok");
    assert_eq!(cli(&copy, &["export"]), cli(source, &["export"]), "the copy holds the same library");
    let exists =
        Command::new(BIN).args(["backup", copy.to_str().unwrap()]).env("DATABASE_URL", source).output().unwrap();
    assert!(!exists.status.success(), "an existing file is never overwritten");
}
