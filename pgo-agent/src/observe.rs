//! Pipeline step 1 of 5 (**observe** -> validate -> plan -> apply -> status): everything the later
//! steps need from the API, read once per reconcile. Only objects carrying the cluster's labels
//! are listed, plus the namespace's root CA and the Patroni config Endpoints.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use kube::api::ListParams;
use kube::{Api, Client, Resource, ResourceExt};
use pgo_api::names::{self, labels};
use pgo_api::PostgresCluster;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to list {kind} of cluster {cluster}: {source}")]
    List {
        kind: &'static str,
        cluster: String,
        source: kube::Error,
    },
    #[error("failed to read {kind} {name}: {source}")]
    Get {
        kind: &'static str,
        name: String,
        source: kube::Error,
    },
}

/// What the plan depends on: the instances that exist and which one is the primary.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// Existing instances (StatefulSet names) by instance set.
    pub instances: BTreeMap<String, Vec<String>>,
    /// The instance whose pod Patroni labelled `master`.
    pub primary_instance: Option<String>,
}

/// The Secrets that already exist, as read from the API.
#[derive(Debug, Default, Clone)]
pub struct Existing {
    pub root_ca: Option<Secret>,
    pub server: Option<Secret>,
    pub replication: Option<Secret>,
    pub pgbackrest: Option<Secret>,
    pub patroni_api: Option<Secret>,
    /// `<cluster>-pgbouncer`: PgBouncer's password and client certificate.
    pub pgbouncer: Option<Secret>,
    /// `<cluster>-monitoring`: the exporter's password.
    pub monitoring: Option<Secret>,
    /// By user name.
    pub users: BTreeMap<String, Secret>,
}

/// Objects of one kind, by name.
pub type ByName<K> = BTreeMap<String, K>;

/// What exists now.
#[derive(Debug, Clone, Default)]
pub struct ReadState {
    pub stateful_sets: ByName<StatefulSet>,
    /// PgBouncer's.
    pub deployments: ByName<Deployment>,
    pub pvcs: ByName<PersistentVolumeClaim>,
    pub services: ByName<Service>,
    pub config_maps: ByName<ConfigMap>,
    pub secrets: ByName<Secret>,
    pub service_accounts: ByName<ServiceAccount>,
    pub roles: ByName<Role>,
    pub role_bindings: ByName<RoleBinding>,
    pub pdbs: ByName<PodDisruptionBudget>,
    pub pods: Vec<Pod>,
    /// Backup and restore Jobs.
    pub jobs: ByName<Job>,
    pub root_ca: Option<Secret>,
    /// Patroni's `<cluster>-ha-config` Endpoints: system identifier and dynamic configuration.
    pub patroni_config: Option<Endpoints>,
    /// `<cluster>-primary`'s Endpoints (the agent writes them: the leader Service's ClusterIP).
    pub primary_endpoints: ByName<Endpoints>,
}

/// A namespaced Kubernetes object the agent reads and applies.
pub trait Object:
    Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
    + k8s_openapi::Resource
    + Clone
    + Serialize
    + DeserializeOwned
    + std::fmt::Debug
{
}
impl<K> Object for K where
    K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + k8s_openapi::Resource
        + Clone
        + Serialize
        + DeserializeOwned
        + std::fmt::Debug
{
}

async fn list<K: Object>(client: &Client, ns: &str, cluster: &str) -> Result<ByName<K>, Error> {
    let api: Api<K> = Api::namespaced(client.clone(), ns);
    let lp = ListParams::default().labels(&names::cluster_selector(cluster));
    let list = api.list(&lp).await.map_err(|source| Error::List {
        kind: <K as k8s_openapi::Resource>::KIND,
        cluster: cluster.into(),
        source,
    })?;
    Ok(list.items.into_iter().map(|o| (o.name_any(), o)).collect())
}

async fn get_opt<K: Object>(client: &Client, ns: &str, name: &str) -> Result<Option<K>, Error> {
    Api::<K>::namespaced(client.clone(), ns)
        .get_opt(name)
        .await
        .map_err(|source| Error::Get {
            kind: <K as k8s_openapi::Resource>::KIND,
            name: name.into(),
            source,
        })
}

