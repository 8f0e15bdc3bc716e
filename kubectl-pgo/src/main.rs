use clap::Parser;

/// kubectl pgo: manage PostgresClusters.
#[derive(Parser)]
#[command(name = "kubectl-pgo", version, about)]
struct Cli {}

fn main() {
    let _ = Cli::parse();
}
