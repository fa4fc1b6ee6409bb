//! A webhook receiver on 127.0.0.1 for the tests: records every request (headers and body)
//! and answers from a script (200 unless told otherwise), as a customer's endpoint would.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub signature: String,
    pub delivery_id: String,
    pub event_type: String,
    pub attempt: u32,
    pub body: String,
    /// What the receiver answered.
    pub status: u16,
}

impl Delivery {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Default)]
struct Inner {
    got: Vec<Delivery>,
    /// Answers for the next requests, in order; then `otherwise`.
    script: VecDeque<u16>,
    otherwise: u16,
    /// Answer 500 to attempts up to this one (a retry storm), before the script.
    fail_attempts_up_to: u32,
    /// How long each answer takes.
    delay: Duration,
}

/// The receiver; stops when dropped.
pub struct Receiver {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner { otherwise: 200, ..Inner::default() }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/porthole", listener.local_addr().unwrap());
        let app = axum::Router::new().route("/hooks/porthole", post(receive)).with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, inner, task }
    }

    /// Answers the next requests with `statuses`, then with `otherwise`.
    pub fn script(&self, statuses: &[u16], otherwise: u16) {
        let mut inner = self.inner.lock().unwrap();
        inner.script = statuses.iter().copied().collect();
        inner.otherwise = otherwise;
    }

    /// Answers 500 to every delivery's attempts up to `attempt` (each delivery then
    /// succeeds on the next), whatever the script says.
    pub fn fail_attempts_up_to(&self, attempt: u32) {
        self.inner.lock().unwrap().fail_attempts_up_to = attempt;
    }

    /// Takes `delay` over every answer (so attempts are in flight when a server dies).
    pub fn slow(&self, delay: Duration) {
        self.inner.lock().unwrap().delay = delay;
    }

    pub fn got(&self) -> Vec<Delivery> {
        self.inner.lock().unwrap().got.clone()
    }

    /// Waits until `done` holds for what was received (at most 60 s).
    pub async fn wait_until(&self, what: &str, done: impl Fn(&[Delivery]) -> bool) -> Vec<Delivery> {
        for _ in 0..1200 {
            let got = self.got();
            if done(&got) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("receiver: {what} did not happen; got {:#?}", self.got());
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let delay = inner.lock().unwrap().delay;
    tokio::time::sleep(delay).await;
    let mut inner = inner.lock().unwrap();
    let attempt: u32 = header("porthole-attempt").parse().unwrap_or(0);
    let status =
        if attempt <= inner.fail_attempts_up_to { 500 } else { inner.script.pop_front().unwrap_or(inner.otherwise) };
    inner.got.push(Delivery {
        signature: header("porthole-signature"),
        delivery_id: header("porthole-delivery"),
        event_type: header("porthole-event"),
        attempt,
        body: String::from_utf8_lossy(&body).into_owned(),
        status,
    });
    let answer = if status < 300 { "ok".to_owned() } else { format!("receiver says {status}") };
    (StatusCode::from_u16(status).unwrap(), answer)
}
