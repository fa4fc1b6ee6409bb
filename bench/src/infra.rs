//! The services a scenario may run on besides the server: a PostgreSQL database created for one
//! run and dropped after it, and whether PostgreSQL and Redis answer at all (so `all` can skip
//! what needs them instead of failing).

use std::io::{Read as _, Write as _};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// How long a reachability check waits.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Databases made by this process so far (part of each name, so runs never share one).
static CREATED: AtomicU32 = AtomicU32::new(0);

/// A PostgreSQL database that exists for one run; dropped (with its connections) on drop.
pub struct TempDatabase {
    admin_url: String,
    name: String,
    /// `DATABASE_URL` for the server.
    pub url: String,
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, String> {
    let connecting = tokio_postgres::connect(url, tokio_postgres::NoTls);
    let (client, connection) = tokio::time::timeout(PROBE_TIMEOUT, connecting)
        .await
        .map_err(|_| format!("PostgreSQL at {url} did not answer within {PROBE_TIMEOUT:?}"))?
        .map_err(|e| format!("cannot connect to PostgreSQL at {url}: {e}"))?;
    tokio::spawn(connection);
    Ok(client)
}

impl TempDatabase {
    /// Creates `porthole_bench_<pid>_<n>` on the server `admin_url` points at.
    pub async fn create(admin_url: &str) -> Result<Self, String> {
        let name = format!("porthole_bench_{}_{}", std::process::id(), CREATED.fetch_add(1, Ordering::Relaxed));
        let client = connect(admin_url).await?;
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .map_err(|e| format!("CREATE DATABASE {name}: {e}"))?;
        let admin: http::Uri = admin_url.parse().map_err(|e| format!("bad PostgreSQL URL {admin_url}: {e}"))?;
        let mut parts = admin.into_parts();
        let query = parts.path_and_query.as_ref().and_then(|p| p.query()).map(|q| format!("?{q}")).unwrap_or_default();
        parts.path_and_query = Some(format!("/{name}{query}").parse().map_err(|e| format!("database URL: {e}"))?);
        let url = http::Uri::from_parts(parts).map_err(|e| format!("database URL: {e}"))?.to_string();
        Ok(Self { admin_url: admin_url.to_owned(), name, url })
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin_url.clone(), self.name.clone());
        // Drop may run on a runtime worker: use a short-lived runtime on its own thread.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            runtime.block_on(async move {
                if let Ok(client) = connect(&admin).await {
                    let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                }
            });
        })
        .join();
    }
}

/// `None` when PostgreSQL answers at `admin_url`, else why not.
pub async fn postgres_unreachable(admin_url: &str) -> Option<String> {
    match connect(admin_url).await {
        Ok(client) => client.simple_query("SELECT 1").await.err().map(|e| e.to_string()),
        Err(why) => Some(why),
    }
}

/// `None` when Redis at `url` (`redis://host:port[/db]`) answers PING, else why not.
pub fn redis_unreachable(url: &str) -> Option<String> {
    let uri: http::Uri = match url.parse() {
        Ok(uri) => uri,
        Err(e) => return Some(format!("bad Redis URL {url}: {e}")),
    };
    let host = uri.host().unwrap_or("127.0.0.1");
    let port = uri.port_u16().unwrap_or(6379);
    let ping = || -> std::io::Result<bool> {
        let address = std::net::ToSocketAddrs::to_socket_addrs(&(host, port))?
            .next()
            .ok_or_else(|| std::io::Error::other("no address"))?;
        let mut stream = std::net::TcpStream::connect_timeout(&address, PROBE_TIMEOUT)?;
        stream.set_read_timeout(Some(PROBE_TIMEOUT))?;
        stream.write_all(b"PING\r\n")?;
        let mut reply = [0u8; 5];
        stream.read_exact(&mut reply)?;
        Ok(&reply == b"+PONG")
    };
    match ping() {
        Ok(true) => None,
        Ok(false) => Some(format!("Redis at {url} did not answer PING with PONG (a password is not supported here)")),
        Err(e) => Some(format!("Redis at {url}: {e}")),
    }
}
