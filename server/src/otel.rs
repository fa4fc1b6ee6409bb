//! OpenTelemetry trace export: each gRPC call (also over grpc-web and Connect) is a server
//! span named for its method, carrying its status code; each store call inside it is a
//! child span. Spans go in batches to an OTLP/HTTP receiver (`PORTHOLE_OTLP_ENDPOINT`).
//!
//! A caller's W3C `traceparent` header makes the call part of the caller's trace, and its
//! sampled flag decides; other traces are sampled at `PORTHOLE_TRACE_SAMPLE`.
//!
//! Export is off unless the endpoint is set, and then no span is made at all: a call pays
//! one relaxed atomic load. The export itself is the `otel` feature (on by default).

use std::sync::atomic::{AtomicBool, Ordering};

use tracing::Span;

/// Whether spans are being exported (set once, at start).
static EXPORTING: AtomicBool = AtomicBool::new(false);

/// Whether to make spans.
pub fn exporting() -> bool {
    EXPORTING.load(Ordering::Relaxed)
}

/// The span of one gRPC call to `method` (`package.Service/Method`, or `unknown`), child of
/// the caller's trace when `headers` carry a `traceparent`. A disabled span when nothing is
/// exported.
pub fn rpc_span(method: &str, headers: &http::HeaderMap) -> Span {
    if !exporting() {
        return Span::none();
    }
    let (service, name) = method.rsplit_once('/').unwrap_or(("", method));
    let span = tracing::info_span!(
        target: "porthole::rpc",
        "rpc",
        otel.name = method,
        otel.kind = "server",
        rpc.system = "grpc",
        rpc.service = service,
        rpc.method = name,
        rpc.grpc.status_code = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
    );
    #[cfg(feature = "otel")]
    export::adopt_caller(&span, headers);
    #[cfg(not(feature = "otel"))]
    let _ = headers;
    span
}

/// Records a finished call's gRPC status code (a number, `tonic::Code` order) on its span.
pub fn record_status(span: &Span, code: usize) {
    if span.is_none() {
        return;
    }
    span.record("rpc.grpc.status_code", i64::try_from(code).unwrap_or(2));
    // Server errors, as OpenTelemetry's gRPC conventions list them; a caller's mistake
    // (INVALID_ARGUMENT, NOT_FOUND, …) leaves the server span's status unset.
    const SERVER_ERRORS: [usize; 6] = [2, 4, 12, 13, 14, 15];
    if SERVER_ERRORS.contains(&code) {
        span.record("otel.status_code", "ERROR");
    }
}

/// The span of one store call (`read!` or `write!`) on `system` (`sqlite` or `postgres`),
/// from now until it is dropped; a child of the call being served. It is never entered:
/// its start and end are what it tells.
pub fn store_span(system: &'static str, write: bool) -> Span {
    if !exporting() {
        return Span::none();
    }
    let (name, system) = match (system, write) {
        ("postgres", false) => ("postgresql read", "postgresql"),
        ("postgres", true) => ("postgresql write", "postgresql"),
        (_, false) => ("sqlite read", "sqlite"),
        (_, true) => ("sqlite write", "sqlite"),
    };
    tracing::info_span!(target: "porthole::db", "db", otel.name = name, otel.kind = "client", db.system.name = system)
}

#[cfg(feature = "otel")]
pub use export::{Export, ExportError};

#[cfg(feature = "otel")]
mod export {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use opentelemetry::propagation::{Extractor, TextMapPropagator as _};
    use opentelemetry::trace::{TraceContextExt as _, TracerProvider as _};
    use opentelemetry_otlp::{Protocol, WithExportConfig as _, WithHttpConfig as _};
    use opentelemetry_sdk::propagation::TraceContextPropagator;
    use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
    use tracing::{Level, Span, Subscriber};
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;
    use tracing_subscriber::Layer;
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::registry::LookupSpan;

    use crate::config::TraceExport;

    /// How long one batch may take to reach the receiver.
    const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

