//! Build: one StatefulSet of one pod per instance, its PersistentVolumeClaims, and a
//! PodDisruptionBudget per instance set. Patroni runs in the `database` container.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy};
use k8s_openapi::api::core::v1::{
    Affinity, ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource, EnvVar,
    EnvVarSource, HTTPGetAction, ObjectFieldSelector, PersistentVolumeClaim,
    PersistentVolumeClaimVolumeSource, PodAffinityTerm, PodAntiAffinity, PodSecurityContext,
    PodSpec, PodTemplateSpec, Probe, SecretKeySelector, SecretVolumeSource, Volume, VolumeMount,
    WeightedPodAffinityTerm,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use pgo_api::names::{self, labels};

use super::meta;
use crate::observe::Observed;
use pgo_api::validate::{InstanceSet, ValidatedCluster};

/// Instances by set.
pub type InstancePlan = BTreeMap<String, Vec<String>>;

/// Where things live inside the `database` container.
pub const PGDATA_MOUNT: &str = "/pgdata";
pub const PGWAL_MOUNT: &str = "/pgwal";
pub const PATRONI_MOUNT: &str = "/etc/patroni";
pub const TLS_MOUNT: &str = "/pgconf/tls";
pub const REPLICATION_TLS_MOUNT: &str = "/pgconf/replication";
/// Writable copies of the certificates, with the modes libpq and Postgres require.
pub const TLS_COPY: &str = "/tmp/tls";
pub const REPLICATION_TLS_COPY: &str = "/tmp/replication";
pub const SOCKET_DIR: &str = "/tmp/postgres";

pub fn data_directory(version: i32) -> String {
    format!("{PGDATA_MOUNT}/pg{version}")
}
pub fn wal_directory(version: i32) -> String {
    format!("{PGWAL_MOUNT}/pg{version}_wal")
}

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

pub(super) fn env_field(name: &str, path: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                field_path: path.into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub(super) fn env(name: &str, value: impl Into<String>) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: Some(value.into()),
        ..Default::default()
    }
}

pub(super) fn mount(name: &str, path: &str, read_only: bool) -> VolumeMount {
    VolumeMount {
        name: name.into(),
        mount_path: path.into(),
        read_only: read_only.then_some(true),
        ..Default::default()
    }
}

