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

/// The most instance sets one cluster may have.
pub const MAX_INSTANCE_SETS: usize = 16;

/// A Kubernetes quantity (`1Gi`, `500M`, `1e9`, `250m`) as a number; `None` when it does not
/// parse as the API server parses it (no spaces, one sign, digits with at most one '.', then a
/// suffix) or is not finite.
pub fn quantity_value(q: &str) -> Option<f64> {
    let body = q.strip_prefix(['+', '-']).unwrap_or(q);
    let split = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (number, suffix) = body.split_at(split);
    if !number.bytes().any(|b| b.is_ascii_digit()) || number.matches('.').count() > 1 {
        return None;
    }
    let n: f64 = number.parse().ok()?;
    let n = if q.starts_with('-') { -n } else { n };
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
        s if s.starts_with(['e', 'E']) => {
            let exp = &s[1..];
            let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            10f64.powi(exp.parse().ok()?)
        }
        _ => return None,
    };
    Some(n * scale).filter(|b| b.is_finite())
}

/// A size in bytes, as [`quantity_value`].
pub fn quantity_bytes(q: &str) -> Option<f64> {
    quantity_value(q)
}

const ACCESS_MODES: &[&str] = &[
    "ReadWriteOnce",
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOncePod",
];

/// A volume claim the agent creates: storage of at least 1Mi, access modes, a valid storage
/// class, and no data source but a VolumeSnapshot (a claim cloned from another claim would read
/// another cluster's data; `spec.dataSource` is the way to start from existing data).
pub(crate) fn check_claim(
    field: &str,
    claim: &k8s_openapi::api::core::v1::PersistentVolumeClaimSpec,
    errors: &mut Vec<FieldError>,
) {
    match claim
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"))
    {
        None => errors.push(err(
            format!("{field}.resources.requests.storage"),
            "is required, e.g. 1Gi",
        )),
        Some(q) => {
            if quantity_bytes(&q.0).is_none_or(|b| b < MIN_VOLUME_BYTES) {
                errors.push(err(
                    format!("{field}.resources.requests.storage"),
                    format!("{:?} must be a size of at least 1Mi, such as 1Gi", q.0),
                ));
            }
        }
    }
    if let Some(limits) = claim.resources.as_ref().and_then(|r| r.limits.as_ref()) {
        for (k, q) in limits {
            if quantity_bytes(&q.0).is_none_or(|b| b < 0.0) {
                errors.push(err(
                    format!("{field}.resources.limits.{k}"),
                    format!("{:?} is not a size, such as 1Gi", q.0),
                ));
            }
        }
    }
    match claim.access_modes.as_deref() {
        None | Some([]) => errors.push(err(
            format!("{field}.accessModes"),
            "is required, e.g. [ReadWriteOnce]",
        )),
        Some(modes) => {
            for (j, m) in modes.iter().enumerate() {
                if !ACCESS_MODES.contains(&m.as_str()) {
                    errors.push(err(
                        format!("{field}.accessModes[{j}]"),
                        format!("{m:?} is not an access mode; use one of {ACCESS_MODES:?}"),
                    ));
                }
            }
        }
    }
    if let Some(class) = &claim.storage_class_name {
        if !class.is_empty() && !super::error::is_dns_subdomain(class) {
            errors.push(err(
                format!("{field}.storageClassName"),
                format!(
                    "{class:?} is not a StorageClass name (lowercase letters, digits, '-' and '.')"
                ),
            ));
        }
    }
    // A volume snapshot (as PGO documents) is the user's own copy; another claim is not.
    let snapshot = |kind: &str, group: Option<&String>| {
        kind == "VolumeSnapshot" && group.map(String::as_str) == Some("snapshot.storage.k8s.io")
    };
    let from_claim = claim
        .data_source
        .as_ref()
        .is_some_and(|d| !snapshot(&d.kind, d.api_group.as_ref()))
        || claim
            .data_source_ref
            .as_ref()
            .is_some_and(|d| !snapshot(&d.kind, d.api_group.as_ref()));
    if from_claim {
        errors.push(err(
            format!("{field}.dataSource"),
            "a volume is created empty or from a VolumeSnapshot (snapshot.storage.k8s.io), never from another claim, which may hold another cluster's data; remove it (spec.dataSource.postgresCluster clones a cluster)",
        ));
    }
    if let Some(mode) = &claim.volume_mode {
        if mode != "Filesystem" {
            errors.push(err(
                format!("{field}.volumeMode"),
                format!("{mode:?}: Postgres needs a Filesystem volume"),
            ));
        }
    }
}

