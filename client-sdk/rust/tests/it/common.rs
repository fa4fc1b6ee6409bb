//! Test harness: the real `porthole` binary on a free port with a fresh SQLite data
//! directory (restartable on the same port and data), a TCP proxy whose connections a test
//! can cut, and a signed-up workspace with a widget, made through the SDK itself.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt as _;
use porthole_client::{Feed, FeedEvent, FeedItem, Porthole, pb};
use tokio::io::AsyncWriteExt as _;
use tokio::net::{TcpListener, TcpStream};

pub const PASSWORD: &str = "correct horse battery";

/// The built binary: `PORTHOLE_BIN`, else `porthole` in the target directory these tests
/// were built into (`cargo test --workspace` builds it; alone, run
/// `cargo build -p porthole-server --bin porthole` first).
pub fn server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PORTHOLE_BIN") {
        return PathBuf::from(path);
    }
    let path = target_dir().join("porthole");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p porthole-server --bin porthole` or set PORTHOLE_BIN",
        path.display()
    );
    path
}

/// `target/debug`: this test binary lives in its `deps/`.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}

/// An example's binary, which `cargo test` builds with the tests.
pub fn example_binary(name: &str) -> PathBuf {
    let path = target_dir().join("examples").join(name);
    assert!(path.exists(), "{} is missing: `cargo test -p porthole-client` builds the examples", path.display());
    path
}

/// A fresh directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "porthole-rust-sdk-{}-{}-{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `porthole serve`; its log is kept in the data directory and printed when a
/// test fails while it runs.
pub struct Server {
    child: Option<Child>,
    pub address: String,
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
    data: TempDir,
}

impl Server {
    pub fn start() -> Self {
        let data = TempDir::new();
        let (child, address, log) = spawn(&data.0, "127.0.0.1:0");
        Self { child: Some(child), url: format!("http://{address}"), address, log, data }
    }

    /// Kills the server (no graceful shutdown: as a crash or a deploy would) and starts it
    /// again on the same port and data.
    pub fn restart(&mut self) {
        self.kill();
        let (child, address, log) = spawn(&self.data.0, &self.address);
        assert_eq!(address, self.address);
        self.child = Some(child);
        self.log = log;
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn log_tail(&self) -> String {
        let log = self.log.lock().unwrap();
        log.iter().rev().take(40).rev().cloned().collect::<Vec<_>>().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- porthole server log (last lines) ---\n{}", self.log_tail());
        }
        self.kill();
    }
}

fn spawn(data: &Path, listen: &str) -> (Child, String, Arc<Mutex<Vec<String>>>) {
    let mut command = Command::new(server_binary());
    command
        .arg("serve")
        .env("PORTHOLE_LISTEN", listen)
        .env("PORTHOLE_DATA_DIR", data)
        .env("PORTHOLE_DEMO", "false")
        // Every test signs up its own workspace, from one address, at full speed.
        .env("PORTHOLE_SIGNUP", "open")
        .env("PORTHOLE_RATE_LIMITS", "off")
        .env("PORTHOLE_JWT_SECRET", "rust-sdk-test-secret-0123456789abcdef")
        .env("PORTHOLE_LOG_FORMAT", "json")
        .env("PORTHOLE_LOG", "info")
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .stdin(Stdio::null())
        // The server logs to stderr.
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (found_tx, found_rx) = std::sync::mpsc::channel();
    let lines = log.clone();
    std::thread::spawn(move || {
        let mut found = Some(found_tx);
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(tx) = &found
                && let Ok(entry) = serde_json::from_str::<serde_json::Value>(&line)
                && let Some(fields) = entry.get("fields")
                && fields.get("message").and_then(|m| m.as_str()).is_some_and(|m| m.contains("serving"))
                && let Some(listen) = fields.get("listen").and_then(|l| l.as_str())
            {
                let _ = tx.send(listen.to_owned());
                found = None;
            }
            lines.lock().unwrap().push(line);
        }
    });
    match found_rx.recv_timeout(Duration::from_secs(60)) {
        Ok(address) => (child, address, log),
        Err(_) => {
            let _ = child.kill();
            panic!("porthole did not start; its log:\n{}", log.lock().unwrap().join("\n"));
        }
    }
}

/// Forwards TCP connections to the server; [`CuttableProxy::cut`] closes every open one
/// (like a reset network path). New connections go through again.
pub struct CuttableProxy {
    pub url: String,
    pub accepted: Arc<AtomicUsize>,
    cut: tokio::sync::watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl CuttableProxy {
    pub async fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let (cut, cuts) = tokio::sync::watch::channel(0u64);
        let upstream = upstream.to_owned();
        let count = accepted.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let upstream = upstream.clone();
                let mut cuts = cuts.clone();
                cuts.mark_unchanged();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cuts.changed() => {}
                    }
                    let _ = client.shutdown().await;
                    let _ = server.shutdown().await;
                });
            }
        });
        Self { url, accepted, cut, task }
    }

    /// Closes every connection open now.
    pub fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }

    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for CuttableProxy {
    fn drop(&mut self) {
        self.task.abort();
        self.cut();
    }
}

pub fn unique_email(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}-{nanos}-{}@example.com", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A freshly signed-up workspace: its owner's credentials, client and one widget.
pub struct Workspace {
    pub email: String,
    pub owner: Porthole,
    pub widget: pb::Widget,
}

impl Workspace {
    pub async fn sign_up(url: &str) -> Self {
        let email = unique_email("owner");
        let owner = Porthole::connect(url).await.unwrap();
        owner
            .sign_up(pb::SignUpRequest {
                email: email.clone(),
                password: PASSWORD.into(),
                display_name: "Olive Owner".into(),
                workspace_name: format!("Workspace {email}"),
            })
            .await
            .unwrap();
        let widget = owner
            .widgets()
            .create_widget(pb::CreateWidgetRequest { name: "Site".into(), ..Default::default() })
            .await
            .unwrap()
            .into_inner()
            .widget
            .unwrap();
        Self { email, owner, widget }
    }

    /// A visitor on the widget with a conversation: their client and the conversation id.
    pub async fn visitor(&self, url: &str) -> (Porthole, String) {
        let visitor = Porthole::connect(url).await.unwrap();
        visitor.start_visitor_session(&self.widget.public_token, None).await.unwrap();
        let conversation = visitor
            .visitor()
            .start_conversation(pb::StartConversationRequest::default())
            .await
            .unwrap()
            .into_inner()
            .conversation
            .unwrap();
        (visitor, conversation.id)
    }
}

/// Sends a visitor message, retrying with the same key while the server is away (a retry
/// stores the message once).
pub async fn visitor_says(visitor: &Porthole, conversation: &str, body: &str) -> pb::Message {
    let request = pb::SendMessageRequest {
        conversation_id: conversation.to_owned(),
        body: body.to_owned(),
        client_key: format!("key-{body}"),
        ..Default::default()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        match visitor.visitor().send_message(request.clone()).await {
            Ok(response) => return response.into_inner().message.unwrap(),
            // A send in flight when the server is killed ends CANCELLED ("connection
            // closed"): it may or may not be stored, and the same key makes the retry safe.
            Err(status)
                if matches!(
                    status.code(),
                    tonic::Code::Unavailable | tonic::Code::Unknown | tonic::Code::Cancelled
                ) && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(status) => panic!("sending {body:?}: {status}"),
        }
    }
}

/// A message the server writes into the transcript itself (routing's "Assigned to …").
pub fn is_line(message: &pb::Message) -> bool {
    message.sender_type() == pb::SenderType::System && message.internal
}

/// The message of a workspace feed item, if it is one written by a person.
pub fn workspace_message(item: &FeedItem<pb::WatchWorkspaceResponse>) -> Option<&pb::Message> {
    match item {
        FeedItem::Event(pb::WatchWorkspaceResponse {
            event: Some(pb::watch_workspace_response::Event::MessageCreated(m)),
            ..
        }) if !is_line(m) => Some(m),
        _ => None,
    }
}

/// The next `count` messages of a workspace feed, failing after 60 s.
pub async fn messages(feed: &mut Feed<pb::WatchWorkspaceResponse>, count: usize) -> Vec<pb::Message> {
    next_matching(feed, count, |item| workspace_message(item).cloned()).await
}

/// The next `count` items of a feed that `pick` takes, failing after 60 s.
pub async fn next_matching<T: FeedEvent, U>(
    feed: &mut Feed<T>,
    count: usize,
    mut pick: impl FnMut(&FeedItem<T>) -> Option<U>,
) -> Vec<U> {
    let mut found = Vec::new();
    let wait = async {
        while found.len() < count {
            let item = feed.next().await.expect("the feed ended").expect("the feed failed");
            if let Some(picked) = pick(&item) {
                found.push(picked);
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), wait).await.expect("timed out waiting for the feed");
    found
}

/// Writes to stderr at once (the test's progress, next to the server's log).
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}
