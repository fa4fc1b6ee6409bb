//! The model: one OpenAI-compatible `POST {base}/chat/completions` with streaming
//! (server-sent events), which OpenAI, Gemini's compatible endpoint, Ollama, vLLM and
//! llama.cpp's server all speak. Written on `reqwest` + `serde_json` rather than a client
//! crate: we use one endpoint, and `async-openai` would bring its own HTTP stack and some
//! forty crates to the server's build for it.
//!
//! The answer streams: `on_text` gets the text so far as it grows. The model may instead
//! call the one tool it is offered, `hand_off_to_human`. Attempts that fail before any text
//! arrived (unreachable, 429, 5xx, a timeout) are retried `retries` times; a refusal (4xx)
//! or a failure mid-answer is not, since the visitor already saw the start of it.

use std::sync::Arc;

use crate::domain::webhook::AddressPolicy;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::domain::bot::Turn;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const USER_AGENT: &str = concat!("Porthole/", env!("CARGO_PKG_VERSION"));
/// Bytes of an error answer kept for the owner's view.
const ERROR_EXCERPT_BYTES: usize = 600;
/// The longest line of the event stream we accept (a runaway server cannot grow it).
const MAX_LINE_BYTES: usize = 1 << 20;

/// Where the model is and how to call it (`PORTHOLE_LLM_*`).
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    /// The API's base, e.g. `https://api.openai.com/v1`; `/chat/completions` is appended.
    pub base_url: url::Url,
    pub model: String,
    /// Sent as `Authorization: Bearer …`; `None` for servers without keys (Ollama).
    pub api_key: Option<String>,
    /// The longest one attempt may take, first byte to last.
    pub timeout: Duration,
    /// Attempts after the first when nothing was streamed yet.
    pub retries: u32,
    /// The answer's length limit (`max_tokens`).
    pub max_tokens: u32,
}

/// What bounds every model's answers (`PORTHOLE_LLM_TIMEOUT_SECS`, `_RETRIES`,
/// `_MAX_TOKENS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub timeout: Duration,
    pub retries: u32,
    pub max_tokens: u32,
}

impl std::fmt::Debug for ProviderSettings {
    // Never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("base_url", &self.base_url.as_str())
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "(set)"))
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("max_tokens", &self.max_tokens)
            .finish()
    }
}

/// Why the model gave no answer. Its text is what owners read.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the model could not be reached: {0}")]
    Unreachable(String),
    #[error("the model did not answer within {0:?}")]
    Timeout(Duration),
    #[error("the model's server answered {status}: {message}")]
    Refused { status: u16, message: String },
    #[error("the model's answer could not be read: {0}")]
    BadAnswer(String),
    #[error("the model's answer was empty")]
    Empty,
}

impl ProviderError {
    /// Whether another attempt may succeed.
    fn is_transient(&self) -> bool {
        match self {
            ProviderError::Unreachable(_) | ProviderError::Timeout(_) => true,
            ProviderError::Refused { status, .. } => *status == 429 || *status >= 500,
            ProviderError::BadAnswer(_) | ProviderError::Empty => false,
        }
    }
}

/// Tokens a request used, as the provider reported them (zero when it reports none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// Requests sent, retries included.
    pub requests: i64,
}

/// What the model did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// It answered.
    Answer(String),
    /// It called `hand_off_to_human`.
    HandOff { reason: String, summary: String },
}

/// The model's client.
#[derive(Clone, Debug)]
pub struct Provider {
    http: reqwest::Client,
    settings: Arc<ProviderSettings>,
    endpoint: url::Url,
}

impl Provider {
    /// The operator's model (`PORTHOLE_LLM_*`): any address, often a model on localhost.
    pub fn new(settings: ProviderSettings) -> Result<Self, String> {
        Self::build(settings, None)
    }

