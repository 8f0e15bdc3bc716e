//! `restart NAME`: a rolling restart, the way PGO's documentation does one: a changed annotation
//! in `spec.metadata.annotations` changes every pod template of the cluster, and the agent rolls
//! the instances in its safe order (replicas one at a time, a switchover, then the old primary).
//! The key is `kubectl rollout restart`'s, since the agent's own domain is reserved there.

use serde_json::{json, Value};

use crate::apply;
use crate::common::cluster::check_cluster_name;
use crate::common::edit::{self, ApplyArgs, Change};
use crate::common::error::Error;
use crate::global::GlobalArgs;

const ACTION: &str = "restart";
/// The annotation `kubectl rollout restart` sets on pod templates.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,

    #[command(flatten)]
    pub apply: ApplyArgs,
}

pub fn fields(now: &str) -> Value {
    json!({"spec": {"metadata": {"annotations": {RESTARTED_AT: now}}}})
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    let name = &args.name;
    check_cluster_name(name).map_err(Error::Invalid)?;
    let (ctx, live) = edit::read(global, name, ACTION).await?;
    if live.spec.shutdown == Some(true) {
        return Err(Error::Invalid(format!(
            "postgrescluster/{name} is stopped (spec.shutdown=true): there is nothing to restart; \
             `kubectl pgo start {name}` starts it"
        )));
    }
    let object = edit::apply(
        &ctx,
        &live,
        fields(&apply::timestamp()),
        &[],
        &args.apply,
        ACTION,
    )
    .await?;
    Ok(Change {
        message: format!(
            "postgrescluster/{name} rolling restart requested: replicas one at a time, a \
             switchover, then the old primary (`kubectl pgo show {name}` shows the progress)"
        ),
        object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_only_touches_one_pod_template_annotation() {
        assert_eq!(
            fields("2026-12-03T13:00:00.000Z"),
            json!({"spec": {"metadata": {"annotations": {
                "kubectl.kubernetes.io/restartedAt": "2026-12-03T13:00:00.000Z"
            }}}})
        );
    }
}
