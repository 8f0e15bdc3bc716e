//! `spec.instances`: names that fit every derived object name, replicas, volumes.

use std::collections::BTreeSet;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::error::{err, is_dns_label, FieldError};
use super::types::InstanceSet;
use crate::PostgresClusterSpec;

/// The longest StatefulSet name: its pods get a `controller-revision-hash` label of the
/// StatefulSet name plus 11 characters, which must fit in 63.
pub const MAX_INSTANCE_NAME: usize = 52;
/// The most instances one set may have: more is a typo (`2147483647`), not a plan.
pub const MAX_REPLICAS: i32 = 16;
/// `<cluster>-<set>-` plus a four-character suffix.
const INSTANCE_SUFFIX_LEN: usize = 5;

pub fn validate(
    spec: &PostgresClusterSpec,
    cluster: &str,
    errors: &mut Vec<FieldError>,
) -> Vec<InstanceSet> {
    if spec.instances.is_empty() {
        errors.push(err(
            "spec.instances",
            "at least one instance set is required, e.g. [{name: instance1, dataVolumeClaimSpec: ...}]",
        ));
    }
    let mut seen = BTreeSet::new();
    let mut instance_sets = Vec::new();
    for (i, set) in spec.instances.iter().enumerate() {
        let field = format!("spec.instances[{i}]");
        let set_name = set.name_or_default(i);
        if !is_dns_label(&set_name, 15) {
            errors.push(err(
                format!("{field}.name"),
                format!(
                    "{set_name:?} must be lowercase letters, digits and '-', at most 15 characters"
                ),
            ));
        } else if cluster.len() + set_name.len() + 1 + INSTANCE_SUFFIX_LEN > MAX_INSTANCE_NAME {
            errors.push(err(
                format!("{field}.name"),
                format!(
                    "instance names `{cluster}-{set_name}-xxxx` would exceed {MAX_INSTANCE_NAME} characters; shorten the cluster or instance set name"
                ),
            ));
        }
        if !seen.insert(set_name.clone()) {
            errors.push(err(
                format!("{field}.name"),
                format!(
                    "instance set name {set_name:?} is used more than once; names must be unique"
                ),
            ));
        }
        let replicas = set.replicas.unwrap_or(1);
        if replicas < 1 {
            errors.push(err(
                format!("{field}.replicas"),
                format!("{replicas} is not allowed; set at least 1 (use spec.shutdown to stop the cluster)"),
            ));
        } else if replicas > MAX_REPLICAS {
            errors.push(err(
                format!("{field}.replicas"),
                format!("{replicas} is not allowed; set at most {MAX_REPLICAS} instances per set (add another instance set for more)"),
            ));
        }
        let claim = &set.data_volume_claim_spec;
        let has_storage = claim
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .is_some_and(|r| r.contains_key("storage"));
        if !has_storage {
            errors.push(err(
                format!("{field}.dataVolumeClaimSpec.resources.requests.storage"),
                "is required, e.g. 1Gi",
            ));
        }
        if claim.access_modes.as_ref().is_none_or(|m| m.is_empty()) {
            errors.push(err(
                format!("{field}.dataVolumeClaimSpec.accessModes"),
                "is required, e.g. [ReadWriteOnce]",
            ));
        }
        let min_available = match &set.min_available {
            Some(IntOrString::Int(n)) if *n < 0 => {
                errors.push(err(format!("{field}.minAvailable"), "must not be negative"));
                IntOrString::Int(0)
            }
            Some(v) => v.clone(),
            None => IntOrString::Int((replicas - 1).max(0)),
        };
        instance_sets.push(InstanceSet {
            name: set_name,
            replicas,
            min_available,
            spec: set.clone(),
        });
    }
    instance_sets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_bounded() {
        let mut spec: PostgresClusterSpec = serde_json::from_value(serde_json::json!({
            "postgresVersion": 15,
            "instances": [{"name": "instance1", "dataVolumeClaimSpec": {
                "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
        }))
        .unwrap();
        for (n, ok) in [(1, true), (16, true), (17, false), (i32::MAX, false)] {
            spec.instances[0].replicas = Some(n);
            let mut errors = Vec::new();
            validate(&spec, "hippo", &mut errors);
            assert_eq!(errors.is_empty(), ok, "{n}: {errors:?}");
            if !ok {
                assert_eq!(errors[0].field, "spec.instances[0].replicas");
                assert!(errors[0].message.contains("at most 16"), "{errors:?}");
            }
        }
    }
}
