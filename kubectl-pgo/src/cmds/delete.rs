//! `delete NAME`: confirm (or --yes), then delete the PostgresCluster.

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
pub struct Args {
    /// The cluster.
    pub name: String,
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
    check_cluster_name(&args.name).map_err(Error::Invalid)?;
    require_yes_or_terminal(
        global.yes,
        format!("kubectl pgo delete {} --yes", args.name),
    )?;
    // Say "not found" before asking, not after.
    let (ctx, _) = edit::read(global, &args.name, ACTION).await?;
    let question = format!(
        "Delete PostgresCluster {} in namespace {}? Its pods go away; volumes follow their reclaim policy",
        args.name, ctx.namespace
    );
    if !confirm(&question, global.yes, "")? {
        return Err(Error::Cancelled("deleted"));
    }
    ctx.clusters()
        .delete(&args.name, &DeleteParams::default())
        .await
        .map_err(|e| Error::api(ACTION, &args.name)(ctx.api_error(e, &args.name)))?;
    Ok(Deleted {
        name: args.name,
        namespace: ctx.namespace,
    })
}
