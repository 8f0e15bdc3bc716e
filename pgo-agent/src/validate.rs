//! Pipeline step 2 of 5 (read -> **validate** -> build -> apply -> status): turns the raw spec
//! into a [`ValidatedCluster`], or a list of field errors that name the field and the fix.
//! Pure: no I/O. Later steps never read the raw resource again.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use pgo_api::{names, PostgresCluster, PostgresInstanceSetSpec};

/// The only major version whose image this project builds.
pub const SUPPORTED_POSTGRES_VERSIONS: &[i32] = &[15];

/// Parameters the agent sets itself; users may not override them.
const MANAGED_PARAMETERS: &[&str] = &[
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

/// A field that is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

pub(crate) fn err(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// A spec that passed validation, with every default filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedCluster {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub generation: i64,
    pub postgres_version: i32,
    pub image: String,
    pub image_pull_policy: Option<String>,
    pub port: i32,
    pub patroni_port: i32,
    pub leader_lease_seconds: i32,
    pub sync_period_seconds: i32,
    pub instance_sets: Vec<InstanceSet>,
    pub users: Vec<User>,
    /// Postgres parameters from `config.parameters` and `patroni.dynamicConfiguration`.
    pub parameters: BTreeMap<String, String>,
    /// `patroni.dynamicConfiguration` without its `postgresql.parameters`.
    pub dynamic_configuration: serde_json::Map<String, serde_json::Value>,
    pub shutdown: bool,
    pub paused: bool,
    pub switchover: Option<Switchover>,
    pub switchover_trigger: Option<String>,
    pub custom_tls_secret: Option<String>,
    pub custom_replication_tls_secret: Option<String>,
    pub database_init_sql: Option<(String, String)>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub primary_service: pgo_api::ServiceSpec,
    pub replica_service: pgo_api::ServiceSpec,
    pub image_pull_secrets: Vec<k8s_openapi::api::core::v1::LocalObjectReference>,
    pub supplemental_groups: Vec<i64>,
    pub default_pod_scheduling: bool,
    /// `spec.backups.pgbackrest`, when given.
    pub backups: Option<crate::backup_spec::BackupSpec>,
    /// `spec.dataSource.postgresCluster`, when given.
    pub clone_source: Option<crate::backup_spec::CloneSource>,
    /// PGO fields that were given but are not built yet, by path.
    pub unsupported: Vec<String>,
}

/// One instance set, with defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceSet {
    pub name: String,
    pub replicas: i32,
    pub min_available: IntOrString,
    pub spec: PostgresInstanceSetSpec,
}

/// One Postgres user, with defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub databases: Vec<String>,
    pub options: String,
    pub alphanumeric: bool,
}

/// A requested switchover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switchover {
    pub target_instance: Option<String>,
    pub failover: bool,
}

/// Defaults that come from the agent's environment rather than the spec.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    /// Image per Postgres major version (`RELATED_IMAGE_POSTGRES_15`).
    pub postgres_images: BTreeMap<i32, String>,
    /// The agent's own image, which backup Jobs run.
    pub agent_image: String,
}

