//! pgo-agent: runs the PostgresCluster reconcile loops inside the cluster.
#![forbid(unsafe_code)]

mod apply;
mod context;
mod controller;
mod credentials;
mod database;
mod desired;
mod events;
mod exec;
mod http;
mod images;
mod leader;
mod observe;
mod pgbackrest;
mod retire;
mod rolling;
mod status;
mod volumes;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use kube::CustomResourceExt;
use tokio::signal::unix::{signal, SignalKind};

/// pgo-agent: turns PostgresClusters (postgres-operator.crunchydata.com/v1beta1) into
/// StatefulSets, Services, Secrets and Patroni configuration, and reports their status.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the reconcile loops (in the cluster, or against the current kubeconfig).
    Run(RunArgs),
    /// Print the CustomResourceDefinition generated from the Rust types.
    Crd,
    /// Run a command in a container of a pod and exit with its status (backup Jobs use it to
    /// run `pgbackrest backup` in the repository host).
    Exec(ExecArgs),
}

#[derive(clap::Args)]
struct ExecArgs {
    /// The pod, in this namespace.
    #[arg(long)]
    pod: String,
    /// The container.
    #[arg(long)]
    container: String,
    /// The namespace.
    #[arg(long, env = "POD_NAMESPACE")]
    namespace: String,
    /// The command and its arguments.
    #[arg(last = true, required = true)]
    command: Vec<String>,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Address of /healthz, /readyz and /metrics.
    #[arg(long, env = "PGO_METRICS_ADDR", default_value = "0.0.0.0:8080")]
    metrics_addr: SocketAddr,
    /// Elect a leader with a Lease so that only one replica reconciles.
    #[arg(long, env = "PGO_LEADER_ELECT", default_value_t = true, action = clap::ArgAction::Set)]
    leader_elect: bool,
    /// Namespace of the leader Lease (the agent's own namespace).
    #[arg(long, env = "POD_NAMESPACE", default_value = "postgres-operator")]
    lease_namespace: String,
    /// This replica's identity in the Lease.
    #[arg(long, env = "POD_NAME", default_value = "pgo-agent-local")]
    identity: String,
    /// Default image of PostgreSQL 15 pods, when spec.image is empty. Other majors:
    /// RELATED_IMAGE_POSTGRES_<N> (e.g. RELATED_IMAGE_POSTGRES_17); a version without an image
    /// is refused unless the cluster sets spec.image.
    #[arg(
        long,
        env = "RELATED_IMAGE_POSTGRES_15",
        default_value = "localhost/pgo-postgres:15"
    )]
    postgres_15_image: String,
    /// Default image of PgBouncer pods, when spec.proxy.pgBouncer.image is empty. When this is
    /// empty too, the cluster's PostgreSQL image runs PgBouncer (Debian's, in the same image).
    #[arg(long, env = "RELATED_IMAGE_PGBOUNCER", default_value = "")]
    pgbouncer_image: String,
    /// Default image of the exporter containers, when spec.monitoring.pgmonitor.exporter.image
    /// is empty. When this is empty too, the cluster's PostgreSQL image runs postgres_exporter.
    #[arg(long, env = "RELATED_IMAGE_PGEXPORTER", default_value = "")]
    exporter_image: String,
    /// Image of backup Jobs (this agent's image). Read from the agent's own pod when empty.
    #[arg(long, env = "PGO_AGENT_IMAGE", default_value = "")]
    agent_image: String,
    /// Seconds between looks at an unchanged cluster.
    #[arg(long, env = "PGO_RESYNC_SECONDS", default_value_t = 300)]
    resync_seconds: u64,
}

// Two workers: reconciles are I/O-bound, and each thread costs memory.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Crd => {
            print!(
                "{}",
                serde_yaml::to_string(&pgo_api::PostgresCluster::crd())?
            );
            Ok(())
        }
        Command::Run(args) => run(args).await,
        Command::Exec(args) => {
            let client = kube::Client::try_default().await?;
            let code = exec::stream(
                &client,
                &args.namespace,
                &args.pod,
                &args.container,
                &args.command,
            )
            .await?;
            std::process::exit(code);
        }
    }
}

