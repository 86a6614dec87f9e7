//! The command line: `serve` (the default), `migrate`, `seed`, `openapi`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::{clock, db, openapi, seed, Application};

/// A headless content JSON API for a health clinic's educational content.
///
/// Configuration comes from the environment: DATABASE_URL (default clinic-content.db),
/// BIND_ADDRESS (127.0.0.1), PORT (8080), DATABASE_POOL_SIZE (8), WORKERS (one per core),
/// RUST_LOG (info).
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
    /// Sync a library document into the database: upsert by slug, idempotent, all or nothing.
    Seed {
        /// The library JSON file; the bundled content/seed.json when omitted.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Print the OpenAPI document.
    Openapi,
}

pub fn run(cli: Cli) -> Result<(), String> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(Config::from_env()?),
        Command::Migrate => {
            let config = Config::from_env()?;
            let pool = db::connect(&config.database_url, 1)?;
            let mut conn = pool.get().map_err(|error| error.to_string())?;
            let applied = db::migrate(&mut conn)?;
            println!("applied {applied} migration(s); the database is up to date");
            Ok(())
        }
        Command::Seed { file } => {
            let config = Config::from_env()?;
            let library = match file {
                Some(path) => {
                    let json = std::fs::read_to_string(&path)
                        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
                    seed::parse(&json)?
                }
                None => seed::default_library(),
            };
            let pool = db::connect(&config.database_url, 1)?;
            let mut conn = pool.get().map_err(|error| error.to_string())?;
            db::migrate(&mut conn)?;
            let report = seed::sync(&mut conn, &library, &clock::now())?;
            println!("seeded: {report}");
            Ok(())
        }
        Command::Openapi => {
            print!("{}", openapi::spec_json());
            Ok(())
        }
    }
}

fn serve(config: Config) -> Result<(), String> {
    let address = format!("{}:{}", config.bind_address, config.port);
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config)?;
        log::info!("clinic-content listening on http://{address} (try /v1/posts or /openapi.json)");
        app.run_until_stopped().await.map_err(|error| error.to_string())
    })
}
