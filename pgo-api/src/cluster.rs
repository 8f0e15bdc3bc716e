//! `PostgresCluster`: field names and meaning follow Crunchy PGO v5, so PGO manifests apply unchanged.
//!
//! Fields of PGO that this project has not built yet are still part of the schema (as free-form
//! objects), so a PGO manifest is accepted; the agent then names them in the `Supported` condition
//! instead of ignoring them silently.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, PersistentVolumeClaimSpec, ResourceRequirements, Toleration, TopologySpreadConstraint,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::schema::{conditions, preserve_unknown_list, preserve_unknown_object};

/// PostgresCluster is the Schema for the postgresclusters API: a PostgreSQL cluster of one or more
/// instance sets, run by Patroni, with its users, services and certificates.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "postgres-operator.crunchydata.com",
    version = "v1beta1",
    kind = "PostgresCluster",
    plural = "postgresclusters",
    namespaced,
    status = "PostgresClusterStatus",
    shortname = "pgc",
    category = "postgres-operator",
    printcolumn = r#"{"name":"Version","type":"integer","jsonPath":".spec.postgresVersion"}"#,
    printcolumn = r#"{"name":"Primary","type":"string","jsonPath":".status.patroni.primary"}"#,
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct PostgresClusterSpec {
    /// Labels and annotations added to every object created for this cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,

    /// The major version of PostgreSQL installed in the PostgreSQL image. Images are built here
    /// for 15, 17 and 18; another version needs spec.image.
    pub postgres_version: i32,

    /// The image name to use for PostgreSQL containers. When omitted, the agent's default
    /// for postgresVersion (its RELATED_IMAGE_POSTGRES_<N> environment variable) is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,

    /// ImagePullPolicy of the PostgreSQL containers: Always, Never or IfNotPresent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<String>,

    /// The port on which PostgreSQL should listen. Defaults to 5432.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,

    /// Specifies one or more sets of PostgreSQL pods that replicate data for this cluster.
    pub instances: Vec<PostgresInstanceSetSpec>,

    /// Users to create inside PostgreSQL and the databases they should access. When omitted, a
    /// user and a database named after the cluster are created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<PostgresUserSpec>>,

    /// Patroni settings: leader lease, sync period, dynamic configuration and switchover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patroni: Option<PatroniSpec>,

    /// PostgreSQL configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<PostgresConfig>,

    /// Settings of the Service that exposes the primary (`<cluster>-primary`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceSpec>,

    /// Settings of the Service that exposes the replicas (`<cluster>-replicas`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_service: Option<ServiceSpec>,

    /// Whether or not the PostgreSQL cluster should be stopped. When true, every instance is scaled
    /// to zero pods; volumes and data are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shutdown: Option<bool>,

    /// Suspends the rollout and reconciliation of changes made to the spec. Status is still
    /// reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<bool>,

    /// A ConfigMap key holding SQL that runs once, as the superuser, in the `postgres` database
    /// after the cluster is first initialized.
    #[serde(
        default,
        rename = "databaseInitSQL",
        alias = "databaseInitSql",
        skip_serializing_if = "Option::is_none"
    )]
    pub database_init_sql: Option<DatabaseInitSql>,

    /// A Secret (keys `tls.crt`, `tls.key`, `ca.crt`) with the server certificate to use instead of
    /// the one the agent issues. Must be given together with customReplicationTLSSecret.
    #[serde(
        default,
        rename = "customTLSSecret",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_tls_secret: Option<SecretProjection>,

    /// A Secret (keys `tls.crt`, `tls.key`, `ca.crt`) with the client certificate of the
    /// replication user `_crunchyrepl`, to use instead of the one the agent issues.
    #[serde(
        default,
        rename = "customReplicationTLSSecret",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_replication_tls_secret: Option<SecretProjection>,

    /// Backup configuration: pgBackRest repositories, schedules, manual backups and restores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backups: Option<Backups>,

    /// Where the cluster's initial data comes from, such as another cluster's pgBackRest
    /// repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source: Option<DataSource>,

    /// Secrets to pull the images with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_secrets: Option<Vec<k8s_openapi::api::core::v1::LocalObjectReference>>,

    /// Supplemental group IDs for every Postgres pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplemental_groups: Option<Vec<i64>>,

    /// Whether to leave out the default pod anti-affinity and spread rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_default_pod_scheduling: Option<bool>,

    /// Connection pooling: PgBouncer in front of the primary, as in PGO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<PostgresProxySpec>,

    /// Monitoring: postgres_exporter beside each instance, with pgMonitor's `ccp_` metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<MonitoringSpec>,

    /// Standby cluster settings. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub standby: Option<serde_json::Value>,

    /// The pgAdmin user interface. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub user_interface: Option<serde_json::Value>,

    /// The PostGIS extension version. Not built yet: reported in the Supported condition.
    #[serde(
        default,
        rename = "postGISVersion",
        skip_serializing_if = "Option::is_none"
    )]
    pub post_gis_version: Option<String>,

    /// OpenShift-specific behaviour. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openshift: Option<bool>,
}

