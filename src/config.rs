//! Typed configuration, read once from environment variables, each with a default that works
//! with no setup at all.

use std::env;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: a SQLite file path (`sqlite://` prefix optional). Default `clinic-content.db`.
    pub database_url: String,
    /// `BIND_ADDRESS`: default `127.0.0.1`.
    pub bind_address: String,
    /// `PORT`: default 8080; 0 picks a free port (used by the tests).
    pub port: u16,
    /// `DATABASE_POOL_SIZE`: connections in the pool, default 4.
    pub pool_size: u32,
    /// `WORKERS`: HTTP worker threads, default one per core.
    pub workers: Option<usize>,
    /// `CACHE_MEGABYTES`: memory for the response cache, default 16; 0 turns it off.
    pub cache_bytes: usize,
    /// `RATE_LIMIT_READS`, `RATE_LIMIT_SEARCHES`, `RATE_LIMIT_WRITES`: requests a minute per
    /// client address, default 1200, 120 and 120; 0 turns a limit off.
    pub rate_limits: crate::http::rate_limit::Limits,
    /// `RATE_LIMIT_TOKEN_READS`, `RATE_LIMIT_TOKEN_SEARCHES`, `RATE_LIMIT_TOKEN_WRITES`: the same
    /// per verified token (whatever address it comes from), default 12000, 1200 and 120.
    pub token_rate_limits: crate::http::rate_limit::Limits,
    /// `CORS_ALLOWED_ORIGINS`: origins (comma-separated) that may send tokens and writes.
    pub cors_origins: Vec<String>,
    /// `PUBLIC_SITE_URL`: the front end's base URL for feeds, the sitemap and JSON-LD (posts at
    /// `{base}/blog/{slug}`); default: the site's `website_url` from the database.
    pub public_site_url: Option<String>,
    /// `PUBLIC_API_URL`: this API's own base URL as clients reach it (feed self links); default:
    /// what a trusted proxy forwards, else `http://{BIND_ADDRESS}:{PORT}`. Never the client's
    /// `Host` header.
    pub public_api_url: Option<String>,
    /// `SITEMAP_URLS`: URLs in one sitemap file, 1 to 50,000 (the protocol's most), default
    /// 50,000; with more posts `/sitemap.xml` is an index of files of this many.
    pub sitemap_urls: i64,
    /// `TRUSTED_PROXIES`: addresses or CIDR blocks (comma-separated) of reverse proxies whose
    /// `Forwarded` / `X-Forwarded-*` headers name the client, its scheme and host. Default none.
    pub trusted_proxies: crate::http::forwarded::TrustedProxies,
    /// `WEBHOOK_*`: how webhook deliveries are made (see `WebhookSettings`).
    pub webhooks: crate::webhooks::WebhookSettings,
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        let port = match env::var("PORT") {
            Ok(value) => value.parse().map_err(|_| format!("PORT must be a port number, got '{value}'"))?,
            Err(_) => 8080,
        };
        let pool_size = match env::var("DATABASE_POOL_SIZE") {
            Ok(value) => value
                .parse()
                .ok()
                .filter(|size| (1..=64).contains(size))
                .ok_or_else(|| format!("DATABASE_POOL_SIZE must be 1 to 64, got '{value}'"))?,
            Err(_) => 4,
        };
        let workers = match env::var("WORKERS") {
            Ok(value) => Some(
                value
                    .parse()
                    .ok()
                    .filter(|workers| (1..=256).contains(workers))
                    .ok_or_else(|| format!("WORKERS must be 1 to 256, got '{value}'"))?,
            ),
            Err(_) => None,
        };
        let cache_bytes = match env::var("CACHE_MEGABYTES") {
            Ok(value) => {
                value
                    .parse::<usize>()
                    .ok()
                    .filter(|mb| *mb <= 4096)
                    .ok_or_else(|| format!("CACHE_MEGABYTES must be 0 to 4096, got '{value}'"))?
                    * 1024
                    * 1024
            }
            Err(_) => 16 * 1024 * 1024,
        };
        let limit = |name: &str, default: u32| -> Result<u32, String> {
            match env::var(name) {
                Ok(value) => {
                    value.parse().map_err(|_| format!("{name} must be a number of requests a minute, got '{value}'"))
                }
                Err(_) => Ok(default),
            }
        };
        let rate_limits = crate::http::rate_limit::Limits {
            read: limit("RATE_LIMIT_READS", 1200)?,
            search: limit("RATE_LIMIT_SEARCHES", 120)?,
            write: limit("RATE_LIMIT_WRITES", 120)?,
        };
        let token_rate_limits = crate::http::rate_limit::Limits {
            read: limit("RATE_LIMIT_TOKEN_READS", 12_000)?,
            search: limit("RATE_LIMIT_TOKEN_SEARCHES", 1_200)?,
            write: limit("RATE_LIMIT_TOKEN_WRITES", 120)?,
        };
        let cors_origins = env::var("CORS_ALLOWED_ORIGINS")
            .map(|value| value.split(',').map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect())
            .unwrap_or_default();
        let public_site_url = base_url_var("PUBLIC_SITE_URL")?;
        let public_api_url = base_url_var("PUBLIC_API_URL")?;
        let trusted_proxies = match env::var("TRUSTED_PROXIES") {
            Ok(value) => crate::http::forwarded::TrustedProxies::parse(&value).map_err(|error| {
                format!("TRUSTED_PROXIES must be comma-separated addresses or CIDR blocks: {error}")
            })?,
            Err(_) => Default::default(),
        };
        let number = |name: &str, default: i64, min: i64, max: i64| -> Result<i64, String> {
            match env::var(name) {
                Ok(value) => value
                    .parse()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| format!("{name} must be a number from {min} to {max}, got '{value}'")),
                Err(_) => Ok(default),
            }
        };
        let allow_private_targets = match env::var("WEBHOOK_ALLOW_PRIVATE_TARGETS").as_deref() {
            Ok("true") | Ok("1") => true,
            Ok("false") | Ok("0") | Ok("") | Err(_) => false,
            Ok(other) => return Err(format!("WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false, got '{other}'")),
        };
        let timeout = number("WEBHOOK_TIMEOUT_SECONDS", 10, 1, 120)?;
        let lease = number("WEBHOOK_LEASE_SECONDS", 30, 2, 600)?;
        if lease <= timeout {
            return Err(format!(
                "WEBHOOK_LEASE_SECONDS ({lease}) must be longer than WEBHOOK_TIMEOUT_SECONDS ({timeout})"
            ));
        }
        let webhooks = crate::webhooks::WebhookSettings {
            allow_private_targets,
            timeout: std::time::Duration::from_secs(timeout as u64),
            lease: std::time::Duration::from_secs(lease as u64),
            retry_base_ms: number("WEBHOOK_RETRY_BASE_MS", 10_000, 10, 3_600_000)?,
            max_attempts: number("WEBHOOK_MAX_ATTEMPTS", 12, 1, 50)? as i32,
            public_site_url: public_site_url.clone(),
        };
        let sitemap_urls = number("SITEMAP_URLS", crate::seo::feeds::SITEMAP_SIZE, 1, crate::seo::feeds::SITEMAP_SIZE)?;
        Ok(Config {
            sitemap_urls,
            webhooks,
            public_site_url,
            public_api_url,
            trusted_proxies,
            cache_bytes,
            rate_limits,
            token_rate_limits,
            cors_origins,
            database_url: env::var("DATABASE_URL").unwrap_or_else(|_| "clinic-content.db".to_string()),
            bind_address: env::var("BIND_ADDRESS").unwrap_or_else(|_| "127.0.0.1".to_string()),
            port,
            pool_size,
            workers,
        })
    }

    /// A configuration for a given database on a free port; what the tests use.
    pub fn for_database(database_url: impl Into<String>) -> Config {
        Config {
            database_url: database_url.into(),
            bind_address: "127.0.0.1".to_string(),
            port: 0,
            pool_size: 4,
            workers: Some(2),
            cache_bytes: 8 * 1024 * 1024,
            // Tests that check rate limiting set their own.
            rate_limits: crate::http::rate_limit::Limits { read: 0, search: 0, write: 0 },
            token_rate_limits: crate::http::rate_limit::Limits { read: 0, search: 0, write: 0 },
            cors_origins: vec!["https://admin.example".to_string()],
            public_site_url: None,
            public_api_url: None,
            sitemap_urls: crate::seo::feeds::SITEMAP_SIZE,
            trusted_proxies: Default::default(),
            // Tests deliver to receivers on loopback, and retry quickly.
            webhooks: crate::webhooks::WebhookSettings {
                allow_private_targets: true,
                timeout: std::time::Duration::from_secs(2),
                lease: std::time::Duration::from_secs(5),
                retry_base_ms: 100,
                max_attempts: 5,
                public_site_url: None,
            },
        }
    }
}

/// An http(s) base URL from the environment (trailing `/` dropped), or None when unset or empty.
fn base_url_var(name: &str) -> Result<Option<String>, String> {
    match env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => {
            let value = value.trim().trim_end_matches('/').to_string();
            let scheme_ok = value.starts_with("https://") || value.starts_with("http://");
            if !scheme_ok || value.contains(char::is_whitespace) || value.contains(['?', '#']) {
                return Err(format!("{name} must be an http(s) URL with no query, got '{value}'"));
            }
            Ok(Some(value))
        }
        Err(_) => Ok(None),
    }
}
