//! Build: PgBouncer in front of the primary, with PGO's objects and names: the Deployment,
//! Service, ConfigMap, Secret and PodDisruptionBudget `<cluster>-pgbouncer`.
//!
//! PgBouncer authenticates each client as the user it names, with that user's own password:
//! it logs in as `_crunchypgbouncer` (password in its auth file) and reads the user's SCRAM
//! verifier through `pgbouncer.get_auth()` (`crate::database` installs it in every database),
//! so no user's password is copied into a file. Clients must use TLS (the agent's certificate
//! for the Service names, or `customTLSSecret`); PgBouncer verifies the server against the
//! cluster's CA (`verify-full`). Files are projected into `/etc/pgbouncer` at PGO's paths, and a
//! sidecar reloads PgBouncer (SIGHUP: clients stay connected) when they change.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{
    Affinity, ConfigMap, ConfigMapProjection, Container, ContainerPort, KeyToPath, PodAffinityTerm,
    PodAntiAffinity, PodSpec, PodTemplateSpec, Probe, ProjectedVolumeSource, ResourceRequirements,
    Secret, SecretProjection, Service, ServicePort, TCPSocketAction, Volume, VolumeProjection,
    WeightedPodAffinityTerm,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::ByteString;
use pgo_api::names::{self, labels};
use pgo_api::validate::{PgBouncer, ValidatedCluster};

use super::meta;
use super::pod::{mount, pod_security, restricted};
use crate::credentials::{self, Material};

pub const CONFIG_DIR: &str = "/etc/pgbouncer";
/// PGO's paths inside `/etc/pgbouncer`: users' `config.files` may refer to them.
const EMPTY_INI: &str = "pgbouncer.ini";
const MAIN_INI: &str = "~postgres-operator.ini";
const AUTH_FILE: &str = "~postgres-operator/users.txt";
const BACKEND_CA: &str = "~postgres-operator/backend-ca.crt";
const FRONTEND_CA: &str = "~postgres-operator/frontend-ca.crt";
const FRONTEND_CERT: &str = "~postgres-operator/frontend-tls.crt";
const FRONTEND_KEY: &str = "~postgres-operator/frontend-tls.key";
/// ConfigMap keys, as PGO names them.
const EMPTY_KEY: &str = "pgbouncer-empty";
const INI_KEY: &str = "pgbouncer.ini";
const VOLUME: &str = "pgbouncer-config";

fn path(p: &str) -> String {
    format!("{CONFIG_DIR}/{p}")
}

/// The objects' labels: the spec's (cluster-wide, then PgBouncer's), then the agent's, which win.
fn pgbouncer_meta(v: &ValidatedCluster, p: &PgBouncer) -> ObjectMeta {
    let mut m = meta(
        v,
        names::pgbouncer(&v.name),
        &[(labels::ROLE, labels::ROLE_PGBOUNCER)],
    );
    if let Some(extra) = &p.spec.metadata {
        if let Some(l) = &extra.labels {
            let mut all = l.clone();
            all.extend(m.labels.take().unwrap_or_default());
            m.labels = Some(all);
        }
        if let Some(a) = &extra.annotations {
            m.annotations
                .get_or_insert_with(Default::default)
                .extend(a.clone());
        }
    }
    m
}

fn selector(v: &ValidatedCluster) -> BTreeMap<String, String> {
    [
        (labels::CLUSTER.to_string(), v.name.clone()),
        (labels::ROLE.to_string(), labels::ROLE_PGBOUNCER.to_string()),
    ]
    .into()
}

/// One `key = value` line per entry, sorted.
fn ini_lines(entries: &BTreeMap<String, String>) -> String {
    entries
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                format!("{k} =\n")
            } else {
                format!("{k} = {v}\n")
            }
        })
        .collect()
}