    /// A workspace's own model: its URL is a member's choice, so it reaches only the
    /// addresses `policy` permits (the webhooks' policy), names and literals alike.
    pub fn guarded(settings: ProviderSettings, policy: &AddressPolicy) -> Result<Self, String> {
        if let Some(refused) = crate::webhooks::client::refused_literal(policy, settings.base_url.as_str()) {
            return Err(refused);
        }
        Self::build(settings, Some(policy.clone()))
    }

    fn build(settings: ProviderSettings, policy: Option<AddressPolicy>) -> Result<Self, String> {
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut http = reqwest::Client::builder().tls_backend_preconfigured(tls);
        if let Some(policy) = policy {
            http = http.dns_resolver(crate::webhooks::client::PermittedOnly::new(policy));
        }
        let http = http
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| e.to_string())?;
        let base = settings.base_url.as_str().trim_end_matches('/');
        let endpoint = url::Url::parse(&format!("{base}/chat/completions")).map_err(|e| e.to_string())?;
        Ok(Self { http, settings: Arc::new(settings), endpoint })
    }

    pub fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    /// Asks the model, retrying failures that happened before any text arrived. `usage`
    /// counts every request, failed ones included.
    pub async fn complete(
        &self,
        ask: Ask<'_>,
        usage: &mut Usage,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Reply, ProviderError> {
        let body = request_body(&self.settings, ask).to_string();
        let mut attempt = 0;
        loop {
            let mut streamed = false;
            usage.requests += 1;
            let result = self.attempt(&body, usage, &mut streamed, on_text).await;
            match result {
                Err(error) if !streamed && error.is_transient() && attempt < self.settings.retries => {
                    attempt += 1;
                    tracing::warn!(%error, attempt, "the model failed; trying again");
                    tokio::time::sleep(Duration::from_millis(300 * u64::from(attempt))).await;
                }
                other => return other,
            }
        }
    }

    async fn attempt(
        &self,
        body: &str,
        usage: &mut Usage,
        streamed: &mut bool,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Reply, ProviderError> {
        let limit = self.settings.timeout;
        let deadline = Instant::now() + limit;
        let mut request = self
            .http
            .post(self.endpoint.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::ACCEPT, "text/event-stream")
            .body(body.to_owned());
        if let Some(key) = &self.settings.api_key {
            request = request.bearer_auth(key);
        }
        let timed = |deadline: Instant| deadline.saturating_duration_since(Instant::now());
        let mut response = match tokio::time::timeout(timed(deadline), request.send()).await {
            Err(_) => return Err(ProviderError::Timeout(limit)),
            Ok(Err(error)) => return Err(ProviderError::Unreachable(describe(&error))),
            Ok(Ok(response)) => response,
        };
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let mut excerpt = Vec::new();
            while excerpt.len() < ERROR_EXCERPT_BYTES {
                match tokio::time::timeout(timed(deadline), response.chunk()).await {
                    Ok(Ok(Some(chunk))) => excerpt.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            return Err(ProviderError::Refused { status, message: error_message(&excerpt) });
        }
        let mut stream = Stream::default();
        let mut pending: Vec<u8> = Vec::new();
        loop {
            let chunk = match tokio::time::timeout(timed(deadline), response.chunk()).await {
                Err(_) => return Err(ProviderError::Timeout(limit)),
                Ok(Err(error)) => return Err(ProviderError::Unreachable(describe(&error))),
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => chunk,
            };
            pending.extend_from_slice(&chunk);
            while let Some(end) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line);
                if stream.line(line.trim_end_matches(['\r', '\n']))? {
                    *streamed = true;
                    on_text(&stream.text);
                }
                if stream.done {
                    return stream.finish(usage);
                }
            }
            if pending.len() > MAX_LINE_BYTES {
                return Err(ProviderError::BadAnswer("an event over 1 MiB".to_owned()));
            }
        }
        stream.finish(usage)
    }
}

