//! OpenTelemetry trace export from the real binary (its trace setup is global to a process)
//! to a local OTLP/HTTP receiver that decodes what it gets as a collector would.
//!
//! A call that brings a W3C `traceparent` joins the caller's trace as a server span named
//! for its method, with its status code and its store calls as children; a refused call
//! carries its code; a caller that did not sample its trace gets nothing exported.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use porthole_client::{Porthole, pb};
use prost::Message as _;

use crate::common::{TempDir, http1};
use crate::process::Process;

/// A span as the receiver got it, with its service's name.
#[derive(Clone, Debug)]
struct Got {
    service: String,
    span: opentelemetry_proto::tonic::trace::v1::Span,
}

impl Got {
    fn attribute(&self, key: &str) -> Option<Value> {
        self.span.attributes.iter().find(|kv| kv.key == key).and_then(|kv| kv.value.clone()?.value)
    }
}

/// An OTLP/HTTP receiver (`POST /v1/traces`, protobuf) on 127.0.0.1.
struct Collector {
    url: String,
    spans: Arc<Mutex<Vec<Got>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Collector {
    async fn start() -> Self {
        let spans = Arc::new(Mutex::new(Vec::new()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new().route("/v1/traces", post(receive)).with_state(spans.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, spans, task }
    }

    /// The spans of `trace_id` got so far.
    fn trace(&self, trace_id: &[u8]) -> Vec<Got> {
        self.spans.lock().unwrap().iter().filter(|got| got.span.trace_id == trace_id).cloned().collect()
    }

    /// Waits (up to 10 s) until a span of `trace_id` named `name` has arrived.
    async fn wait_for(&self, trace_id: &[u8], name: &str) -> Vec<Got> {
        for _ in 0..100 {
            let trace = self.trace(trace_id);
            if trace.iter().any(|got| got.span.name == name) {
                return trace;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no span {name} arrived; got {:#?}", self.spans.lock().unwrap());
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(spans): State<Arc<Mutex<Vec<Got>>>>, body: Bytes) -> &'static [u8] {
    let request = ExportTraceServiceRequest::decode(body).expect("an OTLP protobuf body");
    let mut spans = spans.lock().unwrap();
    for resource_spans in request.resource_spans {
        let service = resource_spans
            .resource
            .iter()
            .flat_map(|r| &r.attributes)
            .find(|kv| kv.key == "service.name")
            .and_then(|kv| match kv.value.clone()?.value? {
                Value::StringValue(name) => Some(name),
                _ => None,
            })
            .unwrap_or_default();
        for scope in resource_spans.scope_spans {
            spans.extend(scope.spans.into_iter().map(|span| Got { service: service.clone(), span }));
        }
    }
    // An empty ExportTraceServiceResponse.
    b""
}

/// A `traceparent` header value and the trace and parent span ids it names.
fn traceparent(n: u8, sampled: bool) -> (String, Vec<u8>, Vec<u8>) {
    let trace_id = vec![0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, n];
    let parent = vec![0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, n];
    let header =
        format!("00-{}-{}-{}", hex::encode(&trace_id), hex::encode(&parent), if sampled { "01" } else { "00" });
    (header, trace_id, parent)
}

/// A Connect JSON call with a `traceparent`; its HTTP status.
async fn call(process: &Process, path: &str, traceparent: &str, body: &str) -> u16 {
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\ntraceparent: {traceparent}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], process.port));
    let (head, _) = http1(addr, &head, body.as_bytes()).await;
    head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap()
}

#[tokio::test]
async fn calls_are_exported_as_spans_in_their_callers_traces() {
    let collector = Collector::start().await;
    let dir = TempDir::new();
    let process = Process::start([
        ("PORTHOLE_DATA_DIR", dir.0.display().to_string()),
        ("DATABASE_URL", String::new()),
        ("PORTHOLE_SIGNUP", "open".to_owned()),
        ("PORTHOLE_LOG", "error".to_owned()),
        ("PORTHOLE_OTLP_ENDPOINT", collector.url.clone()),
        // The batch goes out after 100 ms instead of 5 s.
        ("OTEL_BSP_SCHEDULE_DELAY", "100".to_owned()),
    ])
    .await;

    // A call that writes, over JSON.
    let (header, trace_id, parent) = traceparent(1, true);
    let sign_up = r#"{"email":"traced@example.com","password":"correct horse battery","displayName":"T","workspaceName":"Traced"}"#;
    assert_eq!(call(&process, "/porthole.v1.AuthService/SignUp", &header, sign_up).await, 200);
    let trace = collector.wait_for(&trace_id, "porthole.v1.AuthService/SignUp").await;
    let call_span = trace.iter().find(|got| got.span.name == "porthole.v1.AuthService/SignUp").unwrap();
    assert_eq!(call_span.service, "porthole");
    assert_eq!(call_span.span.kind, SpanKind::Server as i32);
    assert_eq!(call_span.span.parent_span_id, parent, "a child of the caller's span");
    assert_eq!(call_span.attribute("rpc.system"), Some(Value::StringValue("grpc".into())));
    assert_eq!(call_span.attribute("rpc.service"), Some(Value::StringValue("porthole.v1.AuthService".into())));
    assert_eq!(call_span.attribute("rpc.method"), Some(Value::StringValue("SignUp".into())));
    assert_eq!(call_span.attribute("rpc.grpc.status_code"), Some(Value::IntValue(0)));
    let store_calls: Vec<&Got> = trace.iter().filter(|got| got.span.parent_span_id == call_span.span.span_id).collect();
    assert!(
        store_calls.iter().any(|got| got.span.name == "sqlite write" && got.span.kind == SpanKind::Client as i32),
        "the sign-up's store calls are its children: {trace:#?}"
    );
    for store_call in &store_calls {
        assert!(store_call.span.start_time_unix_nano >= call_span.span.start_time_unix_nano);
        assert!(store_call.span.end_time_unix_nano <= call_span.span.end_time_unix_nano);
    }

    // A call the auth layer refuses, over gRPC: its code, and no error status (the
    // caller's mistake, not the server's).
    let (header, trace_id, _) = traceparent(2, true);
    let client = Porthole::connect(process.url()).await.unwrap();
    let mut request = tonic::Request::new(pb::GetMeRequest::default());
    request.metadata_mut().insert("traceparent", header.parse().unwrap());
    let refused = client.auth().get_me(request).await.unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    let trace = collector.wait_for(&trace_id, "porthole.v1.AuthService/GetMe").await;
    let refused_span = &trace[0].span;
    assert_eq!(trace[0].attribute("rpc.grpc.status_code"), Some(Value::IntValue(16)));
    assert_ne!(refused_span.status.as_ref().map(|s| s.code), Some(StatusCode::Error as i32));

    // A caller that did not sample its trace: nothing of it is exported, while a sampled
    // call after it is.
    let (unsampled, unsampled_trace, _) = traceparent(3, false);
    assert_eq!(call(&process, "/porthole.v1.AuthService/GetSignUpPolicy", &unsampled, "{}").await, 200);
    let (header, trace_id, _) = traceparent(4, true);
    assert_eq!(call(&process, "/porthole.v1.AuthService/GetSignUpPolicy", &header, "{}").await, 200);
    collector.wait_for(&trace_id, "porthole.v1.AuthService/GetSignUpPolicy").await;
    assert!(collector.trace(&unsampled_trace).is_empty(), "an unsampled trace was exported");
}