/// PgBouncer's main configuration file.
pub fn ini(v: &ValidatedCluster, p: &PgBouncer) -> String {
    let mut global: BTreeMap<String, String> = [
        // JDBC and others send it; one pool serves clients with and without it.
        ("ignore_startup_parameters", "extra_float_digits".into()),
        ("auth_file", path(AUTH_FILE)),
        (
            "auth_query",
            format!(
                "SELECT username, password from {}.get_auth($1)",
                names::PGBOUNCER_SCHEMA
            ),
        ),
        ("auth_user", names::PGBOUNCER_USER.into()),
        ("client_tls_sslmode", "require".into()),
        ("client_tls_cert_file", path(FRONTEND_CERT)),
        ("client_tls_key_file", path(FRONTEND_KEY)),
        ("client_tls_ca_file", path(FRONTEND_CA)),
        ("listen_addr", "*".into()),
        ("listen_port", p.port.to_string()),
        ("server_tls_sslmode", "verify-full".into()),
        ("server_tls_ca_file", path(BACKEND_CA)),
        // No Unix socket: the root filesystem stays read-only.
        ("unix_socket_dir", String::new()),
        // After a failed server login PgBouncer refuses every client for this long (15 s by
        // default): a switchover or failover would keep writes out for 15 s after the new
        // primary took over. Retry after one.
        ("server_login_retry", "1".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = p.spec.config.clone().unwrap_or_default();
    global.extend(config.global.unwrap_or_default());
    global.insert("conffile".into(), path(MAIN_INI));
    let databases = config
        .databases
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| {
            [(
                "*".to_string(),
                format!("host={} port={}", names::primary_service(&v.name), v.port),
            )]
            .into()
        });
    let mut out = format!(
        "# Generated by pgo-agent from spec.proxy.pgBouncer; changes here are overwritten.\n\n[pgbouncer]\n%include {}\n\n[pgbouncer]\n{}\n[databases]\n{}",
        path(EMPTY_INI),
        ini_lines(&global),
        ini_lines(&databases)
    );
    if let Some(users) = config.users.filter(|u| !u.is_empty()) {
        out.push_str(&format!("\n[users]\n{}", ini_lines(&users)));
    }
    out
}

pub fn config_map(v: &ValidatedCluster, p: &PgBouncer) -> ConfigMap {
    ConfigMap {
        metadata: pgbouncer_meta(v, p),
        data: Some(
            [
                (EMPTY_KEY.to_string(), String::new()),
                (INI_KEY.to_string(), ini(v, p)),
            ]
            .into(),
        ),
        ..Default::default()
    }
}

/// PgBouncer's auth file: its own login, each field in double quotes (doubled inside).
fn auth_file(password: &str) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    format!("{} {}\n", quote(names::PGBOUNCER_USER), quote(password))
}

