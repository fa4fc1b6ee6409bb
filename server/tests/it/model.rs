//! An OpenAI-compatible model server on 127.0.0.1 for the tests: `POST /v1/chat/completions`
//! answered from a script (streamed text in pieces, a `hand_off_to_human` tool call, an
//! error status, a hang), recording every request, as OpenAI or Ollama would answer our
//! real client over HTTP.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

/// What the model does with one request.
#[derive(Clone, Debug)]
pub enum Script {
    /// Streams these pieces of text, `pause` apart, then usage and `[DONE]`.
    Answer { pieces: Vec<String>, pause: Duration },
    /// Calls `hand_off_to_human`.
    HandOff { reason: String, summary: String },
    /// Answers this status with an OpenAI-style error body.
    Fail(u16),
    /// Answers nothing for this long (then a short answer).
    Hang(Duration),
}

impl Script {
    pub fn answer(text: &str) -> Self {
        Script::Answer {
            pieces: text.split_inclusive(' ').map(str::to_owned).collect(),
            pause: Duration::from_millis(5),
        }
    }
}

/// A request the model got.
#[derive(Clone, Debug)]
pub struct Asked {
    pub authorization: String,
    pub body: Value,
}

impl Asked {
    /// The system prompt.
    pub fn system(&self) -> String {
        self.body["messages"][0]["content"].as_str().unwrap_or_default().to_owned()
    }

    /// The last message's text.
    pub fn last(&self) -> String {
        let messages = self.body["messages"].as_array().cloned().unwrap_or_default();
        messages.last().and_then(|m| m["content"].as_str()).unwrap_or_default().to_owned()
    }
}

#[derive(Default)]
struct Inner {
    asked: Vec<Asked>,
    script: VecDeque<Script>,
    /// Answers that finished streaming.
    finished: usize,
}

/// The model server; stops when dropped.
pub struct Model {
    /// The base URL to configure (`…/v1`).
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
    task: tokio::task::JoinHandle<()>,
}

impl Model {
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let app = axum::Router::new().route("/v1/chat/completions", post(complete)).with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { base_url, inner, task }
    }

    /// Settings that point the server at this model (1 retry, 3 s per request).
    pub fn settings(&self) -> porthole_server::bot::provider::ProviderSettings {
        porthole_server::bot::provider::ProviderSettings {
            base_url: self.base_url.parse().unwrap(),
            model: "test-model".into(),
            api_key: Some("sk-test".into()),
            timeout: Duration::from_secs(3),
            retries: 1,
            max_tokens: 200,
        }
    }

    /// Queues what the next requests get (after the queue: "I do not know.").
    pub fn then(&self, script: Script) {
        self.inner.lock().unwrap().script.push_back(script);
    }

    pub fn asked(&self) -> Vec<Asked> {
        self.inner.lock().unwrap().asked.clone()
    }

    /// Waits until `n` answers finished streaming.
    pub async fn wait_finished(&self, n: usize) {
        for _ in 0..500 {
            if self.inner.lock().unwrap().finished >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the model did not finish {n} answers");
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn event(value: Value) -> Bytes {
    Bytes::from(format!("data: {value}\n\n"))
}

fn chunk(delta: Value) -> Value {
    json!({"id": "c1", "object": "chat.completion.chunk", "model": "test", "choices": [{"index": 0, "delta": delta}]})
}

async fn complete(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap, body: Bytes) -> Response {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let script = {
        let mut inner = inner.lock().unwrap();
        inner.asked.push(Asked { authorization, body });
        inner.script.pop_front().unwrap_or_else(|| Script::answer("I do not know."))
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    match script {
        Script::Fail(status) => {
            let body = json!({"error": {"message": format!("scripted failure {status}"), "type": "server_error"}});
            return Response::builder()
                .status(StatusCode::from_u16(status).unwrap())
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
        }
        Script::Hang(time) => {
            tokio::time::sleep(time).await;
            tokio::spawn(stream(inner, tx, vec![event(chunk(json!({"content": "Late."})))], Duration::ZERO));
        }
        Script::Answer { pieces, pause } => {
            let events = pieces.iter().map(|p| event(chunk(json!({"content": p})))).collect();
            tokio::spawn(stream(inner, tx, events, pause));
        }
        Script::HandOff { reason, summary } => {
            let arguments = json!({"reason": reason, "summary": summary}).to_string();
            let (first, second) = arguments.split_at(arguments.len() / 2);
            let events = vec![
                event(chunk(json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                    "function": {"name": "hand_off_to_human", "arguments": first}}]}))),
                event(chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": second}}]}))),
            ];
            tokio::spawn(stream(inner, tx, events, Duration::from_millis(5)));
        }
    }
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|bytes| (Ok::<_, Infallible>(bytes), rx))
    });
    Response::builder().header(header::CONTENT_TYPE, "text/event-stream").body(Body::from_stream(body)).unwrap()
}

async fn stream(inner: Arc<Mutex<Inner>>, tx: tokio::sync::mpsc::Sender<Bytes>, events: Vec<Bytes>, pause: Duration) {
    for bytes in events {
        if tx.send(bytes).await.is_err() {
            return;
        }
        tokio::time::sleep(pause).await;
    }
    let usage = json!({"id": "c1", "choices": [], "usage": {"prompt_tokens": 100, "completion_tokens": 10}});
    let _ = tx.send(event(usage)).await;
    let _ = tx.send(Bytes::from("data: [DONE]\n\n")).await;
    inner.lock().unwrap().finished += 1;
}
