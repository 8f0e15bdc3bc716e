//! Pipeline step 3 of 5 (observe -> validate -> **plan** -> apply -> status), its objects half:
//! every object a cluster should have, from the validated spec, what was observed and what the
//! pgBackRest plan decided (`crate::pgbackrest`). Pure: no I/O. One module per kind of object.

pub mod exporter;
mod instance;
pub mod jobs;
mod patroni;
pub mod pgbackrest;
pub mod pgbouncer;
mod pod;
mod rbac;
mod secret;
mod service;

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{
    ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use pgo_api::names::{self, labels};

use crate::credentials::Material;
use crate::observe::Observed;
use pgo_api::validate::ValidatedCluster;

pub use instance::{plan_instances, InstancePlan};
pub use patroni::{config_key, dcs_config, sha256_hex, users_revision, users_sql};

/// What a restore or clone in progress changes in the objects.
#[derive(Debug, Clone, Default)]
pub struct Restoring {
    /// Which instances may run.
    pub hold: Hold,
    /// The restore configuration of a clone, built from the source cluster's spec.
    pub clone_conf: Option<String>,
}

/// Instances held down by a restore: none, all of them, or all but the one being restored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Hold {
    #[default]
    None,
    All,
    AllBut(String),
}

impl Hold {
    pub fn stops(&self, instance: &str) -> bool {
        match self {
            Hold::None => false,
            Hold::All => true,
            Hold::AllBut(keep) => keep != instance,
        }
    }
}

/// Every object the cluster should have.
#[derive(Debug, Clone, Default)]
pub struct Desired {
    pub stateful_sets: Vec<StatefulSet>,
    /// PgBouncer's, with `spec.proxy.pgBouncer`.
    pub deployments: Vec<Deployment>,
    pub pvcs: Vec<PersistentVolumeClaim>,
    pub services: Vec<Service>,
    pub config_maps: Vec<ConfigMap>,
    pub secrets: Vec<Secret>,
    pub service_accounts: Vec<ServiceAccount>,
    pub roles: Vec<Role>,
    pub role_bindings: Vec<RoleBinding>,
    pub pdbs: Vec<PodDisruptionBudget>,
    /// `<cluster>-primary`'s Endpoints, without an address: the apply fills in the ClusterIP of
    /// the leader Service, `leader_service`, once that exists.
    pub primary_endpoints: Option<k8s_openapi::api::core::v1::Endpoints>,
    pub leader_service: String,
    /// The namespace's root CA: shared by clusters, so it has no owner and is never cleaned up.
    pub root_ca: Secret,
    /// The instances, by set, that the StatefulSets above run.
    pub plan: InstancePlan,
}

/// Labels every object of the cluster carries.
pub fn cluster_labels(v: &ValidatedCluster) -> BTreeMap<String, String> {
    let mut l = v.labels.clone();
    l.insert(labels::CLUSTER.into(), v.name.clone());
    l.insert(labels::MANAGED_BY.into(), labels::MANAGED_BY_VALUE.into());
    l
}

