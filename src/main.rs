use clap::Parser;

fn main() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = clinic_content::cli::Cli::parse();
    if let Err(error) = clinic_content::cli::run(cli) {
        eprintln!("clinic-content: {error}");
        std::process::exit(1);
    }
}
