//! `scale NAME --replicas N [--instance-set SET]`: read the cluster -> pick the set (pure) ->
//! apply the new replicas.

use kube::CustomResourceExt;
use pgo_api::PostgresCluster;
use serde_json::{json, Value};

use crate::apply;
use crate::client::{ApiError, Ctx};
use crate::common::cluster::{check_cluster_name, check_replicas};
use crate::common::edit::{ApplyArgs, Change};
use crate::common::error::Error;
use crate::global::GlobalArgs;

const ACTION: &str = "scale";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,

    /// The number of instances the set should have (at least 1).
    #[arg(long, value_name = "N")]
    pub replicas: String,

    /// The instance set to scale; may be left out when the cluster has one set.
    #[arg(long, value_name = "SET")]
    pub instance_set: Option<String>,

    #[command(flatten)]
    pub apply: ApplyArgs,
}

/// Whether the CRD merges `spec.instances` by name (a list-map). If it does, a patch can name
/// just one set; if the list is atomic, the whole list has to be sent.
pub fn instances_is_list_map() -> bool {
    let crd = serde_json::to_value(PostgresCluster::crd()).unwrap_or_default();
    let path = "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/instances/x-kubernetes-list-type";
    crd.pointer(path).and_then(Value::as_str) == Some("map")
}

/// The set to scale, by the rules of `--instance-set`.
pub fn pick_set(pc: &PostgresCluster, wanted: Option<&str>) -> Result<(usize, String), Error> {
    let cluster = kube::ResourceExt::name_any(pc);
    let sets: Vec<String> = pc
        .spec
        .instances
        .iter()
        .enumerate()
        .map(|(i, s)| s.name_or_default(i))
        .collect();
    match wanted {
        Some(set) => sets
            .iter()
            .position(|s| s == set)
            .map(|i| (i, set.to_string()))
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "PostgresCluster {cluster:?} has no instance set {set:?}; its sets are: {}\n  \
                     hint: pass --instance-set with one of them",
                    sets.join(", ")
                ))
            }),
        None if sets.len() == 1 => Ok((0, sets[0].clone())),
        None => Err(Error::Invalid(format!(
            "PostgresCluster {cluster:?} has several instance sets ({}): pass --instance-set with one of them",
            sets.join(", ")
        ))),
    }
}

/// The fields to apply: one set by name if the schema allows, else the whole list with a
/// resourceVersion so a concurrent edit fails instead of being overwritten.
pub fn patch(
    pc: &PostgresCluster,
    index: usize,
    set: &str,
    replicas: i32,
    list_map: bool,
) -> Value {
    if list_map {
        return json!({"spec": {"instances": [{"name": set, "replicas": replicas}]}});
    }
    let mut instances = serde_json::to_value(&pc.spec.instances).unwrap_or_default();
    if let Some(item) = instances.get_mut(index) {
        item["replicas"] = json!(replicas);
    }
    json!({
        "metadata": {"resourceVersion": pc.metadata.resource_version},
        "spec": {"instances": instances}
    })
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    check_cluster_name(&args.name).map_err(Error::Invalid)?;
    let replicas = check_replicas(&args.replicas)
        .map_err(|e| Error::Invalid(format!("invalid --replicas {:?}: {e}", args.replicas)))?;
    let api = Error::api(ACTION, &args.name);
    let ctx = Ctx::connect(global, None).await.map_err(&api)?;
    let list_map = instances_is_list_map();
    // The whole-list patch carries a resourceVersion, and the agent bumps it with every status
    // write: re-read and retry when the object moved underneath, as kubectl edit does.
    let mut attempt = 0;
    let (object, set, before) = loop {
        attempt += 1;
        let live = ctx.get_cluster(&args.name).await.map_err(&api)?;
        let (index, set) = pick_set(&live, args.instance_set.as_deref())?;
        let before = live.spec.instances[index].replicas.unwrap_or(1);
        let fields = patch(&live, index, &set, replicas, list_map);
        match apply::apply(&ctx, &live, fields, &[], args.apply.force_conflicts).await {
            Ok(object) => break (object, set, before),
            Err(ApiError::Changed { .. }) if attempt < 5 => continue,
            Err(e) => return Err(api(e)),
        }
    };
    Ok(Change {
        message: format!(
            "postgrescluster/{} scaled: instance set {set} from {before} to {replicas} replicas",
            args.name
        ),
        object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::error::{CmdError, EXIT_USAGE};

    fn cluster(sets: &[&str]) -> PostgresCluster {
        let instances: Vec<Value> = sets
            .iter()
            .map(|s| json!({"name": s, "replicas": 1, "dataVolumeClaimSpec": {}}))
            .collect();
        serde_json::from_value(json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": "hippo", "resourceVersion": "42"},
            "spec": {"postgresVersion": 15, "instances": instances}
        }))
        .unwrap()
    }

    #[test]
    fn one_set_needs_no_instance_set_flag() {
        assert_eq!(
            pick_set(&cluster(&["instance1"]), None).unwrap(),
            (0, "instance1".into())
        );
    }

    #[test]
    fn several_sets_need_the_flag_and_list_the_sets() {
        let err = pick_set(&cluster(&["a", "b"]), None).unwrap_err();
        assert_eq!(err.exit_code(), EXIT_USAGE);
        assert!(err
            .to_string()
            .contains("several instance sets (a, b): pass --instance-set"));
        let err = pick_set(&cluster(&["a", "b"]), Some("c")).unwrap_err();
        assert!(err
            .to_string()
            .contains("has no instance set \"c\"; its sets are: a, b"));
        assert_eq!(
            pick_set(&cluster(&["a", "b"]), Some("b")).unwrap(),
            (1, "b".into())
        );
    }

    #[test]
    fn atomic_instances_are_sent_whole_with_a_resource_version() {
        let p = patch(&cluster(&["a", "b"]), 1, "b", 3, false);
        assert_eq!(p["metadata"]["resourceVersion"], "42");
        assert_eq!(p["spec"]["instances"][0]["replicas"], 1);
        assert_eq!(p["spec"]["instances"][1]["replicas"], 3);
        assert!(p["spec"]["instances"][1]
            .get("dataVolumeClaimSpec")
            .is_some());
    }

    #[test]
    fn list_map_instances_send_only_the_set() {
        assert_eq!(
            patch(&cluster(&["a"]), 0, "a", 2, true),
            json!({"spec": {"instances": [{"name": "a", "replicas": 2}]}})
        );
    }
}
