//! Validation of a PostgresCluster's spec: the raw spec becomes a [`ValidatedCluster`] with
//! every default filled in, or a list of [`FieldError`]s that name the field and the fix.
//! Pure: no I/O. The agent runs it before it changes anything; `kubectl pgo` can run the same
//! rules before it sends anything.
//!
//! One module per spec area; each returns its part and pushes its errors.

mod backups;
mod error;
mod instances;
mod metadata;
mod network;
mod options;
mod patroni;
mod proxy;
mod types;
mod unsupported;
mod users;

pub use backups::{
    option_value, parse_target_time, BackupSpec, CloneSource, Repo, RepoKind, RepoRun,
};
pub use error::{
    has_control, is_dns_label, is_dns_subdomain, is_label_key, is_label_value, FieldError,
};
pub use instances::{quantity_value, MAX_INSTANCE_NAME, MAX_INSTANCE_SETS, MAX_REPLICAS};
pub use options::shell_words;
pub use patroni::{is_instance_of, is_managed_parameter, MANAGED_PARAMETERS, MAX_TIMING_SECONDS};
pub use proxy::MAX_PGBOUNCER_REPLICAS;
pub use types::{Defaults, Exporter, InstanceSet, PgBouncer, Switchover, User, ValidatedCluster};
pub use unsupported::fields as unsupported_fields;

use crate::{names, PostgresCluster};
use error::err;

/// The longest cluster name: the derived object names must stay within Kubernetes' limits.
pub const MAX_CLUSTER_NAME: usize = 45;

/// The longest cluster name with pgBackRest: `<name>-repo-host` is a StatefulSet name (at most
/// 52 characters, see [`MAX_INSTANCE_NAME`]) and the scheduled backup Jobs
/// `<name>-repoN-incr-<minute>` must fit in 63.
pub const MAX_CLUSTER_NAME_WITH_BACKUPS: usize = 42;

/// The oldest and newest `postgresVersion` taken with `spec.image` (PGO's CRD takes any integer;
/// the data directory and binary paths are derived from it).
pub const MIN_POSTGRES_VERSION: i32 = 10;
pub const MAX_POSTGRES_VERSION: i32 = 99;

/// Validates the backup fields of a cluster on their own, e.g. those of a clone's source.
pub fn backups(
    pc: &PostgresCluster,
    image: &str,
    errors: &mut Vec<FieldError>,
) -> (Option<BackupSpec>, Option<CloneSource>) {
    backups::validate(pc, image, errors)
}

pub fn validate(
    pc: &PostgresCluster,
    defaults: &Defaults,
) -> Result<ValidatedCluster, Vec<FieldError>> {
    let spec = &pc.spec;
    let mut errors = Vec::new();
    let name = pc.metadata.name.clone().unwrap_or_default();
    let namespace = pc.metadata.namespace.clone().unwrap_or_default();

    if !(is_dns_label(&name, MAX_CLUSTER_NAME)
        && name.starts_with(|c: char| c.is_ascii_lowercase()))
    {
        errors.push(err(
            "metadata.name",
            format!("{name:?} must start with a letter and be lowercase letters, digits and '-', at most {MAX_CLUSTER_NAME} characters: object names such as <name>-primary are derived from it"),
        ));
    }
    if network::has_backups(spec)
        && name.len() > MAX_CLUSTER_NAME_WITH_BACKUPS
        && name.len() <= MAX_CLUSTER_NAME
    {
        errors.push(err(
            "metadata.name",
            format!("{name:?} is longer than {MAX_CLUSTER_NAME_WITH_BACKUPS} characters, too long with spec.backups: object names such as <name>-repo-host and <name>-repo1-incr-<minute> are derived from it"),
        ));
    }
    metadata::check("spec.metadata", spec.metadata.as_ref(), &mut errors);
    let image = image(pc, defaults, &mut errors);
    others(spec, &mut errors);
    let port = network::port(spec, &mut errors);
    let instance_sets = instances::validate(spec, &name, &mut errors);
    let users = users::validate(spec, &name, &mut errors);
    let patroni = patroni::validate(spec, &name, port, &instance_sets, &mut errors);
    let (custom_tls_secret, custom_replication_tls_secret) = network::tls(spec, &mut errors);
    network::services(spec, &mut errors);
    let unsupported = unsupported::fields(pc);
    let (backups, clone_source) = backups::validate(pc, &image, &mut errors);
    let pgbouncer = proxy::validate(spec, &image, defaults, &mut errors);
    let exporter = exporter(spec, &image, defaults, &mut errors);

    if !errors.is_empty() {
        return Err(errors);
    }
    let meta = spec.metadata.clone().unwrap_or_default();
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
        patroni_port: patroni.port,
        leader_lease_seconds: patroni.leader_lease_seconds,
        sync_period_seconds: patroni.sync_period_seconds,
        instance_sets,
        users,
        parameters: patroni.parameters,
        dynamic_configuration: patroni.dynamic_configuration,
        shutdown: spec.shutdown.unwrap_or(false),
        paused: spec.paused.unwrap_or(false),
        switchover: patroni.switchover,
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
        pgbouncer,
        exporter,
        clone_source,
        unsupported,
    })
}

