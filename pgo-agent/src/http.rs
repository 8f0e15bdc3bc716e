//! `/healthz`, `/readyz` and Prometheus `/metrics`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, &'static str)>;

pub struct Metrics {
    registry: Registry,
    pub reconciles: Family<Labels, Counter>,
    pub duration: Histogram,
    pub writes: Counter,
    pub leader: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("pgo_agent");
        let reconciles = Family::<Labels, Counter>::default();
        let duration = Histogram::new(exponential_buckets(0.005, 2.0, 12));
        let writes = Counter::default();
        let leader = Gauge::default();
        registry.register(
            "reconciles",
            "Reconciles of PostgresClusters, by result (ok, invalid, error)",
            reconciles.clone(),
        );
        registry.register(
            "reconcile_duration_seconds",
            "Time taken by one reconcile",
            duration.clone(),
        );
        registry.register(
            "write_requests",
            "Apply and delete requests sent for cluster objects",
            writes.clone(),
        );
        registry.register(
            "leader",
            "1 while this replica holds the leader lease",
            leader.clone(),
        );
        Self {
            registry,
            reconciles,
            duration,
            writes,
            leader,
        }
    }
}

impl Metrics {
    pub fn count(&self, result: &'static str) {
        self.reconciles
            .get_or_create(&vec![("result", result)])
            .inc();
    }
}

#[derive(Default)]
pub struct Health {
    /// True once connected to the API server.
    pub live: AtomicBool,
    /// True while reconciling as the leader, or waiting as a healthy standby.
    pub ready: AtomicBool,
    pub metrics: Metrics,
}

async fn healthz(State(h): State<Arc<Health>>) -> (StatusCode, &'static str) {
    if h.live.load(Ordering::Relaxed) {
        (StatusCode::OK, "ok\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "starting\n")
    }
}

async fn readyz(State(h): State<Arc<Health>>) -> (StatusCode, &'static str) {
    if h.ready.load(Ordering::Relaxed) {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

async fn metrics(
    State(h): State<Arc<Health>>,
) -> (StatusCode, [(&'static str, &'static str); 1], String) {
    let mut body = String::new();
    let _ = encode(&mut body, &h.metrics.registry);
    (
        StatusCode::OK,
        [(
            "content-type",
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
}

pub async fn serve(addr: std::net::SocketAddr, health: Arc<Health>) -> std::io::Result<()> {
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(health);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await
}
