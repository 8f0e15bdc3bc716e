//! Pipeline step 4 of 5 (observe -> validate -> plan -> **apply** -> status): server-side apply
//! of every desired object under one field manager, then removal of the cluster's labelled
//! objects that this pass did not produce; and the status, on the status subresource.
//!
//! An object is sent only when what we want changed, or when someone else changed the object
//! since we last applied it: an unchanged cluster costs no write requests on resync.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kube::api::{DeleteParams, Patch, PatchParams, PropagationPolicy};
use kube::{Api, Client, Resource, ResourceExt};
use pgo_api::names::AGENT_MANAGER;
use pgo_api::{PostgresCluster, PostgresClusterStatus};
use serde::Serialize;

use crate::desired::Desired;
use crate::observe::{ByName, Object, ReadState};
use crate::retire::Retire;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to apply {kind} {name}: {source}")]
    Apply {
        kind: &'static str,
        name: String,
        source: kube::Error,
    },
    #[error("failed to update the status of {name}: {source}")]
    Status { name: String, source: kube::Error },
    #[error("failed to delete {kind} {name} that the spec no longer wants: {source}")]
    Delete {
        kind: &'static str,
        name: String,
        source: kube::Error,
    },
}

/// What was applied: status is computed from these, never from the spec alone.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    pub stateful_sets: Vec<StatefulSet>,
    /// PgBouncer's, with the status the API server returned.
    pub deployments: Vec<Deployment>,
    /// Write requests this pass sent (applies and deletes).
    pub writes: u32,
    /// Claims whose change the API server refused: (wanted, reason, message).
    pub refused_claims: Vec<(PersistentVolumeClaim, String, String)>,
    /// A Service was made again this pass: look again soon (the Endpoints controller may
    /// remove the old Service's Endpoints after ours were written).
    pub recreated: bool,
}

