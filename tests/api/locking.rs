//! While another process holds the database's write lock (`generate`, `import`, a long write):
//! writes answer a 503 a client can retry, reads with a token do not wait for it, and
//! `generate` lets other writers in between its chunks.

use std::time::{Duration, Instant};

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app};
use crate::operations::cli;

/// Takes the writers' lock as another process's write transaction would, until ROLLBACK: SQLite's
/// write lock, or PostgreSQL's advisory lock every write transaction takes first.
fn hold_the_write_lock(holder: &mut clinic_content::db::Conn) {
    if crate::helpers::on_postgres() {
        holder
            .batch_execute(&format!("BEGIN; SELECT pg_advisory_xact_lock({})", clinic_content::db::WRITE_LOCK))
            .unwrap();
    } else {
        holder.batch_execute("BEGIN IMMEDIATE").unwrap();
    }
}

#[actix_web::test]
async fn a_write_while_another_process_holds_the_lock_is_a_503_with_retry_after() {
    let app = spawn_app().await;
    let write = app.token("write");
    let tag = json!({"slug": "locked", "name": "Locked"});
    let mut holder = app.connection();
    hold_the_write_lock(&mut holder);
    let response = app.write(Method::POST, "/v1/tags", &write, &tag).await;
    assert_problem(&response, 503, "/v1/tags");
    assert_eq!(response.json()["code"], "unavailable");
    assert_eq!(response.header("retry-after"), Some("2"));
    let body = String::from_utf8_lossy(&response.body).to_lowercase();
    for internal in ["locked", "sqlite", "lock timeout", "advisory", "canceling"] {
        assert!(!body.contains(internal), "no internals: {body}");
    }
    holder.batch_execute("ROLLBACK").unwrap();
    assert_eq!(app.write(Method::POST, "/v1/tags", &write, &tag).await.status.as_u16(), 201, "a retry succeeds");
}

/// On PostgreSQL a write can lose a race it did not start: here a deadlock with a transaction
/// that holds the content-version row (which every write updates last) and then asks for the
/// writers' lock the write holds. PostgreSQL cancels the write (it waited longer than its
/// `deadlock_timeout`); the service runs it again, once the other side has gone, instead of
/// answering 503. SQLite's writers queue for one lock first and cannot deadlock this way.
#[actix_web::test]
async fn a_write_that_loses_a_deadlock_runs_again_and_succeeds() {
    if !crate::helpers::on_postgres() {
        println!("skipped on SQLite: its writers take one lock before anything else, so no deadlock to lose");
        return;
    }
    let app = spawn_app().await;
    let write = app.token("write");
    let mut holder = app.connection();
    holder
        .batch_execute(
            "BEGIN; SET LOCAL deadlock_timeout = '20s'; \
             UPDATE content_version SET changed_at = changed_at WHERE id = 1",
        )
        .unwrap();
    let other_side = std::thread::spawn(move || {
        // By now the write holds the writers' lock and waits for the row.
        std::thread::sleep(Duration::from_millis(500));
        let waited = Instant::now();
        holder.batch_execute(&format!("SELECT pg_advisory_xact_lock({})", clinic_content::db::WRITE_LOCK)).unwrap();
        let waited = waited.elapsed();
        holder.batch_execute("ROLLBACK").unwrap();
        waited
    });
    let tag = json!({"slug": "raced", "name": "Raced"});
    let response = app.write(Method::POST, "/v1/tags", &write, &tag).await;
    let waited = other_side.join().unwrap();
    assert_eq!(response.status.as_u16(), 201, "{}", String::from_utf8_lossy(&response.body));
    assert!(
        waited > Duration::from_millis(200),
        "the other side had to wait for the write to be cancelled: {waited:?}"
    );
    assert_eq!(app.get("/v1/tags/raced").await.status.as_u16(), 200, "the tag was written");
}

#[actix_web::test]
async fn a_read_with_a_token_does_not_wait_for_the_lock_to_record_the_tokens_use() {
    let app = spawn_app().await;
    // Never used, so this use is due to be recorded.
    let preview = app.token("preview");
    let mut holder = app.connection();
    hold_the_write_lock(&mut holder);
    let response = app.get_as("/v1/posts", &preview).await;
    assert_eq!(response.status.as_u16(), 200, "{}", String::from_utf8_lossy(&response.body));
    holder.batch_execute("ROLLBACK").unwrap();

    // Once the lock is free, a use is recorded again (off the request path: wait for it).
    assert_eq!(app.get_as("/v1/posts", &preview).await.status.as_u16(), 200);
    let last_used = || {
        use clinic_content::schema::api_tokens;
        api_tokens::table
            .select(api_tokens::last_used_at)
            .load::<Option<String>>(&mut app.connection())
            .unwrap()
            .into_iter()
            .all(|used| used.is_some())
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !last_used() && Instant::now() < deadline {
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(last_used(), "the token's use is recorded when the lock is free");
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn generated_posts(conn: &mut SqliteConnection) -> i64 {
    diesel::sql_query("SELECT count(*) AS n FROM posts").get_result::<Count>(conn).unwrap().n
}

#[test]
fn generate_commits_in_chunks_so_other_writers_get_the_lock_while_it_runs() {
    const POSTS: i64 = 2000;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("generate.db");
    cli(&db, &["migrate"]);
    let generator = std::thread::spawn({
        let db = db.clone();
        move || cli(&db, &["generate", "--posts", &POSTS.to_string(), "--tags", "50"])
    });
    let mut conn = SqliteConnection::establish(db.to_str().unwrap()).unwrap();
    conn.batch_execute("PRAGMA busy_timeout = 30000").unwrap();
    // Wait for generate's first commit (with one transaction for the whole run, that is the end).
    while generated_posts(&mut conn) == 0 && !generator.is_finished() {
        std::thread::sleep(Duration::from_millis(5));
    }
    // Another writer: it gets the lock at the next pause between chunks, not after the run.
    conn.batch_execute("BEGIN IMMEDIATE").unwrap();
    let during = generated_posts(&mut conn);
    conn.batch_execute("COMMIT").unwrap();
    assert!(generator.join().unwrap().contains(&format!("the library has {POSTS} posts")));
    assert!(0 < during && during < POSTS, "another writer got the lock after {during} of {POSTS} posts");
}

#[actix_web::test]
async fn readyz_stays_ready_while_every_pooled_connection_is_busy_and_the_write_lock_is_held() {
    let app = crate::helpers::spawn_app_with(|config| config.pool_size = 2).await;
    // Readers busy: every connection of the server's pool checked out (as long sync pages did).
    let busy: Vec<_> = (0..2).map(|_| app.pool.as_ref().expect("an in-process app").get().unwrap()).collect();
    // And another process holding the write lock (`generate`, `import`).
    let mut holder = app.connection();
    hold_the_write_lock(&mut holder);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status.as_u16(), 200, "{}", String::from_utf8_lossy(&ready.body));
    assert_eq!(ready.json()["status"], "ok");
    holder.batch_execute("ROLLBACK").unwrap();
    drop(busy);
}
