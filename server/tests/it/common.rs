//! Test harness: starts the real server on port 0 against SQLite (a temp dir) or a
//! PostgreSQL database created for the test and dropped afterwards, and talks to it
//! through the real Rust client.

#![allow(dead_code)]

use std::path::PathBuf;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use porthole_client::{Porthole, pb};
use porthole_server::Config;
use porthole_server::config::DatabaseConfig;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::oneshot;

/// The JWT secret test servers use, so tests can forge tokens on purpose.
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// Which database a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where to create throwaway PostgreSQL databases.
pub fn postgres_admin_url() -> String {
    std::env::var("PORTHOLE_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A PostgreSQL database that exists for one test and is dropped with this guard.
pub struct TempPostgres {
    pub name: String,
    pub url: String,
}

impl TempPostgres {
    pub async fn create() -> Self {
        let admin = postgres_admin_url();
        let name = format!("porthole_test_{}", porthole_server::ids::unique("db").trim_start_matches("db_"));
        let mut conn = AsyncPgConnection::establish(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL needed for this test at {admin}: {e}"));
        conn.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
        let mut url = url::Url::parse(&admin).unwrap();
        url.set_path(&name);
        Self { name, url: url.to_string() }
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let admin = postgres_admin_url();
        let name = self.name.clone();
        // Drop runs outside any runtime guarantee: use a short-lived one on its own thread.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async move {
                if let Ok(mut conn) = AsyncPgConnection::establish(&admin).await {
                    let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                }
            });
        })
        .join();
    }
}

/// A running server and a client connected to it.
pub struct TestServer {
    pub addr: std::net::SocketAddr,
    pub url: String,
    pub client: Porthole,
    pub data_dir: PathBuf,
    /// The database config the server uses (to start a second replica on it).
    pub database: Option<DatabaseConfig>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    _tmp: Option<TempDir>,
    _pg: Option<TempPostgres>,
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(porthole_server::ids::unique("porthole-test"));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    /// Starts a server with a config adjusted by `tweak`.
    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        let tmp = TempDir::new();
        let mut config = Config::for_tests(tmp.0.clone());
        config.jwt_secret = Some(TEST_JWT_SECRET.to_owned());
        config.db_pool_size = 4;
        // The tests are scripts sending at full speed from one address; the limits have
        // their own tests (`limits`), which turn them on. The browser tests run the
        // binary with the default limits.
        config.rate_limits = porthole_server::limits::Rates::off();
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let pg = TempPostgres::create().await;
                config.database = DatabaseConfig::Postgres(pg.url.clone());
                Some(pg)
            }
        };
        tweak(&mut config);
        let database = Some(config.database.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let (addr, server) = porthole_server::start(config, async move {
            let _ = stopped.await;
        })
        .await
        .unwrap();
        let task = tokio::spawn(async move {
            server.await.unwrap();
        });
        let url = format!("http://{addr}");
        let client = Porthole::connect(url.clone()).await.unwrap();
        Self {
            addr,
            url,
            client,
            data_dir: tmp.0.clone(),
            database,
            stop: Some(stop),
            task: Some(task),
            _tmp: Some(tmp),
            _pg: pg,
        }
    }

    /// A new client on the same server with its own token.
    pub fn new_client(&self) -> Porthole {
        self.client.with_separate_token()
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
        }
    }
}

/// Signs up a new owner with a new workspace and returns a client using their token.
pub async fn sign_up(server: &TestServer, email: &str, workspace: &str) -> (Porthole, pb::Session) {
    let client = server.new_client();
    let session = client
        .auth()
        .sign_up(pb::SignUpRequest {
            email: email.into(),
            password: "correct horse battery".into(),
            display_name: format!("Owner of {workspace}"),
            workspace_name: workspace.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    client.set_token(Some(session.access_token.clone()));
    (client, session)
}

/// Creates a widget with default settings in the owner's workspace.
pub async fn create_widget(owner: &Porthole, name: &str) -> pb::Widget {
    owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest { name: name.into(), settings: None })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap()
}

/// Starts a visitor session as `request` says; returns a client using its token and the
/// visitor's id.
pub async fn start_session(server: &TestServer, request: pb::StartSessionRequest) -> (Porthole, String) {
    let visitor = server.new_client();
    let session = visitor.visitor().start_session(request).await.unwrap().into_inner();
    visitor.set_token(Some(session.visitor_token));
    (visitor, session.visitor.unwrap().id)
}

/// Runs SQL on the test server's database behind its back: `sqlite` or `postgres`, by
/// backend (e.g. a trigger that makes the database refuse some rows).
pub async fn execute_sql(server: &TestServer, sqlite: &str, postgres: &str) {
    use diesel::Connection as _;
    use diesel::connection::SimpleConnection as _;
    match server.database.as_ref().unwrap() {
        DatabaseConfig::Sqlite(path) => {
            let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
            conn.batch_execute(sqlite).unwrap();
        }
        DatabaseConfig::Postgres(url) => {
            let mut conn = AsyncPgConnection::establish(url).await.unwrap();
            conn.batch_execute(postgres).await.unwrap();
        }
    }
}

/// A transaction opened behind the test server's back that holds its writes: SQLite's write
/// lock, or every workspace's row lock on PostgreSQL (which the server's writes take first).
pub enum HeldWrites {
    Sqlite(diesel::SqliteConnection),
    Postgres(Box<AsyncPgConnection>),
}

impl HeldWrites {
    pub async fn take(server: &TestServer) -> Self {
        use diesel::Connection as _;
        use diesel::connection::SimpleConnection as _;
        match server.database.as_ref().unwrap() {
            DatabaseConfig::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
                conn.batch_execute("BEGIN IMMEDIATE").unwrap();
                Self::Sqlite(conn)
            }
            DatabaseConfig::Postgres(url) => {
                let mut conn = AsyncPgConnection::establish(url).await.unwrap();
                conn.batch_execute("BEGIN; SELECT id FROM workspaces FOR UPDATE;").await.unwrap();
                Self::Postgres(Box::new(conn))
            }
        }
    }

    /// Lets the held writes go (rolls back).
    pub async fn release(self) {
        use diesel::connection::SimpleConnection as _;
        match self {
            Self::Sqlite(mut conn) => conn.batch_execute("ROLLBACK").unwrap(),
            Self::Postgres(mut conn) => conn.batch_execute("ROLLBACK").await.unwrap(),
        }
    }
}