/// Monitoring tools.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringSpec {
    /// pgMonitor: the `exporter` container in every instance pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pgmonitor: Option<PgMonitorSpec>,
}

/// pgMonitor's parts.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgMonitorSpec {
    /// postgres_exporter, on port 9187 (`exporter`) of every instance pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exporter: Option<ExporterSpec>,
}

/// The exporter's settings (PGO's field names).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExporterSpec {
    /// Query files (postgres_exporter's YAML) that replace the agent's `ccp_` queries; they are
    /// projected into `/conf` and read together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<Vec<k8s_openapi::api::core::v1::VolumeProjection>>,
    /// A certificate to serve /metrics over TLS. Not built yet: reported in the Supported
    /// condition.
    #[serde(
        default,
        rename = "customTLSSecret",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_tls_secret: Option<SecretProjection>,
    /// The exporter's image. Defaults to the agent's RELATED_IMAGE_PGEXPORTER, else the
    /// cluster's PostgreSQL image (which has Debian's postgres_exporter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Compute resources of the `exporter` container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

/// Connection poolers in front of the cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresProxySpec {
    /// PgBouncer: a Deployment `<cluster>-pgbouncer` behind the Service of the same name.
    #[serde(rename = "pgBouncer")]
    pub pg_bouncer: PgBouncerPodSpec,
}

/// PgBouncer's pods, configuration and Service (PGO's field names).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBouncerPodSpec {
    /// Labels and annotations of the PgBouncer objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,

    /// Scheduling constraints of the PgBouncer pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,

    /// PgBouncer's configuration: `global` settings of its `[pgbouncer]` section, `databases`
    /// and `users` sections, and extra `files` projected into `/etc/pgbouncer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<PgBouncerConfiguration>,

    /// Extra containers. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_list")]
    pub containers: Option<Vec<serde_json::Value>>,

    /// A Secret (keys `tls.crt`, `tls.key`, `ca.crt`) with the certificate PgBouncer presents
    /// to clients, instead of the one the agent issues.
    #[serde(
        default,
        rename = "customTLSSecret",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_tls_secret: Option<SecretProjection>,

    /// The image of the PgBouncer containers. Defaults to the agent's RELATED_IMAGE_PGBOUNCER,
    /// else the cluster's PostgreSQL image (which has PgBouncer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,

    /// The port PgBouncer listens on. At least 1024. Defaults to 5432.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,

    /// Priority class name of the PgBouncer pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,

    /// Number of PgBouncer pods. Defaults to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,

    /// Minimum number of pods that should be available at a time (PodDisruptionBudget).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_available: Option<IntOrString>,

    /// Compute resources of the `pgbouncer` container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,

    /// Settings of the Service `<cluster>-pgbouncer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceSpec>,

    /// Settings of the sidecar that reloads PgBouncer's configuration (`pgbouncerConfig`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sidecars: Option<PgBouncerSidecars>,

    /// Tolerations of the PgBouncer pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,

    /// Topology spread constraints of the PgBouncer pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_spread_constraints: Option<Vec<TopologySpreadConstraint>>,

    /// Additional volumes. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub volumes: Option<serde_json::Value>,
}