pub async fn read(
    client: &Client,
    pc: &PostgresCluster,
    pdb_supported: bool,
) -> Result<ReadState, Error> {
    let ns = pc.namespace().unwrap_or_default();
    let name = pc.name_any();
    let (c, n, ns) = (client, name.as_str(), ns.as_str());
    let pods_api: Api<Pod> = Api::namespaced(client.clone(), ns);
    let patroni_config = names::patroni_config_service(n);
    let pod_params = ListParams::default().labels(&format!("{}={n}", labels::CLUSTER));
    let primary = names::primary_service(n);
    let (
        sts,
        pvcs,
        services,
        config_maps,
        secrets,
        sas,
        roles,
        rbs,
        pods,
        root_ca,
        patroni,
        primary_ep,
    ) = tokio::try_join!(
        list::<StatefulSet>(c, ns, n),
        list::<PersistentVolumeClaim>(c, ns, n),
        list::<Service>(c, ns, n),
        list::<ConfigMap>(c, ns, n),
        list::<Secret>(c, ns, n),
        list::<ServiceAccount>(c, ns, n),
        list::<Role>(c, ns, n),
        list::<RoleBinding>(c, ns, n),
        async {
            pods_api
                .list(&pod_params)
                .await
                .map(|l| l.items)
                .map_err(|source| Error::List {
                    kind: "Pod",
                    cluster: n.into(),
                    source,
                })
        },
        get_opt::<Secret>(c, ns, names::ROOT_CA_SECRET),
        get_opt::<Endpoints>(c, ns, &patroni_config),
        get_opt::<Endpoints>(c, ns, &primary),
    )?;
    // A user's Secret may exist without our labels (written by hand, or by another tool before
    // this cluster existed): its password is kept, so look it up by name too.
    let mut secrets = secrets;
    let users: Vec<String> = match &pc.spec.users {
        None => vec![name.clone()],
        Some(list) => list.iter().map(|u| u.name.clone()).collect(),
    };
    for user in users {
        if let std::collections::btree_map::Entry::Vacant(slot) =
            secrets.entry(names::user_secret(n, &user))
        {
            if let Some(s) = get_opt::<Secret>(c, ns, slot.key()).await? {
                slot.insert(s);
            }
        }
    }
    let (jobs, deployments) =
        tokio::try_join!(list::<Job>(c, ns, n), list::<Deployment>(c, ns, n))?;
    let pdbs = if pdb_supported {
        list::<PodDisruptionBudget>(c, ns, n).await?
    } else {
        ByName::new()
    };
    Ok(ReadState {
        stateful_sets: sts,
        deployments,
        pvcs,
        services,
        config_maps,
        secrets,
        service_accounts: sas,
        roles,
        role_bindings: rbs,
        pdbs,
        pods,
        jobs,
        root_ca,
        patroni_config: patroni,
        primary_endpoints: primary_ep.map(|e| (primary, e)).into_iter().collect(),
    })
}

pub fn pod_is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn label<'a>(
    meta: &'a k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    key: &str,
) -> Option<&'a str> {
    meta.labels.as_ref()?.get(key).map(String::as_str)
}

impl ReadState {
    /// The pod Patroni labelled as primary (`master`), if any.
    pub fn primary_pod(&self) -> Option<&Pod> {
        self.pods.iter().find(|p| {
            labels::is_leader_role(label(&p.metadata, labels::ROLE))
                && p.metadata.deletion_timestamp.is_none()
        })
    }