/// `spec.postgresVersion` and `spec.image`: the image that runs the cluster. Without
/// `spec.image`, the version must be one the agent has an image for.
fn image(pc: &PostgresCluster, defaults: &Defaults, errors: &mut Vec<FieldError>) -> String {
    let spec = &pc.spec;
    let version = spec.postgres_version;
    if !(MIN_POSTGRES_VERSION..=MAX_POSTGRES_VERSION).contains(&version) {
        errors.push(err(
            "spec.postgresVersion",
            format!(
                "{version} is not a PostgreSQL major version; this agent runs {}",
                runs(defaults)
            ),
        ));
        return String::new();
    }
    match (&spec.image, defaults.postgres_images.get(&version)) {
        (Some(i), _) if !i.is_empty() => {
            check_image("spec.image", i, errors);
            i.clone()
        }
        (_, Some(d)) => d.clone(),
        _ => {
            errors.push(err("spec.postgresVersion", no_image(version, defaults)));
            String::new()
        }
    }
}

/// The versions the agent has images for, as a sentence fragment.
fn runs(defaults: &Defaults) -> String {
    match defaults
        .postgres_images
        .keys()
        .map(i32::to_string)
        .collect::<Vec<_>>()
    {
        v if v.is_empty() => {
            "no version: it has no Postgres image (RELATED_IMAGE_POSTGRES_<N>)".into()
        }
        v => format!("PostgreSQL {}", v.join(", ")),
    }
}

/// Why `version` has no image, and what to do.
fn no_image(version: i32, defaults: &Defaults) -> String {
    let why = if crate::versions::built(version).is_some() {
        format!("the agent was installed without an image for PostgreSQL {version} (RELATED_IMAGE_POSTGRES_{version} in its Deployment)")
    } else {
        let suites = crate::versions::BUILT
            .iter()
            .map(|b| format!("{} in {}", b.postgres, b.debian))
            .collect::<Vec<_>>()
            .join(", ");
        format!("no image is built for PostgreSQL {version} here: the images come from Debian, which ships {suites} and no {version}")
    };
    format!(
        "{why}; this agent runs {}; or set spec.image to an image of PostgreSQL {version} with Patroni",
        runs(defaults)
    )
}

/// An image reference: no spaces or control characters, and of a sane length.
pub(crate) fn check_image(field: &str, image: &str, errors: &mut Vec<FieldError>) {
    if image.len() > 1024 || image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        errors.push(err(
            field,
            format!(
                "{image:?} is not an image reference, such as registry.example.com/postgres:15"
            ),
        ));
    }
}

/// `spec.monitoring.pgmonitor.exporter`: its image.
fn exporter(
    spec: &crate::PostgresClusterSpec,
    postgres_image: &str,
    defaults: &Defaults,
    errors: &mut Vec<FieldError>,
) -> Option<Exporter> {
    let e = spec
        .monitoring
        .as_ref()?
        .pgmonitor
        .as_ref()?
        .exporter
        .as_ref()?;
    let image = match e.image.as_deref().filter(|i| !i.is_empty()) {
        Some(i) => {
            check_image("spec.monitoring.pgmonitor.exporter.image", i, errors);
            i.to_string()
        }
        None => defaults
            .exporter_image
            .clone()
            .unwrap_or_else(|| postgres_image.to_string()),
    };
    Some(Exporter {
        image,
        spec: e.clone(),
    })
}

/// The fields of the spec's top level that no other module reads.
fn others(spec: &crate::PostgresClusterSpec, errors: &mut Vec<FieldError>) {
    // A standby that came up as an independent primary would take writes meant for nowhere:
    // until standby clusters are built, an enabled one (PGO's default) is refused.
    if let Some(standby) = &spec.standby {
        match standby.get("enabled") {
            Some(serde_json::Value::Bool(false)) => {}
            None | Some(serde_json::Value::Bool(true)) => errors.push(err(
                "spec.standby.enabled",
                "standby clusters are not built yet, and a standby must never come up writable; remove spec.standby or set spec.standby.enabled: false",
            )),
            Some(other) => errors.push(err(
                "spec.standby.enabled",
                format!("{other} is not true or false"),
            )),
        }
    }
    if let Some(p) = &spec.image_pull_policy {
        if !["Always", "Never", "IfNotPresent"].contains(&p.as_str()) {
            errors.push(err(
                "spec.imagePullPolicy",
                format!("{p:?} is not a pull policy; use Always, Never or IfNotPresent"),
            ));
        }
    }
    for (i, s) in spec.image_pull_secrets.iter().flatten().enumerate() {
        if !is_dns_subdomain(&s.name) {
            errors.push(err(
                format!("spec.imagePullSecrets[{i}].name"),
                format!("{:?} is not a Secret name", s.name),
            ));
        }
    }
    for (i, g) in spec.supplemental_groups.iter().flatten().enumerate() {
        if !(0..=i64::from(i32::MAX)).contains(g) {
            errors.push(err(
                format!("spec.supplementalGroups[{i}]"),
                format!("{g} is not a group id; use one from 0 to {}", i32::MAX),
            ));
        }
    }
    if let Some(d) = &spec.database_init_sql {
        if !is_dns_subdomain(&d.name) {
            errors.push(err(
                "spec.databaseInitSQL.name",
                format!("{:?} is not a ConfigMap name", d.name),
            ));
        }
        let key_ok = !d.key.is_empty()
            && d.key.len() <= 253
            && d.key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && d.key != "."
            && d.key != "..";
        if !key_ok {
            errors.push(err(
                "spec.databaseInitSQL.key",
                format!(
                    "{:?} is not a ConfigMap key (letters, digits, '-', '_' and '.')",
                    d.key
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests;
