use clap::Parser;

/// pgo-agent: runs the PostgresCluster reconcile loops inside the cluster.
#[derive(Parser)]
#[command(version, about)]
enum Cli {
    /// Print the CustomResourceDefinition generated from the Rust types.
    Crd,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse() {
        Cli::Crd => {
            use kube::CustomResourceExt;
            print!("{}", serde_yaml::to_string(&pgo_api::PostgresCluster::crd())?);
        }
    }
    Ok(())
}
