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

/// The smallest volume Postgres can start on, with room to spare.
const MIN_VOLUME_BYTES: f64 = 1024.0 * 1024.0;

/// A Kubernetes quantity (`1Gi`, `500M`, `1e9`) in bytes; `None` when it does not parse.
pub fn quantity_bytes(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(q.len());
    let (number, suffix) = q.split_at(split);
    let n: f64 = number.parse().ok()?;
    let scale = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        s if s.starts_with(['e', 'E']) => 10f64.powi(s[1..].parse().ok()?),
        _ => return None,
    };
    Some(n * scale).filter(|b| b.is_finite())
}

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
        for (claim, name) in [
            (Some(&set.data_volume_claim_spec), "dataVolumeClaimSpec"),
            (set.wal_volume_claim_spec.as_ref(), "walVolumeClaimSpec"),
        ] {
            let size = claim
                .and_then(|c| c.resources.as_ref())
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"));
            if let Some(q) = size {
                if quantity_bytes(&q.0).is_none_or(|b| b < MIN_VOLUME_BYTES) {
                    errors.push(err(
                        format!("{field}.{name}.resources.requests.storage"),
                        format!("{:?} must be a size of at least 1Mi, such as 1Gi", q.0),
                    ));
                }
            }
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