/// What to ask the model.
#[derive(Clone, Copy, Debug)]
pub struct Ask<'a> {
    /// The system prompt.
    pub system: &'a str,
    /// The conversation so far (the visitor's turns are the user's).
    pub turns: &'a [Turn],
    /// Offer the `hand_off_to_human` tool (answers to visitors; not drafts for agents).
    pub hand_off_tool: bool,
}

/// The request: our system prompt, the conversation, streaming with usage, and the one
/// tool when asked for.
fn request_body(settings: &ProviderSettings, ask: Ask<'_>) -> Value {
    let mut messages = vec![json!({"role": "system", "content": ask.system})];
    messages.extend(
        ask.turns.iter().map(|t| json!({"role": if t.from_visitor { "user" } else { "assistant" }, "content": t.text})),
    );
    let mut body = json!({
        "model": settings.model,
        "messages": messages,
        "stream": true,
        "stream_options": {"include_usage": true},
        "max_tokens": settings.max_tokens,
        "temperature": 0.2,
    });
    if ask.hand_off_tool {
        body["tools"] = json!([{
            "type": "function",
            "function": {
                "name": "hand_off_to_human",
                "description": "Pass the conversation to a person on the team. Use it when the visitor asks for a person, or when the question needs someone on the team.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "reason": {"type": "string", "description": "Why a person should take over, in a few words."},
                        "summary": {"type": "string", "description": "What the visitor needs, in one or two sentences, for the person taking over."}
                    },
                    "required": ["reason", "summary"]
                }
            }
        }]);
    }
    body
}

/// What the event stream said so far.
#[derive(Default)]
struct Stream {
    text: String,
    tool: Option<String>,
    arguments: String,
    prompt_tokens: i64,
    completion_tokens: i64,
    done: bool,
}

impl Stream {
    /// Reads one line; true when the answer's text grew.
    fn line(&mut self, line: &str) -> Result<bool, ProviderError> {
        let Some(data) = line.strip_prefix("data:") else { return Ok(false) };
        let data = data.trim();
        if data == "[DONE]" {
            self.done = true;
            return Ok(false);
        }
        let event: Value = serde_json::from_str(data).map_err(|e| ProviderError::BadAnswer(e.to_string()))?;
        if let Some(error) = event.get("error") {
            let message = error.get("message").and_then(Value::as_str).unwrap_or("an error without a message");
            return Err(ProviderError::Refused { status: 200, message: clip_owned(message) });
        }
        if let Some(usage) = event.get("usage").filter(|u| !u.is_null()) {
            self.prompt_tokens = usage.get("prompt_tokens").and_then(Value::as_i64).unwrap_or(0);
            self.completion_tokens = usage.get("completion_tokens").and_then(Value::as_i64).unwrap_or(0);
        }
        let mut grew = false;
        let choices = event.get("choices").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for choice in choices {
            let Some(delta) = choice.get("delta") else { continue };
            if let Some(text) = delta.get("content").and_then(Value::as_str)
                && !text.is_empty()
            {
                self.text.push_str(text);
                grew = true;
            }
            for call in delta.get("tool_calls").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                let function = call.get("function");
                if let Some(name) = function.and_then(|f| f.get("name")).and_then(Value::as_str) {
                    self.tool = Some(name.to_owned());
                }
                if let Some(part) = function.and_then(|f| f.get("arguments")).and_then(Value::as_str) {
                    self.arguments.push_str(part);
                }
            }
        }
        Ok(grew)
    }

    fn finish(self, usage: &mut Usage) -> Result<Reply, ProviderError> {
        usage.prompt_tokens += self.prompt_tokens;
        usage.completion_tokens += self.completion_tokens;
        if self.tool.as_deref() == Some("hand_off_to_human") {
            // Arguments the model garbled still mean "hand off".
            let arguments: Value = serde_json::from_str(&self.arguments).unwrap_or(Value::Null);
            let field = |name: &str| arguments.get(name).and_then(Value::as_str).unwrap_or("").trim().to_owned();
            return Ok(Reply::HandOff { reason: field("reason"), summary: field("summary") });
        }
        let text = self.text.trim();
        if text.is_empty() {
            return Err(ProviderError::Empty);
        }
        Ok(Reply::Answer(text.to_owned()))
    }
}

