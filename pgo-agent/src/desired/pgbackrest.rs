//! Desired objects: pgBackRest. A repository host (`<cluster>-repo-host`, one pod running
//! `pgbackrest server` over TLS, with the volume repositories mounted), a `pgbackrest` TLS server
//! sidecar in every instance pod, the configuration files. The backup and restore Jobs are in `jobs.rs`.
//!
//! WAL flows from each instance's `archive_command` to every repository (volume repositories
//! through the repository host). Backups run on the repository host, which reaches the primary
//! through the instances' sidecars. Restores run in a Job that mounts the instance's volumes.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapProjection, Container, ContainerPort, EmptyDirVolumeSource, EnvVar,
    KeyToPath, PersistentVolumeClaim, PodSpec, PodTemplateSpec, Probe, ProjectedVolumeSource,
    SecretProjection, TCPSocketAction, Volume, VolumeMount, VolumeProjection,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use pgo_api::names::{self, labels};

use super::meta;
use super::pod::{claim_volume, data_directory, env, mount, pod_security, restricted, SOCKET_DIR};
use crate::credentials::pgbackrest_client_name;
use pgo_api::validate::ValidatedCluster;
use pgo_api::validate::{BackupSpec, Repo, RepoKind};

/// Where the configuration and certificates are mounted; pgBackRest reads every `*.conf` here.
pub const CONF_DIR: &str = "/etc/pgbackrest/conf.d";
pub const INSTANCE_CONF: &str = "pgbackrest_instance.conf";
pub const REPO_HOST_CONF: &str = "pgbackrest_repo.conf";
pub const RESTORE_CONF: &str = "pgbackrest_restore.conf";
/// Where the repository host mounts the volume of `repoN`.
pub fn repo_mount(repo: &str) -> String {
    format!("/pgbackrest/{repo}")
}
/// Default bound on WAL kept for an unreachable repository: past it, pgBackRest tells Postgres
/// a segment is archived and drops it (with a warning), so the WAL volume never fills up because
/// of a repository. `global: {archive-push-queue-max: ...}` changes it.
pub const DEFAULT_ARCHIVE_PUSH_QUEUE_MAX: &str = "1GiB";

const VOLUME: &str = "pgbackrest-config";

/// The `archive_command` of every instance when backups are configured.
pub fn archive_command() -> String {
    format!(
        "pgbackrest --stanza={} archive-push \"%p\"",
        names::PGBACKREST_STANZA
    )
}

/// Environment of every container that runs pgBackRest: only the generated configuration is
/// read (not the image's `/etc/pgbackrest.conf`).
pub fn env_vars() -> Vec<EnvVar> {
    vec![
        env("PGBACKREST_CONFIG", "/dev/null"),
        env("PGBACKREST_CONFIG_INCLUDE_PATH", CONF_DIR),
        env("PGBACKREST_STANZA", names::PGBACKREST_STANZA),
    ]
}

fn tls_files(prefix: &str) -> Vec<(String, String)> {
    vec![
        (format!("{prefix}-ca-file"), format!("{CONF_DIR}/ca.crt")),
        (format!("{prefix}-cert-file"), format!("{CONF_DIR}/tls.crt")),
        (format!("{prefix}-key-file"), format!("{CONF_DIR}/tls.key")),
    ]
}

fn tls_server(cluster: &str) -> Vec<(String, String)> {
    let mut out = vec![
        ("tls-server-address".to_string(), "*".to_string()),
        (
            "tls-server-auth".into(),
            format!(
                "{}={}",
                pgbackrest_client_name(cluster),
                names::PGBACKREST_STANZA
            ),
        ),
        (
            "tls-server-port".into(),
            names::PGBACKREST_TLS_PORT.to_string(),
        ),
    ];
    out.extend(tls_files("tls-server"));
    out
}

/// A repository's options. `via_host`: volume repositories are reached through the
/// repository host of `cluster` rather than mounted.
fn repo_options(cluster: &str, namespace: &str, r: &Repo, via_host: bool) -> Vec<(String, String)> {
    let n = r.index;
    let mut out = vec![(format!("repo{n}-path"), repo_mount(&r.name))];
    match &r.kind {
        RepoKind::Volume(_) if via_host => {
            out.push((
                format!("repo{n}-host"),
                names::pod_host(&names::repo_host_pod(cluster), cluster, namespace),
            ));
            out.push((format!("repo{n}-host-type"), "tls".into()));
            out.extend(tls_files(&format!("repo{n}-host")));
        }
        RepoKind::Volume(_) => {}
        RepoKind::S3(s3) => {
            out.push((format!("repo{n}-type"), "s3".into()));
            out.push((format!("repo{n}-s3-bucket"), s3.bucket.clone()));
            out.push((format!("repo{n}-s3-endpoint"), s3.endpoint.clone()));
            out.push((format!("repo{n}-s3-region"), s3.region.clone()));
        }
    }
    out
}

