//! `spec.patroni` and `spec.config`: timing, ports, dynamic configuration, Postgres
//! parameters and the switchover request.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::error::{err, FieldError};
use super::types::{InstanceSet, Switchover};
use crate::{names, PostgresClusterSpec};

/// Parameters the agent sets itself; users may not override them.
pub const MANAGED_PARAMETERS: &[&str] = &[
    "port",
    "listen_addresses",
    "ssl",
    "ssl_cert_file",
    "ssl_key_file",
    "ssl_ca_file",
    "unix_socket_directories",
    "data_directory",
    "hba_file",
    "ident_file",
    "archive_command",
    "restore_command",
    "hot_standby",
    "wal_level",
];

/// The validated Patroni settings.
pub struct Patroni {
    pub leader_lease_seconds: i32,
    pub sync_period_seconds: i32,
    pub port: i32,
    pub parameters: BTreeMap<String, String>,
    pub dynamic_configuration: serde_json::Map<String, serde_json::Value>,
    pub switchover: Option<Switchover>,
}

pub fn validate(
    spec: &PostgresClusterSpec,
    cluster: &str,
    postgres_port: i32,
    sets: &[InstanceSet],
    errors: &mut Vec<FieldError>,
) -> Patroni {
    let patroni = spec.patroni.clone().unwrap_or_default();
    let leader_lease_seconds = patroni.leader_lease_duration_seconds.unwrap_or(30);
    let sync_period_seconds = patroni.sync_period_seconds.unwrap_or(10);
    let port = patroni.port.unwrap_or(names::DEFAULT_PATRONI_PORT);
    if leader_lease_seconds < 3 {
        errors.push(err(
            "spec.patroni.leaderLeaseDurationSeconds",
            "must be at least 3",
        ));
    }
    if sync_period_seconds < 1 {
        errors.push(err("spec.patroni.syncPeriodSeconds", "must be at least 1"));
    }
    if leader_lease_seconds <= sync_period_seconds {
        errors.push(err(
            "spec.patroni.leaderLeaseDurationSeconds",
            format!("{leader_lease_seconds} must be greater than syncPeriodSeconds ({sync_period_seconds})"),
        ));
    }
    if !(1024..=65535).contains(&port) || port == postgres_port {
        errors.push(err(
            "spec.patroni.port",
            "must be from 1024 to 65535 and differ from spec.port",
        ));
    }
    let (parameters, dynamic_configuration) = parameters(spec, &patroni, errors);
    Patroni {
        leader_lease_seconds,
        sync_period_seconds,
        port,
        parameters,
        dynamic_configuration,
        switchover: switchover(&patroni, cluster, sets, errors),
    }
}

fn scalar_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Postgres parameters from `patroni.dynamicConfiguration.postgresql.parameters` and
/// `config.parameters` (which wins), and the rest of the dynamic configuration.
fn parameters(
    spec: &PostgresClusterSpec,
    patroni: &crate::PatroniSpec,
    errors: &mut Vec<FieldError>,
) -> (
    BTreeMap<String, String>,
    serde_json::Map<String, serde_json::Value>,
) {
    let mut dynamic_configuration = serde_json::Map::new();
    let mut parameters = BTreeMap::new();
    match &patroni.dynamic_configuration {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(map)) => {
            dynamic_configuration = map.clone();
            if let Some(pg) = dynamic_configuration
                .get_mut("postgresql")
                .and_then(|v| v.as_object_mut())
            {
                if let Some(serde_json::Value::Object(params)) = pg.remove("parameters") {
                    for (k, v) in params {
                        parameters.insert(k, scalar_string(&v));
                    }
                }
            }
        }
        Some(_) => errors.push(err(
            "spec.patroni.dynamicConfiguration",
            "must be an object",
        )),
    }
    if let Some(params) = spec.config.as_ref().and_then(|c| c.parameters.as_ref()) {
        for (k, v) in params {
            let v = match v {
                IntOrString::Int(i) => i.to_string(),
                IntOrString::String(s) => s.clone(),
            };
            parameters.insert(k.clone(), v);
        }
    }
    for key in parameters.keys() {
        if MANAGED_PARAMETERS.contains(&key.as_str()) {
            errors.push(err(
                format!("spec.config.parameters.{key}"),
                "is managed by the agent; remove it",
            ));
        }
    }
    (parameters, dynamic_configuration)
}

/// Whether `target` names an instance of `cluster`: `<cluster>-<set>-<suffix>` with a set in
/// `set_names`. `kubectl pgo switchover --to` checks with it too.
pub fn is_instance_of(cluster: &str, set_names: &BTreeSet<&str>, target: &str) -> bool {
    target
        .strip_prefix(&format!("{cluster}-"))
        .and_then(|rest| rest.rsplit_once('-'))
        .is_some_and(|(set, _)| set_names.contains(set))
}

fn switchover(
    patroni: &crate::PatroniSpec,
    cluster: &str,
    sets: &[InstanceSet],
    errors: &mut Vec<FieldError>,
) -> Option<Switchover> {
    let s = patroni.switchover.as_ref().filter(|s| s.enabled)?;
    let set_names: BTreeSet<&str> = sets.iter().map(|s| s.name.as_str()).collect();
    let failover = match s.type_.as_deref() {
        None | Some("Switchover") => false,
        Some("Failover") => true,
        Some(other) => {
            errors.push(err(
                "spec.patroni.switchover.type",
                format!("{other:?} is not a switchover type; use Switchover or Failover"),
            ));
            false
        }
    };
    if let Some(target) = &s.target_instance {
        if !is_instance_of(cluster, &set_names, target) {
            errors.push(err(
                "spec.patroni.switchover.targetInstance",
                format!(
                    "{target:?} is not an instance of this cluster; use one of the names in `kubectl get sts -l {}={cluster}`",
                    names::labels::CLUSTER
                ),
            ));
        }
    } else if failover {
        errors.push(err(
            "spec.patroni.switchover.targetInstance",
            "is required when type is Failover",
        ));
    }
    Some(Switchover {
        target_instance: s.target_instance.clone(),
        failover,
    })
}