type Key = (&'static str, String, String);

/// Remembers what was last applied, to skip unchanged objects.
#[derive(Default)]
pub struct ApplyCache {
    seen: Mutex<HashMap<Key, (u64, String)>>,
    /// Per cluster (namespace, name): the resourceVersion its last status write replaced. The
    /// watch may hand the next reconcile that very version again, from before the write; acting
    /// on it would write the older status back (a finished backup over a started one).
    superseded: Mutex<HashMap<(String, String), String>>,
}

fn fingerprint<K: Serialize>(obj: &K) -> u64 {
    // FNV-1a over the JSON form: stable and cheap.
    let bytes = serde_json::to_vec(obj).unwrap_or_default();
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

impl ApplyCache {
    fn unchanged(&self, key: &Key, fp: u64, observed_rv: Option<&str>) -> bool {
        let seen = self.seen.lock().expect("apply cache");
        matches!((seen.get(key), observed_rv), (Some((f, rv)), Some(o)) if *f == fp && rv == o)
    }

    fn record(&self, key: Key, fp: u64, rv: Option<String>) {
        let mut seen = self.seen.lock().expect("apply cache");
        match rv {
            Some(rv) => seen.insert(key, (fp, rv)),
            None => seen.remove(&key),
        };
    }

    /// Forgets a deleted cluster's objects: their names all start with `<cluster>-`.
    pub fn forget(&self, namespace: &str, cluster: &str) {
        let prefix = format!("{cluster}-");
        let mut seen = self.seen.lock().expect("apply cache");
        seen.retain(|(_, ns, n), _| !(ns == namespace && n.starts_with(&prefix)));
        let mut superseded = self.superseded.lock().expect("apply cache");
        superseded.remove(&(namespace.to_string(), cluster.to_string()));
    }

    fn supersede(&self, namespace: &str, cluster: &str, rv: String) {
        let mut superseded = self.superseded.lock().expect("apply cache");
        superseded.insert((namespace.to_string(), cluster.to_string()), rv);
    }

    /// Whether `pc` is the version this agent's last status write already replaced: a stale
    /// read, to be looked at again once the watch brings the newer one.
    pub fn is_stale(&self, pc: &PostgresCluster) -> bool {
        let key = (pc.namespace().unwrap_or_default(), pc.name_any());
        let superseded = self.superseded.lock().expect("apply cache");
        matches!((superseded.get(&key), pc.metadata.resource_version.as_ref()), (Some(old), Some(rv)) if old == rv)
    }
}

pub struct Applier<'a> {
    pub client: &'a Client,
    pub cache: &'a ApplyCache,
    pub namespace: &'a str,
    writes: u32,
}

impl<'a> Applier<'a> {
    pub fn new(client: &'a Client, cache: &'a ApplyCache, namespace: &'a str) -> Self {
        Self {
            client,
            cache,
            namespace,
            writes: 0,
        }
    }

    async fn apply<K: Object>(&mut self, desired: &K, observed: &ByName<K>) -> Result<K, Error> {
        let name = desired.name_any();
        let key: Key = (
            <K as k8s_openapi::Resource>::KIND,
            self.namespace.to_string(),
            name.clone(),
        );
        let fp = fingerprint(desired);
        let current = observed.get(&name);
        if let Some(cur) = current {
            if self
                .cache
                .unchanged(&key, fp, cur.resource_version().as_deref())
            {
                return Ok(cur.clone());
            }
        }
        let api: Api<K> = Api::namespaced(self.client.clone(), self.namespace);
        let mut obj = serde_json::to_value(desired).expect("serializable");
        obj["apiVersion"] = K::api_version(&()).into();
        obj["kind"] = K::kind(&()).into();
        self.writes += 1;
        let applied = api
            .patch(
                &name,
                &PatchParams::apply(AGENT_MANAGER).force(),
                &Patch::Apply(&obj),
            )
            .await
            .map_err(|source| Error::Apply {
                kind: <K as k8s_openapi::Resource>::KIND,
                name: name.clone(),
                source,
            })?;
        self.cache.record(key, fp, applied.resource_version());
        Ok(applied)
    }

    async fn apply_all<K: Object>(
        &mut self,
        desired: &[K],
        observed: &ByName<K>,
    ) -> Result<Vec<K>, Error> {
        let mut out = Vec::with_capacity(desired.len());
        for d in desired {
            out.push(self.apply(d, observed).await?);
        }
        Ok(out)
    }

    /// Deletes the labelled objects of this kind that are not wanted any more, except those of
    /// instances `retire` keeps.
    async fn prune<K: Object>(
        &mut self,
        desired: &[K],
        observed: &ByName<K>,
        retire: &Retire,
    ) -> Result<(), Error> {
        let wanted: Vec<String> = desired.iter().map(|d| d.name_any()).collect();
        let api: Api<K> = Api::namespaced(self.client.clone(), self.namespace);
        for (name, obj) in observed {
            if wanted.contains(name) || obj.meta().deletion_timestamp.is_some() {
                continue;
            }
            let instance = obj
                .meta()
                .labels
                .as_ref()
                .and_then(|l| l.get(pgo_api::names::labels::INSTANCE));
            if !retire.may_remove(instance.map(String::as_str)) {
                continue;
            }
            // Backups are kept when a repository leaves the spec: only deleting the cluster
            // (through the owner reference) removes a repository volume.
            if obj
                .meta()
                .labels
                .as_ref()
                .is_some_and(|l| l.contains_key(pgo_api::names::labels::PGBACKREST_VOLUME))
            {
                continue;
            }
            tracing::info!(kind = <K as k8s_openapi::Resource>::KIND, %name, namespace = self.namespace, "deleting object the spec no longer wants");
            self.writes += 1;
            let dp = DeleteParams {
                propagation_policy: Some(PropagationPolicy::Background),
                ..Default::default()
            };
            match api.delete(name, &dp).await {
                Ok(_) => {}
                Err(kube::Error::Api(e)) if e.code == 404 => {}
                Err(source) => {
                    return Err(Error::Delete {
                        kind: <K as k8s_openapi::Resource>::KIND,
                        name: name.clone(),
                        source,
                    })
                }
            }
            self.cache.record(
                (
                    <K as k8s_openapi::Resource>::KIND,
                    self.namespace.to_string(),
                    name.clone(),
                ),
                0,
                None,
            );
        }
        Ok(())
    }

    /// Applies everything, in dependency order, then prunes. StatefulSets of replicas are
    /// applied before the primary's, so a configuration change restarts replicas first.
    pub async fn apply_desired(
        mut self,
        desired: &Desired,
        read: &ReadState,
        primary_instance: Option<&str>,
        retire: &Retire,
    ) -> Result<Applied, Error> {
        let root = BTreeMap::from_iter(read.root_ca.clone().map(|s| (s.name_any(), s)));
        self.apply(&desired.root_ca, &root).await?;
        self.apply_all(&desired.service_accounts, &read.service_accounts)
            .await?;
        self.apply_all(&desired.roles, &read.roles).await?;
        self.apply_all(&desired.role_bindings, &read.role_bindings)
            .await?;
        self.apply_all(&desired.secrets, &read.secrets).await?;
        self.apply_all(&desired.config_maps, &read.config_maps)
            .await?;
        // clusterIP cannot change: a Service that must become headless (`<cluster>-primary` of a
        // cluster made before it resolved through the leader Service) is made again.
        let mut recreated = false;
        for want in &desired.services {
            let headless = |s: &k8s_openapi::api::core::v1::Service| {
                s.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None")
            };
            if let Some(have) = read.services.get(&want.name_any()) {
                if headless(want) && !headless(have) && have.metadata.deletion_timestamp.is_none() {
                    let name = want.name_any();
                    tracing::info!(%name, namespace = self.namespace, "recreating the Service as a headless one");
                    self.writes += 1;
                    recreated = true;
                    let api: Api<k8s_openapi::api::core::v1::Service> =
                        Api::namespaced(self.client.clone(), self.namespace);
                    match api.delete(&name, &DeleteParams::default()).await {
                        Ok(_) => {}
                        Err(kube::Error::Api(e)) if e.code == 404 => {}
                        Err(source) => {
                            return Err(Error::Delete {
                                kind: "Service",
                                name,
                                source,
                            })
                        }
                    }
                }
            }
        }
        let services = self.apply_all(&desired.services, &read.services).await?;
        // The primary's name resolves to the leader Service, once it has its ClusterIP.
        let leader_ip = services
            .iter()
            .find(|s| s.name_any() == desired.leader_service)
            .and_then(|s| s.spec.as_ref()?.cluster_ip.clone())
            .filter(|ip| !ip.is_empty() && ip != "None");
        if let (Some(ip), Some(template)) = (leader_ip, &desired.primary_endpoints) {
            let mut endpoints = template.clone();
            for subset in endpoints.subsets.iter_mut().flatten() {
                for address in subset.addresses.iter_mut().flatten() {
                    address.ip = ip.clone();
                }
            }
            self.apply(&endpoints, &read.primary_endpoints).await?;
        }
        // A claim being deleted (replicas' volumes after a restore) is recreated once it is
        // gone, never from its old fields: its old volume cannot bind again.
        let pvcs: Vec<_> = desired
            .pvcs
            .iter()
            .filter(|p| {
                read.pvcs
                    .get(&p.name_any())
                    .is_none_or(|c| c.metadata.deletion_timestamp.is_none())
            })
            .map(|p| keep_bound_fields(p, read))
            .collect();
        // A size change the API server refuses (a shrink, or growth the StorageClass does not
        // allow) keeps that volume as it is; everything else goes on.
        let mut refused = Vec::new();
        for pvc in &pvcs {
            match self.apply(pvc, &read.pvcs).await {
                Ok(_) => {}
                Err(Error::Apply {
                    source: kube::Error::Api(e),
                    ..
                }) if (e.code == 403 || e.code == 422)
                    && read.pvcs.contains_key(&pvc.name_any()) =>
                {
                    refused.push((pvc.clone(), e.reason.clone(), e.message.clone()));
                }
                Err(e) => return Err(e),
            }
        }
        let (primary, replicas): (Vec<StatefulSet>, Vec<StatefulSet>) = desired
            .stateful_sets
            .iter()
            .cloned()
            .partition(|s| Some(s.name_any().as_str()) == primary_instance);
        let mut stateful_sets = self.apply_all(&replicas, &read.stateful_sets).await?;
        stateful_sets.extend(self.apply_all(&primary, &read.stateful_sets).await?);
        let deployments = self
            .apply_all(&desired.deployments, &read.deployments)
            .await?;
        self.apply_all(&desired.pdbs, &read.pdbs).await?;

        // Remove what the spec no longer wants: workloads first, then their claims.
        self.prune(&desired.pdbs, &read.pdbs, retire).await?;
        self.prune(&desired.deployments, &read.deployments, retire)
            .await?;
        self.prune(&desired.stateful_sets, &read.stateful_sets, retire)
            .await?;
        self.prune(&desired.pvcs, &read.pvcs, retire).await?;
        self.prune(&desired.services, &read.services, retire)
            .await?;
        self.prune(&desired.config_maps, &read.config_maps, retire)
            .await?;
        self.prune(&desired.secrets, &read.secrets, retire).await?;
        self.prune(&desired.role_bindings, &read.role_bindings, retire)
            .await?;
        self.prune(&desired.roles, &read.roles, retire).await?;
        self.prune(&desired.service_accounts, &read.service_accounts, retire)
            .await?;
        Ok(Applied {
            stateful_sets,
            deployments,
            writes: self.writes,
            refused_claims: refused,
            recreated,
        })
    }
}

/// Fields of a claim that are set once by others (the default StorageClass, the binder) and are
/// immutable: re-apply them as they are, or the API server refuses the apply.
fn keep_bound_fields(desired: &PersistentVolumeClaim, read: &ReadState) -> PersistentVolumeClaim {
    let mut out = desired.clone();
    let current = read
        .pvcs
        .get(&desired.name_any())
        .and_then(|c| c.spec.as_ref());
    if let (Some(cur), Some(spec)) = (current, out.spec.as_mut()) {
        spec.storage_class_name = cur.storage_class_name.clone();
        spec.volume_name = cur.volume_name.clone();
        spec.volume_mode = cur.volume_mode.clone();
    }
    out
}

/// Writes the status through the status subresource, when it changed. Returns the writes sent.
pub async fn patch_status(
    client: &Client,
    cache: &ApplyCache,
    pc: &PostgresCluster,
    status: PostgresClusterStatus,
) -> Result<u32, Error> {
    if pc.status.as_ref() == Some(&status) {
        return Ok(0);
    }
    let api: Api<PostgresCluster> =
        Api::namespaced(client.clone(), &pc.namespace().unwrap_or_default());
    let body = serde_json::json!({
        "apiVersion": PostgresCluster::api_version(&()),
        "kind": PostgresCluster::kind(&()),
        "status": status,
    });
    api.patch_status(
        &pc.name_any(),
        &PatchParams::apply(AGENT_MANAGER).force(),
        &Patch::Apply(&body),
    )
    .await
    .map_err(|source| Error::Status {
        name: pc.name_any(),
        source,
    })?;
    if let Some(rv) = pc.metadata.resource_version.clone() {
        cache.supersede(&pc.namespace().unwrap_or_default(), &pc.name_any(), rv);
    }
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_a_status_write_replaced_is_stale_and_only_that_one() {
        let cache = ApplyCache::default();
        let mut pc = PostgresCluster::new("hippo", Default::default());
        pc.metadata.namespace = Some("ns".into());
        pc.metadata.resource_version = Some("10".into());
        assert!(!cache.is_stale(&pc), "nothing written yet");
        cache.supersede("ns", "hippo", "10".into());
        assert!(
            cache.is_stale(&pc),
            "the watch handed back the version we replaced"
        );
        pc.metadata.resource_version = Some("11".into());
        assert!(!cache.is_stale(&pc), "a newer version");
        pc.metadata.resource_version = Some("10".into());
        cache.forget("ns", "hippo");
        assert!(!cache.is_stale(&pc), "a deleted cluster is forgotten");
    }

    #[test]
    fn cache_skips_only_when_both_spec_and_object_are_unchanged() {
        let cache = ApplyCache::default();
        let key: Key = ("ConfigMap", "ns".into(), "a-config".into());
        assert!(!cache.unchanged(&key, 1, Some("10")));
        cache.record(key.clone(), 1, Some("10".into()));
        assert!(cache.unchanged(&key, 1, Some("10")));
        assert!(!cache.unchanged(&key, 2, Some("10")), "spec changed");
        assert!(!cache.unchanged(&key, 1, Some("11")), "someone edited it");
        cache.forget("ns", "a");
        assert!(!cache.unchanged(&key, 1, Some("10")));
    }

    #[test]
    fn forgetting_a_cluster_keeps_other_clusters_and_namespaces() {
        let cache = ApplyCache::default();
        let keys: Vec<Key> = vec![
            ("Secret", "ns".into(), "hippo-pguser-rhino".into()),
            ("Secret", "other".into(), "hippo-pguser-rhino".into()),
            ("Secret", "ns".into(), "rhino-pguser-rhino".into()),
            ("Secret", "ns".into(), "pgo-root-cacert".into()),
            ("Secret", "ns".into(), "hippo".into()),
        ];
        for k in &keys {
            cache.record(k.clone(), 1, Some("1".into()));
        }
        cache.forget("ns", "hippo");
        let kept: Vec<bool> = keys
            .iter()
            .map(|k| cache.unchanged(k, 1, Some("1")))
            .collect();
        assert_eq!(kept, [false, true, true, true, true]);
    }

    #[test]
    fn deleting_an_object_forgets_it() {
        let cache = ApplyCache::default();
        let key: Key = ("Service", "ns".into(), "hippo-primary".into());
        cache.record(key.clone(), 7, Some("3".into()));
        cache.record(key.clone(), 0, None);
        assert!(!cache.unchanged(&key, 7, Some("3")));
        // An object never seen on the server is never skipped.
        cache.record(key.clone(), 7, Some("3".into()));
        assert!(!cache.unchanged(&key, 7, None));
    }

    #[test]
    fn fingerprint_is_stable_and_sees_every_field() {
        use k8s_openapi::api::core::v1::ConfigMap;
        let cm = |v: &str| ConfigMap {
            data: Some([("k".to_string(), v.to_string())].into()),
            ..Default::default()
        };
        assert_eq!(fingerprint(&cm("a")), fingerprint(&cm("a")));
        assert_ne!(fingerprint(&cm("a")), fingerprint(&cm("b")));
    }

    #[test]
    fn an_existing_claim_keeps_its_bound_volume_and_storage_class() {
        use k8s_openapi::api::core::v1::PersistentVolumeClaimSpec;
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
        let claim = |spec: PersistentVolumeClaimSpec| PersistentVolumeClaim {
            metadata: ObjectMeta {
                name: Some("hippo-instance1-abcd-pgdata".into()),
                ..Default::default()
            },
            spec: Some(spec),
            status: None,
        };
        let desired = claim(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".into()]),
            ..Default::default()
        });
        // Nothing exists yet: the claim goes as built.
        assert_eq!(keep_bound_fields(&desired, &ReadState::default()), desired);

        let bound = claim(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".into()]),
            storage_class_name: Some("standard".into()),
            volume_name: Some("pv-123".into()),
            volume_mode: Some("Filesystem".into()),
            ..Default::default()
        });
        let read = ReadState {
            pvcs: [("hippo-instance1-abcd-pgdata".to_string(), bound.clone())].into(),
            ..Default::default()
        };
        let out = keep_bound_fields(&desired, &read);
        assert_eq!(out.spec, bound.spec);
    }
}
