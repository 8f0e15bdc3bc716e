//! Instances leaving the spec (a set renamed or removed, unnamed sets shifting position, a
//! scale-down): when their StatefulSets and volumes may go. Pure: decided from what was
//! observed, so a stale read or an agent restart can only delay a removal, never make it
//! delete the wrong volume.
//!
//! The rule: an instance that is not planned any more is removed only while a ready primary
//! runs in a planned instance. If the primary itself is leaving, the agent first switches over
//! to a ready planned replica. Without a ready primary (shut down, failing over, restoring)
//! nothing is removed: the instance that holds the newest data may be the one leaving.

use std::collections::BTreeSet;

use kube::ResourceExt;
use pgo_api::names::{self, labels};

use crate::desired::{Desired, InstancePlan};
use crate::observe::{pod_is_ready, Observed, ReadState};

/// What to do about instances that are no longer planned.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Retire {
    /// Instances whose StatefulSet and volumes must be kept for now.
    pub keep: BTreeSet<String>,
    /// A switchover to run first: (primary pod, candidate pod).
    pub switchover: Option<(String, String)>,
    /// Why a removal waits, for the status and an Event.
    pub waiting: Option<String>,
}

impl Retire {
    /// Whether an object of `instance` (by its instance label) may be pruned.
    pub fn may_remove(&self, instance: Option<&str>) -> bool {
        instance.is_none_or(|i| !self.keep.contains(i))
    }
}

/// Kept instances still run from their set's Patroni file: carry it over from the ConfigMap
/// that exists, so their pods (and `patronictl` in them) keep working until they go.
pub fn keep_config(want: &mut Desired, read: &ReadState, retire: &Retire, cluster: &str) {
    let name = names::cluster_config_map(cluster);
    let Some(existing) = read.config_maps.get(&name).and_then(|c| c.data.as_ref()) else {
        return;
    };
    let sets: BTreeSet<&str> = read
        .stateful_sets
        .values()
        .filter(|s| {
            s.labels()
                .get(labels::INSTANCE)
                .is_some_and(|i| retire.keep.contains(i))
        })
        .filter_map(|s| s.labels().get(labels::INSTANCE_SET).map(String::as_str))
        .collect();
    let Some(data) = want
        .config_maps
        .iter_mut()
        .find(|c| c.metadata.name.as_deref() == Some(name.as_str()))
        .and_then(|c| c.data.as_mut())
    else {
        return;
    };
    for set in sets {
        let key = crate::desired::config_key(set);
        if let (false, Some(file)) = (data.contains_key(&key), existing.get(&key)) {
            data.insert(key, file.clone());
        }
    }
}