/// PgBouncer's configuration files.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBouncerConfiguration {
    /// Files projected into `/etc/pgbouncer`; `pgbouncer.ini` there is included before the
    /// generated settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<k8s_openapi::api::core::v1::VolumeProjection>>,
    /// Settings of the `[pgbouncer]` section; they override the generated ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<BTreeMap<String, String>>,
    /// The `[databases]` section, replacing the generated `* = host=<cluster>-primary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub databases: Option<BTreeMap<String, String>>,
    /// The `[users]` section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<BTreeMap<String, String>>,
}

/// Sidecars of the PgBouncer pods.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBouncerSidecars {
    /// The `pgbouncer-config` container, which reloads PgBouncer when its files change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pgbouncer_config: Option<Sidecar>,
}

/// A sidecar's settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct Sidecar {
    /// Compute resources of the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

/// Labels and annotations.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct Metadata {
    /// Labels to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// A set of PostgreSQL instances that share a configuration. Each instance is a StatefulSet of one
/// pod, named `<cluster>-<set>-<suffix>`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresInstanceSetSpec {
    /// Labels and annotations for the pods of this set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,

    /// Name that associates this set of PostgreSQL pods. It is lowercase letters, digits and
    /// dashes, at most 15 characters. Defaults to `00`, `01`, ... by position, as in PGO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    /// Number of desired PostgreSQL pods. At least 1. Defaults to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,

    /// Minimum number of pods that should be available at a time (PodDisruptionBudget).
    /// Defaults to one less than the replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_available: Option<IntOrString>,

    /// Defines a PersistentVolumeClaim for PostgreSQL data.
    pub data_volume_claim_spec: PersistentVolumeClaimSpec,

    /// Defines a separate PersistentVolumeClaim for PostgreSQL's write-ahead log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wal_volume_claim_spec: Option<PersistentVolumeClaimSpec>,

    /// Compute resources of the `database` container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,

    /// Scheduling constraints of the PostgreSQL pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,

    /// Tolerations of the PostgreSQL pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,

    /// Topology spread constraints of the PostgreSQL pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_spread_constraints: Option<Vec<TopologySpreadConstraint>>,

    /// Priority class name of the PostgreSQL pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,

    /// Custom sidecars. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_list")]
    pub sidecars: Option<Vec<serde_json::Value>>,

    /// Extra containers. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_list")]
    pub containers: Option<Vec<serde_json::Value>>,

    /// Tablespace volumes. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_list")]
    pub tablespace_volumes: Option<Vec<serde_json::Value>>,
}

/// A PostgreSQL user (role), its databases and its password.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresUserSpec {
    /// The name of this PostgreSQL user: lowercase letters, digits and dashes, starting with a
    /// letter, at most 63 characters. The Secret `<cluster>-pguser-<name>` holds its credentials.
    pub name: String,

    /// Databases to which this user can connect and create objects. They are created if they do
    /// not exist. Removing a database from this list does NOT drop it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub databases: Option<Vec<String>>,

    /// ALTER ROLE options other than PASSWORD, such as `SUPERUSER` or `CREATEDB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<String>,

    /// Properties of the password generated for this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PostgresPasswordSpec>,
}

/// How a user's password is generated.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct PostgresPasswordSpec {
    /// `ASCII` (printable ASCII characters) or `AlphaNumeric` (letters and digits). Defaults to
    /// `ASCII`.
    #[serde(rename = "type")]
    pub type_: String,
}

