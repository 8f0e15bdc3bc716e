//! Test data shared by the `show` modules.

use pgo_api::PostgresCluster;

use super::patroni::PodInfo;

/// `patronictl list -f json` of a three-member cluster, as Patroni 3 prints it.
pub const PATRONI_JSON: &str = r#"[
 {"Cluster": "hippo-ha", "Member": "hippo-instance1-4xbc-0", "Host": "hippo-instance1-4xbc-0.hippo-pods", "Role": "Leader", "State": "running", "TL": 2},
 {"Cluster": "hippo-ha", "Member": "hippo-instance1-9kzt-0", "Host": "hippo-instance1-9kzt-0.hippo-pods", "Role": "Sync Standby", "State": "streaming", "TL": 2, "Lag in MB": 0},
 {"Cluster": "hippo-ha", "Member": "hippo-instance1-qq7m-0", "Host": "hippo-instance1-qq7m-0.hippo-pods", "Role": "Replica", "State": "stopped", "Lag in MB": "unknown", "Pending restart": "*"}
]"#;

/// `pgbackrest info --output=json` with a full and an incremental backup.
pub const PGBACKREST_JSON: &str = include_str!("testdata/pgbackrest-info.json");

pub fn hippo_with_status() -> PostgresCluster {
    serde_json::from_value(serde_json::json!({
        "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
        "kind": "PostgresCluster",
        "metadata": {"name": "hippo"},
        "spec": {"postgresVersion": 15, "instances": [{"name": "instance1", "dataVolumeClaimSpec": {}}]},
        "status": {
            "conditions": [{"type": "Ready", "status": "False", "reason": "InstancesNotReady",
                            "message": "1 of 3 instances ready", "lastTransitionTime": "2024-01-01T12:00:00Z"}],
            "instances": [{"name": "instance1", "replicas": 3, "readyReplicas": 1, "updatedReplicas": 3}],
            "patroni": {"primary": "hippo-instance1-4xbc-0"}
        }
    }))
    .unwrap()
}

pub fn pod(name: &str, ready: bool) -> PodInfo {
    PodInfo {
        name: name.into(),
        instance_set: "instance1".into(),
        role_label: None,
        ready,
        phase: "Running".into(),
        patroni_status: None,
    }
}
