//! The Porthole server as a library: build the app from a [`Config`] and serve it, so that
//! `main.rs` and the integration tests start exactly the same thing.

pub mod api;
pub mod attachments;
pub mod auth;
pub mod automation;
pub mod bot;
pub mod client_ip;
pub mod config;
pub mod connections;
pub mod domain;
pub mod error;
pub mod geo;
pub mod ids;
pub mod jobs;
pub mod limits;
pub mod metrics;
pub mod notifications;
pub mod otel;
pub mod realtime;
pub mod retention;
pub mod slots;
pub mod store;
pub mod web;
pub mod webhooks;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::Config;
use store::Store;

/// What every request handler shares.
pub struct AppState {
    pub config: Config,
    /// Base URL browsers reach this server at (configured, or derived from the bound address).
    pub public_url: String,
    pub store: Store,
    pub keys: auth::tokens::TokenKeys,
    pub bus: realtime::bus::Bus,
    pub signer: attachments::Signer,
    pub limits: Arc<limits::Limiter>,
    /// Which widgets are on (visitor tokens work only while theirs is), cached.
    pub widget_states: Arc<auth::widget_states::WidgetStates>,
    /// The feeds open on this server, per watcher (capped).
    pub open_feeds: Arc<slots::Slots<String>>,
    /// Sends e-mail; `None` when no SMTP server is configured.
    pub mailer: Option<jobs::mail::Mailer>,
    /// Wakes this process's job worker when a job was written.
    pub jobs: jobs::worker::Wake,
    /// Sends webhook deliveries; wakes the dispatcher when events were logged.
    pub webhooks: webhooks::Webhooks,
    /// Signs Web Push; wakes the notifier when events were logged.
    pub notifier: notifications::Notifier,
    /// The AI bot's model; `None` when none is configured (the bot then never answers).
    pub model: Option<bot::provider::Provider>,
    /// Seals workspaces' model API keys at rest.
    pub sealer: bot::sealed::Sealer,
    /// Visitors' country and city (off without `PORTHOLE_GEOIP_DB`).
    pub geo: geo::Geo,
    /// What `/metrics` reports; the hooks in the store, bus, limits and jobs count into it.
    pub metrics: Arc<metrics::Metrics>,
    /// Heartbeats that only moved a visitor's last-seen time, written every 2 s.
    pub touches: realtime::presence::Touches,
    /// Page views being stored, so heartbeats that repeat them stay quiet.
    pub pages_in_flight: realtime::presence::PagesInFlight,
    /// Turns true when the server starts shutting down; long-lived streams end then.
    pub shutdown: watch::Receiver<bool>,
}