pub fn owner_reference(v: &ValidatedCluster) -> OwnerReference {
    OwnerReference {
        api_version: format!("{}/v1beta1", names::GROUP),
        kind: "PostgresCluster".into(),
        name: v.name.clone(),
        uid: v.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// Metadata for an object owned by the cluster.
pub fn meta(
    v: &ValidatedCluster,
    name: impl Into<String>,
    extra_labels: &[(&str, &str)],
) -> ObjectMeta {
    let mut l = cluster_labels(v);
    for (k, val) in extra_labels {
        l.insert((*k).into(), (*val).into());
    }
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some(v.namespace.clone()),
        labels: Some(l),
        annotations: (!v.annotations.is_empty()).then(|| v.annotations.clone()),
        owner_references: Some(vec![owner_reference(v)]),
        ..Default::default()
    }
}

/// Builds every object. `pdb_supported` is false where the server does not serve `policy/v1`.
pub fn build(
    v: &ValidatedCluster,
    observed: &Observed,
    restoring: &Restoring,
    material: &Material,
    pdb_supported: bool,
) -> Desired {
    let plan = plan_instances(v, observed);
    let files = patroni::patroni_files(v);

    let mut desired = Desired {
        root_ca: secret::root_ca(v, material),
        ..Default::default()
    };
    desired.config_maps.push(patroni::config_map(v, &files));
    desired.services = service::services(v);
    desired.primary_endpoints = Some(service::primary_endpoints(v, ""));
    desired.leader_service = names::patroni_scope(&v.name);
    desired.service_accounts.push(rbac::service_account(v));
    desired.roles.push(rbac::role(v));
    desired.role_bindings.push(rbac::role_binding(v));
    desired.secrets.extend(secret::tls_secrets(v, material));
    desired.secrets.extend(secret::user_secrets(v, material));
    desired.secrets.push(secret::patroni_api(v, material));

    if v.exporter.is_some() {
        desired.config_maps.push(exporter::config_map(v));
        desired.secrets.extend(exporter::secret(v, material));
    }

    if let Some(p) = &v.pgbouncer {
        desired.config_maps.push(pgbouncer::config_map(v, p));
        desired.secrets.extend(pgbouncer::secret(v, p, material));
        desired.services.push(pgbouncer::service(v, p));
        desired.deployments.push(pgbouncer::deployment(v, p));
        if pdb_supported {
            desired.pdbs.extend(pgbouncer::pdb(v, p));
        }
    }

    if let Some(b) = &v.backups {
        let all: Vec<String> = plan.values().flatten().cloned().collect();
        let mut files = BTreeMap::from([
            (
                pgbackrest::INSTANCE_CONF.to_string(),
                pgbackrest::instance_conf(v, b),
            ),
            (
                pgbackrest::REPO_HOST_CONF.to_string(),
                pgbackrest::repo_host_conf(v, b, &all),
            ),
        ]);
        if let Some(c) = &restoring.clone_conf {
            files.insert(pgbackrest::RESTORE_CONF.into(), c.clone());
        }
        desired.config_maps.push(pgbackrest::config_map(v, files));
        desired.stateful_sets.push(pgbackrest::repo_host(v, b));
        desired.pvcs.extend(pgbackrest::repo_pvcs(v, b));
        let (sa, role, rb) = jobs::job_rbac(v);
        desired.service_accounts.push(sa);
        desired.roles.push(role);
        desired.role_bindings.push(rb);
    } else if let Some(c) = &restoring.clone_conf {
        let files = BTreeMap::from([(pgbackrest::RESTORE_CONF.to_string(), c.clone())]);
        desired.config_maps.push(pgbackrest::config_map(v, files));
    }

    for set in &v.instance_sets {
        let config_hash = patroni::config_hash(&files[&patroni::config_key(&set.name)], material);
        for instance in plan.get(&set.name).into_iter().flatten() {
            let mut sts = instance::stateful_set(v, set, instance, &config_hash);
            if restoring.hold.stops(instance) {
                if let Some(spec) = sts.spec.as_mut() {
                    spec.replicas = Some(0);
                }
            }
            desired.stateful_sets.push(sts);
            desired.pvcs.extend(instance::pvcs(v, set, instance));
        }
        if pdb_supported {
            desired.pdbs.push(instance::pdb(v, set));
        }
    }
    desired.plan = plan;
    desired
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use pgo_api::validate::{validate, Defaults};

    pub const HIPPO: &str = include_str!("fixtures/hippo.yaml");

    pub fn validated(yaml: &str) -> ValidatedCluster {
        let pc: pgo_api::PostgresCluster = serde_yaml::from_str(yaml).unwrap();
        validate(&pc, &defaults()).unwrap()
    }

    /// A fixture as if its `postgresVersion` were `version`.
    pub fn validated_at(yaml: &str, version: i32) -> ValidatedCluster {
        let mut pc: pgo_api::PostgresCluster = serde_yaml::from_str(yaml).unwrap();
        pc.spec.postgres_version = version;
        validate(&pc, &defaults()).unwrap()
    }

    /// An image for every major the project builds, as the installed agent has.
    fn defaults() -> Defaults {
        Defaults {
            postgres_images: pgo_api::versions::built_versions()
                .into_iter()
                .map(|v| (v, format!("localhost/pgo-postgres:{v}")))
                .collect(),
            ..Default::default()
        }
    }

    pub fn material(v: &ValidatedCluster) -> Material {
        crate::credentials::ensure(v, &Default::default()).unwrap()
    }

    /// Every object of a fixture, with nothing observed yet.
    pub fn build_fresh(yaml: &str, pdb_supported: bool) -> (ValidatedCluster, Desired) {
        let v = validated(yaml);
        let d = build(
            &v,
            &Observed::default(),
            &Restoring::default(),
            &material(&v),
            pdb_supported,
        );
        (v, d)
    }

    #[test]
    fn every_object_is_labelled_and_owned() {
        let (_, d) = build_fresh(HIPPO, true);
        let mut metas: Vec<&ObjectMeta> = Vec::new();
        metas.extend(d.stateful_sets.iter().map(|o| &o.metadata));
        metas.extend(d.deployments.iter().map(|o| &o.metadata));
        metas.extend(d.pvcs.iter().map(|o| &o.metadata));
        metas.extend(d.services.iter().map(|o| &o.metadata));
        metas.extend(d.config_maps.iter().map(|o| &o.metadata));
        metas.extend(d.secrets.iter().map(|o| &o.metadata));
        metas.extend(d.service_accounts.iter().map(|o| &o.metadata));
        metas.extend(d.roles.iter().map(|o| &o.metadata));
        metas.extend(d.role_bindings.iter().map(|o| &o.metadata));
        metas.extend(d.pdbs.iter().map(|o| &o.metadata));
        assert!(metas.len() > 10);
        for m in metas {
            let l = m.labels.as_ref().unwrap();
            assert_eq!(l[labels::CLUSTER], "hippo", "{:?}", m.name);
            assert_eq!(l[labels::MANAGED_BY], "pgo-agent");
            assert_eq!(m.owner_references.as_ref().unwrap()[0].uid, "u1");
        }
        assert!(d.root_ca.metadata.owner_references.is_none());
    }

    #[test]
    fn two_replicas_make_two_statefulsets_with_data_and_wal_claims() {
        let (_, d) = build_fresh(HIPPO, false);
        assert_eq!(d.stateful_sets.len(), 2);
        assert_eq!(d.pvcs.len(), 4);
        assert!(d.pdbs.is_empty());
        let names: Vec<_> = d
            .pvcs
            .iter()
            .map(|p| p.metadata.name.clone().unwrap())
            .collect();
        assert!(names.iter().any(|n| n.ends_with("-pgwal")));
    }

    fn replicas_by_name(d: &Desired) -> BTreeMap<String, Option<i32>> {
        d.stateful_sets
            .iter()
            .map(|s| {
                (
                    s.metadata.name.clone().unwrap(),
                    s.spec.as_ref().unwrap().replicas,
                )
            })
            .collect()
    }

    #[test]
    fn holds_stop_what_they_say() {
        assert!(!Hold::None.stops("a"));
        assert!(Hold::All.stops("a"));
        assert!(!Hold::AllBut("a".into()).stops("a"));
        assert!(Hold::AllBut("a".into()).stops("b"));
    }

    #[test]
    fn every_instance_is_stopped_while_a_restore_holds_them_all() {
        let v = validated(HIPPO);
        let restoring = Restoring {
            hold: Hold::All,
            clone_conf: None,
        };
        let d = build(&v, &Observed::default(), &restoring, &material(&v), true);
        let replicas = replicas_by_name(&d);
        assert_eq!(replicas.len(), 2);
        assert!(replicas.values().all(|r| *r == Some(0)), "{replicas:?}");
        // The claims stay: a restore writes into them.
        assert_eq!(d.pvcs.len(), 4);
    }

    #[test]
    fn replicas_are_stopped_while_a_restore_holds_all_but_the_restored_instance() {
        let v = validated(HIPPO);
        let plan = plan_instances(&v, &Observed::default());
        let keep = plan["instance1"][1].clone();
        let restoring = Restoring {
            hold: Hold::AllBut(keep.clone()),
            clone_conf: None,
        };
        let d = build(&v, &Observed::default(), &restoring, &material(&v), true);
        for (name, r) in replicas_by_name(&d) {
            let want = if name == keep { 1 } else { 0 };
            assert_eq!(r, Some(want), "{name}");
        }
    }

    #[test]
    fn a_clone_without_backups_gets_a_pgbackrest_config_map_with_only_the_restore_conf() {
        let v = validated(HIPPO);
        let restoring = Restoring {
            hold: Hold::All,
            clone_conf: Some("[db]\nrepo1-path=/x\n".into()),
        };
        let d = build(&v, &Observed::default(), &restoring, &material(&v), true);
        let cm = d
            .config_maps
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some("hippo-pgbackrest-config"))
            .expect("pgbackrest config map");
        let data = cm.data.as_ref().unwrap();
        assert_eq!(data.keys().collect::<Vec<_>>(), [pgbackrest::RESTORE_CONF]);
        assert_eq!(data[pgbackrest::RESTORE_CONF], "[db]\nrepo1-path=/x\n");
    }

    #[test]
    fn a_clone_with_backups_adds_the_restore_conf_to_the_pgbackrest_files() {
        let v = validated(pgbackrest::tests::HIPPO_BACKUPS);
        let restoring = Restoring {
            hold: Hold::All,
            clone_conf: Some("restore".into()),
        };
        let d = build(&v, &Observed::default(), &restoring, &material(&v), true);
        let data: Vec<&BTreeMap<String, String>> = d
            .config_maps
            .iter()
            .filter_map(|c| c.data.as_ref())
            .filter(|d| d.contains_key(pgbackrest::INSTANCE_CONF))
            .collect();
        assert_eq!(data.len(), 1);
        assert_eq!(data[0][pgbackrest::RESTORE_CONF], "restore");
        assert!(data[0].contains_key(pgbackrest::REPO_HOST_CONF));
        // Without a clone there is no restore file.
        let d = build(
            &v,
            &Observed::default(),
            &Restoring::default(),
            &material(&v),
            true,
        );
        assert!(d
            .config_maps
            .iter()
            .filter_map(|c| c.data.as_ref())
            .all(|d| !d.contains_key(pgbackrest::RESTORE_CONF)));
    }

    #[test]
    fn cluster_labels_keep_the_users_and_ours_win() {
        let v = validated(
            &HIPPO.replace(
                "  postgresVersion: 15\n",
                "  postgresVersion: 15\n  metadata:\n    labels: {team: zoo, app.kubernetes.io/managed-by: helm}\n    annotations: {owner: ops}\n",
            ),
        );
        let l = cluster_labels(&v);
        assert_eq!(l["team"], "zoo");
        assert_eq!(l[labels::MANAGED_BY], labels::MANAGED_BY_VALUE);
        assert_eq!(l[labels::CLUSTER], "hippo");
        let m = meta(&v, "hippo-x", &[(labels::ROLE, "r")]);
        assert_eq!(m.annotations.unwrap()["owner"], "ops");
        assert_eq!(m.labels.unwrap()[labels::ROLE], "r");
    }

    #[test]
    fn meta_names_the_cluster_as_controlling_owner() {
        let v = validated(HIPPO);
        let m = meta(&v, "hippo-x", &[]);
        assert_eq!(m.name.as_deref(), Some("hippo-x"));
        assert_eq!(m.namespace.as_deref(), Some("db"));
        assert!(m.annotations.is_none(), "no empty annotations");
        let owners = m.owner_references.unwrap();
        assert_eq!(owners.len(), 1);
        let o = &owners[0];
        assert_eq!(o.api_version, "postgres-operator.crunchydata.com/v1beta1");
        assert_eq!(o.kind, "PostgresCluster");
        assert_eq!(o.name, "hippo");
        assert_eq!(o.uid, "u1");
        assert_eq!(o.controller, Some(true));
        assert_eq!(o.block_owner_deletion, Some(true));
    }
}

#[cfg(test)]
mod props_tests;

#[cfg(test)]
mod rbac_manifest_tests;