pub fn secret(v: &ValidatedCluster, p: &PgBouncer, m: &Material) -> Option<Secret> {
    let pm = m.pgbouncer.as_ref()?;
    let mut data: BTreeMap<String, String> = [
        (
            credentials::PGBOUNCER_PASSWORD_KEY,
            pm.login.password.clone(),
        ),
        (
            credentials::PGBOUNCER_VERIFIER_KEY,
            pm.login.verifier.clone(),
        ),
        (
            credentials::PGBOUNCER_USERS_KEY,
            auth_file(&pm.login.password),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let Some(c) = &pm.frontend {
        data.insert(
            credentials::PGBOUNCER_FRONTEND_CERT_KEY.into(),
            c.cert.clone(),
        );
        data.insert(
            credentials::PGBOUNCER_FRONTEND_KEY_KEY.into(),
            c.key.clone(),
        );
        data.insert(
            credentials::PGBOUNCER_FRONTEND_CA_KEY.into(),
            m.root_ca.cert.clone(),
        );
    }
    Some(Secret {
        metadata: pgbouncer_meta(v, p),
        data: Some(
            data.into_iter()
                .map(|(k, v)| (k, ByteString(v.into_bytes())))
                .collect(),
        ),
        type_: Some("Opaque".into()),
        ..Default::default()
    })
}

pub fn service(v: &ValidatedCluster, p: &PgBouncer) -> Service {
    let user = p.spec.service.clone().unwrap_or_default();
    let mut svc = super::service::exposed(
        v,
        names::pgbouncer(&v.name),
        Some(labels::ROLE_PGBOUNCER),
        &user,
    );
    let base = pgbouncer_meta(v, p);
    let labels = svc.metadata.labels.get_or_insert_with(Default::default);
    for (k, val) in base.labels.unwrap_or_default() {
        labels.entry(k).or_insert(val);
    }
    if let Some(spec) = svc.spec.as_mut() {
        let node_port = spec
            .ports
            .as_ref()
            .and_then(|ports| ports.first())
            .and_then(|port| port.node_port);
        spec.ports = Some(vec![ServicePort {
            name: Some(names::PORT_PGBOUNCER.into()),
            port: p.port,
            target_port: Some(IntOrString::String(names::PORT_PGBOUNCER.into())),
            protocol: Some("TCP".into()),
            node_port,
            ..Default::default()
        }]);
    }
    svc
}

fn key(key: &str, path: &str) -> KeyToPath {
    KeyToPath {
        key: key.into(),
        path: path.into(),
        mode: None,
    }
}

fn secret_projection(name: &str, items: Vec<KeyToPath>) -> VolumeProjection {
    VolumeProjection {
        secret: Some(SecretProjection {
            name: name.into(),
            items: Some(items),
            optional: Some(false),
        }),
        ..Default::default()
    }
}

/// Everything PgBouncer reads, in one read-only directory. Later sources win, so the user's
/// `config.files` can replace the empty `pgbouncer.ini` but none of the generated files.
fn config_volume(v: &ValidatedCluster, p: &PgBouncer) -> Volume {
    let name = names::pgbouncer(&v.name);
    let config_map = |k: &str, path: &str| VolumeProjection {
        config_map: Some(ConfigMapProjection {
            name: name.clone(),
            items: Some(vec![key(k, path)]),
            optional: Some(false),
        }),
        ..Default::default()
    };
    let mut sources = vec![config_map(EMPTY_KEY, EMPTY_INI)];
    sources.extend(
        p.spec
            .config
            .as_ref()
            .and_then(|c| c.files.clone())
            .unwrap_or_default(),
    );
    sources.push(config_map(INI_KEY, MAIN_INI));
    sources.push(secret_projection(
        &name,
        vec![key(credentials::PGBOUNCER_USERS_KEY, AUTH_FILE)],
    ));
    sources.push(match &p.spec.custom_tls_secret {
        Some(custom) => secret_projection(
            &custom.name,
            vec![
                key("tls.crt", FRONTEND_CERT),
                key("tls.key", FRONTEND_KEY),
                key("ca.crt", FRONTEND_CA),
            ],
        ),
        None => secret_projection(
            &name,
            vec![
                key(credentials::PGBOUNCER_FRONTEND_CERT_KEY, FRONTEND_CERT),
                key(credentials::PGBOUNCER_FRONTEND_KEY_KEY, FRONTEND_KEY),
                key(credentials::PGBOUNCER_FRONTEND_CA_KEY, FRONTEND_CA),
            ],
        ),
    });
    // The CA that signed the server's certificate.
    let server = v
        .custom_tls_secret
        .clone()
        .unwrap_or_else(|| names::cluster_cert_secret(&v.name));
    sources.push(secret_projection(&server, vec![key("ca.crt", BACKEND_CA)]));
    Volume {
        name: VOLUME.into(),
        projected: Some(ProjectedVolumeSource {
            // Group-readable: the files belong to root and the pod's fsGroup.
            default_mode: Some(0o440),
            sources: Some(sources),
        }),
        ..Default::default()
    }
}

/// The sidecar's loop: when any file under the configuration directory changes (Kubernetes
/// swaps the projected files in at once), PgBouncer is sent SIGHUP, which reloads them without
/// dropping a client.
const RELOAD_SCRIPT: &str = r#"dir=$1
digest() { find -L "$dir" -type f ! -path '*/..*' -print0 | sort -z | xargs -0 cat | md5sum; }
seen=$(digest)
while sleep 5; do
    now=$(digest)
    if [[ $now != "$seen" ]] && pkill -HUP -x pgbouncer; then
        seen=$now
        echo "$(date -u +%FT%TZ) configuration changed; PgBouncer reloaded it"
    fi
done"#;

fn default_affinity(v: &ValidatedCluster) -> Affinity {
    // Spread the poolers over nodes, as the instances are.
    Affinity {
        pod_anti_affinity: Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 1,
                    pod_affinity_term: PodAffinityTerm {
                        topology_key: "kubernetes.io/hostname".into(),
                        label_selector: Some(LabelSelector {
                            match_labels: Some(selector(v)),
                            ..Default::default()
                        }),
                        ..Default::default()
                    },
                },
            ]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub fn deployment(v: &ValidatedCluster, p: &PgBouncer) -> Deployment {
    let m = pgbouncer_meta(v, p);
    let mut pod_labels = p
        .spec
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    pod_labels.extend(v.labels.clone());
    pod_labels.extend(selector(v));
    let mut pod_annotations = v.annotations.clone();
    if let Some(a) = p.spec.metadata.as_ref().and_then(|m| m.annotations.clone()) {
        pod_annotations.extend(a);
    }
    pod_annotations.insert(
        "kubectl.kubernetes.io/default-container".into(),
        names::CONTAINER_PGBOUNCER.into(),
    );
    let config_mount = mount(VOLUME, CONFIG_DIR, true);
    let resources = p.spec.resources.clone();
    let has_resources = resources.as_ref().is_some_and(|r| {
        r.limits.as_ref().is_some_and(|l| !l.is_empty())
            || r.requests.as_ref().is_some_and(|l| !l.is_empty())
    });
    // A small, bounded reloader where the pooler itself is bounded (as PGO sizes it).
    let reloader_resources = p
        .spec
        .sidecars
        .as_ref()
        .and_then(|s| s.pgbouncer_config.as_ref())
        .and_then(|s| s.resources.clone())
        .or_else(|| {
            has_resources.then(|| ResourceRequirements {
                limits: Some(
                    [
                        ("cpu".to_string(), Quantity("5m".into())),
                        ("memory".to_string(), Quantity("16Mi".into())),
                    ]
                    .into(),
                ),
                ..Default::default()
            })
        });
    let pgbouncer = Container {
        name: names::CONTAINER_PGBOUNCER.into(),
        image: Some(p.image.clone()),
        image_pull_policy: v.image_pull_policy.clone(),
        command: Some(vec!["pgbouncer".into(), path(MAIN_INI)]),
        ports: Some(vec![ContainerPort {
            name: Some(names::PORT_PGBOUNCER.into()),
            container_port: p.port,
            protocol: Some("TCP".into()),
            ..Default::default()
        }]),
        readiness_probe: Some(Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::String(names::PORT_PGBOUNCER.into()),
                host: None,
            }),
            period_seconds: Some(5),
            ..Default::default()
        }),
        resources,
        security_context: Some(restricted()),
        volume_mounts: Some(vec![config_mount.clone()]),
        termination_message_policy: Some("FallbackToLogsOnError".into()),
        ..Default::default()
    };
    let reloader = Container {
        name: names::CONTAINER_PGBOUNCER_CONFIG.into(),
        image: Some(p.image.clone()),
        image_pull_policy: v.image_pull_policy.clone(),
        command: Some(vec![
            "bash".into(),
            "-ceu".into(),
            "--".into(),
            RELOAD_SCRIPT.into(),
            names::CONTAINER_PGBOUNCER_CONFIG.into(),
            CONFIG_DIR.into(),
        ]),
        resources: reloader_resources,
        security_context: Some(restricted()),
        volume_mounts: Some(vec![config_mount]),
        ..Default::default()
    };
    let affinity = match &p.spec.affinity {
        Some(a) => Some(a.clone()),
        None if v.default_pod_scheduling => Some(default_affinity(v)),
        None => None,
    };
    Deployment {
        metadata: m,
        spec: Some(DeploymentSpec {
            replicas: Some(if v.shutdown { 0 } else { p.replicas }),
            selector: LabelSelector {
                match_labels: Some(selector(v)),
                ..Default::default()
            },
            // A new pod is ready before an old one stops: a change never leaves no pooler.
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_unavailable: Some(IntOrString::Int(0)),
                    max_surge: None,
                }),
            }),
            revision_history_limit: Some(0),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels),
                    annotations: Some(pod_annotations),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![pgbouncer, reloader],
                    volumes: Some(vec![config_volume(v, p)]),
                    // The reloader signals PgBouncer's process.
                    share_process_namespace: Some(true),
                    automount_service_account_token: Some(false),
                    enable_service_links: Some(false),
                    security_context: Some(pod_security(names::POSTGRES_UID)),
                    affinity,
                    tolerations: p.spec.tolerations.clone(),
                    topology_spread_constraints: p.spec.topology_spread_constraints.clone(),
                    priority_class_name: p.spec.priority_class_name.clone(),
                    image_pull_secrets: (!v.image_pull_secrets.is_empty())
                        .then(|| v.image_pull_secrets.clone()),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

