//! pgo-agent: runs the PostgresCluster reconcile loops inside the cluster.
#![forbid(unsafe_code)]

mod apply;
mod build;
mod controller;
mod credentials;
mod exec;
mod http;
mod leader;
mod observe;
mod status;
mod validate;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use kube::CustomResourceExt;

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
    /// Default image of PostgreSQL 15 pods, when spec.image is empty.
    #[arg(
        long,
        env = "RELATED_IMAGE_POSTGRES_15",
        default_value = "localhost/pgo-postgres:15"
    )]
    postgres_15_image: String,
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
    let client = kube::Client::try_default().await?;
    let version = client.apiserver_version().await?;
    tracing::info!(server = %version.git_version, version = env!("CARGO_PKG_VERSION"), "connected to the API server");
    health.live.store(true, Ordering::Relaxed);
    health.ready.store(true, Ordering::Relaxed);

    let resync = Duration::from_secs(args.resync_seconds.max(1));
    let defaults = validate::Defaults {
        postgres_images: [(15, args.postgres_15_image)].into(),
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
    tracing::info!(identity = %args.identity, "waiting for the leader lease");
    elector.acquire().await;
    tracing::info!(identity = %args.identity, "leading");
    health.metrics.leader.set(1);
    tokio::select! {
        _ = controller::run(client, defaults, health.clone(), resync) => Ok(()),
        _ = elector.hold() => {
            tracing::error!("lost the leader lease; exiting so that only one replica reconciles");
            std::process::exit(1);
        }
    }
}
