//! The `porthole` binary: read config, set up logs, then serve (default), migrate, or
//! print `.env.example`.

use std::process::ExitCode;

use porthole_server::config::{Config, LogFormat, env_example};

const USAGE: &str = "\
porthole — live chat server (gRPC, grpc-web and HTTP on one port)

Usage: porthole [COMMAND]

Commands:
  serve        Serve until SIGTERM or Ctrl-C (default)
  migrate      Apply database migrations and exit
  env-example  Print every setting with its default (the contents of .env.example)
  help         Show this help

Settings come from the environment (PORTHOLE_*, DATABASE_URL, REDIS_URL); see .env.example.
";

fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".to_owned());
    match command.as_str() {
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        "env-example" => {
            print!("{}", env_example());
            return ExitCode::SUCCESS;
        }
        "serve" | "migrate" => {}
        other => {
            eprintln!("porthole: unknown command {other:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("porthole: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("porthole: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        if command == "migrate" {
            let listen = config.listen;
            let (_stop, stopping) = tokio::sync::watch::channel(false);
            porthole_server::open_state(config, listen, stopping)
                .await
                .map(|_| tracing::info!("migrations are up to date"))
        } else {
            let (_, server) = porthole_server::start(config, shutdown_signal()).await?;
            server.await
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "porthole stopped");
            eprintln!("porthole: {error}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(config: &Config) {
    // `Config` refused a filter that does not parse; "info" only guards the impossible.
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; draining connections");
}
