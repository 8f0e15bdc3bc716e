//! Object names, label keys, annotations, ports and the field managers, in one place.
//!
//! They follow Crunchy PGO v5, so that users' selectors, affinity rules and scripts keep working.

/// The API group.
pub const GROUP: &str = "postgres-operator.crunchydata.com";

/// Label keys.
pub mod labels {
    pub const CLUSTER: &str = "postgres-operator.crunchydata.com/cluster";
    pub const INSTANCE_SET: &str = "postgres-operator.crunchydata.com/instance-set";
    pub const INSTANCE: &str = "postgres-operator.crunchydata.com/instance";
    /// Written by Patroni on each Postgres pod: `master` or `replica` (Patroni 4 is told to
    /// keep `master`, see `kubernetes.leader_label_value`).
    pub const ROLE: &str = "postgres-operator.crunchydata.com/role";
    pub const PATRONI: &str = "postgres-operator.crunchydata.com/patroni";
    pub const DATA: &str = "postgres-operator.crunchydata.com/data";
    pub const PGUSER: &str = "postgres-operator.crunchydata.com/pguser";
    pub const ROLE_PGUSER: &str = "pguser";
    pub const CLUSTER_CERTIFICATE: &str = "postgres-operator.crunchydata.com/cluster-certificate";
    pub const PGBACKREST: &str = "postgres-operator.crunchydata.com/pgbackrest";
    pub const PGBACKREST_BACKUP: &str = "postgres-operator.crunchydata.com/pgbackrest-backup";
    pub const PGBACKREST_REPO: &str = "postgres-operator.crunchydata.com/pgbackrest-repo";
    pub const PGBACKREST_RESTORE: &str = "postgres-operator.crunchydata.com/pgbackrest-restore";
    /// On the repository host's StatefulSet and pod, as in PGO.
    pub const PGBACKREST_DEDICATED: &str = "postgres-operator.crunchydata.com/pgbackrest-dedicated";
    /// On repository volumes. They are never pruned: only deleting the cluster removes them.
    pub const PGBACKREST_VOLUME: &str = "postgres-operator.crunchydata.com/pgbackrest-volume";
    /// On scheduled backup Jobs: the schedule's name, as PGO labels its CronJobs' Jobs.
    pub const PGBACKREST_CRONJOB: &str = "postgres-operator.crunchydata.com/pgbackrest-cronjob";
    /// Values of [`PGBACKREST_BACKUP`].
    pub const BACKUP_MANUAL: &str = "manual";
    pub const BACKUP_SCHEDULED: &str = "scheduled";
    /// PGO's first full backup, taken once the stanza exists (and again after a restore).
    pub const BACKUP_REPLICA_CREATE: &str = "replica-create";
    /// Set on everything the agent creates, so that clean-up and watches find it.
    pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
    pub const MANAGED_BY_VALUE: &str = "pgo-agent";
    /// On the agent's Deployment: `app.kubernetes.io/name=pgo-agent` and its version, which
    /// `kubectl pgo version` reads.
    pub const APP_NAME: &str = "app.kubernetes.io/name";
    pub const APP_NAME_AGENT: &str = "pgo-agent";
    pub const APP_VERSION: &str = "app.kubernetes.io/version";

    /// Values of [`ROLE`].
    pub const ROLE_MASTER: &str = "master";
    pub const ROLE_REPLICA: &str = "replica";
    /// Patroni 4's own value for the leader, when its configuration does not say `master`
    /// (an image of `spec.image` whose Patroni the agent could not know).
    pub const ROLE_PRIMARY: &str = "primary";

    /// Whether a value of [`ROLE`] marks the leader's pod.
    pub fn is_leader_role(value: Option<&str>) -> bool {
        matches!(value, Some(ROLE_MASTER | ROLE_PRIMARY))
    }
    /// Values of [`DATA`].
    pub const DATA_POSTGRES: &str = "postgres";
    /// Kept in the old `data` label of WAL claims made before they were labelled as PGO labels
    /// them (`role: pgwal`, `data: postgres`); read, never written.
    pub const DATA_PGWAL: &str = "pgwal";
    /// The repository host's `data` label value (PGO's).
    pub const DATA_PGBACKREST: &str = "pgbackrest";
    /// PGO's `role` of a data claim and of a WAL claim.
    /// The role label of PgBouncer's objects, as in PGO.
    pub const ROLE_PGBOUNCER: &str = "pgbouncer";
    pub const ROLE_PGDATA: &str = "pgdata";
    pub const ROLE_PGWAL: &str = "pgwal";
}