/// Patroni settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatroniSpec {
    /// Patroni dynamic configuration settings (the DCS `config`), merged over the agent's
    /// defaults. `postgresql.parameters` here are Postgres parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub dynamic_configuration: Option<serde_json::Value>,

    /// TTL of the cluster leader lock, in seconds. At least 3 and more than syncPeriodSeconds.
    /// Defaults to 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader_lease_duration_seconds: Option<i32>,

    /// The port on which Patroni's REST API listens. Defaults to 8008.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,

    /// The interval of Patroni's HA loop, in seconds. Defaults to 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_period_seconds: Option<i32>,

    /// Switchover settings. The switchover runs when the
    /// `postgres-operator.crunchydata.com/trigger-switchover` annotation changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switchover: Option<PatroniSwitchover>,

    /// Patroni log settings. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub logging: Option<serde_json::Value>,
}

/// A switchover or failover of the primary.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatroniSwitchover {
    /// Whether a switchover may be triggered by the annotation.
    pub enabled: bool,

    /// The instance (`<cluster>-<set>-<suffix>`) that should become primary. Required when type
    /// is `Failover`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_instance: Option<String>,

    /// `Switchover` (default) or `Failover`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

/// PostgreSQL configuration.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresConfig {
    /// PostgreSQL parameters (postgresql.conf). Parameters the agent manages itself (such as
    /// `port`, `ssl` and `archive_command`) are rejected in the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<BTreeMap<String, IntOrString>>,

    /// Files projected into the Postgres containers. Not built yet: reported in the Supported
    /// condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_list")]
    pub files: Option<Vec<serde_json::Value>>,
}

/// Settings of a Service.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    /// Labels and annotations of the Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// `ClusterIP` (default), `NodePort` or `LoadBalancer`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The port on each node for NodePort and LoadBalancer Services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i32>,
    /// How external traffic is routed: `Cluster` or `Local`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_traffic_policy: Option<String>,
    /// How internal traffic is routed: `Cluster` or `Local`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_traffic_policy: Option<String>,
}

/// A reference to a key of a ConfigMap.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct DatabaseInitSql {
    /// The ConfigMap's name.
    pub name: String,
    /// The key that holds the SQL.
    pub key: String,
}

/// A Secret to mount, optionally selecting keys.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct SecretProjection {
    /// The Secret's name.
    pub name: String,
    /// Keys to project, and the paths they take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<k8s_openapi::api::core::v1::KeyToPath>>,
    /// Whether the Secret may be missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// Backup configuration.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Backups {
    /// pgBackRest archive configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pgbackrest: Option<PgBackRestArchive>,
    /// Volume snapshots. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub snapshots: Option<serde_json::Value>,
}

/// pgBackRest: repositories, global options, schedules, manual backups and restores.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBackRestArchive {
    /// Labels and annotations for pgBackRest objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The image of pgBackRest containers. Defaults to the Postgres image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Projected volumes (Secrets, ConfigMaps) for pgBackRest, such as S3 keys in a `s3.conf`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_list")]
    pub configuration: Option<Vec<serde_json::Value>>,
    /// Global pgBackRest options, such as `repo1-retention-full`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<BTreeMap<String, String>>,
    /// Repositories, `repo1` to `repo4`.
    #[serde(default)]
    pub repos: Vec<PgBackRestRepo>,
    /// A manual backup, run when the `pgbackrest-backup` annotation changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<PgBackRestManualBackup>,
    /// An in-place restore, run when the `pgbackrest-restore` annotation changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<PgBackRestRestore>,
    /// The dedicated repository host. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub repo_host: Option<serde_json::Value>,
    /// Resources and scheduling of backup Jobs. Not built yet: reported in the Supported
    /// condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub jobs: Option<serde_json::Value>,
    /// Sidecars of pgBackRest. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub sidecars: Option<serde_json::Value>,
}

/// A pgBackRest repository.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBackRestRepo {
    /// `repo1` to `repo4`.
    pub name: String,
    /// Backup schedules of this repository, as cron strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedules: Option<PgBackRestSchedules>,
    /// A repository on a PersistentVolumeClaim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<RepoPvc>,
    /// A repository in an S3 bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3: Option<RepoS3>,
    /// A repository in Google Cloud Storage. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub gcs: Option<serde_json::Value>,
    /// A repository in Azure Blob Storage. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub azure: Option<serde_json::Value>,
}

