//! Rolling updates, instance by instance. Instance StatefulSets use `updateStrategy: OnDelete`,
//! so a changed pod template restarts nothing by itself; the agent deletes outdated pods in a
//! safe order: replicas first, one at a time, each only while every instance is ready and
//! streaming; then a switchover to an updated replica; then the old primary, now a replica.
//! A single instance gets a `CHECKPOINT` before its restart, so recovery is short.
//!
//! A parameter that needs a restart (`shared_buffers`, `max_connections`, ...) rolls in the same
//! order: Patroni marks each member `pending_restart` in the status it keeps on its pod, and the
//! agent restarts Postgres in place through Patroni (the pod stays), replicas first.
//!
//! Pure: decided from what is observed (each pod's `controller-revision-hash` against its
//! StatefulSet's `updateRevision`, Patroni's `pending_restart`), never from memory, so an agent
//! restarted mid-roll resumes it.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use pgo_api::names::{self, labels};

use crate::desired::InstancePlan;
use crate::observe::{pod_is_ready, ReadState};

/// The label the StatefulSet controller puts on each pod: the revision it was created from.
pub const REVISION_LABEL: &str = "controller-revision-hash";

/// A replica further behind the primary than this does not count as caught up.
pub const MAX_LAG_BYTES: i64 = 16 * 1024 * 1024;

/// The next step of a rolling update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roll {
    /// Every instance runs its StatefulSet's current revision.
    Done,
    /// Something must settle first; the reason is shown in the status.
    Wait(String),
    /// Delete this pod so that it is recreated from the new revision, or (`in_place`) restart
    /// its Postgres through Patroni for a parameter that needs a restart.
    Restart {
        pod: String,
        /// Run `CHECKPOINT` first: the instance is the only one (a primary).
        checkpoint: bool,
        /// Restart Postgres through Patroni (`pending_restart`); the pod stays.
        in_place: bool,
        message: String,
    },
    /// Hand the primary over to an updated, caught-up replica.
    Switchover {
        primary: String,
        candidate: String,
        message: String,
    },
}

/// Patroni's view of a member, from the `status` annotation it keeps on its pod.
fn patroni_status(pod: &Pod) -> Option<serde_json::Value> {
    serde_json::from_str(pod.annotations().get("status")?).ok()
}

fn wal_position(pod: &Pod) -> Option<i64> {
    patroni_status(pod)?.get("xlog_location")?.as_i64()
}

/// Whether a replica is running (Patroni 3 says `running`, 4 says `streaming`) and within
/// [`MAX_LAG_BYTES`] of the primary.
fn caught_up(replica: &Pod, primary: Option<&Pod>) -> bool {
    let state = patroni_status(replica)
        .and_then(|s| s.get("state").and_then(|v| v.as_str()).map(String::from));
    if !matches!(state.as_deref(), Some("running" | "streaming")) {
        return false;
    }
    match (primary.and_then(wal_position), wal_position(replica)) {
        (Some(p), Some(r)) => p - r <= MAX_LAG_BYTES,
        _ => true,
    }
}

/// Whether Patroni reports a parameter change that needs a restart of this member.
pub fn pending_restart(pod: &Pod) -> bool {
    patroni_status(pod)
        .and_then(|s| s.get("pending_restart").and_then(|v| v.as_bool()))
        .unwrap_or(false)
}

fn is_primary(pod: &Pod) -> bool {
    labels::is_leader_role(pod.labels().get(labels::ROLE).map(String::as_str))
}

/// Whether a volume of `instance` waits for a remount to grow its file system, and `pod`
/// mounted it before that began (a pod created since then has the grown file system).
fn waits_for_remount(pod: &Pod, instance: &str, read: &ReadState) -> bool {
    [names::data_pvc(instance), names::wal_pvc(instance)]
        .iter()
        .filter_map(|c| read.pvcs.get(c))
        .filter_map(crate::volumes::fs_resize_pending_since)
        .any(|since| {
            pod.metadata
                .creation_timestamp
                .as_ref()
                .is_none_or(|t| t.0 < since.0)
        })
}

