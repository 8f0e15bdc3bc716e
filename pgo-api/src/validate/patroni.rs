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
    // Patroni needs loop_wait + 2 * retry_timeout <= ttl, with retry_timeout of at least 1.
    if leader_lease_seconds < sync_period_seconds + 2 {
        errors.push(err(
            "spec.patroni.leaderLeaseDurationSeconds",
            format!("{leader_lease_seconds} must be at least syncPeriodSeconds ({sync_period_seconds}) + 2, so that Patroni can retry within the lease"),
        ));
    }
    if !(1024..=65535).contains(&port) || port == postgres_port {
        errors.push(err(
            "spec.patroni.port",
            "must be from 1024 to 65535 and differ from spec.port",
        ));
    }
    let (parameters, dynamic_configuration) = parameters(spec, &patroni, errors);
    check_retry_timeout(
        &dynamic_configuration,
        leader_lease_seconds,
        sync_period_seconds,
        errors,
    );
    check_pg_hba(&dynamic_configuration, errors);
    Patroni {
        leader_lease_seconds,
        sync_period_seconds,
        port,
        parameters,
        dynamic_configuration,
        switchover: switchover(&patroni, cluster, sets, errors),
    }
}

/// A `retry_timeout` of the user's must fit the lease: `loop_wait + 2 * retry_timeout <= ttl`.
fn check_retry_timeout(
    dcs: &serde_json::Map<String, serde_json::Value>,
    ttl: i32,
    loop_wait: i32,
    errors: &mut Vec<FieldError>,
) {
    let Some(r) = dcs.get("retry_timeout") else {
        return;
    };
    let field = "spec.patroni.dynamicConfiguration.retry_timeout";
    match r.as_i64() {
        Some(r) if r >= 1 && i64::from(loop_wait) + 2 * r <= i64::from(ttl) => {}
        Some(_) | None => errors.push(err(
            field,
            format!("{r} must be a whole number of seconds from 1 to {} so that syncPeriodSeconds ({loop_wait}) + 2 * retry_timeout fits in leaderLeaseDurationSeconds ({ttl}); remove it to let the agent choose", (ttl - loop_wait) / 2),
        )),
    }
}

/// The user's `pg_hba` rules come after the mandatory ones (TLS, replication by certificate,
/// no remote superuser), which would shadow a rule about those: such a rule is refused rather
/// than silently without effect.
fn check_pg_hba(dcs: &serde_json::Map<String, serde_json::Value>, errors: &mut Vec<FieldError>) {
    let Some(rules) = dcs.get("postgresql").and_then(|p| p.get("pg_hba")) else {
        return;
    };
    let field = "spec.patroni.dynamicConfiguration.postgresql.pg_hba";
    let Some(rules) = rules.as_array() else {
        errors.push(err(field, "must be a list of pg_hba.conf lines"));
        return;
    };
    for (i, rule) in rules.iter().enumerate() {
        let Some(line) = rule.as_str() else {
            errors.push(err(
                format!("{field}[{i}]"),
                "must be a pg_hba.conf line (a string)",
            ));
            continue;
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let names_user = |u: &str| {
            words
                .get(2)
                .is_some_and(|w| w.split(',').any(|x| x.trim_matches('"') == u))
        };
        let why = match words.first().copied() {
            None => Some("is empty"),
            Some("hostnossl") => {
                Some("would allow connections without TLS; every connection uses TLS (use hostssl)")
            }
            Some(_)
                if words
                    .get(1)
                    .is_some_and(|d| d.split(',').any(|x| x == "replication")) =>
            {
                Some("is about replication, which only the agent's certificate user may do")
            }
            Some(_) if names_user(names::SUPERUSER) || names_user(names::REPLICATION_USER) => Some(
                "is about the superuser or the replication user, whom the mandatory rules govern",
            ),
            Some(_) if line.contains('\n') => Some("must be a single line"),
            _ => None,
        };
        if let Some(why) = why {
            errors.push(err(
                format!("{field}[{i}]"),
                format!("{line:?} {why}; remove it"),
            ));
        }
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
