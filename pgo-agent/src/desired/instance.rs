//! Build: one StatefulSet of one pod per instance, its PersistentVolumeClaims, and a
//! PodDisruptionBudget per instance set. Patroni runs in the `database` container.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy};
use k8s_openapi::api::core::v1::{
    Affinity, ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource, EnvVar,
    EnvVarSource, HTTPGetAction, PersistentVolumeClaim, PodAffinityTerm, PodAntiAffinity,
    PodSecurityContext, PodSpec, PodTemplateSpec, Probe, SecretKeySelector, Volume,
    WeightedPodAffinityTerm,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use pgo_api::names::{self, labels};

use super::meta;
use super::pod::*;
use crate::observe::Observed;
use pgo_api::validate::{InstanceSet, ValidatedCluster};

/// Instances by set.
pub type InstancePlan = BTreeMap<String, Vec<String>>;

/// Where things live inside the `database` container.
const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The name of the `index`th instance of a set: `<cluster>-<set>-<4 chars>`, stable for the
/// same inputs, as PGO's random suffixes look.
pub fn instance_name(cluster: &str, set: &str, index: u32) -> String {
    // FNV-1a: small, stable across Rust releases (unlike DefaultHasher).
    let mut h: u64 = 0xcbf29ce484222325;
    for b in cluster
        .bytes()
        .chain([0])
        .chain(set.bytes())
        .chain(index.to_le_bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    let suffix: String = (0..4)
        .map(|i| SUFFIX_ALPHABET[((h >> (i * 12)) % SUFFIX_ALPHABET.len() as u64) as usize] as char)
        .collect();
    format!("{cluster}-{set}-{suffix}")
}

/// Which instances each set should run: the primary is kept first, then existing instances,
/// then new ones. Scaling down therefore removes replicas, never the primary, and only while
/// the primary is known.
pub fn plan_instances(v: &ValidatedCluster, observed: &Observed) -> InstancePlan {
    let mut plan = InstancePlan::new();
    for set in &v.instance_sets {
        let mut existing = observed
            .instances
            .get(&set.name)
            .cloned()
            .unwrap_or_default();
        existing.sort();
        // Without a known primary (shut down, failing over, restoring) any instance may hold
        // the newest data: a scale-down waits until the primary is known.
        let mut want = set.replicas.max(0) as usize;
        if observed.primary_instance.is_none() {
            want = want.max(existing.len());
        }
        let mut chosen: Vec<String> = Vec::with_capacity(want);
        if let Some(p) = &observed.primary_instance {
            if existing.contains(p) {
                chosen.push(p.clone());
            }
        }
        for name in existing {
            if chosen.len() >= want {
                break;
            }
            if !chosen.contains(&name) {
                chosen.push(name);
            }
        }
        let mut index = 0;
        while chosen.len() < want {
            let name = instance_name(&v.name, &set.name, index);
            if !chosen.contains(&name) {
                chosen.push(name);
            }
            index += 1;
        }
        chosen.truncate(want);
        chosen.sort();
        plan.insert(set.name.clone(), chosen);
    }
    plan
}

fn instance_labels(
    v: &ValidatedCluster,
    set: &InstanceSet,
    instance: &str,
) -> Vec<(String, String)> {
    vec![
        (labels::CLUSTER.into(), v.name.clone()),
        (labels::INSTANCE_SET.into(), set.name.clone()),
        (labels::INSTANCE.into(), instance.into()),
    ]
}

/// A variable from a Secret: secrets never appear in the pod spec or in argv.
fn secret_env(name: &str, secret: &str, key: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: secret.into(),
                key: key.into(),
                optional: Some(false),
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn http_probe(path: &str, port: i32, period: i32, failures: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.into()),
            port: IntOrString::Int(port),
            scheme: Some("HTTPS".into()),
            ..Default::default()
        }),
        period_seconds: Some(period),
        failure_threshold: Some(failures),
        timeout_seconds: Some(5),
        ..Default::default()
    }
}

