//! `stop NAME`: set spec.shutdown=true (and `start` sets it back).

use serde_json::{json, Value};

use crate::apply;
use crate::client::{ApiError, Ctx};
use crate::cmds::{check_cluster_name, ApplyArgs, Change, CmdError, EXIT_RUNTIME, EXIT_USAGE};
use crate::global::GlobalArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,

    #[command(flatten)]
    pub apply: ApplyArgs,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),

    #[error("failed to {verb} PostgresCluster {name:?}: {source}")]
    Api {
        verb: &'static str,
        name: String,
        source: ApiError,
    },
}

impl CmdError for Error {
    fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) => EXIT_USAGE,
            Error::Api { .. } => EXIT_RUNTIME,
        }
    }
}

pub fn fields(shutdown: bool) -> Value {
    json!({"spec": {"shutdown": shutdown}})
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    set_shutdown(&args.name, true, &args.apply, global).await
}

pub(crate) async fn set_shutdown(
    name: &str,
    shutdown: bool,
    apply_args: &ApplyArgs,
    global: &GlobalArgs,
) -> Result<Change, Error> {
    check_cluster_name(name).map_err(Error::Invalid)?;
    let verb = if shutdown { "stop" } else { "start" };
    let api = |source| Error::Api {
        verb,
        name: name.to_string(),
        source,
    };
    let ctx = Ctx::connect(global, None).await.map_err(api)?;
    let live = ctx.get_cluster(name).await.map_err(api)?;
    let object = apply::apply(
        &ctx,
        &live,
        fields(shutdown),
        &[],
        apply_args.force_conflicts,
    )
    .await
    .map_err(api)?;
    let what = if shutdown {
        "stopping (spec.shutdown=true; volumes are kept)"
    } else {
        "starting (spec.shutdown=false)"
    };
    Ok(Change {
        message: format!("postgrescluster/{name} {what}"),
        object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_and_start_only_touch_spec_shutdown() {
        assert_eq!(fields(true), json!({"spec": {"shutdown": true}}));
        assert_eq!(fields(false), json!({"spec": {"shutdown": false}}));
    }
}
