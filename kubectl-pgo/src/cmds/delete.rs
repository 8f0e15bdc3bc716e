//! `delete NAME`: confirm (or --yes), then delete the PostgresCluster.

use kube::api::DeleteParams;
use serde::Serialize;

use crate::client::{ApiError, Ctx};
use crate::cmds::{check_cluster_name, confirm, CmdError, ConfirmError, EXIT_RUNTIME, EXIT_USAGE};
use crate::global::GlobalArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),

    #[error("{0}")]
    Confirm(#[from] ConfirmError),

    #[error("cancelled: nothing was deleted")]
    Cancelled,

    #[error("failed to delete PostgresCluster {name:?}: {source}")]
    Api { name: String, source: ApiError },
}

impl CmdError for Error {
    fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) | Error::Confirm(ConfirmError::NotInteractive(_)) => EXIT_USAGE,
            _ => EXIT_RUNTIME,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Deleted {
    pub name: String,
    pub namespace: String,
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Deleted, Error> {
    check_cluster_name(&args.name).map_err(Error::Invalid)?;
    if !global.yes && !crate::cmds::interactive() {
        return Err(ConfirmError::NotInteractive(format!(
            "kubectl pgo delete {} --yes",
            args.name
        ))
        .into());
    }
    let api = |source| Error::Api {
        name: args.name.clone(),
        source,
    };
    let ctx = Ctx::connect(global, None).await.map_err(api)?;
    // Say "not found" before asking, not after.
    ctx.get_cluster(&args.name).await.map_err(api)?;
    let question = format!(
        "Delete PostgresCluster {} in namespace {}? Its pods go away; volumes follow their reclaim policy",
        args.name, ctx.namespace
    );
    if !confirm(&question, global.yes, "")? {
        return Err(Error::Cancelled);
    }
    ctx.clusters()
        .delete(&args.name, &DeleteParams::default())
        .await
        .map_err(|e| api(ctx.api_error(e, &args.name)))?;
    Ok(Deleted {
        name: args.name,
        namespace: ctx.namespace,
    })
}