/// A budget only where it protects something: PGO makes none when minAvailable comes to 0.
pub fn pdb(v: &ValidatedCluster, p: &PgBouncer) -> Option<PodDisruptionBudget> {
    let none = match &p.min_available {
        IntOrString::Int(n) => *n == 0,
        IntOrString::String(s) => s.trim_end_matches('%').parse::<u32>().is_ok_and(|n| n == 0),
    };
    (!none).then(|| PodDisruptionBudget {
        metadata: pgbouncer_meta(v, p),
        spec: Some(PodDisruptionBudgetSpec {
            min_available: Some(p.min_available.clone()),
            selector: Some(LabelSelector {
                match_labels: Some(selector(v)),
                ..Default::default()
            }),
            ..Default::default()
        }),
        status: None,
    })
}

/// Quotes an SQL string literal.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// What PgBouncer needs in each database, run in every one (`exec::psql_every_database`): its
/// login role, and `pgbouncer.get_auth()`, which only that role may call and which returns the
/// SCRAM verifier of an ordinary login role (never a superuser's, a replication role's or its
/// own, nor one whose password expired). Safe to run again.
pub fn enable_sql(verifier: &str) -> String {
    let user = literal(names::PGBOUNCER_USER);
    let role = format!("\"{}\"", names::PGBOUNCER_USER);
    let schema = names::PGBOUNCER_SCHEMA;
    format!(
        r#"SET client_min_messages = WARNING;
SET synchronous_commit = LOCAL;
SET log_statement = 'none';
BEGIN;
SELECT pg_catalog.format('CREATE ROLE %I NOLOGIN', {user}) WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {user})\gexec
SELECT pg_catalog.format('REVOKE ALL PRIVILEGES ON SCHEMA %I FROM %I', nspname, {user}) FROM pg_catalog.pg_namespace WHERE pg_catalog.has_schema_privilege({user}, oid, 'CREATE, USAGE') AND nspname NOT IN ('pg_catalog', '{schema}')\gexec
CREATE SCHEMA IF NOT EXISTS {schema};
REVOKE ALL PRIVILEGES ON SCHEMA {schema} FROM PUBLIC, {role};
GRANT USAGE ON SCHEMA {schema} TO {role};
CREATE OR REPLACE FUNCTION {schema}.get_auth(username TEXT)
RETURNS TABLE(username TEXT, password TEXT) AS $body$
  SELECT rolname::TEXT, rolpassword::TEXT
  FROM pg_catalog.pg_authid
  WHERE pg_authid.rolname = $1
    AND pg_authid.rolcanlogin
    AND NOT pg_authid.rolsuper
    AND NOT pg_authid.rolreplication
    AND pg_authid.rolname <> {user}
    AND (pg_authid.rolvaliduntil IS NULL OR pg_authid.rolvaliduntil >= CURRENT_TIMESTAMP)
$body$ LANGUAGE SQL STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
REVOKE ALL PRIVILEGES ON FUNCTION {schema}.get_auth(username TEXT) FROM PUBLIC, {role};
GRANT EXECUTE ON FUNCTION {schema}.get_auth(username TEXT) TO {role};
ALTER ROLE {role} SET search_path TO {schema};
ALTER ROLE {role} LOGIN PASSWORD {verifier};
COMMIT;
"#,
        verifier = literal(verifier),
    )
}

/// Undoes [`enable_sql`] in each database; [`DROP_ROLE_SQL`] then runs once.
pub fn disable_sql() -> String {
    let user = literal(names::PGBOUNCER_USER);
    let schema = names::PGBOUNCER_SCHEMA;
    format!(
        r#"SET client_min_messages = WARNING;
SET synchronous_commit = LOCAL;
BEGIN;
DROP FUNCTION IF EXISTS {schema}.get_auth(username TEXT);
DROP SCHEMA IF EXISTS {schema} CASCADE;
SELECT pg_catalog.format('DROP OWNED BY %I CASCADE', {user}) WHERE EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {user})\gexec
COMMIT;
"#
    )
}

pub const DROP_ROLE_SQL: &str =
    "SET client_min_messages = WARNING;\nDROP ROLE IF EXISTS \"_crunchypgbouncer\";\n";

/// Changes when the SQL changes (a new verifier), so it runs again only then.
pub fn revision(sql: &str) -> String {
    super::sha256_hex(sql.as_bytes())[..16].to_string()
}

#[cfg(test)]
#[path = "pgbouncer_tests.rs"]
mod tests;
