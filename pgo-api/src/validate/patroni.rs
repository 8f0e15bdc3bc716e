//! `spec.patroni` and `spec.config`: timing, ports, dynamic configuration, Postgres
//! parameters and the switchover request.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::error::{err, has_control, is_dns_label, FieldError};
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
    "config_file",
    "external_pid_file",
    "unix_socket_group",
    "unix_socket_permissions",
    "ssl_crl_file",
    "ssl_crl_dir",
    "ssl_passphrase_command",
    "archive_library",
    "archive_cleanup_command",
    "recovery_end_command",
    "primary_conninfo",
    "primary_slot_name",
];

/// The longest timing value, in seconds: an hour-long lease already means no failover for an
/// hour.
pub const MAX_TIMING_SECONDS: i32 = 3600;

/// Whether Postgres would read `name` as one of [`MANAGED_PARAMETERS`]: its parameter names are
/// case-insensitive.
pub fn is_managed_parameter(name: &str) -> bool {
    MANAGED_PARAMETERS
        .iter()
        .any(|m| m.eq_ignore_ascii_case(name.trim()))
}

/// A parameter name as postgresql.conf takes it: letters, digits, '_' and, for extensions'
/// parameters, '.'.
fn is_parameter_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

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
    if !(3..=MAX_TIMING_SECONDS).contains(&leader_lease_seconds) {
        errors.push(err(
            "spec.patroni.leaderLeaseDurationSeconds",
            format!("{leader_lease_seconds} must be from 3 to {MAX_TIMING_SECONDS}"),
        ));
    }
    if !(1..=MAX_TIMING_SECONDS).contains(&sync_period_seconds) {
        errors.push(err(
            "spec.patroni.syncPeriodSeconds",
            format!("{sync_period_seconds} must be from 1 to {MAX_TIMING_SECONDS}"),
        ));
    }
    // Patroni needs loop_wait + 2 * retry_timeout <= ttl, with retry_timeout of at least 1.
    if i64::from(leader_lease_seconds) < i64::from(sync_period_seconds) + 2 {
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
    } else if port == names::PGBACKREST_TLS_PORT && super::network::has_backups(spec) {
        errors.push(err(
            "spec.patroni.port",
            format!("{port} is pgBackRest's port in every instance pod; use another port"),
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
    let fits = |r: i64| {
        r.checked_mul(2)
            .and_then(|d| d.checked_add(i64::from(loop_wait)))
            .is_some_and(|total| total <= i64::from(ttl))
    };
    match r.as_i64() {
        Some(r) if r >= 1 && fits(r) => {}
        Some(_) | None => errors.push(err(
            field,
            format!("{r} must be a whole number of seconds from 1 to {} so that syncPeriodSeconds ({loop_wait}) + 2 * retry_timeout fits in leaderLeaseDurationSeconds ({ttl}); remove it to let the agent choose", ((i64::from(ttl) - i64::from(loop_wait)) / 2).max(1)),
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
        let local = words.first() == Some(&"local");
        // local: type, database, user, method; host*: type, database, user, address, method.
        let method = words.get(if local { 3 } else { 4 }).copied();
        let why = match words.first().copied() {
            _ if has_control(line) => Some("must be a single line, without control characters"),
            None => Some("is empty"),
            Some("hostnossl") => {
                Some("would allow connections without TLS; every connection uses TLS (use hostssl)")
            }
            Some(t) if !HBA_TYPES.contains(&t) => {
                Some("does not start with a connection type (local, host, hostssl, hostgssenc or hostnogssenc)")
            }
            Some(_) if words.len() < if local { 4 } else { 5 } => {
                Some("is too short: type, database, user, address (except for local) and method")
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
            Some(_) if !local && (method == Some("trust") || words.get(5) == Some(&"trust")) => {
                Some("would let network clients in without a password; use scram-sha-256 or cert")
            }
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

/// Connection types of pg_hba.conf, but `hostnossl`.
const HBA_TYPES: &[&str] = &["local", "host", "hostssl", "hostgssenc", "hostnogssenc"];

/// Keys of the dynamic configuration with their types, as Patroni reads them.
fn check_dynamic(dcs: &serde_json::Map<String, serde_json::Value>, errors: &mut Vec<FieldError>) {
    let field = "spec.patroni.dynamicConfiguration";
    for key in ["standby_cluster"] {
        if dcs.contains_key(key) {
            errors.push(err(
                format!("{field}.{key}"),
                "a standby cluster is spec.standby (not built yet); remove it",
            ));
        }
    }
    for key in [
        "synchronous_mode",
        "synchronous_mode_strict",
        "failsafe_mode",
    ] {
        if let Some(v) = dcs.get(key) {
            // Patroni 4 adds `synchronous_mode: quorum`.
            let quorum = key == "synchronous_mode" && v.as_str() == Some("quorum");
            if !v.is_boolean() && !quorum {
                errors.push(err(
                    format!("{field}.{key}"),
                    format!("{v} must be true or false"),
                ));
            }
        }
    }
    for key in [
        "maximum_lag_on_failover",
        "maximum_lag_on_syncnode",
        "max_timelines_history",
        "master_start_timeout",
        "master_stop_timeout",
        "primary_start_timeout",
        "primary_stop_timeout",
        "synchronous_node_count",
    ] {
        if let Some(v) = dcs.get(key) {
            let min = if key == "synchronous_node_count" {
                1
            } else {
                0
            };
            if v.as_i64()
                .is_none_or(|n| n < min || n > i64::from(i32::MAX))
            {
                errors.push(err(
                    format!("{field}.{key}"),
                    format!("{v} must be a whole number from {min} to {}", i32::MAX),
                ));
            }
        }
    }
    let Some(pg) = dcs.get("postgresql") else {
        return;
    };
    let Some(pg) = pg.as_object() else {
        errors.push(err(format!("{field}.postgresql"), "must be an object"));
        return;
    };
    for key in ["use_pg_rewind", "use_slots"] {
        if let Some(v) = pg.get(key) {
            if !v.is_boolean() {
                errors.push(err(
                    format!("{field}.postgresql.{key}"),
                    format!("{v} must be true or false"),
                ));
            }
        }
    }
    if pg.contains_key("recovery_conf") {
        errors.push(err(
            format!("{field}.postgresql.recovery_conf"),
            "recovery is managed by the agent (restore_command comes from pgBackRest); remove it",
        ));
    }
    if let Some(ident) = pg.get("pg_ident") {
        let ok = ident.as_array().is_some_and(|l| {
            l.iter()
                .all(|x| x.as_str().is_some_and(|s| !has_control(s)))
        });
        if !ok {
            errors.push(err(
                format!("{field}.postgresql.pg_ident"),
                "must be a list of pg_ident.conf lines, each a single line",
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
    let dcs_field = "spec.patroni.dynamicConfiguration.postgresql.parameters";
    match &patroni.dynamic_configuration {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(map)) => {
            dynamic_configuration = map.clone();
            if let Some(pg) = dynamic_configuration
                .get_mut("postgresql")
                .and_then(|v| v.as_object_mut())
            {
                match pg.remove("parameters") {
                    None | Some(serde_json::Value::Null) => {}
                    Some(serde_json::Value::Object(params)) => {
                        for (k, v) in params {
                            let f = format!("{dcs_field}.{k}");
                            match v {
                                serde_json::Value::String(_)
                                | serde_json::Value::Number(_)
                                | serde_json::Value::Bool(_) => {
                                    let v = scalar_string(&v);
                                    check_parameter(&f, &k, &v, errors);
                                    parameters.insert(k, v);
                                }
                                other => errors.push(err(
                                    f,
                                    format!("{other} is not a parameter value; use a string, a number or true/false (remove the parameter for its default)"),
                                )),
                            }
                        }
                    }
                    Some(_) => errors.push(err(
                        dcs_field,
                        "must be an object of parameter names and values",
                    )),
                }
            }
            check_dynamic(&dynamic_configuration, errors);
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
            check_parameter(&format!("spec.config.parameters.{k}"), k, &v, errors);
            parameters.insert(k.clone(), v);
        }
    }
    (parameters, dynamic_configuration)
}

fn check_parameter(field: &str, name: &str, value: &str, errors: &mut Vec<FieldError>) {
    if !is_parameter_name(name) {
        errors.push(err(
            field,
            format!("{name:?} is not a parameter name (letters, digits, '_' and '.')"),
        ));
    } else if is_managed_parameter(name) {
        errors.push(err(field, "is managed by the agent; remove it"));
    } else if has_control(value) || value.len() > 8192 {
        errors.push(err(
            field,
            "must be a single line without control characters, at most 8192 bytes",
        ));
    }
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
        if !is_dns_label(target, 63) || !is_instance_of(cluster, &set_names, target) {
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