fn is_dns_label(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// The longest StatefulSet name: its pods get a `controller-revision-hash` label of the
/// StatefulSet name plus 11 characters, which must fit in 63.
const MAX_INSTANCE_NAME: usize = 52;
/// `<cluster>-<set>-` plus a four-character suffix.
const INSTANCE_SUFFIX_LEN: usize = 5;

pub fn validate(
    pc: &PostgresCluster,
    defaults: &Defaults,
) -> Result<ValidatedCluster, Vec<FieldError>> {
    let spec = &pc.spec;
    let mut errors = Vec::new();
    let name = pc.metadata.name.clone().unwrap_or_default();
    let namespace = pc.metadata.namespace.clone().unwrap_or_default();

    if !SUPPORTED_POSTGRES_VERSIONS.contains(&spec.postgres_version) {
        errors.push(err(
            "spec.postgresVersion",
            format!(
                "version {} is not available; set it to one of {:?}",
                spec.postgres_version, SUPPORTED_POSTGRES_VERSIONS
            ),
        ));
    }
    let image = match (
        &spec.image,
        defaults.postgres_images.get(&spec.postgres_version),
    ) {
        (Some(i), _) if !i.is_empty() => i.clone(),
        (_, Some(d)) => d.clone(),
        _ => {
            errors.push(err(
                "spec.image",
                format!(
                    "no default image for PostgreSQL {}; set spec.image",
                    spec.postgres_version
                ),
            ));
            String::new()
        }
    };
    let port = spec.port();
    if !(1024..=65535).contains(&port) {
        errors.push(err(
            "spec.port",
            format!("{port} is out of range; use a port from 1024 to 65535"),
        ));
    }

    // Instance sets.
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
        } else if name.len() + set_name.len() + 1 + INSTANCE_SUFFIX_LEN > MAX_INSTANCE_NAME {
            errors.push(err(
                format!("{field}.name"),
                format!(
                    "instance names `{name}-{set_name}-xxxx` would exceed {MAX_INSTANCE_NAME} characters; shorten the cluster or instance set name"
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

    // Users.
    let users = match &spec.users {
        None => vec![User {
            name: name.clone(),
            databases: vec![name.clone()],
            options: String::new(),
            alphanumeric: false,
        }],
        Some(list) => {
            let mut seen = BTreeSet::new();
            let mut users = Vec::new();
            for (i, u) in list.iter().enumerate() {
                let field = format!("spec.users[{i}]");
                let ok_name = is_dns_label(&u.name, 63)
                    && u.name.starts_with(|c: char| c.is_ascii_lowercase());
                if !ok_name {
                    errors.push(err(
                        format!("{field}.name"),
                        format!("{:?} must start with a letter and contain only lowercase letters, digits and '-', at most 63 characters", u.name),
                    ));
                }
                if u.name == names::REPLICATION_USER {
                    errors.push(err(format!("{field}.name"), "is reserved for replication"));
                }
                if !seen.insert(u.name.clone()) {
                    errors.push(err(
                        format!("{field}.name"),
                        format!("user {:?} is listed more than once", u.name),
                    ));
                }
                let databases = u.databases.clone().unwrap_or_default();
                for (j, db) in databases.iter().enumerate() {
                    if db.is_empty() || db.len() > 63 || db.contains('\0') {
                        errors.push(err(
                            format!("{field}.databases[{j}]"),
                            "must be 1 to 63 characters",
                        ));
                    }
                }
                let options = u.options.clone().unwrap_or_default();
                if options.to_ascii_uppercase().contains("PASSWORD") || options.contains(';') {
                    errors.push(err(
                        format!("{field}.options"),
                        "must not contain PASSWORD or ';'; the password is managed in the user's Secret",
                    ));
                }
                let alphanumeric = match u.password.as_ref().map(|p| p.type_.as_str()) {
                    None | Some("ASCII") => false,
                    Some("AlphaNumeric") => true,
                    Some(other) => {
                        errors.push(err(
                            format!("{field}.password.type"),
                            format!("{other:?} is not a password type; use ASCII or AlphaNumeric"),
                        ));
                        false
                    }
                };
                users.push(User {
                    name: u.name.clone(),
                    databases,
                    options,
                    alphanumeric,
                });
            }
            users
        }
    };

    // Patroni.
    let patroni = spec.patroni.clone().unwrap_or_default();
    let leader_lease_seconds = patroni.leader_lease_duration_seconds.unwrap_or(30);
    let sync_period_seconds = patroni.sync_period_seconds.unwrap_or(10);
    let patroni_port = patroni.port.unwrap_or(names::DEFAULT_PATRONI_PORT);
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
    if !(1024..=65535).contains(&patroni_port) || patroni_port == port {
        errors.push(err(
            "spec.patroni.port",
            "must be from 1024 to 65535 and differ from spec.port",
        ));
    }

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

    // Switchover.
    let all_instance_names: BTreeSet<&str> =
        instance_sets.iter().map(|s| s.name.as_str()).collect();
    let switchover = match &patroni.switchover {
        Some(s) if s.enabled => {
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
                // An instance is `<cluster>-<set>-<suffix>`: the set part must exist.
                let set_exists = target
                    .strip_prefix(&format!("{name}-"))
                    .and_then(|rest| rest.rsplit_once('-'))
                    .is_some_and(|(set, _)| all_instance_names.contains(set));
                if !set_exists {
                    errors.push(err(
                        "spec.patroni.switchover.targetInstance",
                        format!(
                            "{target:?} is not an instance of this cluster; use one of the names in `kubectl get sts -l {}={name}`",
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
        _ => None,
    };

    // TLS.
    let custom_tls_secret = spec.custom_tls_secret.as_ref().map(|s| s.name.clone());
    let custom_replication_tls_secret = spec
        .custom_replication_tls_secret
        .as_ref()
        .map(|s| s.name.clone());
    if custom_tls_secret.is_some() != custom_replication_tls_secret.is_some() {
        errors.push(err(
            "spec.customReplicationTLSSecret",
            "customTLSSecret and customReplicationTLSSecret must be given together",
        ));
    }

    // Services.
    for (field, svc) in [
        ("spec.service", &spec.service),
        ("spec.replicaService", &spec.replica_service),
    ] {
        if let Some(t) = svc.as_ref().and_then(|s| s.type_.as_deref()) {
            if !["ClusterIP", "NodePort", "LoadBalancer"].contains(&t) {
                errors.push(err(
                    format!("{field}.type"),
                    format!("{t:?} is not a Service type; use ClusterIP, NodePort or LoadBalancer"),
                ));
            }
        }
    }

    let meta = spec.metadata.clone().unwrap_or_default();
    let unsupported = unsupported_fields(pc);
    let (backups, clone_source) = crate::backup_spec::validate(pc, &image, &mut errors);

    if !errors.is_empty() {
        return Err(errors);
    }
    let annotations = pc.metadata.annotations.clone().unwrap_or_default();
    Ok(ValidatedCluster {
        name,
        namespace,
        uid: pc.metadata.uid.clone().unwrap_or_default(),
        generation: pc.metadata.generation.unwrap_or_default(),
        postgres_version: spec.postgres_version,
        image,
        image_pull_policy: spec.image_pull_policy.clone(),
        port,
        patroni_port,
        leader_lease_seconds,
        sync_period_seconds,
        instance_sets,
        users,
        parameters,
        dynamic_configuration,
        shutdown: spec.shutdown.unwrap_or(false),
        paused: spec.paused.unwrap_or(false),
        switchover,
        switchover_trigger: annotations
            .get(names::annotations::TRIGGER_SWITCHOVER)
            .cloned(),
        custom_tls_secret,
        custom_replication_tls_secret,
        database_init_sql: spec
            .database_init_sql
            .as_ref()
            .map(|d| (d.name.clone(), d.key.clone())),
        labels: meta.labels.unwrap_or_default(),
        annotations: meta.annotations.unwrap_or_default(),
        primary_service: spec.service.clone().unwrap_or_default(),
        replica_service: spec.replica_service.clone().unwrap_or_default(),
        image_pull_secrets: spec.image_pull_secrets.clone().unwrap_or_default(),
        supplemental_groups: spec.supplemental_groups.clone().unwrap_or_default(),
        default_pod_scheduling: !spec.disable_default_pod_scheduling.unwrap_or(false),
        backups,
        clone_source,
        unsupported,
    })
}

fn scalar_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// PGO fields present in the spec that this project has not built yet.
pub fn unsupported_fields(pc: &PostgresCluster) -> Vec<String> {
    let spec = &pc.spec;
    let mut out = Vec::new();
    let mut check = |present: bool, path: &str| {
        if present {
            out.push(path.to_string());
        }
    };
    check(spec.proxy.is_some(), "spec.proxy");
    check(spec.monitoring.is_some(), "spec.monitoring");
    check(spec.standby.is_some(), "spec.standby");
    check(spec.user_interface.is_some(), "spec.userInterface");
    check(spec.post_gis_version.is_some(), "spec.postGISVersion");
    check(spec.openshift.is_some(), "spec.openshift");
    if let Some(b) = &spec.backups {
        check(b.snapshots.is_some(), "spec.backups.snapshots");
        check(b.pgbackrest.is_none(), "spec.backups (without pgbackrest)");
        if let Some(p) = &b.pgbackrest {
            check(p.repo_host.is_some(), "spec.backups.pgbackrest.repoHost");
            check(p.jobs.is_some(), "spec.backups.pgbackrest.jobs");
            check(p.sidecars.is_some(), "spec.backups.pgbackrest.sidecars");
            check(p.metadata.is_some(), "spec.backups.pgbackrest.metadata");
            for (i, r) in p.repos.iter().enumerate() {
                check(
                    r.gcs.is_some(),
                    &format!("spec.backups.pgbackrest.repos[{i}].gcs"),
                );
                check(
                    r.azure.is_some(),
                    &format!("spec.backups.pgbackrest.repos[{i}].azure"),
                );
            }
        }
    }
    if let Some(d) = &spec.data_source {
        check(d.pgbackrest.is_some(), "spec.dataSource.pgbackrest");
        check(d.volumes.is_some(), "spec.dataSource.volumes");
    }
    check(
        spec.config.as_ref().is_some_and(|c| c.files.is_some()),
        "spec.config.files",
    );
    check(
        spec.patroni.as_ref().is_some_and(|p| p.logging.is_some()),
        "spec.patroni.logging",
    );
    for (i, set) in spec.instances.iter().enumerate() {
        check(
            set.sidecars.is_some(),
            &format!("spec.instances[{i}].sidecars"),
        );
        check(
            set.containers.is_some(),
            &format!("spec.instances[{i}].containers"),
        );
        check(
            set.tablespace_volumes.is_some(),
            &format!("spec.instances[{i}].tablespaceVolumes"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Defaults {
        Defaults {
            postgres_images: [(15, "localhost/pgo-postgres:15".to_string())].into(),
            ..Default::default()
        }
    }

    pub(crate) fn cluster(yaml: &str) -> PostgresCluster {
        serde_yaml::from_str(yaml).unwrap()
    }

    const BASE: &str = r#"
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata: {name: hippo, namespace: db, uid: u1, generation: 3}
spec:
  postgresVersion: 15
  instances:
    - name: instance1
      dataVolumeClaimSpec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
"#;

    #[test]
    fn minimal_spec_gets_pgo_defaults() {
        let v = validate(&cluster(BASE), &defaults()).unwrap();
        assert_eq!(v.port, 5432);
        assert_eq!(v.image, "localhost/pgo-postgres:15");
        assert_eq!(v.instance_sets[0].replicas, 1);
        assert_eq!(v.users[0].name, "hippo");
        assert_eq!(v.users[0].databases, vec!["hippo"]);
        assert_eq!(v.leader_lease_seconds, 30);
        assert!(v.unsupported.is_empty());
    }

    #[test]
    fn negative_replicas_names_the_field() {
        let mut pc = cluster(BASE);
        pc.spec.instances[0].replicas = Some(-1);
        let errors = validate(&pc, &defaults()).unwrap_err();
        assert_eq!(errors[0].field, "spec.instances[0].replicas");
        assert!(errors[0].message.contains("at least 1"));
    }

    #[test]
    fn duplicate_instance_set_names_are_rejected() {
        let mut pc = cluster(BASE);
        pc.spec.instances.push(pc.spec.instances[0].clone());
        let errors = validate(&pc, &defaults()).unwrap_err();
        assert_eq!(errors[0].field, "spec.instances[1].name");
        assert!(errors[0].message.contains("more than once"));
    }

    #[test]
    fn switchover_to_unknown_instance_set_is_rejected() {
        let mut pc = cluster(BASE);
        pc.spec.patroni = Some(pgo_api::PatroniSpec {
            switchover: Some(pgo_api::PatroniSwitchover {
                enabled: true,
                target_instance: Some("hippo-nope-abcd".into()),
                type_: None,
            }),
            ..Default::default()
        });
        let errors = validate(&pc, &defaults()).unwrap_err();
        assert_eq!(errors[0].field, "spec.patroni.switchover.targetInstance");
        pc.spec
            .patroni
            .as_mut()
            .unwrap()
            .switchover
            .as_mut()
            .unwrap()
            .target_instance = Some("hippo-instance1-abcd".into());
        assert!(validate(&pc, &defaults()).is_ok());
    }

    #[test]
    fn unbuilt_pgo_fields_are_named_not_ignored() {
        let mut pc = cluster(BASE);
        pc.spec.proxy = Some(serde_json::json!({"pgBouncer": {}}));
        pc.spec.instances[0].sidecars = Some(vec![]);
        let v = validate(&pc, &defaults()).unwrap();
        assert_eq!(
            v.unsupported,
            vec!["spec.proxy", "spec.instances[0].sidecars"]
        );
    }

    #[test]
    fn managed_parameters_are_rejected_and_others_merge() {
        let mut pc = cluster(BASE);
        pc.spec.patroni = Some(pgo_api::PatroniSpec {
            dynamic_configuration: Some(serde_json::json!({
                "postgresql": {"parameters": {"max_connections": 200, "work_mem": "8MB"}},
                "synchronous_mode": true
            })),
            ..Default::default()
        });
        let v = validate(&pc, &defaults()).unwrap();
        assert_eq!(v.parameters["max_connections"], "200");
        assert_eq!(v.parameters["work_mem"], "8MB");
        assert_eq!(v.dynamic_configuration["synchronous_mode"], true);

        pc.spec.config = Some(pgo_api::PostgresConfig {
            parameters: Some([("ssl".to_string(), IntOrString::String("off".into()))].into()),
            files: None,
        });
        let errors = validate(&pc, &defaults()).unwrap_err();
        assert_eq!(errors[0].field, "spec.config.parameters.ssl");
    }

    #[test]
    fn long_names_are_rejected_before_kubernetes_does() {
        let mut pc = cluster(BASE);
        pc.metadata.name = Some("a".repeat(40));
        let errors = validate(&pc, &defaults()).unwrap_err();
        assert_eq!(errors[0].field, "spec.instances[0].name");
    }
}