/// The message of an error answer: OpenAI's `{"error": {"message": …}}`, else its text.
fn error_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let parsed: Option<Value> = serde_json::from_str(&text).ok();
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("error"))
        .and_then(|e| e.get("message").and_then(Value::as_str).or_else(|| e.as_str()))
        .map(str::to_owned)
        .unwrap_or_else(|| text.trim().to_owned());
    if message.is_empty() { "no message".to_owned() } else { clip_owned(&message) }
}

fn clip_owned(text: &str) -> String {
    crate::domain::bot::clip(text, 300).to_owned()
}

/// A transport error as one line (reqwest's own Display leaves out the cause).
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &[&str]) -> (Result<Reply, ProviderError>, Usage, Vec<String>) {
        let mut stream = Stream::default();
        let mut seen = Vec::new();
        for line in lines {
            match stream.line(line) {
                Ok(true) => seen.push(stream.text.clone()),
                Ok(false) => {}
                Err(e) => return (Err(e), Usage::default(), seen),
            }
        }
        let mut usage = Usage::default();
        (stream.finish(&mut usage), usage, seen)
    }

    #[test]
    fn text_streams_and_usage_is_counted() {
        let (reply, usage, seen) = read(&[
            r#"data: {"choices":[{"delta":{"role":"assistant","content":""}}]}"#,
            "",
            r#"data: {"choices":[{"delta":{"content":"Refunds take "}}]}"#,
            ": keep-alive comment",
            r#"data: {"choices":[{"delta":{"content":"30 days [1]."}}]}"#,
            r#"data: {"choices":[],"usage":{"prompt_tokens":120,"completion_tokens":9}}"#,
            "data: [DONE]",
        ]);
        assert_eq!(reply.unwrap(), Reply::Answer("Refunds take 30 days [1].".into()));
        assert_eq!(seen, vec!["Refunds take ".to_owned(), "Refunds take 30 days [1].".to_owned()]);
        assert_eq!((usage.prompt_tokens, usage.completion_tokens), (120, 9));
    }

    #[test]
    fn a_tool_call_in_pieces_is_a_hand_off() {
        let (reply, _, _) = read(&[
            r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"hand_off_to_human","arguments":""}}]}}]}"#,
            r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"reason\":\"refund dis"}}]}}]}"#,
            r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"pute\",\"summary\":\"Wants money back\"}"}}]}}]}"#,
            "data: [DONE]",
        ]);
        assert_eq!(
            reply.unwrap(),
            Reply::HandOff { reason: "refund dispute".into(), summary: "Wants money back".into() }
        );
    }

    #[test]
    fn errors_in_the_stream_and_empty_answers_are_failures() {
        let (reply, _, _) = read(&[r#"data: {"error":{"message":"quota exceeded"}}"#]);
        assert!(matches!(reply, Err(ProviderError::Refused { .. })));
        let (reply, _, _) = read(&["data: [DONE]"]);
        assert!(matches!(reply, Err(ProviderError::Empty)));
        let (reply, _, _) = read(&["data: {not json"]);
        assert!(matches!(reply, Err(ProviderError::BadAnswer(_))));
    }

    #[test]
    fn error_bodies_become_one_line() {
        assert_eq!(error_message(br#"{"error":{"message":"Incorrect API key"}}"#), "Incorrect API key");
        assert_eq!(error_message(br#"{"error":"model not found"}"#), "model not found");
        assert_eq!(error_message(b"  Bad gateway "), "Bad gateway");
        assert_eq!(error_message(b""), "no message");
    }
}