pub fn decide(observed: &Observed, read: &ReadState, plan: &InstancePlan) -> Retire {
    let planned: BTreeSet<&str> = plan.values().flatten().map(String::as_str).collect();
    let leaving: BTreeSet<String> = observed
        .instances
        .values()
        .flatten()
        .filter(|i| !planned.contains(i.as_str()))
        .cloned()
        .collect();
    if leaving.is_empty() {
        return Retire::default();
    }
    let list = leaving.iter().cloned().collect::<Vec<_>>().join(", ");
    let primary = read.primary_pod().filter(|p| pod_is_ready(p));
    let primary_instance = primary.and_then(|p| p.labels().get(labels::INSTANCE).cloned());
    let Some(primary_instance) = primary_instance else {
        return Retire {
            keep: leaving,
            switchover: None,
            waiting: Some(format!(
                "instances {list} are no longer in the spec; they and their volumes are kept until a primary runs, since one of them may hold the newest data"
            )),
        };
    };
    if !leaving.contains(&primary_instance) {
        return Retire::default();
    }
    // The primary is leaving: hand over to a ready replica that stays.
    let candidate = read
        .pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none() && pod_is_ready(p))
        .filter(|p| p.labels().get(labels::ROLE).map(String::as_str) == Some(labels::ROLE_REPLICA))
        .filter_map(|p| p.labels().get(labels::INSTANCE))
        .find(|i| planned.contains(i.as_str()))
        .cloned();
    let waiting = match &candidate {
        Some(c) => format!(
            "the primary {primary_instance} is no longer in the spec: switching over to {c} before removing {list}"
        ),
        None => format!(
            "the primary {primary_instance} is no longer in the spec: waiting for a ready replica of the remaining instances before switching over and removing {list}"
        ),
    };
    Retire {
        keep: leaving,
        switchover: candidate.map(|c| {
            (
                names::instance_pod(&primary_instance),
                names::instance_pod(&c),
            )
        }),
        waiting: Some(waiting),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pgbackrest::restore::tests::pod;

    fn observed(instances: &[(&str, &[&str])]) -> Observed {
        Observed {
            instances: instances
                .iter()
                .map(|(s, i)| (s.to_string(), i.iter().map(|x| x.to_string()).collect()))
                .collect(),
            primary_instance: None,
        }
    }

    fn plan(instances: &[(&str, &[&str])]) -> InstancePlan {
        observed(instances).instances
    }

    fn member(instance: &str, role: &str, ready: bool) -> k8s_openapi::api::core::v1::Pod {
        pod(
            &names::instance_pod(instance),
            &[(labels::INSTANCE, instance), (labels::ROLE, role)],
            ready,
        )
    }

    #[test]
    fn a_scale_down_waits_until_the_primary_is_known() {
        let mut v = crate::desired::tests::validated(crate::desired::tests::HIPPO);
        let two = crate::desired::plan_instances(&v, &Observed::default())["instance1"].clone();
        let mut o = observed(&[("instance1", &[two[0].as_str(), two[1].as_str()])]);
        v.instance_sets[0].replicas = 1;
        // Shut down: either instance may hold the newest data.
        assert_eq!(crate::desired::plan_instances(&v, &o)["instance1"], two);
        o.primary_instance = Some(two[1].clone());
        assert_eq!(
            crate::desired::plan_instances(&v, &o)["instance1"],
            vec![two[1].clone()]
        );
    }

    #[test]
    fn a_kept_instance_keeps_its_sets_patroni_file() {
        use k8s_openapi::api::apps::v1::StatefulSet;
        use k8s_openapi::api::core::v1::ConfigMap;
        let (v, mut want) = crate::desired::tests::build_fresh(crate::desired::tests::HIPPO, false);
        let mut read = ReadState::default();
        let cm = names::cluster_config_map(&v.name);
        read.config_maps.insert(
            cm.clone(),
            ConfigMap {
                data: Some([("old.yaml".to_string(), "scope: x".to_string())].into()),
                ..Default::default()
            },
        );
        let mut sts = StatefulSet::default();
        sts.metadata.labels = Some(
            [
                (labels::INSTANCE.to_string(), "hippo-old-abcd".to_string()),
                (labels::INSTANCE_SET.to_string(), "old".to_string()),
            ]
            .into(),
        );
        read.stateful_sets.insert("hippo-old-abcd".into(), sts);
        let file = |want: &Desired| {
            want.config_maps
                .iter()
                .find(|c| c.metadata.name.as_deref() == Some(cm.as_str()))
                .and_then(|c| c.data.as_ref()?.get("old.yaml").cloned())
        };
        keep_config(&mut want, &read, &Retire::default(), &v.name);
        assert_eq!(file(&want), None, "not kept: the file goes");
        let retire = Retire {
            keep: ["hippo-old-abcd".to_string()].into(),
            ..Default::default()
        };
        keep_config(&mut want, &read, &retire, &v.name);
        assert_eq!(file(&want).as_deref(), Some("scope: x"));
    }

    #[test]
    fn nothing_leaving_keeps_nothing() {
        let o = observed(&[("a", &["h-a-1"])]);
        assert_eq!(
            decide(&o, &ReadState::default(), &plan(&[("a", &["h-a-1"])])),
            Retire::default()
        );
    }

    #[test]
    fn a_renamed_set_keeps_the_old_primary_until_a_new_replica_takes_over() {
        let o = observed(&[("a", &["h-a-1"]), ("b", &["h-b-1"])]);
        let p = plan(&[("b", &["h-b-1"])]);
        let mut read = ReadState::default();
        read.pods.push(member("h-a-1", labels::ROLE_MASTER, true));
        read.pods.push(member("h-b-1", labels::ROLE_REPLICA, false));
        let r = decide(&o, &read, &p);
        assert!(r.keep.contains("h-a-1"));
        assert!(!r.may_remove(Some("h-a-1")));
        assert!(r.may_remove(Some("h-b-1")));
        assert_eq!(r.switchover, None, "the new replica is not ready yet");
        assert!(r.waiting.unwrap().contains("waiting for a ready replica"));

        read.pods[1] = member("h-b-1", labels::ROLE_REPLICA, true);
        let r = decide(&o, &read, &p);
        assert_eq!(r.switchover, Some(("h-a-1-0".into(), "h-b-1-0".into())));
        assert!(r.keep.contains("h-a-1"));

        // After the switchover the old instance is a replica: now it may go.
        read.pods[0] = member("h-a-1", labels::ROLE_REPLICA, true);
        read.pods[1] = member("h-b-1", labels::ROLE_MASTER, true);
        let r = decide(&o, &read, &p);
        assert!(r.keep.is_empty() && r.switchover.is_none());
    }

    #[test]
    fn without_a_ready_primary_nothing_is_removed() {
        let o = observed(&[("a", &["h-a-1", "h-a-2"])]);
        let p = plan(&[("a", &["h-a-1"])]);
        // Shut down: no pods at all.
        let r = decide(&o, &ReadState::default(), &p);
        assert!(r.keep.contains("h-a-2"));
        assert!(r.waiting.unwrap().contains("newest data"));
        // A primary that is not ready does not count either.
        let mut read = ReadState::default();
        read.pods.push(member("h-a-1", labels::ROLE_MASTER, false));
        assert!(decide(&o, &read, &p).keep.contains("h-a-2"));
    }

    #[test]
    fn a_replica_leaves_at_once_when_the_primary_stays() {
        let o = observed(&[("a", &["h-a-1", "h-a-2"])]);
        let p = plan(&[("a", &["h-a-1"])]);
        let mut read = ReadState::default();
        read.pods.push(member("h-a-1", labels::ROLE_MASTER, true));
        read.pods.push(member("h-a-2", labels::ROLE_REPLICA, true));
        let r = decide(&o, &read, &p);
        assert!(r.may_remove(Some("h-a-2")));
        assert!(r.waiting.is_none());
    }

    #[test]
    fn a_leaving_replica_is_never_a_switchover_candidate() {
        let o = observed(&[("a", &["h-a-1", "h-a-2"]), ("b", &["h-b-1"])]);
        let p = plan(&[("b", &["h-b-1"])]);
        let mut read = ReadState::default();
        read.pods.push(member("h-a-1", labels::ROLE_MASTER, true));
        read.pods.push(member("h-a-2", labels::ROLE_REPLICA, true));
        read.pods.push(member("h-b-1", labels::ROLE_REPLICA, false));
        assert_eq!(decide(&o, &read, &p).switchover, None);
    }
}