    /// What building depends on.
    pub fn observed(&self) -> Observed {
        let mut instances: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, sts) in &self.stateful_sets {
            if let Some(set) = label(&sts.metadata, labels::INSTANCE_SET) {
                instances
                    .entry(set.to_string())
                    .or_default()
                    .push(name.clone());
            }
        }
        Observed {
            instances,
            primary_instance: self
                .primary_pod()
                .and_then(|p| label(&p.metadata, labels::INSTANCE))
                .map(String::from),
        }
    }

    /// The Secrets credentials are kept from.
    pub fn existing_secrets(&self, cluster: &str) -> Existing {
        let prefix = names::user_secret(cluster, "");
        let users = self
            .secrets
            .iter()
            .filter_map(|(name, s)| {
                let user = label(&s.metadata, labels::PGUSER)
                    .map(String::from)
                    .or_else(|| name.strip_prefix(&prefix).map(String::from))?;
                Some((user, s.clone()))
            })
            .collect();
        Existing {
            root_ca: self.root_ca.clone(),
            server: self
                .secrets
                .get(&names::cluster_cert_secret(cluster))
                .cloned(),
            replication: self
                .secrets
                .get(&names::replication_cert_secret(cluster))
                .cloned(),
            pgbackrest: self.secrets.get(&names::pgbackrest(cluster)).cloned(),
            pgbouncer: self.secrets.get(&names::pgbouncer(cluster)).cloned(),
            monitoring: self
                .secrets
                .get(&names::monitoring_secret(cluster))
                .cloned(),
            patroni_api: self
                .secrets
                .get(&names::patroni_api_secret(cluster))
                .cloned(),
            users,
        }
    }

    /// An annotation Patroni keeps on its config Endpoints.
    pub fn patroni_annotation(&self, key: &str) -> Option<&str> {
        self.patroni_config
            .as_ref()?
            .metadata
            .annotations
            .as_ref()?
            .get(key)
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pgbackrest::restore::tests::{meta, pod};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
    use k8s_openapi::ByteString;

    fn master(name: &str, instance: &str) -> Pod {
        pod(
            name,
            &[
                (labels::ROLE, labels::ROLE_MASTER),
                (labels::INSTANCE, instance),
            ],
            true,
        )
    }

    #[test]
    fn a_pod_patroni_4_labelled_primary_is_the_primary_too() {
        let read = ReadState {
            pods: vec![pod(
                "hippo-instance1-aaaa-0",
                &[(labels::ROLE, labels::ROLE_PRIMARY)],
                true,
            )],
            ..Default::default()
        };
        assert_eq!(
            read.primary_pod().map(|p| p.name_any()).as_deref(),
            Some("hippo-instance1-aaaa-0")
        );
    }

    #[test]
    fn primary_pod_skips_replicas_and_terminating_masters() {
        let mut old = master("hippo-instance1-aaaa-0", "hippo-instance1-aaaa");
        old.metadata.deletion_timestamp = Some(Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH));
        let replica = pod(
            "hippo-instance1-bbbb-0",
            &[(labels::ROLE, labels::ROLE_REPLICA)],
            true,
        );
        let mut read = ReadState {
            pods: vec![old, replica],
            ..Default::default()
        };
        assert!(read.primary_pod().is_none());
        read.pods
            .push(master("hippo-instance1-cccc-0", "hippo-instance1-cccc"));
        assert_eq!(
            read.primary_pod().unwrap().metadata.name.as_deref(),
            Some("hippo-instance1-cccc-0")
        );
    }

    #[test]
    fn observed_groups_instances_by_set_and_names_the_primary_instance() {
        let sts = |name: &str, set: Option<&str>| {
            let labels: Vec<(&str, &str)> =
                set.map(|s| (labels::INSTANCE_SET, s)).into_iter().collect();
            (
                name.to_string(),
                StatefulSet {
                    metadata: meta(name, &labels, &[]),
                    ..Default::default()
                },
            )
        };
        let read = ReadState {
            stateful_sets: [
                sts("hippo-instance1-aaaa", Some("instance1")),
                sts("hippo-instance1-bbbb", Some("instance1")),
                sts("hippo-big-cccc", Some("big")),
                // The repository host has no instance set.
                sts("hippo-repo-host", None),
            ]
            .into(),
            pods: vec![master("hippo-big-cccc-0", "hippo-big-cccc")],
            ..Default::default()
        };
        let o = read.observed();
        assert_eq!(
            o.instances,
            BTreeMap::from([
                ("big".to_string(), vec!["hippo-big-cccc".to_string()]),
                (
                    "instance1".to_string(),
                    vec![
                        "hippo-instance1-aaaa".to_string(),
                        "hippo-instance1-bbbb".to_string()
                    ]
                ),
            ])
        );
        assert_eq!(o.primary_instance.as_deref(), Some("hippo-big-cccc"));
        assert!(ReadState::default().observed().primary_instance.is_none());
    }

    #[test]
    fn existing_secrets_finds_user_secrets_by_label_and_by_name() {
        let secret = |name: &str, labels: &[(&str, &str)]| {
            (
                name.to_string(),
                Secret {
                    metadata: meta(name, labels, &[]),
                    data: Some([("password".to_string(), ByteString(b"pw".to_vec()))].into()),
                    ..Default::default()
                },
            )
        };
        let read = ReadState {
            secrets: [
                secret("custom-name", &[(labels::PGUSER, "rhino")]),
                secret("hippo-pguser-zebra", &[]),
                secret("hippo-cluster-cert", &[]),
                secret("hippo-replication-cert", &[]),
                secret("hippo-pgbackrest", &[]),
            ]
            .into(),
            ..Default::default()
        };
        let e = read.existing_secrets("hippo");
        assert_eq!(
            e.users.keys().collect::<Vec<_>>(),
            ["rhino", "zebra"],
            "certificates are not users"
        );
        assert_eq!(
            e.users["rhino"].metadata.name.as_deref(),
            Some("custom-name")
        );
        assert!(e.server.is_some());
        assert!(e.replication.is_some());
        assert!(e.pgbackrest.is_some());
        assert!(e.root_ca.is_none());
    }

    #[test]
    fn a_pod_is_ready_only_with_a_true_ready_condition() {
        assert!(pod_is_ready(&pod("a", &[], true)));
        assert!(!pod_is_ready(&pod("a", &[], false)));
        assert!(!pod_is_ready(&Pod::default()));
    }

    #[test]
    fn patroni_annotation_reads_the_config_endpoints() {
        let mut read = ReadState::default();
        assert_eq!(read.patroni_annotation("initialize"), None);
        read.patroni_config = Some(Endpoints {
            metadata: meta("hippo-ha-config", &[], &[("initialize", "7123")]),
            ..Default::default()
        });
        assert_eq!(read.patroni_annotation("initialize"), Some("7123"));
        assert_eq!(read.patroni_annotation("config"), None);
    }
}
