//! `delete NAME` (or Crunchy's `delete postgrescluster NAME`): confirm (or --yes), then delete
//! the PostgresCluster.

use kube::api::DeleteParams;
use serde::Serialize;

use crate::common::cluster::check_cluster_name;
use crate::common::edit;
use crate::common::error::Error;
use crate::common::prompt::{confirm, require_yes_or_terminal};
use crate::global::{GlobalArgs, OutputFormat};
use crate::output::{table_or, Render};

const ACTION: &str = "delete";

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub kind: Option<Kind>,

    /// The cluster.
    #[arg(required = true)]
    pub name: Option<String>,
}

/// Crunchy's spelling: `delete postgrescluster NAME`.
#[derive(clap::Subcommand, Debug)]
pub enum Kind {
    /// Delete a PostgresCluster (the same as `delete NAME`).
    #[command(
        name = "postgrescluster",
        visible_aliases = ["postgresclusters", "cluster", "pgc"],
        after_help = "Examples:\n  kubectl pgo delete postgrescluster hippo\n  \
            kubectl pgo delete postgrescluster hippo --yes -n team-a"
    )]
    Postgrescluster {
        /// The cluster.
        name: String,
    },
}

impl Args {
    /// The cluster, whichever spelling named it.
    pub fn cluster(self) -> String {
        match self.kind {
            Some(Kind::Postgrescluster { name }) => name,
            None => self.name.unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Deleted {
    pub name: String,
    pub namespace: String,
}

impl Render for Deleted {
    fn render(&self, format: OutputFormat) -> String {
        table_or(self, format, || {
            format!(
                "postgrescluster.{}/{} deleted\n",
                pgo_api::names::GROUP,
                self.name
            )
        })
    }
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Deleted, Error> {
    let name = args.cluster();
    check_cluster_name(&name).map_err(Error::Invalid)?;
    require_yes_or_terminal(global.yes, format!("kubectl pgo delete {name} --yes"))?;
    // Say "not found" before asking, not after.
    let (ctx, _) = edit::read(global, &name, ACTION).await?;
    let question = format!(
        "Delete PostgresCluster {name} in namespace {}? Its pods go away; volumes follow their reclaim policy",
        ctx.namespace
    );
    if !confirm(&question, global.yes, "")? {
        return Err(Error::Cancelled("deleted"));
    }
    ctx.clusters()
        .delete(&name, &DeleteParams::default())
        .await
        .map_err(|e| Error::api(ACTION, &name)(ctx.api_error(e, &name)))?;
    Ok(Deleted {
        name,
        namespace: ctx.namespace,
    })
}