/// Compute resources of a container: quantities that parse, not negative, requests within
/// limits.
pub(crate) fn check_resources(
    field: &str,
    r: &k8s_openapi::api::core::v1::ResourceRequirements,
    errors: &mut Vec<FieldError>,
) {
    for (kind, list) in [("requests", &r.requests), ("limits", &r.limits)] {
        for (k, q) in list.iter().flatten() {
            if !super::error::is_label_key(k) {
                errors.push(err(
                    format!("{field}.{kind}"),
                    format!("{k:?} is not a resource name, such as cpu or memory"),
                ));
            } else if quantity_value(&q.0).is_none_or(|n| n < 0.0) {
                errors.push(err(
                    format!("{field}.{kind}.{k}"),
                    format!("{:?} is not a quantity, such as 500m or 1Gi", q.0),
                ));
            }
        }
    }
    if let (Some(req), Some(lim)) = (&r.requests, &r.limits) {
        for (k, q) in req {
            let (Some(want), Some(max)) = (
                quantity_value(&q.0),
                lim.get(k).and_then(|l| quantity_value(&l.0)),
            ) else {
                continue;
            };
            if want > max {
                errors.push(err(
                    format!("{field}.requests.{k}"),
                    format!(
                        "{:?} is more than the limit {:?}; requests must be within limits",
                        q.0, lim[k].0
                    ),
                ));
            }
        }
    }
    if r.claims.as_ref().is_some_and(|c| !c.is_empty()) {
        errors.push(err(
            format!("{field}.claims"),
            "resource claims are not supported; remove them",
        ));
    }
}

/// `minAvailable`: a number from 0 to the most replicas a set may have, or a percentage from 0%
/// to 100%. More than the set's replicas is allowed, as PGO and Kubernetes allow it: the budget
/// then blocks voluntary evictions, and refusing it would stop a scale-down that left
/// minAvailable as it was.
pub(crate) fn min_available(
    field: &str,
    value: Option<&IntOrString>,
    replicas: i32,
    errors: &mut Vec<FieldError>,
) -> IntOrString {
    let default = IntOrString::Int(replicas.saturating_sub(1).max(0));
    match value {
        None => default,
        Some(IntOrString::Int(n)) if *n < 0 || *n > MAX_REPLICAS => {
            errors.push(err(
                format!("{field}.minAvailable"),
                format!("{n} must be from 0 to {MAX_REPLICAS}, e.g. the replicas minus one"),
            ));
            default
        }
        Some(IntOrString::String(s)) => {
            let percent = s
                .strip_suffix('%')
                .filter(|d| !d.is_empty() && d.len() <= 3 && d.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|d| d.parse::<u32>().ok());
            if percent.is_none_or(|p| p > 100) {
                errors.push(err(
                    format!("{field}.minAvailable"),
                    format!("{s:?} must be a number or a percentage from 0% to 100%, such as 50%"),
                ));
                return default;
            }
            IntOrString::String(s.clone())
        }
        Some(v) => v.clone(),
    }
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
    if spec.instances.len() > MAX_INSTANCE_SETS {
        errors.push(err(
            "spec.instances",
            format!(
                "{} instance sets; at most {MAX_INSTANCE_SETS} are allowed",
                spec.instances.len()
            ),
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
        let replicas = replicas.clamp(1, MAX_REPLICAS);
        check_claim(
            &format!("{field}.dataVolumeClaimSpec"),
            &set.data_volume_claim_spec,
            errors,
        );
        if let Some(wal) = &set.wal_volume_claim_spec {
            check_claim(&format!("{field}.walVolumeClaimSpec"), wal, errors);
        }
        if let Some(r) = &set.resources {
            check_resources(&format!("{field}.resources"), r, errors);
        }
        if let Some(p) = &set.priority_class_name {
            if !super::error::is_dns_subdomain(p) {
                errors.push(err(
                    format!("{field}.priorityClassName"),
                    format!("{p:?} is not a PriorityClass name"),
                ));
            }
        }
        super::metadata::check(&format!("{field}.metadata"), set.metadata.as_ref(), errors);
        let min_available = min_available(&field, set.min_available.as_ref(), replicas, errors);
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
    fn volumes_may_come_from_snapshots_but_not_from_claims() {
        let claim = |source: serde_json::Value| {
            let mut c = serde_json::json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}});
            c["dataSource"] = source.clone();
            c["dataSourceRef"] = source;
            serde_json::from_value::<k8s_openapi::api::core::v1::PersistentVolumeClaimSpec>(c)
                .unwrap()
        };
        let mut errors = Vec::new();
        let snap = serde_json::json!({"kind": "VolumeSnapshot", "apiGroup": "snapshot.storage.k8s.io", "name": "s"});
        check_claim("c", &claim(snap), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        check_claim(
            "c",
            &claim(serde_json::json!({"kind": "PersistentVolumeClaim", "name": "other"})),
            &mut errors,
        );
        assert_eq!(errors[0].field, "c.dataSource");
    }

    #[test]
    fn quantities_parse_as_the_api_server_parses_them() {
        for (q, want) in [
            ("1Gi", 1073741824.0),
            ("500M", 5e8),
            ("250m", 0.25),
            ("1e3", 1000.0),
            ("+1.5Ki", 1536.0),
            (".5", 0.5),
            ("1.", 1.0),
            ("-1", -1.0),
        ] {
            assert_eq!(quantity_value(q), Some(want), "{q}");
        }
        for q in [
            "",
            " 1Gi",
            "1Gi ",
            "1gi",
            "1Zi",
            "1e400",
            "1e",
            "1.2.3",
            "+-1",
            "0x10",
            "NaN",
            "inf",
            "1E1000000",
            "--1",
            ".",
        ] {
            assert_eq!(quantity_value(q), None, "{q}");
        }
    }

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
