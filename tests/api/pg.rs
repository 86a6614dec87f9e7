//! PostgreSQL for the tests: a database of the test's own on the server `TEST_DATABASE_URL` names
//! (CI starts one with scripts/pg-cluster.sh), dropped when the test ends.

use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;

static NEXT: AtomicUsize = AtomicUsize::new(0);

pub struct PgDatabase {
    pub url: String,
    server_url: String,
    name: String,
}

impl PgDatabase {
    /// A new empty database, or None when `TEST_DATABASE_URL` is unset (the test then prints
    /// why it was skipped and returns). Under CI the variable must be set.
    pub fn create(test: &str) -> Option<PgDatabase> {
        let Ok(server_url) = std::env::var("TEST_DATABASE_URL") else {
            assert!(std::env::var_os("CI").is_none(), "CI must run the PostgreSQL tests: set TEST_DATABASE_URL");
            println!(
                "skipped: TEST_DATABASE_URL is not set (a PostgreSQL server for the tests: \
                 export TEST_DATABASE_URL=$(bash scripts/pg-cluster.sh start /tmp/clinic-pg))"
            );
            return None;
        };
        let name = format!("test_{test}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        assert!(name.len() <= 63, "PostgreSQL truncates names past 63 bytes: {name}");
        admin(&server_url).batch_execute(&format!("CREATE DATABASE {name}")).expect("create the test database");
        Some(PgDatabase { url: with_database(&server_url, &name), server_url, name })
    }

    /// A new database holding what a first start leaves (migrations and the seed), copied from
    /// a template this process prepares once: `CREATE DATABASE … TEMPLATE`. None as `create`.
    pub fn seeded(test: &str) -> Option<PgDatabase> {
        static TEMPLATE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let Ok(server_url) = std::env::var("TEST_DATABASE_URL") else {
            assert!(std::env::var_os("CI").is_none(), "CI must run the PostgreSQL tests: set TEST_DATABASE_URL");
            return None;
        };
        let template = TEMPLATE.get_or_init(|| {
            let name = format!("template_{}", std::process::id());
            let mut admin = admin(&server_url);
            admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).expect("drop an old template database");
            admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create the template database");
            let config = clinic_content::config::Config::for_database(with_database(&server_url, &name));
            drop(clinic_content::prepare_database(&config).expect("migrate and seed the template"));
            name
        });
        let name = format!("test_{test}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        admin(&server_url)
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .expect("copy the template database");
        Some(PgDatabase { url: with_database(&server_url, &name), server_url, name })
    }

    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connect to the test database")
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // FORCE: a connection the test still holds (or leaked on a panic) does not keep it.
        let dropped =
            admin(&self.server_url).batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        if let Err(error) = dropped {
            eprintln!("could not drop the test database {}: {error}", self.name);
        }
    }
}

fn admin(server_url: &str) -> PgConnection {
    PgConnection::establish(server_url).expect("connect to TEST_DATABASE_URL")
}

/// `url` with its database name replaced (any `?query` is kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(base, query)| (base, Some(query)));
    let authority_start = base.find("://").map_or(0, |at| at + 3);
    let path_start = base[authority_start..].find('/').map_or(base.len(), |at| authority_start + at);
    let mut result = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        result = format!("{result}?{query}");
    }
    result
}

#[test]
fn database_names_replace_the_urls_path() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "t"),
        "postgres://postgres@127.0.0.1:5432/t"
    );
    assert_eq!(with_database("postgres://u@h:1", "t"), "postgres://u@h:1/t");
    assert_eq!(with_database("postgres://u@h/db?sslmode=disable", "t"), "postgres://u@h/t?sslmode=disable");
}