/// Starts an anonymous visitor session on a widget.
pub async fn start_visitor(server: &TestServer, widget_token: &str) -> (Porthole, String) {
    start_session(server, pb::StartSessionRequest { widget_token: widget_token.into(), ..Default::default() }).await
}

/// The visitor's open conversation on their widget, started if there is none.
pub async fn open_conversation(visitor: &Porthole) -> pb::VisitorConversation {
    visitor
        .visitor()
        .start_conversation(pb::StartConversationRequest::default())
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap()
}

/// The messages of a conversation as its visitor lists them (first page).
pub async fn visitor_messages(visitor: &Porthole, conversation_id: &str) -> Vec<pb::Message> {
    visitor
        .visitor()
        .list_messages(pb::ListMessagesRequest { conversation_id: conversation_id.into(), ..Default::default() })
        .await
        .unwrap()
        .into_inner()
        .messages
}

/// The field names of a BadRequest detail in an INVALID_ARGUMENT status.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    use porthole_server::error::RpcStatus;
    use prost::Message as _;
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    let envelope = RpcStatus::decode(status.details()).expect("status details");
    envelope
        .details
        .iter()
        .filter(|d| d.type_url == "type.googleapis.com/porthole.v1.BadRequest")
        .flat_map(|d| pb::BadRequest::decode(d.value.as_slice()).unwrap().field_violations)
        .map(|v| v.field)
        .collect()
}

/// Declares a test that runs once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::Backend::Postgres).await;
            }
        }
    };
}

/// A `redis-server` of our own on a free port, killed when dropped (for outage tests).
pub struct OwnRedis {
    pub port: u16,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut redis = Self { port, child: None };
        redis.restart().await;
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) on the same port and waits until it accepts connections.
    pub async fn restart(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server must be installed for outage tests");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start on port {}", self.port);
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The Redis the replica tests use.
pub fn test_redis_url() -> String {
    std::env::var("PORTHOLE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Two server processes on one fresh PostgreSQL database and the given Redis.
pub async fn replica_pair(redis_url: String) -> (TestServer, TestServer) {
    let for_a = redis_url.clone();
    let a = TestServer::start_with(Backend::Postgres, move |c| c.redis_url = Some(for_a)).await;
    let database = a.database.clone().unwrap();
    let b = TestServer::start_with(Backend::Sqlite, move |c| {
        c.database = database;
        c.redis_url = Some(redis_url);
    })
    .await;
    (a, b)
}

/// A client on `server` logged in as an account created by [`sign_up`].
pub async fn log_in(server: &TestServer, email: &str) -> Porthole {
    let client = server.new_client();
    let session = client
        .auth()
        .log_in(pb::LogInRequest {
            email: email.into(),
            password: "correct horse battery".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    client.set_token(Some(session.access_token));
    client
}

/// A visitor's message, sent under client key `key`.
pub async fn visitor_says(visitor: &Porthole, conversation_id: &str, body: &str, key: &str) -> pb::Message {
    visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation_id.into(),
            body: body.into(),
            client_key: key.into(),
            attachment_ids: vec![],
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap()
}

/// A member's message (an internal note when `internal`).
pub async fn agent_says(agent: &Porthole, conversation_id: &str, body: &str, internal: bool) -> pb::Message {
    agent
        .conversations()
        .send_conversation_message(pb::SendConversationMessageRequest {
            conversation_id: conversation_id.into(),
            body: body.into(),
            internal,
            client_key: porthole_server::ids::unique("k"),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap()
}

/// Joins the owner's workspace with `role` through an invitation; returns the member's
/// client (signed in) and user id.
pub async fn join(server: &TestServer, owner: &Porthole, email: &str, role: pb::Role) -> (Porthole, String) {
    let invite = owner
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: email.into(), role: role.into() })
        .await
        .unwrap()
        .into_inner();
    let member = server.new_client();
    let session = member
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: invite.invite_token,
            display_name: "Ann Agent".into(),
            password: "correct horse battery".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    member.set_token(Some(session.access_token.clone()));
    (member, session.user.unwrap().id)
}

/// Sends one HTTP/1.1 request (`Connection: close`) and returns (status line + headers,
/// body), the body de-chunked.
pub async fn http1(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> (String, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let headers = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    if headers.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (headers, body)
}

/// A chunked body's bytes.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..line_end]).unwrap().trim(), 16).unwrap();
        raw = &raw[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

/// The status a feed ends with, reading past what it sends first; panics when it is still
/// open after `within` (saying `what`) or ends without a status.
pub async fn feed_end<T>(feed: &mut tonic::Streaming<T>, within: std::time::Duration, what: &str) -> tonic::Status {
    tokio::time::timeout(within, async {
        loop {
            match feed.message().await {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("the feed ended without a status"),
                Err(status) => return status,
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{what} is still open after {within:?}"))
}
