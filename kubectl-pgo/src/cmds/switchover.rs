//! `switchover NAME [--to INSTANCE] [--type Switchover|Failover]`: set spec.patroni.switchover
//! and the trigger-switchover annotation, which is how PGO starts one.

use pgo_api::names::annotations::TRIGGER_SWITCHOVER;
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

    /// The instance that should become primary (`<cluster>-<set>-<suffix>`). Patroni picks one
    /// when left out.
    #[arg(long, value_name = "INSTANCE")]
    pub to: Option<String>,

    /// Switchover, or Failover (which needs --to).
    #[arg(long = "type", value_enum, default_value_t = SwitchoverType::Switchover, ignore_case = true)]
    pub type_: SwitchoverType,

    #[command(flatten)]
    pub apply: ApplyArgs,
}

/// The fields to apply, checked first.
pub fn fields(args: &Args, now: &str) -> Result<Value, Error> {
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
    if let Some(to) = &args.to {
        switchover["targetInstance"] = json!(to);
    }
    Ok(json!({
        "metadata": {"annotations": {TRIGGER_SWITCHOVER: now}},
        "spec": {"patroni": {"switchover": switchover}}
    }))
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    let fields = fields(&args, &apply::timestamp())?;
    let (ctx, live) = edit::read(global, &args.name, ACTION).await?;
    let object = edit::apply(
        &ctx,
        &live,
        fields,
        &["/spec/patroni/switchover"],
        &args.apply,
        ACTION,
    )
    .await?;
    let target = args.to.as_deref().unwrap_or("a replica Patroni picks");
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
        let f = fields(
            &args(Some("hippo-instance1-abcd"), SwitchoverType::Switchover),
            "T",
        )
        .unwrap();
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
        let f = fields(&args(None, SwitchoverType::Switchover), "T").unwrap();
        assert!(f["spec"]["patroni"]["switchover"]
            .get("targetInstance")
            .is_none());
    }

    #[test]
    fn failover_without_target_is_a_usage_error() {
        let err = fields(&args(None, SwitchoverType::Failover), "T").unwrap_err();
        assert_eq!(err.exit_code(), EXIT_USAGE);
        assert!(err
            .to_string()
            .contains("--type Failover needs a target: add --to INSTANCE"));
    }
}