/// One planned instance as observed.
struct Member<'a> {
    instance: &'a str,
    pod: Option<&'a Pod>,
    /// Runs an older revision than its StatefulSet's: the pod must be recreated.
    outdated: bool,
    /// A volume of it grew and its file system waits for a remount: the pod must be recreated.
    remount: bool,
    /// Runs the current revision, but Postgres waits for a restart (Patroni's `pending_restart`).
    pending_restart: bool,
}

impl Member<'_> {
    fn due(&self) -> bool {
        self.outdated || self.remount || self.pending_restart
    }

    fn recreate(&self) -> bool {
        self.outdated || self.remount
    }
}

/// Decides the next step. `stateful_sets` are the freshest copies (those just applied).
pub fn decide(plan: &InstancePlan, stateful_sets: &[StatefulSet], read: &ReadState) -> Roll {
    let mut members = Vec::new();
    for instance in plan.values().flatten() {
        let Some(sts) = stateful_sets.iter().find(|s| s.name_any() == *instance) else {
            continue;
        };
        if sts.spec.as_ref().and_then(|s| s.replicas) == Some(0) {
            continue; // held down (shutdown, restore)
        }
        let status = sts.status.clone().unwrap_or_default();
        if status.observed_generation < sts.metadata.generation {
            return Roll::Wait(format!(
                "waiting for the StatefulSet controller to see the change to {instance}"
            ));
        }
        let pod = read
            .pods
            .iter()
            .find(|p| p.name_any() == names::instance_pod(instance));
        let revision = pod.and_then(|p| p.labels().get(REVISION_LABEL));
        let outdated = match (&status.update_revision, revision) {
            (Some(want), Some(has)) => want != has,
            _ => false,
        };
        let remount = !outdated && pod.is_some_and(|p| waits_for_remount(p, instance, read));
        let pending_restart = !outdated && !remount && pod.is_some_and(pending_restart);
        members.push(Member {
            instance,
            pod,
            outdated,
            remount,
            pending_restart,
        });
    }
    let total = members.len();
    let pending: Vec<&Member> = members.iter().filter(|m| m.due()).collect();
    if pending.is_empty() {
        return Roll::Done;
    }
    let progress = format!("rolling {}/{total}", total - pending.len() + 1);
    // Never take an instance down while another is not ready or still starting.
    for m in &members {
        match m.pod {
            Some(p) if p.metadata.deletion_timestamp.is_none() && pod_is_ready(p) => {}
            _ => {
                return Roll::Wait(format!(
                    "{progress}: instance {} is not ready; the rolling update waits for it",
                    m.instance
                ))
            }
        }
    }
    let primary = members.iter().filter_map(|m| m.pod).find(|p| is_primary(p));
    for m in &members {
        let pod = m.pod.expect("checked above");
        if !is_primary(pod) && !caught_up(pod, primary) {
            return Roll::Wait(format!(
                "{progress}: replica {} is not streaming or not caught up; the rolling update waits for it",
                m.instance
            ));
        }
    }
    if let Some(m) = pending.iter().find(|m| !m.pod.is_some_and(is_primary)) {
        let pod = m.pod.expect("checked above").name_any();
        return Roll::Restart {
            message: format!("{progress}: restarting replica {pod} {}", why(m)),
            pod,
            checkpoint: false,
            in_place: !m.recreate(),
        };
    }
    // Only the primary is due.
    let old = pending[0].pod.expect("checked above").name_any();
    if total == 1 {
        return Roll::Restart {
            message: format!(
                "{progress}: restarting the only instance {old} {} after a checkpoint",
                why(pending[0])
            ),
            pod: old,
            checkpoint: true,
            in_place: !pending[0].recreate(),
        };
    }
    let candidate = members
        .iter()
        .filter(|m| !m.due())
        .filter_map(|m| m.pod)
        .find(|p| !is_primary(p));
    match candidate {
        Some(c) => Roll::Switchover {
            message: format!(
                "{progress}: switching over from {old} to the updated replica {} before restarting {old}",
                c.name_any()
            ),
            primary: old,
            candidate: c.name_any(),
        },
        None => Roll::Wait(format!(
            "{progress}: no updated replica is ready to take over from the primary {old}"
        )),
    }
}

