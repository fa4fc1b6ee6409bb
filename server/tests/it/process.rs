//! The real `porthole` binary as a child process, for the tests that need what only a
//! process has: being killed, its own global log and trace setup.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `porthole serve` process that can be killed and started again on the same port.
pub struct Process {
    pub port: u16,
    env: Vec<(String, String)>,
    child: Option<Child>,
}

impl Process {
    /// Starts `porthole serve` on a free port with `env` (every other setting from the
    /// test's own environment) and waits until `/healthz` answers.
    pub async fn start(env: impl IntoIterator<Item = (&'static str, String)>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let env = std::iter::once(("PORTHOLE_LISTEN", format!("127.0.0.1:{port}")))
            .chain(env)
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let mut process = Self { port, env, child: None };
        process.restart().await;
        process
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the process (again) with the same settings, on the same port.
    pub async fn restart(&mut self) {
        let child = Command::new(env!("CARGO_BIN_EXE_porthole"))
            .arg("serve")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        for _ in 0..200 {
            if healthy(self.port).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("porthole did not start on port {}", self.port);
    }

    /// SIGKILL: no shutdown, no flush, whatever it was doing.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether `/healthz` answers 200 (the database is open and migrated).
async fn healthy(port: u16) -> bool {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let Ok(mut socket) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else { return false };
    if socket.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n").await.is_err() {
        return false;
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), socket.read_to_end(&mut answer)).await;
    answer.starts_with(b"HTTP/1.0 200") || answer.starts_with(b"HTTP/1.1 200")
}
