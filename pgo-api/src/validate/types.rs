//! What validation produces: the spec with every default filled in.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::backups::{BackupSpec, CloneSource};
use crate::PostgresInstanceSetSpec;

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
    pub primary_service: crate::ServiceSpec,
    pub replica_service: crate::ServiceSpec,
    pub image_pull_secrets: Vec<k8s_openapi::api::core::v1::LocalObjectReference>,
    pub supplemental_groups: Vec<i64>,
    pub default_pod_scheduling: bool,
    /// `spec.backups.pgbackrest`, when given.
    pub backups: Option<BackupSpec>,
    /// The connection pooler, when `spec.proxy.pgBouncer` is given.
    pub pgbouncer: Option<PgBouncer>,
    /// postgres_exporter, when `spec.monitoring.pgmonitor.exporter` is given.
    pub exporter: Option<Exporter>,
    /// `spec.dataSource.postgresCluster`, when given.
    pub clone_source: Option<CloneSource>,
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
    /// PgBouncer's image (`RELATED_IMAGE_PGBOUNCER`); without it, the cluster's Postgres image,
    /// which has PgBouncer.
    pub pgbouncer_image: Option<String>,
    /// postgres_exporter's image (`RELATED_IMAGE_PGEXPORTER`); without it, the cluster's
    /// Postgres image, which has it.
    pub exporter_image: Option<String>,
}

/// `spec.monitoring.pgmonitor.exporter` with its defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Exporter {
    pub image: String,
    pub spec: crate::ExporterSpec,
}

/// `spec.proxy.pgBouncer` with its defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct PgBouncer {
    pub replicas: i32,
    pub port: i32,
    pub image: String,
    pub min_available: IntOrString,
    pub spec: crate::PgBouncerPodSpec,
}