    /// Trace export could not be set up.
    #[derive(Debug, thiserror::Error)]
    pub enum ExportError {
        #[error("setting up TLS for trace export failed: {0}")]
        Tls(String),
        #[error("building the trace exporter's HTTP client failed: {0}")]
        Client(String),
        #[error("building the trace exporter failed: {0}")]
        Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
    }

    /// The running export; [`Export::shutdown`] sends what is still buffered.
    pub struct Export {
        provider: SdkTracerProvider,
    }

    impl Export {
        /// Starts exporting to `config.endpoint`; `Ok(None)` when none is set. Call it
        /// before the async runtime starts: the blocking HTTP client makes its own.
        pub fn start(config: &TraceExport) -> Result<Option<Self>, ExportError> {
            let Some(endpoint) = &config.endpoint else { return Ok(None) };
            let traces_url = format!("{}/v1/traces", endpoint.as_str().trim_end_matches('/'));
            // rustls with ring and Mozilla's roots, as every other outgoing client here.
            let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
            let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|e| ExportError::Tls(e.to_string()))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            // Blocking: the SDK exports from a thread of its own, outside any runtime.
            let client = reqwest::blocking::Client::builder()
                .tls_backend_preconfigured(tls)
                .timeout(EXPORT_TIMEOUT)
                .build()
                .map_err(|e| ExportError::Client(e.to_string()))?;
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_protocol(Protocol::HttpBinary)
                .with_endpoint(traces_url)
                .with_timeout(EXPORT_TIMEOUT)
                .with_http_client(client)
                .build()?;
            // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, when set, name the service.
            let mut resource = opentelemetry_sdk::Resource::builder();
            if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
                resource = resource.with_service_name("porthole");
            }
            let resource = resource
                .with_attribute(opentelemetry::KeyValue::new("service.version", env!("CARGO_PKG_VERSION")))
                .build();
            let provider = SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(config.sample))))
                .with_resource(resource)
                .build();
            super::EXPORTING.store(true, Ordering::Relaxed);
            Ok(Some(Self { provider }))
        }

        /// The `tracing` layer that turns our call and store spans into OpenTelemetry
        /// spans; warnings and errors logged inside a call become events on its span.
        pub fn layer<S>(&self) -> impl Layer<S> + use<S>
        where
            S: Subscriber + for<'a> LookupSpan<'a>,
        {
            let spans = Targets::new()
                .with_target("porthole::rpc", Level::INFO)
                .with_target("porthole::db", Level::INFO)
                .with_target("porthole_server", Level::WARN);
            tracing_opentelemetry::layer()
                .with_tracer(self.provider.tracer("porthole"))
                .with_location(false)
                .with_threads(false)
                .with_target(false)
                .with_tracked_inactivity(false)
                .with_filter(spans)
        }

        /// Stops exporting and sends what is buffered (at most a few seconds).
        pub fn shutdown(self) {
            super::EXPORTING.store(false, Ordering::Relaxed);
            if let Err(error) = self.provider.shutdown_with_timeout(Duration::from_secs(5)) {
                tracing::warn!(%error, "sending the last traces failed");
            }
        }
    }

    /// Makes `span` a child of the caller's span named in a W3C `traceparent` header.
    pub(super) fn adopt_caller(span: &Span, headers: &http::HeaderMap) {
        if !headers.contains_key("traceparent") {
            return;
        }
        let caller = TraceContextPropagator::new().extract(&Headers(headers));
        if caller.span().span_context().is_valid() {
            // Fails only for a span the layer does not know: then it stays a root.
            let _ = span.set_parent(caller);
        }
    }

    /// Request headers as the propagator reads them.
    struct Headers<'a>(&'a http::HeaderMap);

    impl Extractor for Headers<'_> {
        fn get(&self, key: &str) -> Option<&str> {
            self.0.get(key).and_then(|v| v.to_str().ok())
        }

        fn keys(&self) -> Vec<&str> {
            self.0.keys().map(http::HeaderName::as_str).collect()
        }
    }
}