fn why(m: &Member) -> &'static str {
    if m.outdated {
        "with the new revision"
    } else if m.remount {
        "to finish growing its volume (FileSystemResizePending)"
    } else {
        "in place: a changed parameter needs a restart"
    }
}

/// The instances whose Postgres waits for a restart, for the status.
pub fn pending_restarts(plan: &InstancePlan, read: &ReadState) -> Vec<String> {
    let planned: Vec<String> = plan
        .values()
        .flatten()
        .map(|i| names::instance_pod(i))
        .collect();
    read.pods
        .iter()
        .filter(|p| planned.contains(&p.name_any()) && pending_restart(p))
        .map(|p| p.name_any())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pgbackrest::restore::tests::pod;
    use k8s_openapi::api::apps::v1::{StatefulSetSpec, StatefulSetStatus};

    fn sts(name: &str, revision: &str) -> StatefulSet {
        let mut s = StatefulSet {
            metadata: Default::default(),
            spec: Some(StatefulSetSpec {
                replicas: Some(1),
                ..Default::default()
            }),
            status: Some(StatefulSetStatus {
                observed_generation: Some(2),
                update_revision: Some(format!("{name}-{revision}")),
                ..Default::default()
            }),
        };
        s.metadata.name = Some(name.into());
        s.metadata.generation = Some(2);
        s
    }

    fn member(instance: &str, role: &str, revision: &str, wal: i64) -> Pod {
        let mut p = pod(
            &names::instance_pod(instance),
            &[
                (labels::ROLE, role),
                (labels::INSTANCE, instance),
                (REVISION_LABEL, &format!("{instance}-{revision}")),
            ],
            true,
        );
        let state = if role == labels::ROLE_MASTER {
            "running"
        } else {
            "streaming"
        };
        p.metadata.annotations = Some(
            [(
                "status".to_string(),
                format!(r#"{{"state":"{state}","role":"{role}","xlog_location":{wal}}}"#),
            )]
            .into(),
        );
        p
    }

    fn plan(instances: &[&str]) -> InstancePlan {
        [(
            "instance1".to_string(),
            instances.iter().map(|s| s.to_string()).collect(),
        )]
        .into()
    }

    const MASTER: &str = labels::ROLE_MASTER;
    const REPLICA: &str = labels::ROLE_REPLICA;

    #[test]
    fn nothing_to_do_when_every_pod_runs_the_current_revision() {
        let read = ReadState {
            pods: vec![
                member("a", MASTER, "r1", 100),
                member("b", REPLICA, "r1", 100),
            ],
            ..Default::default()
        };
        let sets = [sts("a", "r1"), sts("b", "r1")];
        assert_eq!(decide(&plan(&["a", "b"]), &sets, &read), Roll::Done);
    }

    #[test]
    fn replicas_roll_first_then_a_switchover_then_the_old_primary() {
        let p = plan(&["a", "b", "c"]);
        let sets = [sts("a", "r2"), sts("b", "r2"), sts("c", "r2")];
        let mut read = ReadState {
            pods: vec![
                member("a", MASTER, "r1", 100),
                member("b", REPLICA, "r1", 100),
                member("c", REPLICA, "r1", 100),
            ],
            ..Default::default()
        };
        match decide(&p, &sets, &read) {
            Roll::Restart {
                pod,
                checkpoint,
                in_place,
                message,
            } => {
                assert_eq!(pod, "b-0");
                assert!(!checkpoint && !in_place);
                assert!(message.starts_with("rolling 1/3"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // b restarts: while it is not ready nothing else is touched.
        read.pods[1] = pod(
            "b-0",
            &[(labels::ROLE, REPLICA), (labels::INSTANCE, "b")],
            false,
        );
        assert!(
            matches!(decide(&p, &sets, &read), Roll::Wait(w) if w.contains("instance b is not ready"))
        );
        read.pods[1] = member("b", REPLICA, "r2", 100);
        assert!(matches!(decide(&p, &sets, &read), Roll::Restart { pod, .. } if pod == "c-0"));
        read.pods[2] = member("c", REPLICA, "r2", 100);
        match decide(&p, &sets, &read) {
            Roll::Switchover {
                primary,
                candidate,
                message,
            } => {
                assert_eq!((primary.as_str(), candidate.as_str()), ("a-0", "b-0"));
                assert!(message.starts_with("rolling 3/3"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // After the switchover a is an outdated replica.
        read.pods[0] = member("a", REPLICA, "r1", 100);
        read.pods[1] = member("b", MASTER, "r2", 100);
        assert!(matches!(decide(&p, &sets, &read), Roll::Restart { pod, .. } if pod == "a-0"));
    }

    #[test]
    fn a_single_instance_restarts_after_a_checkpoint() {
        let read = ReadState {
            pods: vec![member("a", MASTER, "r1", 100)],
            ..Default::default()
        };
        assert!(matches!(
            decide(&plan(&["a"]), &[sts("a", "r2")], &read),
            Roll::Restart {
                checkpoint: true,
                ..
            }
        ));
    }

    #[test]
    fn a_lagging_replica_holds_the_roll() {
        let read = ReadState {
            pods: vec![
                member("a", MASTER, "r1", 100 + MAX_LAG_BYTES + 1),
                member("b", REPLICA, "r1", 100),
            ],
            ..Default::default()
        };
        let sets = [sts("a", "r2"), sts("b", "r2")];
        assert!(
            matches!(decide(&plan(&["a", "b"]), &sets, &read), Roll::Wait(w) if w.contains("not caught up"))
        );
    }

    #[test]
    fn a_change_the_controller_has_not_seen_yet_waits() {
        let mut s = sts("a", "r2");
        s.metadata.generation = Some(3);
        let read = ReadState {
            pods: vec![member("a", MASTER, "r1", 100)],
            ..Default::default()
        };
        assert!(matches!(decide(&plan(&["a"]), &[s], &read), Roll::Wait(_)));
    }

    #[test]
    fn a_replica_that_is_not_streaming_holds_the_roll() {
        let mut starting = member("b", REPLICA, "r2", 100);
        starting.metadata.annotations = Some(
            [(
                "status".to_string(),
                r#"{"state":"starting","role":"replica"}"#.to_string(),
            )]
            .into(),
        );
        let read = ReadState {
            pods: vec![member("a", MASTER, "r1", 100), starting],
            ..Default::default()
        };
        let sets = [sts("a", "r2"), sts("b", "r2")];
        assert!(
            matches!(decide(&plan(&["a", "b"]), &sets, &read), Roll::Wait(w) if w.contains("replica b is not streaming"))
        );
    }

    fn with_pending_restart(mut p: Pod) -> Pod {
        let a = p.metadata.annotations.as_mut().unwrap();
        let status = a["status"].trim_end_matches('}').to_string() + r#","pending_restart":true}"#;
        a.insert("status".into(), status);
        p
    }

    #[test]
    fn a_parameter_that_needs_a_restart_rolls_replicas_in_place_then_switches_over() {
        let p = plan(&["a", "b"]);
        let sets = [sts("a", "r1"), sts("b", "r1")];
        let mut read = ReadState {
            pods: vec![
                with_pending_restart(member("a", MASTER, "r1", 100)),
                with_pending_restart(member("b", REPLICA, "r1", 100)),
            ],
            ..Default::default()
        };
        assert_eq!(pending_restarts(&p, &read), ["a-0", "b-0"]);
        match decide(&p, &sets, &read) {
            Roll::Restart {
                pod,
                in_place,
                checkpoint,
                message,
            } => {
                assert_eq!(pod, "b-0");
                assert!(in_place && !checkpoint);
                assert!(message.contains("needs a restart"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // b restarted: the primary hands over to it, never restarts under writes.
        read.pods[1] = member("b", REPLICA, "r1", 100);
        assert!(matches!(
            decide(&p, &sets, &read),
            Roll::Switchover { primary, candidate, .. } if primary == "a-0" && candidate == "b-0"
        ));
        // A replica still waiting for its restart is no candidate.
        read.pods[1] = with_pending_restart(member("b", REPLICA, "r1", 100));
        read.pods[0] = member("a", MASTER, "r1", 100);
        assert!(
            matches!(decide(&p, &sets, &read), Roll::Restart { pod, in_place: true, .. } if pod == "b-0")
        );
    }

    #[test]
    fn a_single_instance_with_a_pending_restart_restarts_in_place_after_a_checkpoint() {
        let read = ReadState {
            pods: vec![with_pending_restart(member("a", MASTER, "r1", 100))],
            ..Default::default()
        };
        assert!(matches!(
            decide(&plan(&["a"]), &[sts("a", "r1")], &read),
            Roll::Restart {
                checkpoint: true,
                in_place: true,
                ..
            }
        ));
    }

    #[test]
    fn a_new_revision_wins_over_a_pending_restart() {
        let read = ReadState {
            pods: vec![
                member("a", MASTER, "r2", 100),
                with_pending_restart(member("b", REPLICA, "r1", 100)),
            ],
            ..Default::default()
        };
        let sets = [sts("a", "r2"), sts("b", "r2")];
        assert!(matches!(
            decide(&plan(&["a", "b"]), &sets, &read),
            Roll::Restart { pod, in_place: false, .. } if pod == "b-0"
        ));
    }

    #[test]
    fn held_down_instances_are_not_rolled() {
        let mut s = sts("a", "r2");
        s.spec.as_mut().unwrap().replicas = Some(0);
        assert_eq!(
            decide(&plan(&["a"]), &[s], &ReadState::default()),
            Roll::Done
        );
    }

    #[test]
    fn a_volume_waiting_for_a_remount_recreates_the_pods_that_mounted_it_before() {
        use k8s_openapi::api::core::v1::{
            PersistentVolumeClaim, PersistentVolumeClaimCondition, PersistentVolumeClaimStatus,
        };
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
        let at = |s: &str| Time(s.parse().unwrap());
        let p = plan(&["a", "b"]);
        let sets = [sts("a", "r1"), sts("b", "r1")];
        let mut read = ReadState {
            pods: vec![
                member("a", MASTER, "r1", 100),
                member("b", REPLICA, "r1", 100),
            ],
            ..Default::default()
        };
        for pod in &mut read.pods {
            pod.metadata.creation_timestamp = Some(at("2026-01-01T00:00:00Z"));
        }
        for i in ["a", "b"] {
            let c = PersistentVolumeClaim {
                status: Some(PersistentVolumeClaimStatus {
                    conditions: Some(vec![PersistentVolumeClaimCondition {
                        type_: "FileSystemResizePending".into(),
                        status: "True".into(),
                        last_transition_time: Some(at("2026-01-02T00:00:00Z")),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }),
                ..Default::default()
            };
            read.pvcs.insert(names::data_pvc(i), c);
        }
        match decide(&p, &sets, &read) {
            Roll::Restart {
                pod,
                in_place,
                message,
                ..
            } => {
                assert_eq!(pod, "b-0", "the replica first");
                assert!(!in_place, "a remount needs a new pod");
                assert!(message.contains("growing its volume"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // Pods created after the condition appeared already have the grown file system.
        for pod in &mut read.pods {
            pod.metadata.creation_timestamp = Some(at("2026-01-03T00:00:00Z"));
        }
        assert_eq!(decide(&p, &sets, &read), Roll::Done);
    }
}
