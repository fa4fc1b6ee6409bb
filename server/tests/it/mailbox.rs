//! A local SMTP server for the tests: it speaks enough SMTP for the server's real mail client
//! (lettre) to deliver to it over TCP, keeps what it receives, and can be told to refuse.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;

/// One message as received: the envelope recipients and the raw data.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// The data with quoted-printable soft line breaks and `=3D` undone (enough to find a
    /// link or a phrase in the text part).
    pub fn text(&self) -> String {
        self.data.replace("=\r\n", "").replace("=3D", "=")
    }
}

/// How the server answers the end of a message's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Accept,
    /// 451: try again later.
    TryLater,
    /// 550: refused for good.
    Refuse,
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    /// Answers for the next messages, in order; `Accept` when empty.
    script: Vec<Answer>,
    /// Every answer given to a message's data, in order.
    answered: Vec<Answer>,
}

/// A running SMTP server on 127.0.0.1.
#[derive(Clone)]
pub struct Mailbox {
    pub port: u16,
    inner: Arc<Mutex<Inner>>,
}

impl Mailbox {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let inner = Arc::new(Mutex::new(Inner::default()));
        let shared = inner.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(session(socket, shared.clone()));
            }
        });
        Self { port, inner }
    }

    /// `smtp://127.0.0.1:PORT` for `Mailer::new`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Answers the next messages so, in order (then accepts again).
    pub fn script(&self, answers: &[Answer]) {
        self.inner.lock().unwrap().script = answers.to_vec();
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    pub fn answered(&self) -> Vec<Answer> {
        self.inner.lock().unwrap().answered.clone()
    }

    /// Waits until `count` messages were accepted (30 s at most: a loaded machine retries slowly).
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..600 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} e-mails, got {:?}", self.received());
    }
}

async fn session(socket: tokio::net::TcpStream, inner: Arc<Mutex<Inner>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let _ = write.write_all(b"220 mailbox.test ESMTP\r\n").await;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-mailbox.test\r\n250 8BITMIME\r\n"
        } else if command.starts_with("RCPT TO:") {
            let address = line.trim_end()[8..].trim().trim_start_matches('<').trim_end_matches('>').to_owned();
            to.push(address);
            b"250 OK\r\n"
        } else if command == "DATA" {
            let _ = write.write_all(b"354 go ahead\r\n").await;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            let answer = {
                let mut inner = inner.lock().unwrap();
                let answer = if inner.script.is_empty() { Answer::Accept } else { inner.script.remove(0) };
                inner.answered.push(answer);
                if answer == Answer::Accept {
                    inner.received.push(Received { to: std::mem::take(&mut to), data });
                }
                answer
            };
            to.clear();
            match answer {
                Answer::Accept => b"250 queued\r\n",
                Answer::TryLater => b"451 mailbox busy, try later\r\n",
                Answer::Refuse => b"550 no such mailbox\r\n",
            }
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            // HELO, MAIL FROM, RSET, NOOP, …
            if command.starts_with("RSET") || command.starts_with("MAIL FROM") {
                to.clear();
            }
            b"250 OK\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
