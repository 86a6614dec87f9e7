//! Several instances on one database (a SQLite file, or with TEST_BACKEND=postgres a PostgreSQL
//! database), each a child process of the real binary (apps in
//! this process would share what a process shares and hide the bugs): writes, webhook
//! deliveries with leases (fast, slow and a SIGKILLed lease holder), scheduled publications,
//! cursors, a first start of three at once, If-Match across instances, and the idle worker.
//! Leases and timeouts are short here (`ENV`).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, ChildServer, TestApp, POST_SLUG};
use crate::webhooks::{free_port, subscribe, Received, Receiver, ANSWER_OK, ANSWER_SLOW};

const ENV: &[(&str, &str)] = &[
    ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true"),
    ("WEBHOOK_TIMEOUT_SECONDS", "2"),
    ("WEBHOOK_LEASE_SECONDS", "3"),
    ("WEBHOOK_RETRY_BASE_MS", "100"),
    ("RATE_LIMIT_READS", "0"),
    ("RATE_LIMIT_SEARCHES", "0"),
    ("RATE_LIMIT_WRITES", "0"),
    ("WORKERS", "2"),
];

/// How long a child may take to start on a machine busy with other builds.
const START_SECONDS: u64 = 60;

/// Instances serving one database.
struct Cluster {
    _dir: Option<tempfile::TempDir>,
    _pg: Option<crate::pg::PgDatabase>,
    url: String,
    servers: Vec<ChildServer>,
    apps: Vec<TestApp>,
}

impl Cluster {
    /// `n` instances: the first one prepares the database, then the others start together.
    async fn start(n: usize) -> Cluster {
        let mut cluster = Cluster::empty();
        cluster.add(1, ENV).await;
        cluster.add(n - 1, ENV).await;
        cluster
    }

    /// `n` instances started at the same moment on an empty database.
    async fn start_at_once(n: usize) -> Cluster {
        let mut cluster = Cluster::empty();
        cluster.add(n, ENV).await;
        cluster
    }

    /// An empty database on the suite's backend, no instance yet.
    fn empty() -> Cluster {
        let mut cluster = Cluster { _dir: None, _pg: None, url: String::new(), servers: Vec::new(), apps: Vec::new() };
        if crate::helpers::on_postgres() {
            let database =
                crate::pg::PgDatabase::create("cluster").expect("TEST_BACKEND=postgres needs TEST_DATABASE_URL");
            cluster.url = database.url.clone();
            cluster._pg = Some(database);
        } else {
            let dir = tempfile::tempdir().unwrap();
            cluster.url = dir.path().join("shared.db").to_str().unwrap().to_string();
            cluster._dir = Some(dir);
        }
        cluster
    }

    async fn add(&mut self, n: usize, env: &[(&str, &str)]) {
        let first = self.servers.len();
        self.servers.extend((0..n).map(|_| ChildServer::start(&self.url, env)));
        for server in &mut self.servers[first..] {
            let address = server.address(START_SECONDS).await;
            self.apps.push(TestApp::at(&address, &self.url));
        }
    }

    fn conn(&self) -> clinic_content::db::Conn {
        clinic_content::db::Manager::new(&self.url).establish().expect("open the shared database")
    }

    fn pending_deliveries(&self) -> i64 {
        use clinic_content::schema::webhook_deliveries::dsl::*;
        webhook_deliveries.filter(status.eq("pending")).count().get_result(&mut self.conn()).unwrap()
    }
}

