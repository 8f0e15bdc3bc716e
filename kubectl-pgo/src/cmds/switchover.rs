//! `switchover NAME [--to INSTANCE] [--type Switchover|Failover]`: set spec.patroni.switchover
//! and the trigger-switchover annotation, which is how PGO starts one.

use std::collections::BTreeSet;

use pgo_api::names::annotations::TRIGGER_SWITCHOVER;
use pgo_api::PostgresCluster;
use serde_json::{json, Value};

use crate::apply;
use crate::common::cluster::check_cluster_name;
use crate::common::edit::{self, ApplyArgs, Change};
use crate::common::error::Error;
use crate::global::GlobalArgs;

const ACTION: &str = "request a switchover of";

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[value(rename_all = "PascalCase")]
pub enum SwitchoverType {
    /// A controlled switchover to a healthy replica.
    #[default]
    Switchover,
    /// Promote the target even if the primary is unhealthy (needs --to).
    Failover,
}

impl SwitchoverType {
    fn as_str(self) -> &'static str {
        match self {
            SwitchoverType::Switchover => "Switchover",
            SwitchoverType::Failover => "Failover",
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,

    /// The instance that should become primary (`<cluster>-<set>-<suffix>`, or its pod
    /// `<cluster>-<set>-<suffix>-0`). Patroni picks one when left out.
    #[arg(long, value_name = "INSTANCE")]
    pub to: Option<String>,

    /// Switchover, or Failover (which needs --to).
    #[arg(long = "type", value_enum, default_value_t = SwitchoverType::Switchover, ignore_case = true)]
    pub type_: SwitchoverType,

    #[command(flatten)]
    pub apply: ApplyArgs,
}

/// The instance `to` names in the live cluster `pc`: an instance name as is, or the pod of one
/// (`-0` dropped), since `kubectl get pods` shows those. Anything else is refused before sending,
/// as the agent would refuse it after.
pub fn resolve_target(pc: &PostgresCluster, to: &str) -> Result<String, Error> {
    let cluster = kube::ResourceExt::name_any(pc);
    let sets: Vec<String> = (pc.spec.instances.iter().enumerate())
        .map(|(i, s)| s.name_or_default(i))
        .collect();
    let set_names: BTreeSet<&str> = sets.iter().map(String::as_str).collect();
    let is_instance = |t: &str| pgo_api::validate::is_instance_of(&cluster, &set_names, t);
    if is_instance(to) {
        return Ok(to.to_string());
    }
    match to.strip_suffix("-0") {
        Some(instance) if is_instance(instance) => Ok(instance.to_string()),
        _ => Err(Error::Invalid(format!(
            "invalid --to {to:?}: not an instance of PostgresCluster {cluster:?}; give an instance \
             ({cluster}-<set>-<suffix>, sets: {}) or its pod (…-0), as `kubectl pgo show {cluster}` lists them",
            sets.join(", ")
        ))),
    }
}

/// The fields to apply, checked first; `target` is the resolved --to.
pub fn fields(args: &Args, target: Option<&str>, now: &str) -> Result<Value, Error> {
    check_cluster_name(&args.name).map_err(Error::Invalid)?;
    if args.type_ == SwitchoverType::Failover && args.to.is_none() {
        return Err(Error::Invalid(
            "--type Failover needs a target: add --to INSTANCE (see `kubectl pgo show NAME` for the instances)".into(),
        ));
    }
    if let Some(to) = &args.to {
        crate::validate::dns_label(to, 63)
            .map_err(|e| Error::Invalid(format!("invalid --to {to:?}: {e}")))?;
    }
    let mut switchover = json!({"enabled": true, "type": args.type_.as_str()});
    if let Some(to) = target {
        switchover["targetInstance"] = json!(to);
    }
    Ok(json!({
        "metadata": {"annotations": {TRIGGER_SWITCHOVER: now}},
        "spec": {"patroni": {"switchover": switchover}}
    }))
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    // Everything that needs no API call is checked before the first one.
    fields(&args, args.to.as_deref(), "")?;
    let (ctx, live) = edit::read(global, &args.name, ACTION).await?;
    let target = args
        .to
        .as_deref()
        .map(|to| resolve_target(&live, to))
        .transpose()?;
    let fields = fields(&args, target.as_deref(), &apply::timestamp())?;
    let object = edit::apply(
        &ctx,
        &live,
        fields,
        &["/spec/patroni/switchover"],
        &args.apply,
        ACTION,
    )
    .await?;
    let target = target.as_deref().unwrap_or("a replica Patroni picks");
    Ok(Change {
        message: format!(
            "postgrescluster/{} {} to {target} requested",
            args.name,
            args.type_.as_str().to_lowercase()
        ),
        object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::error::{CmdError, EXIT_USAGE};

    fn args(to: Option<&str>, type_: SwitchoverType) -> Args {
        Args {
            name: "hippo".into(),
            to: to.map(String::from),
            type_,
            apply: ApplyArgs::default(),
        }
    }

    #[test]
    fn switchover_sets_spec_and_trigger_annotation() {
        let a = args(Some("hippo-instance1-abcd"), SwitchoverType::Switchover);
        let f = fields(&a, a.to.as_deref(), "T").unwrap();
        assert_eq!(
            f,
            json!({
                "metadata": {"annotations": {"postgres-operator.crunchydata.com/trigger-switchover": "T"}},
                "spec": {"patroni": {"switchover": {
                    "enabled": true, "type": "Switchover", "targetInstance": "hippo-instance1-abcd"}}}
            })
        );
    }

    #[test]
    fn switchover_without_target_omits_it() {
        let f = fields(&args(None, SwitchoverType::Switchover), None, "T").unwrap();
        assert!(f["spec"]["patroni"]["switchover"]
            .get("targetInstance")
            .is_none());
    }

    #[test]
    fn failover_without_target_is_a_usage_error() {
        let err = fields(&args(None, SwitchoverType::Failover), None, "T").unwrap_err();
        assert_eq!(err.exit_code(), EXIT_USAGE);
        assert!(err
            .to_string()
            .contains("--type Failover needs a target: add --to INSTANCE"));
    }

    #[test]
    fn to_takes_an_instance_or_its_pod_and_refuses_the_rest() {
        let pc: PostgresCluster = serde_json::from_value(json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": "hippo"},
            "spec": {"postgresVersion": 15, "instances": [
                {"name": "instance1", "dataVolumeClaimSpec": {}}, {"dataVolumeClaimSpec": {}}]}
        }))
        .unwrap();
        let ok = |to: &str| resolve_target(&pc, to).unwrap();
        assert_eq!(ok("hippo-instance1-abcd"), "hippo-instance1-abcd");
        assert_eq!(ok("hippo-instance1-abcd-0"), "hippo-instance1-abcd");
        assert_eq!(ok("hippo-01-wxyz-0"), "hippo-01-wxyz");
        for bad in [
            "hippo-other-abcd",
            "rhino-instance1-abcd-0",
            "hippo-instance1",
        ] {
            let err = resolve_target(&pc, bad).unwrap_err();
            assert_eq!(err.exit_code(), EXIT_USAGE);
            let msg = err.to_string();
            assert!(msg.contains("sets: instance1, 01"), "{msg}");
            assert!(msg.contains("kubectl pgo show hippo"), "{msg}");
        }
    }
}