/// Annotation keys.
pub mod annotations {
    /// Changing its value triggers the switchover in `spec.patroni.switchover`.
    pub const TRIGGER_SWITCHOVER: &str = "postgres-operator.crunchydata.com/trigger-switchover";
    /// Changing its value runs the manual backup in `spec.backups.pgbackrest.manual`.
    pub const PGBACKREST_BACKUP: &str = "postgres-operator.crunchydata.com/pgbackrest-backup";
    /// Changing its value runs the restore in `spec.backups.pgbackrest.restore`.
    pub const PGBACKREST_RESTORE: &str = "postgres-operator.crunchydata.com/pgbackrest-restore";
    /// `"true"` allows removing `spec.backups` from a cluster that has backups (PGO's name):
    /// without it, the agent pauses, as PGO does. The repository volumes stay either way.
    pub const AUTHORIZE_BACKUP_REMOVAL: &str =
        "postgres-operator.crunchydata.com/authorizeBackupRemoval";
    /// A hash of the Patroni and Postgres configuration, so pods roll when it changes.
    pub const CONFIG_HASH: &str = "postgres-operator.crunchydata.com/config-hash";
}

/// Held on each PostgresCluster while its Patroni state may still need removing.
pub const FINALIZER: &str = "postgres-operator.crunchydata.com/finalizer";

/// The `status.pgbackrest.restore.id` of a clone (`spec.dataSource.postgresCluster`).
pub const CLONE_RESTORE_ID: &str = "clone";

/// Field managers for server-side apply.
pub const AGENT_MANAGER: &str = "pgo-agent";
pub const CLI_MANAGER: &str = "kubectl-pgo";

/// Container names.
pub const CONTAINER_DATABASE: &str = "database";
pub const CONTAINER_REPLICATION_CERT_COPY: &str = "replication-cert-copy";
/// pgBackRest's TLS server: a sidecar of each instance, and the repository host's container.
pub const CONTAINER_PGBACKREST: &str = "pgbackrest";
/// The container of backup and restore Jobs.
pub const CONTAINER_PGBACKREST_JOB: &str = "pgbackrest";

/// Ports.
pub const DEFAULT_POSTGRES_PORT: i32 = 5432;
pub const DEFAULT_PATRONI_PORT: i32 = 8008;
/// pgBackRest's TLS server (`tls-server-port`).
pub const PGBACKREST_TLS_PORT: i32 = 8432;

/// The pgBackRest stanza of every cluster, as in PGO.
pub const PGBACKREST_STANZA: &str = "db";

/// The Postgres superuser and the replication user (authenticated by certificate).
pub const SUPERUSER: &str = "postgres";
/// The user PgBouncer logs in as to look up other users' verifiers (PGO's name).
pub const PGBOUNCER_USER: &str = "_crunchypgbouncer";
/// The schema of PgBouncer's auth function in every database (PGO's name).
pub const PGBOUNCER_SCHEMA: &str = "pgbouncer";
pub const CONTAINER_PGBOUNCER: &str = "pgbouncer";
pub const CONTAINER_PGBOUNCER_CONFIG: &str = "pgbouncer-config";
pub const PORT_PGBOUNCER: &str = "pgbouncer";
pub const DEFAULT_PGBOUNCER_PORT: i32 = 5432;
/// The user postgres_exporter logs in as (PGO's name); its password is in `<cluster>-monitoring`.
pub const MONITORING_USER: &str = "ccp_monitoring";
pub const CONTAINER_EXPORTER: &str = "exporter";
pub const PORT_EXPORTER: &str = "exporter";
pub const EXPORTER_PORT: i32 = 9187;
pub fn monitoring_secret(cluster: &str) -> String {
    format!("{cluster}-monitoring")
}
pub fn exporter_queries(cluster: &str) -> String {
    format!("{cluster}-exporter-queries-config")
}
/// PgBouncer's Deployment, Service, ConfigMap, Secret and PodDisruptionBudget.
pub fn pgbouncer(cluster: &str) -> String {
    format!("{cluster}-pgbouncer")
}
pub const REPLICATION_USER: &str = "_crunchyrepl";