/// Polls `probe` until it gives a value; fails after `seconds`, saying what it waited for.
async fn until<T>(what: &str, seconds: u64, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "gave up after {seconds} s waiting for {what}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

fn published(slug: &str) -> Value {
    json!({
        "slug": slug,
        "title": format!("Post {slug}"),
        "excerpt": "One of many.",
        "status": "published",
        "tags": ["back-pain"],
        "sections": [{"heading": null, "markdown": "Short."}]
    })
}

/// Publishes 20 posts, through the instances in turn; returns their slugs in order.
async fn publish_twenty(cluster: &Cluster, write: &str) -> Vec<String> {
    let mut slugs = Vec::new();
    for i in 0..20 {
        let slug = format!("multi-{i:02}");
        let app = &cluster.apps[i % cluster.apps.len()];
        let created = app.write(Method::POST, "/v1/posts", write, &published(&slug)).await;
        assert_eq!(created.status.as_u16(), 201, "{}", String::from_utf8_lossy(&created.body));
        slugs.push(slug);
    }
    slugs
}

fn slug_of(event: &Received) -> String {
    event.json()["data"]["slug"].as_str().unwrap_or_default().to_string()
}

fn distinct_ids(events: &[Received]) -> usize {
    events.iter().map(|e| e.id.as_str()).collect::<std::collections::HashSet<_>>().len()
}

/// Waits until every receiver has `n` distinct events and nothing is pending, then a little
/// longer, so a duplicate would have arrived; returns what each receiver got.
async fn settle(cluster: &Cluster, receivers: &[&Receiver], n: usize, seconds: u64) -> Vec<Vec<Received>> {
    until("every event delivered", seconds, async || {
        let all_there = receivers.iter().all(|r| distinct_ids(&r.arrivals()) >= n);
        (all_there && cluster.pending_deliveries() == 0).then_some(())
    })
    .await;
    actix_web::rt::time::sleep(Duration::from_millis(1200)).await;
    receivers.iter().map(|r| r.arrivals()).collect()
}

/// Each event exactly once, in publication order.
fn assert_once_each_in_order(arrivals: &[Received], slugs: &[String]) {
    let got: Vec<String> = arrivals.iter().map(slug_of).collect();
    assert_eq!(got, slugs, "each event once, in order");
    assert_eq!(distinct_ids(arrivals), slugs.len(), "a webhook-id per event");
}

#[actix_web::test]
async fn a_write_through_one_instance_is_served_by_another_within_a_second() {
    let cluster = Cluster::start(2).await;
    let write = cluster.apps[0].token("write");
    let path = format!("/v1/posts/{POST_SLUG}");
    let mut staleness = Vec::new();
    for round in 0..6 {
        let (writer, reader) = (&cluster.apps[round % 2], &cluster.apps[(round + 1) % 2]);
        let before = reader.get(&path).await; // in the reader's response cache now
        assert_eq!(before.status.as_u16(), 200);
        let old_etag = before.header("etag").unwrap().to_string();
        let excerpt = format!("Written in round {round}.");
        let written = writer.write(Method::PATCH, &path, &write, &json!({"excerpt": excerpt})).await;
        assert_eq!(written.status.as_u16(), 200);
        let acknowledged = Instant::now();
        let served = until("the other instance to serve the write", 10, async || {
            let response = reader.get(&path).await;
            (response.json()["data"]["excerpt"] == excerpt.as_str()).then_some(response)
        })
        .await;
        staleness.push(acknowledged.elapsed());
        assert_ne!(served.header("etag").unwrap(), old_etag, "a new ETag with the new body");
        let revalidated = reader.request(Method::GET, &path, &[("If-None-Match", &old_etag)]).await;
        assert_eq!(revalidated.status.as_u16(), 200, "the old ETag no longer matches");
    }
    staleness.sort();
    eprintln!("cross-instance staleness over 6 writes (sorted): {staleness:?}");
    assert!(staleness[5] < Duration::from_secs(1), "{staleness:?}");
}

#[actix_web::test]
async fn twenty_publishes_through_alternating_instances_are_delivered_once_each_in_order() {
    let cluster = Cluster::start(2).await;
    let (admin, write) = (cluster.apps[0].token("admin"), cluster.apps[0].token("write"));
    let receivers = [Receiver::start(free_port()), Receiver::start(free_port())];
    for (i, receiver) in receivers.iter().enumerate() {
        subscribe(&cluster.apps[i], &admin, &receiver.url(), json!(["post.published"])).await;
    }
    let slugs = publish_twenty(&cluster, &write).await;
    let arrivals = settle(&cluster, &[&receivers[0], &receivers[1]], 20, 30).await;
    eprintln!("fast receivers: {} and {} deliveries", arrivals[0].len(), arrivals[1].len());
    for got in &arrivals {
        assert_once_each_in_order(got, &slugs);
    }
}

#[actix_web::test]
async fn with_a_receiver_taking_a_second_each_event_is_still_delivered_once_in_order() {
    let cluster = Cluster::start(2).await;
    let (admin, write) = (cluster.apps[0].token("admin"), cluster.apps[0].token("write"));
    let receivers = [Receiver::start(free_port()), Receiver::start(free_port())];
    for (i, receiver) in receivers.iter().enumerate() {
        receiver.answer.store(ANSWER_SLOW, Ordering::SeqCst);
        subscribe(&cluster.apps[i], &admin, &receiver.url(), json!(["post.published"])).await;
    }
    let slugs = publish_twenty(&cluster, &write).await;
    // One at a time per subscription, a second each; the two subscriptions in parallel.
    let arrivals = settle(&cluster, &[&receivers[0], &receivers[1]], 20, 90).await;
    eprintln!("slow receivers: {} and {} deliveries", arrivals[0].len(), arrivals[1].len());
    for got in &arrivals {
        assert_once_each_in_order(got, &slugs);
    }
}

#[derive(QueryableByName)]
struct Leased {
    #[diesel(sql_type = diesel::sql_types::Text)]
    owner: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    public_id: String,
}

#[actix_web::test]
async fn when_the_instance_holding_a_lease_is_killed_another_sends_the_delivery() {
    let mut cluster = Cluster::start(2).await;
    let (admin, write) = (cluster.apps[0].token("admin"), cluster.apps[0].token("write"));
    let receiver = Receiver::start(free_port());
    receiver.answer.store(ANSWER_SLOW, Ordering::SeqCst);
    subscribe(&cluster.apps[0], &admin, &receiver.url(), json!(["post.published"])).await;
    let slugs = publish_twenty(&cluster, &write).await;

    // A delivery the receiver is holding (a second), past the first few: kill its sender.
    let (owner, in_flight) = until("a delivery in flight at the receiver", 60, async || {
        let leased: Vec<Leased> = diesel::sql_query(
            "SELECT d.lease_owner AS owner, e.public_id FROM webhook_deliveries d
             JOIN webhook_events e ON e.id = d.event_id
             WHERE d.status = 'pending' AND d.lease_owner IS NOT NULL",
        )
        .load(&mut cluster.conn())
        .unwrap();
        let leased = leased.into_iter().next()?;
        let arrivals = receiver.arrivals();
        let arrived = arrivals.iter().filter(|e| e.id == leased.public_id).count() == 1;
        let answered = receiver.events().iter().any(|e| e.id == leased.public_id);
        (arrivals.len() >= 3 && arrived && !answered).then_some((leased.owner, leased.public_id))
    })
    .await;
    let pid: u32 = owner.split('-').next().unwrap().parse().expect("the lease owner starts with its pid");
    let victim = cluster.servers.iter().position(|s| s.pid() == pid).expect("the owner is one of the instances");
    cluster.servers[victim].kill();
    receiver.answer.store(ANSWER_OK, Ordering::SeqCst);

    let arrivals = settle(&cluster, &[&receiver], 20, 60).await[0].clone();
    eprintln!("lease holder killed: {} deliveries for 20 events (repeated: {in_flight})", arrivals.len());
    let mut times: HashMap<&str, usize> = HashMap::new();
    for event in &arrivals {
        *times.entry(event.id.as_str()).or_default() += 1;
    }
    assert_eq!(times.len(), 20, "every event arrived");
    assert_eq!(times[in_flight.as_str()], 2, "the delivery in flight at the kill is sent again");
    assert!(times.iter().all(|(id, n)| *n == 1 || *id == in_flight), "no other repeats: {times:?}");
    let mut in_order: Vec<String> = arrivals.iter().map(slug_of).collect();
    in_order.dedup();
    assert_eq!(in_order, slugs, "in order (the repeat right after the first try)");
}

#[actix_web::test]
async fn posts_scheduled_with_two_instances_running_are_announced_once() {
    let cluster = Cluster::start(2).await;
    let (admin, write) = (cluster.apps[0].token("admin"), cluster.apps[0].token("write"));
    let receiver = Receiver::start(free_port());
    subscribe(&cluster.apps[0], &admin, &receiver.url(), json!(["post.published"])).await;
    let due = clinic_content::clock::format(chrono::Utc::now() + chrono::Duration::seconds(2));
    let mut slugs = Vec::new();
    for i in 0..4 {
        let slug = format!("scheduled-{i}");
        let mut post = published(&slug);
        post["status"] = json!("scheduled");
        post["published_at"] = json!(due);
        let created = cluster.apps[i % 2].write(Method::POST, "/v1/posts", &write, &post).await;
        assert_eq!(created.status.as_u16(), 201, "{}", String::from_utf8_lossy(&created.body));
        slugs.push(slug);
    }
    let arrivals = settle(&cluster, &[&receiver], 4, 30).await[0].clone();
    eprintln!("scheduled: {} deliveries for 4 posts", arrivals.len());
    let mut got: Vec<String> = arrivals.iter().map(slug_of).collect();
    got.sort();
    assert_eq!(got, slugs, "each announced once");
    assert!(arrivals.iter().all(|e| e.json()["type"] == "post.published"));
    use clinic_content::schema::webhook_events::dsl::*;
    let events: i64 =
        webhook_events.filter(event_type.eq("post.published")).count().get_result(&mut cluster.conn()).unwrap();
    assert_eq!(events, 4, "one event per post");
}

#[actix_web::test]
async fn a_cursor_issued_by_one_instance_pages_on_another() {
    let cluster = Cluster::start_at_once(2).await;
    let list = "/v1/conditions?per_page=4&fields=slug";
    for (issuer, other) in [(0, 1), (1, 0)] {
        let first = cluster.apps[issuer].get_ok(list).await;
        let cursor = first["meta"]["pagination"]["next_cursor"].as_str().expect("a next cursor").to_string();
        let next = format!("{list}&cursor={cursor}");
        let there = cluster.apps[other].get_ok(&next).await;
        let here = cluster.apps[issuer].get_ok(&next).await;
        assert_eq!(there["data"], here["data"], "the same page on both");
        assert_eq!(there["data"].as_array().unwrap().len(), 4);
        assert_ne!(there["data"], first["data"]);
    }
}

#[actix_web::test]
async fn the_cursor_key_belongs_to_the_application_and_its_database() {
    // Two apps in this process, on two databases: each signs with its own database's key.
    let _other = spawn_app().await;
    let app = spawn_app().await;
    let list = "/v1/conditions?per_page=4&fields=slug";
    let cursor = app.get_ok(list).await["meta"]["pagination"]["next_cursor"].as_str().unwrap().to_string();
    let mut child = ChildServer::start(&app.database_url, ENV);
    let address = child.address(START_SECONDS).await;
    let same_database = TestApp::at(&address, &app.database_url);
    let page = same_database.get_ok(&format!("{list}&cursor={cursor}")).await;
    assert_eq!(page["data"], app.get_ok(&format!("{list}&cursor={cursor}")).await["data"]);
    _other.get_problem(&format!("{list}&cursor={cursor}"), 400).await;
}

#[actix_web::test]
async fn three_instances_started_at_once_on_an_empty_database_all_become_ready_and_seed_once() {
    let cluster = Cluster::start_at_once(3).await;
    for app in &cluster.apps {
        assert_eq!(app.get_ok("/readyz").await["status"], "ok");
        assert_eq!(app.get_ok("/v1/posts").await["meta"]["pagination"]["total"], 1);
    }
    let mut conn = cluster.conn();
    use clinic_content::schema::{faqs, posts, site, tags};
    assert_eq!(site::table.count().get_result::<i64>(&mut conn).unwrap(), 1, "one site row");
    assert_eq!(posts::table.count().get_result::<i64>(&mut conn).unwrap(), 1);
    assert_eq!(faqs::table.count().get_result::<i64>(&mut conn).unwrap(), 4);
    assert_eq!(tags::table.count().get_result::<i64>(&mut conn).unwrap(), 7);
    let seeded: usize = cluster
        .servers
        .iter()
        .map(|server| server.log().iter().filter(|line| line.contains("seeded an empty database")).count())
        .sum();
    assert_eq!(seeded, 1, "the seed ran once");
}

#[actix_web::test]
async fn two_patches_with_the_same_if_match_through_two_instances_give_one_200_and_one_412() {
    let cluster = Rc::new(Cluster::start(2).await);
    let write = Rc::new(cluster.apps[0].token("write"));
    let path = "/v1/faqs/how-often-massage-for-back-pain".to_string();
    for round in 0..3 {
        let etag = cluster.apps[round % 2].get_as(&path, &write).await.header("etag").unwrap().to_string();
        let patches = (0..2).map(|i| {
            let (cluster, write, path, etag) = (cluster.clone(), write.clone(), path.clone(), etag.clone());
            actix_web::rt::spawn(async move {
                let body = json!({"question": format!("Round {round}, instance {i}?")});
                let response =
                    cluster.apps[i].write_with(Method::PATCH, &path, &write, &body, &[("If-Match", &etag)]).await;
                response.status.as_u16()
            })
        });
        let mut statuses = Vec::new();
        for patch in patches.collect::<Vec<_>>() {
            statuses.push(patch.await.unwrap());
        }
        statuses.sort();
        assert_eq!(statuses, [200, 412], "round {round}");
    }
}

#[actix_web::test]
async fn an_idle_instance_makes_at_most_one_worker_query_a_second() {
    let mut cluster = Cluster::empty();
    cluster.add(1, &[ENV, &[("RUST_LOG", "clinic_content::sql=trace")]].concat()).await;
    let statements = |server: &ChildServer| -> Vec<String> {
        server.log().into_iter().filter(|line| line.contains("clinic_content::sql")).collect()
    };
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    let start = statements(&cluster.servers[0]).len();
    let window = Duration::from_secs(5);
    actix_web::rt::time::sleep(window).await;
    let idle: Vec<String> = statements(&cluster.servers[0])[start..].to_vec();
    let worker = idle.iter().filter(|line| line.contains("webhook_")).count();
    eprintln!(
        "idle for {window:?}: {} statements, {worker} by the webhook worker ({:.1}/s)",
        idle.len(),
        worker as f64 / window.as_secs_f64()
    );
    assert!(worker <= 6, "at most one worker query a second: {worker} in {window:?}");
}

#[test]
fn a_lease_no_longer_than_the_delivery_timeout_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_clinic-content"))
        .arg("migrate")
        .env("DATABASE_URL", dir.path().join("lease.db"))
        .env("WEBHOOK_TIMEOUT_SECONDS", "10")
        .env("WEBHOOK_LEASE_SECONDS", "10")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("WEBHOOK_LEASE_SECONDS (10) must be longer than WEBHOOK_TIMEOUT_SECONDS (10)"),
        "{message}"
    );
}