/// Cron schedules of a repository's backups.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct PgBackRestSchedules {
    /// Full backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full: Option<String>,
    /// Differential backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub differential: Option<String>,
    /// Incremental backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incremental: Option<String>,
}

/// A repository volume.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RepoPvc {
    /// The PersistentVolumeClaim of the repository.
    pub volume_claim_spec: PersistentVolumeClaimSpec,
}

/// An S3 bucket.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct RepoS3 {
    /// The bucket.
    pub bucket: String,
    /// The endpoint, such as `s3.amazonaws.com` or `minio.default.svc:9000`.
    pub endpoint: String,
    /// The region.
    pub region: String,
}

/// A manual backup.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBackRestManualBackup {
    /// The repository to back up to.
    pub repo_name: String,
    /// Extra `pgbackrest backup` options, such as `--type=full`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
}

/// An in-place restore.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBackRestRestore {
    /// Whether a restore may be triggered by the annotation.
    pub enabled: bool,
    /// The repository to restore from.
    pub repo_name: String,
    /// Extra `pgbackrest restore` options, such as `--type=time` and `--target=...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
}

/// The source of a new cluster's data.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataSource {
    /// Another PostgresCluster's pgBackRest repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres_cluster: Option<PostgresClusterDataSource>,
    /// An external pgBackRest repository. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub pgbackrest: Option<serde_json::Value>,
    /// Existing volumes. Not built yet: reported in the Supported condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "preserve_unknown_object")]
    pub volumes: Option<serde_json::Value>,
}

/// Clone from another PostgresCluster's repository.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresClusterDataSource {
    /// The source cluster's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// The source cluster's namespace. Defaults to this cluster's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_namespace: Option<String>,
    /// The repository to restore from.
    pub repo_name: String,
    /// Extra `pgbackrest restore` options, such as `--type=time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
}

/// The observed state of a PostgresCluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresClusterStatus {
    /// The generation of the spec that this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,

    /// Conditions: `Ready`, `Valid`, `Supported`, `ProxyAvailable` and the like.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "conditions")]
    pub conditions: Vec<Condition>,

    /// The status of each instance set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<PostgresInstanceSetStatus>,

    /// What Patroni reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patroni: Option<PatroniStatus>,

    /// The major version of PostgreSQL the data directory was initialized with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres_version: Option<i32>,

    /// A hash of the users' spec that was last applied inside PostgreSQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_revision: Option<String>,

    /// A hash of the databaseInitSQL that ran, once it has run.
    #[serde(
        default,
        rename = "databaseInitSQL",
        skip_serializing_if = "Option::is_none"
    )]
    pub database_init_sql: Option<String>,

    /// pgBackRest status: manual and scheduled backups, restores and repositories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pgbackrest: Option<PgBackRestStatus>,

    /// The connection pooler's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<PostgresProxyStatus>,
}

/// The connection pooler's status.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresProxyStatus {
    /// PgBouncer's pods and what was set up inside PostgreSQL for it.
    #[serde(rename = "pgBouncer")]
    pub pg_bouncer: PgBouncerPodStatus,
}

/// PgBouncer's status, as PGO reports it.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBouncerPodStatus {
    /// A hash of the SQL that set up PgBouncer's user and auth function in every database.
    #[serde(
        default,
        rename = "postgresRevision",
        skip_serializing_if = "Option::is_none"
    )]
    pub postgres_revision: Option<String>,
    /// Pods of the Deployment that are ready.
    #[serde(default)]
    pub ready_replicas: i32,
    /// Pods of the Deployment.
    #[serde(default)]
    pub replicas: i32,
}

