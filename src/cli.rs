//! The command line: `serve` (the default), `migrate`, `seed`, `import`, `export`, `backup`,
//! `generate`, `token`, `webhook`, `openapi`.

use std::path::PathBuf;

use crate::db::Conn;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::tokens::{query as tokens, Scope};
use crate::{clock, db, seed, Application};

/// A headless content JSON API for a health clinic's educational content.
///
/// Configuration comes from the environment: DATABASE_URL (default clinic-content.db),
/// BIND_ADDRESS (127.0.0.1), PORT (8080), DATABASE_POOL_SIZE (4), WORKERS (one per core),
/// CACHE_MEGABYTES (16), RATE_LIMIT_READS / RATE_LIMIT_SEARCHES / RATE_LIMIT_WRITES (1200 / 120 /
/// 120 a minute per client; 0 = off), RATE_LIMIT_TOKEN_READS / _SEARCHES / _WRITES (12000 / 1200 /
/// 120 a minute per verified token), CORS_ALLOWED_ORIGINS (none), PUBLIC_SITE_URL (the site's
/// website), WEBHOOK_ALLOW_PRIVATE_TARGETS (false), WEBHOOK_TIMEOUT_SECONDS (10),
/// WEBHOOK_RETRY_BASE_MS (10000), WEBHOOK_MAX_ATTEMPTS (12), WEBHOOK_LEASE_SECONDS (30), RUST_LOG (info).
#[derive(Debug, Parser)]
#[command(name = "clinic-content", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default). A new or empty database is migrated and seeded first.
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Sync the bundled content (content/seed.json as compiled in), or a library file, into the
    /// database: upsert by slug, idempotent, all or nothing; nothing is deleted.
    Seed {
        /// A library JSON file to sync instead of the bundled content.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Load a library document (the format `export` writes): validated first, then synced all
    /// or nothing; running it twice changes nothing.
    Import {
        /// The library JSON file, or - for standard input.
        file: PathBuf,
    },
    /// Write the whole library as one JSON document to standard output (or --output).
    Export {
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a consistent copy of the live database to PATH (safe while the server runs).
    Backup {
        /// Where to write the copy; must not exist yet.
        path: PathBuf,
    },
    /// Add N generated posts (with tags, citations and FAQ entries) for benchmarks and scale
    /// tests; the same seed gives the same library.
    Generate {
        #[arg(long)]
        posts: usize,
        /// How many tags to spread the posts over (each post gets 1 to 4).
        #[arg(long, default_value_t = seed::generate::DEFAULT_TAGS, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        tags: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage webhook subscriptions (the same as the admin API under /v1/webhooks).
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once; only its hash is stored.
    Create {
        /// What the token is for, e.g. "admin UI" or "site preview".
        #[arg(long)]
        name: String,
        /// preview (read drafts), write (write content), or admin (everything).
        #[arg(long, value_parser = ["preview", "write", "admin"])]
        scope: String,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by id or name.
    Revoke {
        /// The token's id or name.
        token: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Subscribe a URL to events and print its signing secret once.
    Create {
        /// Where to POST events (https:// or http://).
        #[arg(long)]
        url: String,
        /// Comma-separated event patterns, e.g. "post.*,faq.*" or "*".
        #[arg(long, default_value = "*")]
        events: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List subscriptions (never their secrets).
    List,
    /// Delete a subscription and its delivery history.
    Delete { id: i32 },
    /// Queue a `ping` event for a subscription.
    Ping { id: i32 },
}

fn open(config: &Config) -> Result<db::DbConn, String> {
    let pool = db::connect(&config.database_url, 1)?;
    let mut conn = pool.get().map_err(|error| error.to_string())?;
    db::migrate(&mut conn)?;
    Ok(conn)
}

/// Syncs a library file (or the bundled one); the report and how long the write lock was held
/// (the sync is one transaction: reading and parsing the file come before it).
fn sync_file(conn: &mut Conn, path: Option<&PathBuf>) -> Result<(seed::SyncReport, std::time::Duration), String> {
    let library = match path {
        Some(path) if path.as_os_str() == "-" => {
            let mut json = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut json)
                .map_err(|error| format!("cannot read standard input: {error}"))?;
            seed::parse(&json)?
        }
        Some(path) => {
            let json =
                std::fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            seed::parse(&json)?
        }
        None => seed::default_library(),
    };
    let started = std::time::Instant::now();
    let report = seed::sync(conn, &library, &clock::now())?;
    Ok((report, started.elapsed()))
}

pub fn run(cli: Cli) -> Result<(), String> {
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        print!("{}", crate::registry::spec_json());
        return Ok(());
    }
    let config = Config::from_env()?;
    match command {
        Command::Serve => serve(config),
        Command::Migrate => {
            let pool = db::connect(&config.database_url, 1)?;
            let mut conn = pool.get().map_err(|error| error.to_string())?;
            let applied = db::migrate(&mut conn)?;
            println!("applied {applied} migration(s); the database is up to date");
            Ok(())
        }
        Command::Seed { file } => {
            let (report, locked) = sync_file(&mut *open(&config)?, file.as_ref())?;
            let source = file.map_or("the bundled content".to_string(), |f| f.display().to_string());
            println!("seeded from {source}: {report} (write lock held {:.2} s)", locked.as_secs_f64());
            Ok(())
        }
        Command::Import { file } => {
            let (report, locked) = sync_file(&mut *open(&config)?, Some(&file))?;
            println!("imported: {report} (write lock held {:.2} s)", locked.as_secs_f64());
            Ok(())
        }
        Command::Export { output } => {
            let json = seed::export::to_json(&seed::export::export(&mut *open(&config)?)?);
            match output {
                Some(path) => {
                    std::fs::write(&path, json).map_err(|error| format!("cannot write {}: {error}", path.display()))
                }
                None => {
                    print!("{json}");
                    Ok(())
                }
            }
        }
        Command::Backup { path } => {
            db::backup(&mut *open(&config)?, &path)?;
            println!("backed up to {}", path.display());
            Ok(())
        }
        Command::Generate { posts, tags, seed } => {
            let started = std::time::Instant::now();
            let total = seed::generate::generate(&mut *open(&config)?, posts, tags as usize, seed, &clock::now())
                .map_err(|error| error.to_string())?;
            println!(
                "generated {posts} posts in {:.1} s; the library has {total} posts",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Token(command) => token(&mut *open(&config)?, command),
        Command::Webhook(command) => webhook(&mut *open(&config)?, command, &config),
        Command::Openapi => unreachable!("handled above"),
    }
}

fn token(conn: &mut Conn, command: TokenCommand) -> Result<(), String> {
    match command {
        TokenCommand::Create { name, scope } => {
            let scope = Scope::parse(&scope).ok_or("scope must be preview, write or admin")?;
            if name.trim().is_empty() || name.len() > 100 {
                return Err("--name must be 1 to 100 characters".into());
            }
            let (token, info) = tokens::create(conn, &name, scope, &clock::now())?;
            eprintln!(
                "Created token {} '{}' with scope {}. It is shown once; store it now:",
                info.id, info.name, info.scope
            );
            println!("{token}");
            Ok(())
        }
        TokenCommand::List => {
            let list = tokens::list(conn).map_err(|error| error.to_string())?;
            println!("{:>4}  {:<8}  {:<30}  {:<20}  {:<20}  status", "id", "scope", "name", "created", "last used");
            for t in list {
                let status = t.revoked_at.as_deref().map_or("active".to_string(), |at| format!("revoked {at}"));
                println!(
                    "{:>4}  {:<8}  {:<30}  {:<20}  {:<20}  {status}",
                    t.id,
                    t.scope,
                    t.name,
                    t.created_at,
                    t.last_used_at.as_deref().unwrap_or("never")
                );
            }
            Ok(())
        }
        TokenCommand::Revoke { token } => {
            match tokens::revoke(conn, &token, &clock::now()).map_err(|error| error.to_string())? {
                0 => Err(format!("no active token has the id or name '{token}'")),
                n => {
                    println!("revoked {n} token(s)");
                    Ok(())
                }
            }
        }
    }
}

fn webhook(conn: &mut Conn, command: WebhookCommand, config: &Config) -> Result<(), String> {
    use crate::webhooks::{model::WebhookInput, query};
    match command {
        WebhookCommand::Create { url, events, description } => {
            let events = events.split(',').map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect();
            let input = WebhookInput { url, events, description, active: true };
            let errors =
                crate::validation::problems(|check| input.validate(check, config.webhooks.allow_private_targets));
            if !errors.is_empty() {
                let problems: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
                return Err(problems.join("; "));
            }
            let created = query::create(conn, &input).map_err(|error| error.to_string())?;
            eprintln!(
                "Created webhook {} for {}. Its signing secret is shown once; store it now:",
                created.id, created.url
            );
            println!("{}", created.secret.unwrap_or_default());
            Ok(())
        }
        WebhookCommand::List => {
            let list = query::list(conn).map_err(|error| error.to_string())?;
            println!("{:>4}  {:<7}  {:>7}  {:<30}  url", "id", "active", "pending", "events");
            for w in list {
                println!(
                    "{:>4}  {:<7}  {:>7}  {:<30}  {}",
                    w.id,
                    w.active,
                    w.pending_deliveries,
                    w.events.join(","),
                    w.url
                );
            }
            Ok(())
        }
        WebhookCommand::Delete { id } => match query::delete(conn, id).map_err(|error| error.to_string())? {
            0 => Err(format!("no webhook has the id {id}")),
            _ => {
                println!("deleted webhook {id}");
                Ok(())
            }
        },
        WebhookCommand::Ping { id } => {
            query::find(conn, id).map_err(|error| error.to_string())?.ok_or(format!("no webhook has the id {id}"))?;
            let queued = query::ping(conn, id).map_err(|error| error.to_string())?;
            println!("queued ping {} as delivery {}; a running server sends it", queued.event.id, queued.id);
            Ok(())
        }
    }
}

fn serve(config: Config) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async move {
        let bind_address = config.bind_address.clone();
        let app = Application::build(config)?;
        log::info!("clinic-content listening on http://{bind_address}:{} (try /v1/posts or /openapi.json)", app.port());
        app.run_until_stopped().await.map_err(|error| error.to_string())
    })
}
