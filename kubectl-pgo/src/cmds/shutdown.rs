//! `stop NAME` sets spec.shutdown=true, `start NAME` sets it back to false.

use serde_json::{json, Value};

use crate::common::cluster::check_cluster_name;
use crate::common::edit::{self, ApplyArgs, Change};
use crate::common::error::Error;
use crate::global::GlobalArgs;

/// The arguments of both `stop` and `start`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,

    #[command(flatten)]
    pub apply: ApplyArgs,
}

pub fn fields(shutdown: bool) -> Value {
    json!({"spec": {"shutdown": shutdown}})
}

pub async fn stop(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    set_shutdown(&args, true, global).await
}

pub async fn start(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    set_shutdown(&args, false, global).await
}

async fn set_shutdown(args: &Args, shutdown: bool, global: &GlobalArgs) -> Result<Change, Error> {
    let name = &args.name;
    check_cluster_name(name).map_err(Error::Invalid)?;
    let verb = if shutdown { "stop" } else { "start" };
    let (ctx, live) = edit::read(global, name, verb).await?;
    let object = edit::apply(&ctx, &live, fields(shutdown), &[], &args.apply, verb).await?;
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