impl AppState {
    /// What a feed needs from the state.
    pub fn feed_source(&self) -> realtime::feed::FeedSource {
        realtime::feed::FeedSource {
            store: self.store.clone(),
            bus: self.bus.clone(),
            shutdown: self.shutdown.clone(),
            open: self.open_feeds.clone(),
            widget_states: self.widget_states.clone(),
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("cannot create data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("server reflection setup failed: {0}")]
    Reflection(String),
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    #[error("demo setup failed: {0}")]
    Demo(String),
    #[error("e-mail setup failed: {0}")]
    Mail(String),
    #[error("{0}")]
    Outbound(String),
    #[error("cannot reach Redis: {0}")]
    Bus(#[from] realtime::bus::BusError),
    #[error(transparent)]
    Metrics(#[from] metrics::MetricsError),
    #[error(transparent)]
    Geo(#[from] geo::GeoError),
}

/// Opens the store (applying migrations) and loads the signing secret; `bound` is the
/// address actually listened on, for deriving the public URL.
pub async fn open_state(
    config: Config,
    bound: SocketAddr,
    shutdown: watch::Receiver<bool>,
) -> Result<Arc<AppState>, StartError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|source| StartError::DataDir { path: config.data_dir.display().to_string(), source })?;
    let geo = open_geo(config.geoip_db.clone()).await?;
    let limit_names = limits::Limit::ALL.map(limits::Limit::name);
    let metrics = Arc::new(metrics::Metrics::new(&api::methods(), &limit_names)?);
    let store = Store::connect(&config.database, config.db_pool_size)
        .await?
        .with_query_timing(metrics.query_timing())
        .with_agent_grace(config.agent_grace)
        .with_visit_timeout(config.visit_timeout);
    let secret = match &config.jwt_secret {
        Some(secret) => secret.clone(),
        None => store.server_secret("jwt", || ids::new_secret(48)).await?,
    };
    let keys = auth::tokens::TokenKeys::new(secret.as_bytes());
    let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{bound}"));
    let bus = match &config.redis_url {
        Some(url) => realtime::bus::Bus::with_redis(url).await?,
        None => realtime::bus::Bus::in_process(),
    };
    let signer = attachments::Signer::new(secret.as_bytes(), &public_url);
    bus.time_deliveries(metrics.bus_delivery());
    let limits =
        Arc::new(limits::Limiter::new(&config.rate_limits).shared_through(bus.clone()).counting_into(metrics.clone()));
    let open_feeds = Arc::default();
    let widget_states = auth::widget_states::WidgetStates::new(&bus);
    let mailer = config.mail.as_ref().map(jobs::mail::Mailer::new).transpose().map_err(StartError::Mail)?;
    let jobs = jobs::worker::Wake::default();
    let sender = webhooks::client::Sender::new(config.webhook_addresses.clone())
        .map_err(|e| StartError::Outbound(e.to_string()))?;
    let webhooks = webhooks::Webhooks::new(sender);
    let vapid_key = store.server_secret("vapid", notifications::push::Pusher::generate_key).await?;
    // Push services contact the operator through the VAPID subject, which must be a
    // mailto: or https: URL: the mail sender, else the server's https address, else a
    // placeholder (push services accept it; nobody can be contacted).
    let subject = match &config.mail {
        Some(mail) => format!("mailto:{}", mail.from_address()),
        None if public_url.starts_with("https://") => public_url.clone(),
        None => "mailto:operator@porthole.invalid".to_owned(),
    };
    let pusher = notifications::push::Pusher::new(&vapid_key, subject).map_err(StartError::Outbound)?;
    let notifier = notifications::Notifier::new(pusher);
    let model = config.llm.clone().map(bot::provider::Provider::new).transpose().map_err(StartError::Outbound)?;
    let sealer = bot::sealed::Sealer::new(secret.as_bytes());
    Ok(Arc::new(AppState {
        config,
        public_url,
        store,
        keys,
        bus,
        signer,
        limits,
        widget_states,
        open_feeds,
        mailer,
        jobs,
        webhooks,
        notifier,
        model,
        sealer,
        geo,
        metrics,
        touches: realtime::presence::Touches::default(),
        pages_in_flight: realtime::presence::PagesInFlight::default(),
        shutdown,
    }))
}

/// Reads and checks the location database, if one is set, off the async workers (it reads
/// and walks the whole file).
async fn open_geo(path: Option<std::path::PathBuf>) -> Result<geo::Geo, StartError> {
    let Some(path) = path else { return Ok(geo::Geo::off()) };
    // A join error means the read panicked: say which file it was reading.
    let (geo, path) =
        tokio::task::spawn_blocking(move || geo::Geo::open(&path).map(|geo| (geo, path))).await.map_err(|e| {
            StartError::Outbound(format!("reading the location database (PORTHOLE_GEOIP_DB) failed: {e}"))
        })??;
    tracing::info!(path = %path.display(), database = geo.database_type().unwrap_or(""), "location database loaded");
    Ok(geo)
}

/// The whole HTTP app: gRPC (+ grpc-web) services behind the auth layer, plus plain HTTP.
pub async fn router(state: Arc<AppState>) -> Result<Router, StartError> {
    let intake = Arc::new(api::intake::Intake::new().map_err(StartError::Reflection)?);
    let grpc = api::routes(state.clone())
        .await
        .map_err(StartError::Reflection)?
        // Order matters: grpc-web is translated first (outer), then the caller is checked,
        // then the request's size and text (api::intake), then the handler, in a task of
        // its own so that it ends even if the caller leaves (api::detached).
        .layer(axum::middleware::from_fn(api::detached::run_to_end))
        .layer(axum::middleware::from_fn_with_state(intake, api::intake::check))
        .layer(axum::middleware::from_fn_with_state(
            auth::layer::Gate {
                keys: state.keys.clone(),
                limits: state.limits.clone(),
                store: state.store.clone(),
                widget_states: state.widget_states.clone(),
            },
            auth::layer::authenticate,
        ))
        // Inside grpc-web, so a call's status is still in its trailers.
        .layer(axum::middleware::from_fn_with_state(state.metrics.clone(), metrics::track_rpc))
        .layer(tonic_web::GrpcWebLayer::new());
    Ok(web::routes(state, grpc))
}

/// Serves `router` on `listener` until `shutdown` completes, then drains connections.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    connections::serve(listener, router, config.connections.clone(), config.trusted_proxies.clone(), shutdown)
        .await
        .map_err(StartError::Serve)
}

/// Forgets idle rate-limit buckets every minute, so their memory follows active callers.
async fn prune_limits(limits: Arc<limits::Limiter>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        limits.prune();
    }
}

/// Opens everything and binds the configured address; returns the bound address and the
/// future that serves until `shutdown`.
pub async fn start(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(SocketAddr, impl Future<Output = Result<(), StartError>>), StartError> {
    let addr = config.listen;
    let listener = TcpListener::bind(addr).await.map_err(|source| StartError::Listen { addr, source })?;
    let local = listener.local_addr().map_err(|source| StartError::Listen { addr, source })?;
    let (stop, stopping) = watch::channel(false);
    let state = open_state(config, local, stopping).await?;
    tracing::info!(
        listen = %local,
        database = state.store.backend_name(),
        data_dir = %state.config.data_dir.display(),
        public_url = %state.public_url,
        "porthole serving gRPC, grpc-web and HTTP"
    );
    if state.config.demo {
        web::demo::seed(&state).await.map_err(|e| StartError::Demo(e.to_string()))?;
    } else {
        web::demo::lock(&state).await.map_err(|e| StartError::Demo(e.to_string()))?;
    }
    let router = router(state.clone()).await?;
    tokio::spawn(realtime::presence::expire_visitors(state.clone()));
    tokio::spawn(realtime::presence::write_touches(state.clone()));
    tokio::spawn(prune_limits(state.limits.clone()));
    tokio::spawn(retention::run(state.clone()));
    tokio::spawn(count_earlier_conversations(state.clone()));
    for lane in jobs::Lane::ALL {
        tokio::spawn(jobs::worker::run(state.clone(), lane));
    }
    tokio::spawn(webhooks::dispatch(state.clone()));
    tokio::spawn(notifications::run(state.clone()));
    if state.config.redis_url.is_some() {
        tokio::spawn(realtime::recovery::republish_recent(state.clone()));
    }
    // Streams end first (they would hold graceful shutdown open), then connections drain.
    let shutdown = async move {
        shutdown.await;
        let _ = stop.send(true);
    };
    let config = state.config.clone();
    Ok((local, async move {
        let served = serve(listener, router, &config, shutdown).await;
        // The heartbeats taken while draining are written before the process ends.
        if let Err(error) = state.touches.flush(&state.store).await {
            tracing::warn!(%error, "writing the last heartbeats failed");
        }
        served
    }))
}

/// Counts conversations from before reports existed into the report rollups, a batch per
/// transaction, once after start-up (a no-op once all are counted; safe on several
/// replicas: a conversation is counted at most once, by its counts row).
async fn count_earlier_conversations(state: Arc<AppState>) {
    let mut total = 0;
    loop {
        match state.store.count_uncounted(200, store::now_ms()).await {
            Ok(0) => break,
            Ok(n) => total += n,
            Err(error) => {
                tracing::warn!(%error, "could not count earlier conversations into reports; trying again in a minute");
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            }
        }
    }
    if total > 0 {
        tracing::info!(conversations = total, "counted earlier conversations into reports");
    }
}