/// The user id the Postgres image runs as (as in PGO's images).
pub const POSTGRES_UID: i64 = 26;

/// Object names, derived from the cluster's name as PGO does.
pub fn primary_service(cluster: &str) -> String {
    format!("{cluster}-primary")
}
pub fn replicas_service(cluster: &str) -> String {
    format!("{cluster}-replicas")
}
pub fn pods_service(cluster: &str) -> String {
    format!("{cluster}-pods")
}
/// Patroni's scope, and the selectorless Service whose Endpoints hold the leader.
pub fn patroni_scope(cluster: &str) -> String {
    format!("{cluster}-ha")
}
pub fn patroni_config_service(cluster: &str) -> String {
    format!("{cluster}-ha-config")
}
pub fn cluster_config_map(cluster: &str) -> String {
    format!("{cluster}-config")
}
pub fn instance_service_account(cluster: &str) -> String {
    format!("{cluster}-instance")
}
pub fn user_secret(cluster: &str, user: &str) -> String {
    format!("{cluster}-pguser-{user}")
}
pub fn cluster_cert_secret(cluster: &str) -> String {
    format!("{cluster}-cluster-cert")
}
pub fn replication_cert_secret(cluster: &str) -> String {
    format!("{cluster}-replication-cert")
}
pub fn instance_config_secret(instance: &str) -> String {
    format!("{instance}-certs")
}
pub fn pdb(cluster: &str, set: &str) -> String {
    format!("{cluster}-set-{set}")
}
pub fn data_pvc(instance: &str) -> String {
    format!("{instance}-pgdata")
}
pub fn wal_pvc(instance: &str) -> String {
    format!("{instance}-pgwal")
}
/// The pod of an instance: each instance is a StatefulSet of one pod.
pub fn instance_pod(instance: &str) -> String {
    format!("{instance}-0")
}
/// The StatefulSet of the pgBackRest repository host; its one pod is `<cluster>-repo-host-0`.
pub fn repo_host(cluster: &str) -> String {
    format!("{cluster}-repo-host")
}
pub fn repo_host_pod(cluster: &str) -> String {
    format!("{cluster}-repo-host-0")
}
/// The PersistentVolumeClaim of a volume repository, such as `hippo-repo1`.
pub fn repo_pvc(cluster: &str, repo: &str) -> String {
    format!("{cluster}-{repo}")
}
pub fn pgbackrest_config(cluster: &str) -> String {
    format!("{cluster}-pgbackrest-config")
}
/// The Secret with pgBackRest's TLS certificate, and the ServiceAccount of backup Jobs.
pub fn pgbackrest(cluster: &str) -> String {
    format!("{cluster}-pgbackrest")
}
/// The Secret with the password that Patroni's REST API asks for unsafe requests (switchover,
/// restart, configuration changes).
pub fn patroni_api_secret(cluster: &str) -> String {
    format!("{cluster}-patroni-api")
}
/// The user name of Patroni's REST API.
pub const PATRONI_API_USER: &str = "patroni";
pub fn restore_job(cluster: &str) -> String {
    format!("{cluster}-pgbackrest-restore")
}
/// The Job of the `replica-create` backup.
pub fn replica_create_job(cluster: &str) -> String {
    format!("{cluster}-backup-replica-create")
}
/// The name of a backup schedule, as PGO names its CronJobs: `<cluster>-<repo>-<type>`.
pub fn backup_schedule(cluster: &str, repo: &str, type_: &str) -> String {
    format!("{cluster}-{repo}-{type_}")
}
/// A pod's stable DNS name through the cluster's headless Service.
pub fn pod_host(pod: &str, cluster: &str, namespace: &str) -> String {
    format!("{pod}.{}.{namespace}.svc", pods_service(cluster))
}

/// The root CA shared by every cluster in a namespace, as PGO's `pgo-root-cacert`.
pub const ROOT_CA_SECRET: &str = "pgo-root-cacert";

/// The DNS name of a Service inside the cluster.
pub fn service_host(service: &str, namespace: &str) -> String {
    format!("{service}.{namespace}.svc")
}

/// The label selector of every object of a cluster that the agent manages.
pub fn cluster_selector(cluster: &str) -> String {
    format!(
        "{}={cluster},{}={}",
        labels::CLUSTER,
        labels::MANAGED_BY,
        labels::MANAGED_BY_VALUE
    )
}