fn pg_options(v: &ValidatedCluster, n: usize) -> Vec<(String, String)> {
    vec![
        (format!("pg{n}-path"), data_directory(v.postgres_version)),
        (format!("pg{n}-port"), v.port.to_string()),
        (format!("pg{n}-socket-path"), SOCKET_DIR.to_string()),
    ]
}

/// An INI file: `[global]` (the agent's options, then the user's `global`, which win), then the
/// stanza.
fn ini(
    global: Vec<(String, String)>,
    user: &BTreeMap<String, String>,
    stanza: Vec<(String, String)>,
) -> String {
    let mut g: BTreeMap<String, String> = global.into_iter().collect();
    g.extend(user.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut out = String::from("# Generated by pgo-agent. Edits are overwritten.\n[global]\n");
    for (k, v) in g {
        out.push_str(&format!("{k}={v}\n"));
    }
    out.push_str(&format!("\n[{}]\n", names::PGBACKREST_STANZA));
    for (k, v) in stanza {
        out.push_str(&format!("{k}={v}\n"));
    }
    out
}

/// The configuration of the instances: archive to every repository, serve the repository host.
pub fn instance_conf(v: &ValidatedCluster, b: &BackupSpec) -> String {
    let mut global = vec![
        ("log-path".to_string(), "/tmp".to_string()),
        ("log-level-file".into(), "off".into()),
        (
            "archive-push-queue-max".into(),
            DEFAULT_ARCHIVE_PUSH_QUEUE_MAX.into(),
        ),
    ];
    for r in &b.repos {
        global.extend(repo_options(&v.name, &v.namespace, r, true));
    }
    global.extend(tls_server(&v.name));
    ini(global, &b.global, pg_options(v, 1))
}

/// The configuration of the repository host: the repositories, and every instance as `pgN`
/// so that backups find the primary wherever it is.
pub fn repo_host_conf(v: &ValidatedCluster, b: &BackupSpec, instances: &[String]) -> String {
    let log_path = b
        .repos
        .iter()
        .find(|r| r.is_volume())
        .map(|r| format!("{}/log", repo_mount(&r.name)))
        .unwrap_or_else(|| "/tmp".into());
    let mut global = vec![
        ("log-path".to_string(), log_path),
        // Backups start with an immediate checkpoint rather than waiting for the next one.
        ("start-fast".into(), "y".into()),
    ];
    for r in &b.repos {
        global.extend(repo_options(&v.name, &v.namespace, r, false));
    }
    global.extend(tls_server(&v.name));
    let mut stanza = Vec::new();
    for (i, instance) in instances.iter().enumerate() {
        let n = i + 1;
        stanza.push((
            format!("pg{n}-host"),
            names::pod_host(&names::instance_pod(instance), &v.name, &v.namespace),
        ));
        stanza.push((format!("pg{n}-host-type"), "tls".into()));
        stanza.extend(tls_files(&format!("pg{n}-host")));
        stanza.extend(pg_options(v, n));
    }
    ini(global, &b.global, stanza)
}

/// The configuration of a clone's restore Job: the source cluster's repository.
pub fn clone_conf(
    v: &ValidatedCluster,
    source_cluster: &str,
    source: &BackupSpec,
    repo: &Repo,
) -> String {
    let mut global = vec![
        ("log-path".to_string(), "/tmp".to_string()),
        ("log-level-file".into(), "off".into()),
    ];
    global.extend(repo_options(source_cluster, &v.namespace, repo, true));
    // Only the source's options for this repository.
    let prefix = format!("repo{}-", repo.index);
    let user: BTreeMap<String, String> = source
        .global
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    ini(global, &user, pg_options(v, 1))
}

pub fn config_map(v: &ValidatedCluster, files: BTreeMap<String, String>) -> ConfigMap {
    ConfigMap {
        metadata: meta(
            v,
            names::pgbackrest_config(&v.name),
            &[(labels::PGBACKREST, "")],
        ),
        data: Some(files),
        ..Default::default()
    }
}

/// The projected volume at [`CONF_DIR`]: one configuration file, the certificate, and the
/// user's `configuration` (such as S3 keys in an `s3.conf`).
/// `cert_cluster` is the cluster whose certificate pgBackRest presents: this one's, or for a
/// clone's restore the source's (whose repository host admits only its own).
pub fn config_volume(
    cluster: &str,
    cert_cluster: &str,
    conf_key: &str,
    configuration: &[serde_json::Value],
) -> Volume {
    let mut sources = vec![
        VolumeProjection {
            config_map: Some(ConfigMapProjection {
                name: names::pgbackrest_config(cluster),
                items: Some(vec![KeyToPath {
                    key: conf_key.into(),
                    path: conf_key.into(),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        },
        VolumeProjection {
            secret: Some(SecretProjection {
                name: names::pgbackrest(cert_cluster),
                items: Some(
                    ["ca.crt", "tls.crt", "tls.key"]
                        .iter()
                        .map(|k| KeyToPath {
                            key: (*k).into(),
                            path: (*k).into(),
                            ..Default::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        },
    ];
    // Validated as projections when the CRD is applied; skip anything that does not parse.
    sources.extend(
        configuration
            .iter()
            .filter_map(|c| serde_json::from_value::<VolumeProjection>(c.clone()).ok()),
    );
    Volume {
        name: VOLUME.into(),
        projected: Some(ProjectedVolumeSource {
            sources: Some(sources),
            // Group-readable: the files belong to root and the pod's fsGroup.
            default_mode: Some(0o440),
        }),
        ..Default::default()
    }
}

pub fn config_mount() -> VolumeMount {
    mount(VOLUME, CONF_DIR, true)
}

fn tcp_probe() -> Probe {
    Probe {
        tcp_socket: Some(TCPSocketAction {
            port: IntOrString::Int(names::PGBACKREST_TLS_PORT),
            ..Default::default()
        }),
        period_seconds: Some(10),
        ..Default::default()
    }
}

/// `pgbackrest server`: the TLS server of an instance or of the repository host.
pub fn server_container(image: &str, pull: Option<String>, mounts: Vec<VolumeMount>) -> Container {
    Container {
        name: names::CONTAINER_PGBACKREST.into(),
        image: Some(image.into()),
        image_pull_policy: pull,
        command: Some(vec!["pgbackrest".into(), "server".into()]),
        env: Some(env_vars()),
        ports: Some(vec![ContainerPort {
            name: Some("pgbackrest".into()),
            container_port: names::PGBACKREST_TLS_PORT,
            protocol: Some("TCP".into()),
            ..Default::default()
        }]),
        readiness_probe: Some(tcp_probe()),
        liveness_probe: Some(tcp_probe()),
        security_context: Some(restricted()),
        volume_mounts: Some(mounts),
        termination_message_policy: Some("FallbackToLogsOnError".into()),
        ..Default::default()
    }
}

/// The repository host's StatefulSet: one pod, the volume repositories, `pgbackrest server`.
pub fn repo_host(v: &ValidatedCluster, b: &BackupSpec) -> StatefulSet {
    let mut pod_labels = super::cluster_labels(v);
    pod_labels.insert(labels::PGBACKREST.into(), String::new());
    pod_labels.insert(labels::PGBACKREST_DEDICATED.into(), String::new());
    pod_labels.insert(labels::DATA.into(), labels::DATA_PGBACKREST.into());
    let mut volumes = vec![
        config_volume(&v.name, &v.name, REPO_HOST_CONF, &b.configuration),
        Volume {
            name: "tmp".into(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Default::default()
        },
    ];
    let mut mounts = vec![config_mount(), mount("tmp", "/tmp", false)];
    for r in b.repos.iter().filter(|r| r.is_volume()) {
        volumes.push(claim_volume(&r.name, names::repo_pvc(&v.name, &r.name)));
        mounts.push(mount(&r.name, &repo_mount(&r.name), false));
    }
    let selector: BTreeMap<String, String> = [
        (labels::CLUSTER.to_string(), v.name.clone()),
        (labels::PGBACKREST_DEDICATED.to_string(), String::new()),
    ]
    .into();
    StatefulSet {
        metadata: meta(
            v,
            names::repo_host(&v.name),
            &[
                (labels::PGBACKREST, ""),
                (labels::PGBACKREST_DEDICATED, ""),
                (labels::DATA, labels::DATA_PGBACKREST),
            ],
        ),
        spec: Some(StatefulSetSpec {
            replicas: Some(1),
            service_name: Some(names::pods_service(&v.name)),
            selector: LabelSelector {
                match_labels: Some(selector),
                ..Default::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels),
                    // The server reads tls-server-auth once: a new client name restarts it.
                    annotations: Some({
                        let mut a = v.annotations.clone();
                        a.insert(
                            crate::credentials::PGBACKREST_CLIENT_ANNOTATION.into(),
                            pgbackrest_client_name(&v.name),
                        );
                        a
                    }),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        // pgBackRest logs into the first volume repository, as in PGO.
                        command: Some(vec![
                            "bash".into(),
                            "-ceu".into(),
                            format!("{}\nexec pgbackrest server\n", log_dirs(b)),
                        ]),
                        ..server_container(&b.image, v.image_pull_policy.clone(), mounts)
                    }],
                    volumes: Some(volumes),
                    automount_service_account_token: Some(false),
                    enable_service_links: Some(false),
                    security_context: Some(pod_security(names::POSTGRES_UID)),
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

fn log_dirs(b: &BackupSpec) -> String {
    b.repos
        .iter()
        .filter(|r| r.is_volume())
        .map(|r| format!("install -d -m 0750 {}/log", repo_mount(&r.name)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The claims of the volume repositories.
pub fn repo_pvcs(v: &ValidatedCluster, b: &BackupSpec) -> Vec<PersistentVolumeClaim> {
    b.repos
        .iter()
        .filter_map(|r| match &r.kind {
            RepoKind::Volume(spec) => Some(PersistentVolumeClaim {
                metadata: meta(
                    v,
                    names::repo_pvc(&v.name, &r.name),
                    &[
                        (labels::PGBACKREST, ""),
                        (labels::PGBACKREST_REPO, &r.name),
                        (labels::PGBACKREST_VOLUME, ""),
                    ],
                ),
                spec: Some((**spec).clone()),
                status: None,
            }),
            RepoKind::S3(_) => None,
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::desired::tests::validated;

    pub const HIPPO_BACKUPS: &str = include_str!("fixtures/hippo-backups.yaml");

    #[test]
    fn instances_archive_through_the_repo_host_and_to_s3_directly() {
        let v = validated(HIPPO_BACKUPS);
        let conf = instance_conf(&v, v.backups.as_ref().unwrap());
        assert!(
            conf.contains("repo1-host=hippo-repo-host-0.hippo-pods.db.svc\n"),
            "{conf}"
        );
        assert!(conf.contains("repo1-host-type=tls\n"));
        assert!(conf.contains("repo2-type=s3\n"));
        assert!(conf.contains("repo2-s3-endpoint=10.0.0.1:9000\n"));
        assert!(conf.contains("tls-server-auth=hippo-pgbackrest=db\n"));
        // The user's global wins over the agent's default.
        assert!(conf.contains("archive-push-queue-max=2GiB\n"));
        assert!(conf.contains("repo1-retention-full=2\n"));
        assert!(conf.contains("[db]\npg1-path=/pgdata/pg15\n"));
    }

    #[test]
    fn repo_host_lists_every_instance() {
        let v = validated(HIPPO_BACKUPS);
        let b = v.backups.as_ref().unwrap();
        let conf = repo_host_conf(
            &v,
            b,
            &["hippo-instance1-aaaa".into(), "hippo-instance1-bbbb".into()],
        );
        assert!(conf.contains("repo1-path=/pgbackrest/repo1\n"));
        assert!(!conf.contains("repo1-host="));
        assert!(conf.contains("pg1-host=hippo-instance1-aaaa-0.hippo-pods.db.svc\n"));
        assert!(conf.contains("pg2-host=hippo-instance1-bbbb-0.hippo-pods.db.svc\n"));
        let sts = repo_host(&v, b);
        let pod = sts.spec.unwrap().template.spec.unwrap();
        assert_eq!(pod.containers[0].name, "pgbackrest");
        assert_eq!(pod.security_context.unwrap().run_as_user, Some(26));
        assert_eq!(repo_pvcs(&v, b).len(), 1);
    }
}