/// The container's entry point: settle a restore that did not finish (its data comes back),
/// copy the certificates with the modes Postgres and libpq require, then hand over to Patroni.
fn startup_script(config_file: &str, version: i32) -> String {
    format!(
        "{settle}install -d -m 0700 {SOCKET_DIR} {TLS_COPY} {REPLICATION_TLS_COPY}\n\
         install -m 0600 {TLS_MOUNT}/tls.crt {TLS_MOUNT}/tls.key {TLS_MOUNT}/ca.crt {TLS_COPY}/\n\
         install -m 0600 {REPLICATION_TLS_MOUNT}/tls.crt {REPLICATION_TLS_MOUNT}/tls.key {REPLICATION_TLS_MOUNT}/ca.crt {REPLICATION_TLS_COPY}/\n\
         exec patroni {config_file}\n",
        settle = settle_restore_script(version),
    )
}

/// Selects the pods of one instance set.
fn set_selector(v: &ValidatedCluster, set: &InstanceSet) -> LabelSelector {
    LabelSelector {
        match_labels: Some(
            [
                (labels::CLUSTER.to_string(), v.name.clone()),
                (labels::INSTANCE_SET.to_string(), set.name.clone()),
            ]
            .into(),
        ),
        ..Default::default()
    }
}

fn default_affinity(v: &ValidatedCluster, set: &InstanceSet) -> Affinity {
    // Prefer spreading the instances of a set over nodes, as PGO does by default.
    Affinity {
        pod_anti_affinity: Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 1,
                    pod_affinity_term: PodAffinityTerm {
                        topology_key: "kubernetes.io/hostname".into(),
                        label_selector: Some(set_selector(v, set)),
                        ..Default::default()
                    },
                },
            ]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub fn stateful_set(
    v: &ValidatedCluster,
    set: &InstanceSet,
    instance: &str,
    config_hash: &str,
) -> StatefulSet {
    let ilabels = instance_labels(v, set, instance);
    // PGO labels the StatefulSet `data: postgres` too.
    let label_refs: Vec<(&str, &str)> = ilabels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain([(labels::DATA, labels::DATA_POSTGRES)])
        .collect();
    // The set's labels first: the agent's win, so that a pod never joins another cluster's
    // Services or Patroni scope (validation refuses such labels too).
    let mut pod_labels = set
        .spec
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    pod_labels.extend(super::cluster_labels(v));
    for (k, val) in &ilabels {
        pod_labels.insert(k.clone(), val.clone());
    }
    pod_labels.insert(labels::DATA.into(), labels::DATA_POSTGRES.into());
    pod_labels.insert(labels::PATRONI.into(), names::patroni_scope(&v.name));
    let mut pod_annotations = v.annotations.clone();
    if let Some(m) = set
        .spec
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.as_ref())
    {
        pod_annotations.extend(m.clone());
    }
    pod_annotations.insert(names::annotations::CONFIG_HASH.into(), config_hash.into());

    let has_wal = set.spec.wal_volume_claim_spec.is_some();
    let config_file = format!("{PATRONI_MOUNT}/{}", super::patroni::config_key(&set.name));
    let tls_secret = v
        .custom_tls_secret
        .clone()
        .unwrap_or_else(|| names::cluster_cert_secret(&v.name));
    let replication_secret = v
        .custom_replication_tls_secret
        .clone()
        .unwrap_or_else(|| names::replication_cert_secret(&v.name));

    let mut volumes = vec![
        claim_volume("postgres-data", names::data_pvc(instance)),
        Volume {
            name: "patroni-config".into(),
            config_map: Some(ConfigMapVolumeSource {
                name: names::cluster_config_map(&v.name),
                ..Default::default()
            }),
            ..Default::default()
        },
        secret_volume("cert-volume", &tls_secret),
        secret_volume("replication-cert", &replication_secret),
        Volume {
            name: "tmp".into(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Default::default()
        },
        Volume {
            name: "dshm".into(),
            empty_dir: Some(EmptyDirVolumeSource {
                medium: Some("Memory".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    ];
    let mut mounts = vec![
        mount("postgres-data", PGDATA_MOUNT, false),
        mount("patroni-config", PATRONI_MOUNT, true),
        mount("cert-volume", TLS_MOUNT, true),
        mount("replication-cert", REPLICATION_TLS_MOUNT, true),
        mount("tmp", "/tmp", false),
        mount("dshm", "/dev/shm", false),
    ];
    if has_wal {
        volumes.push(claim_volume("postgres-wal", names::wal_pvc(instance)));
        mounts.push(mount("postgres-wal", PGWAL_MOUNT, false));
    }

    let mut env_list = vec![
        env_field("PATRONI_NAME", "metadata.name"),
        env_field("PATRONI_KUBERNETES_NAMESPACE", "metadata.namespace"),
        env_field("PATRONI_KUBERNETES_POD_IP", "status.podIP"),
        env(
            "PATRONI_POSTGRESQL_CONNECT_ADDRESS",
            format!("$(PATRONI_KUBERNETES_POD_IP):{}", v.port),
        ),
        env(
            "PATRONI_RESTAPI_CONNECT_ADDRESS",
            format!("$(PATRONI_KUBERNETES_POD_IP):{}", v.patroni_port),
        ),
        env("PATRONICTL_CONFIG_FILE", &config_file),
        secret_env(
            "PATRONI_RESTAPI_USERNAME",
            &names::patroni_api_secret(&v.name),
            "username",
        ),
        secret_env(
            "PATRONI_RESTAPI_PASSWORD",
            &names::patroni_api_secret(&v.name),
            "password",
        ),
        env("PGDATA", data_directory(v.postgres_version)),
        env("PGHOST", SOCKET_DIR),
        env("PGPORT", v.port.to_string()),
        env("LANG", "C.UTF-8"),
        env("HOME", "/tmp"),
    ];
    // pgBackRest: `archive-push` runs in the database container; the `pgbackrest` sidecar
    // serves the data directory and socket to the repository host for backups.
    let mut sidecars = Vec::new();
    if let Some(b) = &v.backups {
        env_list.extend(super::pgbackrest::env_vars());
        volumes.push(super::pgbackrest::config_volume(
            &v.name,
            &v.name,
            super::pgbackrest::INSTANCE_CONF,
            &b.configuration,
        ));
        let mut sidecar_mounts = vec![
            mount("postgres-data", PGDATA_MOUNT, false),
            mount("tmp", "/tmp", false),
            super::pgbackrest::config_mount(),
        ];
        if has_wal {
            sidecar_mounts.push(mount("postgres-wal", PGWAL_MOUNT, false));
        }
        mounts.push(super::pgbackrest::config_mount());
        sidecars.push(super::pgbackrest::server_container(
            &v.image,
            v.image_pull_policy.clone(),
            sidecar_mounts,
        ));
    }
    if let Some(e) = &v.exporter {
        let (container, extra) = super::exporter::sidecar(v, e);
        sidecars.push(container);
        volumes.extend(extra);
    }

    let database = Container {
        name: names::CONTAINER_DATABASE.into(),
        image: Some(v.image.clone()),
        image_pull_policy: v.image_pull_policy.clone(),
        command: Some(vec![
            "bash".into(),
            "-ceu".into(),
            startup_script(&config_file, v.postgres_version),
        ]),
        env: Some(env_list),
        ports: Some(vec![
            ContainerPort {
                name: Some("postgres".into()),
                container_port: v.port,
                protocol: Some("TCP".into()),
                ..Default::default()
            },
            ContainerPort {
                name: Some("patroni".into()),
                container_port: v.patroni_port,
                protocol: Some("TCP".into()),
                ..Default::default()
            },
        ]),
        readiness_probe: Some(http_probe("/readiness", v.patroni_port, 5, 3)),
        liveness_probe: Some(Probe {
            initial_delay_seconds: Some(10),
            ..http_probe("/liveness", v.patroni_port, 10, 6)
        }),
        resources: set.spec.resources.clone(),
        security_context: Some(restricted()),
        volume_mounts: Some(mounts),
        termination_message_policy: Some("FallbackToLogsOnError".into()),
        ..Default::default()
    };

    let affinity = match &set.spec.affinity {
        Some(a) => Some(a.clone()),
        None if v.default_pod_scheduling => Some(default_affinity(v, set)),
        None => None,
    };

    StatefulSet {
        metadata: meta(v, instance, &label_refs),
        spec: Some(StatefulSetSpec {
            replicas: Some(if v.shutdown { 0 } else { 1 }),
            service_name: Some(names::pods_service(&v.name)),
            selector: LabelSelector {
                match_labels: Some(
                    [
                        (labels::CLUSTER.to_string(), v.name.clone()),
                        (labels::INSTANCE.to_string(), instance.to_string()),
                    ]
                    .into(),
                ),
                ..Default::default()
            },
            pod_management_policy: Some("Parallel".into()),
            // The agent restarts pods itself, in a safe order (`crate::rolling`).
            update_strategy: Some(StatefulSetUpdateStrategy {
                type_: Some("OnDelete".into()),
                rolling_update: None,
            }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels),
                    annotations: Some(pod_annotations),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: std::iter::once(database).chain(sidecars).collect(),
                    volumes: Some(volumes),
                    service_account_name: Some(names::instance_service_account(&v.name)),
                    automount_service_account_token: Some(true),
                    enable_service_links: Some(false),
                    termination_grace_period_seconds: Some(30),
                    security_context: Some(PodSecurityContext {
                        supplemental_groups: (!v.supplemental_groups.is_empty())
                            .then(|| v.supplemental_groups.clone()),
                        ..pod_security(names::POSTGRES_UID)
                    }),
                    affinity,
                    tolerations: set.spec.tolerations.clone(),
                    topology_spread_constraints: set.spec.topology_spread_constraints.clone(),
                    priority_class_name: set.spec.priority_class_name.clone(),
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

pub fn pvcs(v: &ValidatedCluster, set: &InstanceSet, instance: &str) -> Vec<PersistentVolumeClaim> {
    let ilabels = instance_labels(v, set, instance);
    let mut out = Vec::new();
    let mut claim =
        |name: String, role: &str, spec: &k8s_openapi::api::core::v1::PersistentVolumeClaimSpec| {
            // PGO's labels: `role` tells data from WAL, `data: postgres` on both.
            let mut l: Vec<(&str, &str)> = ilabels
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            l.push((labels::ROLE, role));
            l.push((labels::DATA, labels::DATA_POSTGRES));
            out.push(PersistentVolumeClaim {
                metadata: meta(v, name, &l),
                spec: Some(spec.clone()),
                status: None,
            });
        };
    claim(
        names::data_pvc(instance),
        labels::ROLE_PGDATA,
        &set.spec.data_volume_claim_spec,
    );
    if let Some(wal) = &set.spec.wal_volume_claim_spec {
        claim(names::wal_pvc(instance), labels::ROLE_PGWAL, wal);
    }
    out
}

pub fn pdb(v: &ValidatedCluster, set: &InstanceSet) -> PodDisruptionBudget {
    PodDisruptionBudget {
        metadata: meta(
            v,
            names::pdb(&v.name, &set.name),
            &[(labels::INSTANCE_SET, &set.name)],
        ),
        spec: Some(PodDisruptionBudgetSpec {
            min_available: Some(set.min_available.clone()),
            selector: Some(set_selector(v, set)),
            ..Default::default()
        }),
        status: None,
    }
}

#[cfg(test)]
#[path = "instance_tests.rs"]
mod tests;