/// The status of one instance set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresInstanceSetStatus {
    /// The set's name.
    pub name: String,
    /// Total number of pods.
    #[serde(default)]
    pub replicas: i32,
    /// Total number of ready pods.
    #[serde(default)]
    pub ready_replicas: i32,
    /// Total number of pods that have the desired specification.
    #[serde(default)]
    pub updated_replicas: i32,
}

/// What Patroni reports.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatroniStatus {
    /// The PostgreSQL system identifier reported by Patroni.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_identifier: Option<String>,
    /// The pod that is the primary (Patroni's leader).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// The value of the trigger-switchover annotation of the last switchover that ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switchover: Option<String>,
    /// The timeline reached by the last switchover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switchover_timeline: Option<i64>,
    /// Instance pods whose Postgres waits for a restart to apply a changed parameter
    /// (Patroni's `pending_restart`); the agent restarts them in a safe order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_restart: Vec<String>,
}

/// pgBackRest status.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBackRestStatus {
    /// The last manual backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual_backup: Option<PgBackRestJobStatus>,
    /// The latest scheduled backups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduled_backups: Vec<PgBackRestScheduledStatus>,
    /// The last restore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<PgBackRestJobStatus>,
    /// The dedicated repository host (PGO's `repoHost`: `apiVersion`, `kind`, `ready`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo_host: Option<RepoHostStatus>,
    /// Each repository's state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repos: Vec<RepoStatus>,
}

/// The repository host's state, as PGO reports it.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RepoHostStatus {
    /// `apps/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `StatefulSet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Whether its pod is ready.
    #[serde(default)]
    pub ready: bool,
}

/// A backup or restore Job.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBackRestJobStatus {
    /// The trigger annotation's value that started it.
    pub id: String,
    /// Whether it finished.
    #[serde(default)]
    pub finished: bool,
    /// Number of active pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<i32>,
    /// Number of pods that succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeded: Option<i32>,
    /// Number of pods that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<i32>,
    /// When it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>,
    /// When it completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_time: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>,
}

/// A scheduled backup.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PgBackRestScheduledStatus {
    /// The repository and backup type, such as `repo1-incr`.
    pub cronjob_name: String,
    /// The repository.
    pub repo: String,
    /// `full`, `diff` or `incr`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The last run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_run: Option<PgBackRestJobStatus>,
    /// When the next run is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_run: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>,
}

/// A repository's state.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RepoStatus {
    /// The repository's name.
    pub name: String,
    /// Whether the repository's PersistentVolumeClaim is bound to a volume.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bound: bool,
    /// Whether the stanza was created.
    #[serde(default)]
    pub stanza_created: bool,
    /// Whether WAL archiving to it works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_create_backup_complete: Option<bool>,
    /// The PersistentVolume holding the repository, once its claim is bound (PGO's `volume`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
}

impl PostgresInstanceSetSpec {
    /// The set's name, with PGO's positional default (`00`, `01`, ...).
    pub fn name_or_default(&self, index: usize) -> String {
        match &self.name {
            Some(n) if !n.is_empty() => n.clone(),
            _ => format!("{index:02}"),
        }
    }
}

impl PostgresClusterSpec {
    /// The Postgres port.
    pub fn port(&self) -> i32 {
        self.port.unwrap_or(crate::names::DEFAULT_POSTGRES_PORT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PGO's own example, as users apply it.
    const HIPPO: &str = include_str!("../../examples/hippo.yaml");

    #[test]
    fn pgo_hippo_example_parses_unchanged() {
        let pc: PostgresCluster = serde_yaml::from_str(HIPPO).unwrap();
        assert_eq!(pc.spec.postgres_version, 15);
        assert_eq!(pc.spec.instances[0].name_or_default(0), "instance1");
        let repos = &pc.spec.backups.unwrap().pgbackrest.unwrap().repos;
        assert_eq!(repos[0].name, "repo1");
    }

    #[test]
    fn unnamed_instance_sets_get_pgo_positional_names() {
        let set = PostgresInstanceSetSpec::default();
        assert_eq!(set.name_or_default(0), "00");
        assert_eq!(set.name_or_default(1), "01");
    }
}
