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
  healthcheck  GET /healthz of the server at PORTHOLE_LISTEN; exit 0 if it answers 200
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
        "healthcheck" => return healthcheck(),
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
    let traces = match init_tracing(&config) {
        Ok(traces) => traces,
        Err(error) => {
            eprintln!("porthole: {error}");
            return ExitCode::FAILURE;
        }
    };
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
    // Sends the traces still buffered (a blocking call: outside `block_on`).
    if let Some(traces) = traces {
        #[cfg(feature = "otel")]
        traces.shutdown();
        #[cfg(not(feature = "otel"))]
        match traces {}
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "porthole stopped");
            eprintln!("porthole: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `porthole healthcheck`: container images have no shell or curl, so the binary probes
/// itself (a plain HTTP/1.0 request; no async runtime, no log setup).
fn healthcheck() -> ExitCode {
    let listen = match Config::from_env() {
        Ok(config) => config.listen,
        Err(error) => {
            eprintln!("porthole: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    match probe_health(listen, std::time::Duration::from_secs(5)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("porthole: {reason}");
            ExitCode::FAILURE
        }
    }
}

/// GETs `/healthz` of the server listening on `listen`; `Err` says why it is not healthy.
fn probe_health(listen: std::net::SocketAddr, timeout: std::time::Duration) -> Result<(), String> {
    use std::io::{Read, Write};
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};

    // A wildcard listen address is reached on loopback.
    let addr = if listen.ip().is_unspecified() {
        let ip = if listen.is_ipv4() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { IpAddr::V6(Ipv6Addr::LOCALHOST) };
        SocketAddr::new(ip, listen.port())
    } else {
        listen
    };
    let status_line = || -> std::io::Result<String> {
        let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        // The status line is all we need; HTTP/1.0 makes the server close after answering.
        let mut head = Vec::with_capacity(256);
        stream.take(256).read_to_end(&mut head)?;
        Ok(String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_owned())
    };
    match status_line() {
        Ok(status) if status.split(' ').nth(1) == Some("200") => Ok(()),
        Ok(status) => Err(format!("unhealthy: {status:?}")),
        Err(error) => Err(format!("health check of {addr} failed: {error}")),
    }
}

/// The trace export to shut down at the end, if any.
#[cfg(feature = "otel")]
type Traces = Option<porthole_server::otel::Export>;
#[cfg(not(feature = "otel"))]
type Traces = Option<std::convert::Infallible>;

/// Logs to stderr through `PORTHOLE_LOG`'s filter and, when an endpoint is set, exports
/// traces through a filter of their own (so `PORTHOLE_LOG=error` still traces every call).
fn init_tracing(config: &Config) -> Result<Traces, String> {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    #[cfg(feature = "otel")]
    let (traces, spans) = {
        let traces = porthole_server::otel::Export::start(&config.traces).map_err(|e| e.to_string())?;
        let spans = traces.as_ref().map(porthole_server::otel::Export::layer);
        (traces, spans)
    };
    #[cfg(not(feature = "otel"))]
    let (traces, spans) = (None, None::<tracing_subscriber::layer::Identity>);
    // `Config` refused a filter that does not parse; "info" only guards the impossible.
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry().with(spans);
    match config.log_format {
        LogFormat::Json => registry.with(logs.json().with_filter(filter)).init(),
        LogFormat::Text => registry.with(logs.with_filter(filter)).init(),
    }
    Ok(traces)
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

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpListener};
    use std::time::Duration;

    use super::probe_health;

    /// A one-shot server that answers the first request with `response`.
    fn answering(response: &'static str) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0u8; 512];
            let n = stream.read(&mut request).unwrap();
            assert!(request[..n].starts_with(b"GET /healthz HTTP/1.0\r\n"));
            stream.write_all(response.as_bytes()).unwrap();
        });
        addr
    }

    #[test]
    fn healthy_only_on_200() {
        let timeout = Duration::from_secs(5);
        assert_eq!(probe_health(answering("HTTP/1.0 200 OK\r\n\r\nok\n"), timeout), Ok(()));
        let sick = probe_health(answering("HTTP/1.0 503 Service Unavailable\r\n\r\ndatabase unavailable\n"), timeout);
        assert!(sick.unwrap_err().contains("503"));
        // Nothing listening: a port that was free a moment ago.
        let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        assert!(probe_health(closed, timeout).is_err());
    }

    #[test]
    fn a_wildcard_listen_address_is_probed_on_loopback() {
        let addr = answering("HTTP/1.1 200 OK\r\n\r\n");
        let wildcard = SocketAddr::from(([0, 0, 0, 0], addr.port()));
        assert_eq!(probe_health(wildcard, Duration::from_secs(5)), Ok(()));
    }
}