/// A volume of a PersistentVolumeClaim.
pub(super) fn claim_volume(name: &str, claim: String) -> Volume {
    Volume {
        name: name.into(),
        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
            claim_name: claim,
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub(super) fn secret_volume(name: &str, secret: &str) -> Volume {
    Volume {
        name: name.into(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(secret.into()),
            // Group-readable: the files belong to root and the pod's fsGroup.
            default_mode: Some(0o440),
            ..Default::default()
        }),
        ..Default::default()
    }
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

/// The container's entry point: copy the certificates with the modes Postgres and libpq require,
/// then hand over to Patroni.
fn startup_script(config_file: &str) -> String {
    format!(
        "install -d -m 0700 {SOCKET_DIR} {TLS_COPY} {REPLICATION_TLS_COPY}\n\
         install -m 0600 {TLS_MOUNT}/tls.crt {TLS_MOUNT}/tls.key {TLS_MOUNT}/ca.crt {TLS_COPY}/\n\
         install -m 0600 {REPLICATION_TLS_MOUNT}/tls.crt {REPLICATION_TLS_MOUNT}/tls.key {REPLICATION_TLS_MOUNT}/ca.crt {REPLICATION_TLS_COPY}/\n\
         exec patroni {config_file}\n"
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
    let label_refs: Vec<(&str, &str)> = ilabels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut pod_labels = super::cluster_labels(v);
    for (k, val) in &ilabels {
        pod_labels.insert(k.clone(), val.clone());
    }
    pod_labels.insert(labels::DATA.into(), labels::DATA_POSTGRES.into());
    pod_labels.insert(labels::PATRONI.into(), names::patroni_scope(&v.name));
    if let Some(m) = set.spec.metadata.as_ref().and_then(|m| m.labels.as_ref()) {
        pod_labels.extend(m.clone());
    }
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

    let database = Container {
        name: names::CONTAINER_DATABASE.into(),
        image: Some(v.image.clone()),
        image_pull_policy: v.image_pull_policy.clone(),
        command: Some(vec![
            "bash".into(),
            "-ceu".into(),
            startup_script(&config_file),
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
        security_context: Some(super::pgbackrest::restricted()),
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
                        ..super::pgbackrest::pod_security(names::POSTGRES_UID)
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
        |name: String, data: &str, spec: &k8s_openapi::api::core::v1::PersistentVolumeClaimSpec| {
            let mut l: Vec<(&str, &str)> = ilabels
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            l.push((labels::DATA, data));
            out.push(PersistentVolumeClaim {
                metadata: meta(v, name, &l),
                spec: Some(spec.clone()),
                status: None,
            });
        };
    claim(
        names::data_pvc(instance),
        labels::DATA_POSTGRES,
        &set.spec.data_volume_claim_spec,
    );
    if let Some(wal) = &set.spec.wal_volume_claim_spec {
        claim(names::wal_pvc(instance), labels::DATA_PGWAL, wal);
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
mod tests {
    use super::*;
    use crate::desired::tests::{validated, HIPPO};

    #[test]
    fn instance_names_are_stable_and_pgo_shaped() {
        let a = instance_name("hippo", "instance1", 0);
        assert_eq!(a, instance_name("hippo", "instance1", 0));
        assert_ne!(a, instance_name("hippo", "instance1", 1));
        assert!(a.starts_with("hippo-instance1-"));
        assert_eq!(a.len(), "hippo-instance1-".len() + 4);
    }

    #[test]
    fn scaling_down_keeps_the_primary() {
        let mut v = validated(HIPPO);
        v.instance_sets[0].replicas = 3;
        let three = plan_instances(&v, &Observed::default())["instance1"].clone();
        assert_eq!(three.len(), 3);
        let observed = Observed {
            instances: [("instance1".to_string(), three.clone())].into(),
            primary_instance: Some(three[2].clone()),
        };
        v.instance_sets[0].replicas = 1;
        assert_eq!(
            plan_instances(&v, &observed)["instance1"],
            vec![three[2].clone()]
        );
        // Scaling up again reuses the lowest free names.
        v.instance_sets[0].replicas = 3;
        assert_eq!(plan_instances(&v, &observed)["instance1"], three);
    }

    #[test]
    fn shutdown_scales_every_instance_to_zero_and_keeps_claims() {
        let mut v = validated(HIPPO);
        v.shutdown = true;
        let set = &v.instance_sets[0];
        let sts = stateful_set(&v, set, "hippo-instance1-abcd", "h");
        assert_eq!(sts.spec.unwrap().replicas, Some(0));
        assert_eq!(pvcs(&v, set, "hippo-instance1-abcd").len(), 2);
    }

    #[test]
    fn pods_run_patroni_as_non_root_in_the_database_container() {
        let v = validated(HIPPO);
        let sts = stateful_set(&v, &v.instance_sets[0], "hippo-instance1-abcd", "h");
        let pod = sts.spec.unwrap().template.spec.unwrap();
        let c = &pod.containers[0];
        assert_eq!(c.name, "database");
        assert!(c.command.as_ref().unwrap()[2].contains("exec patroni"));
        let sc = pod.security_context.unwrap();
        assert_eq!(sc.run_as_user, Some(26));
        assert_eq!(sc.run_as_non_root, Some(true));
        assert_eq!(
            c.security_context
                .as_ref()
                .unwrap()
                .allow_privilege_escalation,
            Some(false)
        );
    }

    /// The pod of the first instance of the first set.
    fn first_pod(v: &ValidatedCluster) -> PodSpec {
        pod_spec(stateful_set(
            v,
            &v.instance_sets[0],
            "hippo-instance1-abcd",
            "h",
        ))
    }

    fn pod_spec(sts: StatefulSet) -> PodSpec {
        sts.spec.unwrap().template.spec.unwrap()
    }

    #[test]
    fn instance_names_are_dns_labels_distinct_for_every_index() {
        let names: std::collections::BTreeSet<String> = (0..100)
            .map(|i| instance_name("hippo", "instance1", i))
            .collect();
        assert_eq!(names.len(), 100);
        for n in &names {
            assert!(n.len() <= 63, "{n}");
            assert!(
                n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{n}"
            );
            assert!(!n.ends_with('-'));
        }
    }

    #[test]
    fn instance_names_differ_between_clusters_and_sets() {
        let a = instance_name("hippo", "instance1", 0);
        assert_ne!(a, instance_name("hippo", "instance2", 0));
        assert_ne!(a, instance_name("rhino", "instance1", 0));
        // The separator keeps ("ab", "c") and ("a", "bc") apart even where the prefixes meet.
        let (x, y) = (instance_name("ab", "c", 0), instance_name("a", "bc", 0));
        assert_ne!(x[x.len() - 4..], y[y.len() - 4..]);
    }

    #[test]
    fn scaling_up_keeps_existing_instances_and_adds_generated_ones() {
        let mut v = validated(HIPPO);
        let observed = Observed {
            instances: [("instance1".to_string(), vec!["hippo-instance1-old1".into()])].into(),
            primary_instance: Some("hippo-instance1-old1".into()),
        };
        v.instance_sets[0].replicas = 3;
        let plan = &plan_instances(&v, &observed)["instance1"];
        assert_eq!(plan.len(), 3);
        assert!(plan.contains(&"hippo-instance1-old1".to_string()));
        assert!(plan.contains(&instance_name("hippo", "instance1", 0)));
        assert!(plan.contains(&instance_name("hippo", "instance1", 1)));
        let mut sorted = plan.clone();
        sorted.sort();
        assert_eq!(&sorted, plan, "plans are sorted");
    }

    #[test]
    fn scaling_down_drops_replicas_of_that_set_only_and_zero_drops_all() {
        let mut v = validated(HIPPO);
        let existing = vec![
            "hippo-instance1-aaaa".to_string(),
            "hippo-instance1-bbbb".to_string(),
        ];
        // The primary of another set is no reason to keep anything here.
        let observed = Observed {
            instances: [("instance1".to_string(), existing.clone())].into(),
            primary_instance: Some("hippo-other-cccc".into()),
        };
        v.instance_sets[0].replicas = 1;
        assert_eq!(
            plan_instances(&v, &observed)["instance1"],
            vec![existing[0].clone()]
        );
        v.instance_sets[0].replicas = 0;
        assert!(plan_instances(&v, &observed)["instance1"].is_empty());
    }

    #[test]
    fn wal_volume_is_mounted_only_with_a_wal_claim_spec() {
        let mut v = validated(HIPPO);
        let pod = first_pod(&v);
        let wal = pod
            .volumes
            .as_ref()
            .unwrap()
            .iter()
            .find(|vol| vol.name == "postgres-wal")
            .expect("wal volume");
        assert_eq!(
            wal.persistent_volume_claim.as_ref().unwrap().claim_name,
            "hippo-instance1-abcd-pgwal"
        );
        let mounts = pod.containers[0].volume_mounts.as_ref().unwrap();
        assert!(mounts.iter().any(|m| m.mount_path == PGWAL_MOUNT));

        v.instance_sets[0].spec.wal_volume_claim_spec = None;
        let set = &v.instance_sets[0];
        let pod = pod_spec(stateful_set(&v, set, "hippo-instance1-abcd", "h"));
        assert!(pod
            .volumes
            .unwrap()
            .iter()
            .all(|vol| vol.name != "postgres-wal"));
        assert!(pod.containers[0]
            .volume_mounts
            .as_ref()
            .unwrap()
            .iter()
            .all(|m| m.mount_path != PGWAL_MOUNT));
        let claims = pvcs(&v, set, "hippo-instance1-abcd");
        assert_eq!(claims.len(), 1);
        assert_eq!(
            claims[0].metadata.name.as_deref(),
            Some("hippo-instance1-abcd-pgdata")
        );
    }

    #[test]
    fn pod_template_carries_the_config_hash_and_instance_labels() {
        let v = validated(HIPPO);
        let sts = stateful_set(&v, &v.instance_sets[0], "hippo-instance1-abcd", "cafe");
        let spec = sts.spec.unwrap();
        let tmpl = spec.template.metadata.unwrap();
        assert_eq!(
            tmpl.annotations.unwrap()[names::annotations::CONFIG_HASH],
            "cafe"
        );
        let l = tmpl.labels.unwrap();
        assert_eq!(l[labels::INSTANCE], "hippo-instance1-abcd");
        assert_eq!(l[labels::INSTANCE_SET], "instance1");
        assert_eq!(l[labels::PATRONI], "hippo-ha");
        assert_eq!(l[labels::DATA], labels::DATA_POSTGRES);
        // The selector matches the template, and only this instance.
        let sel = spec.selector.match_labels.unwrap();
        assert!(sel.iter().all(|(k, val)| l.get(k) == Some(val)));
        assert_eq!(sel[labels::INSTANCE], "hippo-instance1-abcd");
        assert_eq!(spec.replicas, Some(1));
        assert_eq!(spec.service_name.as_deref(), Some("hippo-pods"));
    }

    #[test]
    fn probes_ask_patroni_for_readiness_and_liveness() {
        let v = validated(HIPPO);
        let pod = first_pod(&v);
        let c = &pod.containers[0];
        let get = |p: &Option<Probe>| p.as_ref().unwrap().http_get.clone().unwrap();
        let ready = get(&c.readiness_probe);
        assert_eq!(ready.path.as_deref(), Some("/readiness"));
        assert_eq!(ready.port, IntOrString::Int(v.patroni_port));
        let live = get(&c.liveness_probe);
        assert_eq!(live.path.as_deref(), Some("/liveness"));
        assert_eq!(live.port, IntOrString::Int(v.patroni_port));
        let ports: Vec<i32> = c
            .ports
            .as_ref()
            .unwrap()
            .iter()
            .map(|p| p.container_port)
            .collect();
        assert_eq!(ports, [v.port, v.patroni_port]);
    }

    #[test]
    fn every_container_drops_all_capabilities_and_cannot_escalate() {
        let v = validated(crate::desired::pgbackrest::tests::HIPPO_BACKUPS);
        let pod = first_pod(&v);
        assert_eq!(
            pod.containers.len(),
            2,
            "database and the pgbackrest sidecar"
        );
        assert_eq!(pod.containers[0].name, "database");
        for c in &pod.containers {
            let sc = c.security_context.as_ref().unwrap();
            assert_eq!(sc.run_as_non_root, Some(true), "{}", c.name);
            assert_eq!(sc.privileged, Some(false), "{}", c.name);
            assert_eq!(sc.allow_privilege_escalation, Some(false), "{}", c.name);
            assert_eq!(sc.read_only_root_filesystem, Some(true), "{}", c.name);
            let caps = sc.capabilities.as_ref().unwrap();
            assert_eq!(caps.drop.as_deref(), Some(&["ALL".to_string()][..]));
            assert!(caps.add.is_none());
        }
        let psc = pod.security_context.unwrap();
        assert_eq!(psc.fs_group, Some(names::POSTGRES_UID));
        assert_eq!(psc.run_as_group, Some(names::POSTGRES_UID));
    }

    #[test]
    fn user_scheduling_and_resources_are_carried_over() {
        let mut v = validated(HIPPO);
        let spec: pgo_api::PostgresInstanceSetSpec = serde_yaml::from_str(
            r#"
dataVolumeClaimSpec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
resources: {limits: {cpu: "2", memory: 1Gi}}
tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]
priorityClassName: high
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms: [{matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]
metadata: {labels: {team: zoo}, annotations: {note: hi}}
"#,
        )
        .unwrap();
        v.instance_sets[0].spec = spec.clone();
        let sts = stateful_set(&v, &v.instance_sets[0], "hippo-instance1-abcd", "h");
        let tmpl = sts.spec.unwrap().template;
        let meta = tmpl.metadata.unwrap();
        assert_eq!(meta.labels.unwrap()["team"], "zoo");
        assert_eq!(meta.annotations.unwrap()["note"], "hi");
        let pod = tmpl.spec.unwrap();
        assert_eq!(
            pod.affinity, spec.affinity,
            "the user's affinity replaces ours"
        );
        assert_eq!(pod.tolerations, spec.tolerations);
        assert_eq!(pod.priority_class_name.as_deref(), Some("high"));
        assert_eq!(pod.containers[0].resources, spec.resources);
    }

    #[test]
    fn instances_of_a_set_are_spread_over_nodes_unless_disabled() {
        let mut v = validated(HIPPO);
        let pod = first_pod(&v);
        let terms = pod
            .affinity
            .unwrap()
            .pod_anti_affinity
            .unwrap()
            .preferred_during_scheduling_ignored_during_execution
            .unwrap();
        assert_eq!(terms.len(), 1);
        let term = &terms[0].pod_affinity_term;
        assert_eq!(term.topology_key, "kubernetes.io/hostname");
        let sel = term.label_selector.clone().unwrap().match_labels.unwrap();
        assert_eq!(sel[labels::CLUSTER], "hippo");
        assert_eq!(sel[labels::INSTANCE_SET], "instance1");

        v.default_pod_scheduling = false;
        let pod = first_pod(&v);
        assert!(pod.affinity.is_none());
    }

    #[test]
    fn claims_are_labelled_by_what_they_hold() {
        let v = validated(HIPPO);
        let claims = pvcs(&v, &v.instance_sets[0], "hippo-instance1-abcd");
        let by_name: BTreeMap<String, String> = claims
            .iter()
            .map(|c| {
                (
                    c.metadata.name.clone().unwrap(),
                    c.metadata.labels.as_ref().unwrap()[labels::DATA].clone(),
                )
            })
            .collect();
        assert_eq!(
            by_name["hippo-instance1-abcd-pgdata"],
            labels::DATA_POSTGRES
        );
        assert_eq!(by_name["hippo-instance1-abcd-pgwal"], labels::DATA_PGWAL);
        for c in &claims {
            let l = c.metadata.labels.as_ref().unwrap();
            assert_eq!(l[labels::INSTANCE], "hippo-instance1-abcd");
            assert_eq!(
                c.spec.as_ref().unwrap().access_modes.as_deref(),
                Some(&["ReadWriteOnce".to_string()][..])
            );
        }
    }

    #[test]
    fn disruption_budget_selects_the_set_with_its_min_available() {
        let mut v = validated(HIPPO);
        v.instance_sets[0].min_available = IntOrString::String("50%".into());
        let p = pdb(&v, &v.instance_sets[0]);
        assert_eq!(p.metadata.name.as_deref(), Some("hippo-set-instance1"));
        let spec = p.spec.unwrap();
        assert_eq!(spec.min_available, Some(IntOrString::String("50%".into())));
        assert!(spec.max_unavailable.is_none());
        let sel = spec.selector.unwrap().match_labels.unwrap();
        assert_eq!(sel[labels::CLUSTER], "hippo");
        assert_eq!(sel[labels::INSTANCE_SET], "instance1");
    }
}