async fn run(args: RunArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,kube=warn".into()),
        )
        .init();
    let health = Arc::new(http::Health::default());
    tokio::spawn({
        let health = health.clone();
        async move {
            if let Err(e) = http::serve(args.metrics_addr, health).await {
                tracing::error!(error = %e, "health and metrics server failed");
                std::process::exit(1);
            }
        }
    });
    // Alive from here on: waiting for an API server that is down is no reason to be restarted.
    health.live.store(true, Ordering::Relaxed);
    let client = kube::Client::try_default().await?;
    let version = until_answered("the API server's version", || client.apiserver_version()).await;
    tracing::info!(server = %version.git_version, version = env!("CARGO_PKG_VERSION"), "connected to the API server");
    health.ready.store(true, Ordering::Relaxed);

    let resync = Duration::from_secs(args.resync_seconds.max(1));
    let agent_image = if args.agent_image.is_empty() {
        own_image(&client, &args.lease_namespace, &args.identity).await
    } else {
        args.agent_image.clone()
    };
    tracing::info!(image = %agent_image, "backup Jobs run this agent image");
    let postgres_images = images::postgres_images(std::env::vars(), &args.postgres_15_image);
    tracing::info!(images = ?postgres_images, "Postgres images by major version");
    let defaults = pgo_api::validate::Defaults {
        postgres_images,
        agent_image,
        pgbouncer_image: Some(args.pgbouncer_image.trim().to_string()).filter(|i| !i.is_empty()),
        exporter_image: Some(args.exporter_image.trim().to_string()).filter(|i| !i.is_empty()),
    };
    if !args.leader_elect {
        health.metrics.leader.set(1);
        controller::run(client, defaults, health, resync).await;
        return Ok(());
    }
    let elector = leader::Elector::new(
        client.clone(),
        &args.lease_namespace,
        "pgo-agent",
        args.identity.clone(),
        Duration::from_secs(15),
    );
    let mut terminate = signal(SignalKind::terminate())?;
    loop {
        tracing::info!(identity = %args.identity, "waiting for the leader lease");
        tokio::select! {
            _ = elector.acquire() => {}
            _ = terminate.recv() => return Ok(()),
        }
        tracing::info!(identity = %args.identity, "leading");
        health.metrics.leader.set(1);
        // Losing the lease (the API server unreachable for a lease, or another replica took
        // it) stops reconciling at once: the controller and its reconciles are dropped, as a
        // crash would drop them, and every step resumes from what is observed. The process
        // stays up, so an API-server outage does not end in a crash loop and its back-off.
        tokio::select! {
            _ = controller::run(client.clone(), defaults.clone(), health.clone(), resync) => return Ok(()),
            _ = elector.hold() => {
                health.metrics.leader.set(0);
                tracing::error!("lost the leader lease; not reconciling until this replica leads again");
            }
        }
    }
}

/// Retries `call` until the API server answers, waiting 1 s, then longer, up to 10 s.
async fn until_answered<T, F, Fut>(what: &str, mut call: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, kube::Error>>,
{
    let mut wait = Duration::from_secs(1);
    loop {
        match call().await {
            Ok(v) => return v,
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?wait, "cannot read {what}; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(10));
            }
        }
    }
}

/// The image of the agent's own pod, for backup Jobs; the development image when unknown.
async fn own_image(client: &kube::Client, namespace: &str, pod: &str) -> String {
    let api: kube::Api<k8s_openapi::api::core::v1::Pod> =
        kube::Api::namespaced(client.clone(), namespace);
    // An API answer (the pod is not found, RBAC) settles it; a connection error is retried, so
    // that a passing outage does not give every backup Job the wrong image.
    let got = until_answered("the agent's own pod", || async {
        match api.get(pod).await {
            Err(kube::Error::Api(e)) => Ok(Err(kube::Error::Api(e))),
            other => other.map(Ok),
        }
    })
    .await;
    match got {
        Ok(p) => p
            .spec
            .and_then(|s| s.containers.into_iter().next())
            .and_then(|c| c.image)
            .unwrap_or_else(|| "localhost/pgo-agent:dev".into()),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the agent's own pod; backup Jobs use localhost/pgo-agent:dev (set PGO_AGENT_IMAGE)");
            "localhost/pgo-agent:dev".into()
        }
    }
}
