use super::*;
use crate::desired::pgbackrest::tests::HIPPO_BACKUPS;
use crate::desired::tests::validated;
use crate::observe::Observed;
use k8s_openapi::api::batch::v1::JobStatus;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, PodCondition, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

pub fn meta(name: &str, labels: &[(&str, &str)], annotations: &[(&str, &str)]) -> ObjectMeta {
    let map = |kv: &[(&str, &str)]| {
        Some(
            kv.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    };
    ObjectMeta {
        name: Some(name.into()),
        labels: map(labels),
        annotations: map(annotations),
        ..Default::default()
    }
}

pub fn job(name: &str, labels: &[(&str, &str)], id: &str, succeeded: i32, failed: i32) -> Job {
    let key = if labels
        .iter()
        .any(|(k, _)| *k == names::labels::PGBACKREST_RESTORE)
    {
        names::annotations::PGBACKREST_RESTORE
    } else {
        names::annotations::PGBACKREST_BACKUP
    };
    Job {
        metadata: meta(name, labels, &[(key, id)]),
        spec: None,
        status: Some(JobStatus {
            succeeded: (succeeded > 0).then_some(succeeded),
            failed: (failed > 0).then_some(failed),
            completion_time: (succeeded > 0).then(|| time(at("2026-12-01T10:05:00Z"))),
            ..Default::default()
        }),
    }
}

pub fn pod(name: &str, labels: &[(&str, &str)], ready: bool) -> Pod {
    Pod {
        metadata: meta(name, labels, &[]),
        spec: None,
        status: Some(PodStatus {
            conditions: Some(vec![PodCondition {
                type_: "Ready".into(),
                status: if ready { "True" } else { "False" }.into(),
                ..Default::default()
            }]),
            ..Default::default()
        }),
    }
}

/// The hippo cluster with backups, a restore requested with trigger `t1`.
fn restoring() -> ValidatedCluster {
    let mut v = validated(HIPPO_BACKUPS);
    let b = v.backups.as_mut().unwrap();
    b.restore = Some(RepoRun {
        repo: "repo1".into(),
        index: 1,
        options: vec![
            "--type=time".into(),
            "--target=2026-12-01 10:00:00+00".into(),
        ],
    });
    b.restore_trigger = Some("t1".into());
    v
}

fn plan(v: &ValidatedCluster) -> InstancePlan {
    crate::desired::plan_instances(v, &Observed::default())
}

const NOW: &str = "2026-12-01T12:00:00Z";
const INFO: &str =
    r#"[{"name":"db","backup":[{"timestamp":{"start":1795000000,"stop":1795000010}}]}]"#;

#[test]
fn a_clone_starts_only_before_the_cluster_ever_ran() {
    let mut v = validated(HIPPO_BACKUPS);
    assert_eq!(clone_start(None, &v, false, at(NOW)), None, "no dataSource");
    v.clone_source = Some(pgo_api::validate::CloneSource {
        cluster: "src".into(),
        run: RepoRun {
            repo: "repo1".into(),
            index: 1,
            options: vec![],
        },
    });
    let fresh = clone_start(None, &v, false, at(NOW)).unwrap();
    assert_eq!(fresh.id, names::CLONE_RESTORE_ID);
    assert!(clone_in_progress(Some(&fresh)));
    // Patroni's DCS says the cluster ran: a status read late must not start an empty clone.
    assert_eq!(clone_start(None, &v, true, at(NOW)), None);
    let done = PgBackRestJobStatus {
        finished: true,
        ..fresh.clone()
    };
    assert_eq!(
        clone_start(Some(done.clone()), &v, false, at(NOW)),
        Some(done.clone())
    );
    assert!(!clone_in_progress(Some(&done)));
}

#[test]
fn a_restore_is_checked_once_per_trigger_and_never_while_another_runs() {
    let v = restoring();
    let (t, run) = restore_to_check(&v, None, None).unwrap();
    assert_eq!((t, run.repo.as_str()), ("t1", "repo1"));
    let seen = started("t1", at(NOW));
    assert!(restore_to_check(&v, Some(&seen), Some(&seen)).is_none());
    let other = started("t0", at(NOW));
    assert!(
        restore_to_check(&v, Some(&other), Some(&other)).is_none(),
        "t0 is still running"
    );
    let failed = PgBackRestJobStatus {
        failed: Some(1),
        ..other
    };
    assert!(restore_to_check(&v, Some(&failed), Some(&failed)).is_some());
}

#[test]
fn a_target_is_checked_against_the_backups_before_anything_stops() {
    let v = restoring();
    let run = v.backups.as_ref().unwrap().restore.clone().unwrap();
    assert!(check_target(&v, &run, INFO, at(NOW)).is_ok());
    let e = check_target(&v, &run, "[]", at(NOW)).unwrap_err();
    assert!(e.contains("no backup to restore from"), "{e}");
    // The only backup ended after the target.
    let late = INFO.replace("1795000010", "1796130000");
    let e = check_target(&v, &run, &late, at(NOW)).unwrap_err();
    assert!(e.contains("before the oldest backup"), "{e}");
    let e = check_target(&v, &run, INFO, at("2026-12-01T09:00:00Z")).unwrap_err();
    assert!(e.contains("in the future"), "{e}");
}

#[test]
fn a_rejected_restore_is_finished_and_failed_and_stops_nothing() {
    let (s, note) = accept_restore("t1", "repo1", Ok(()), at(NOW));
    assert!(!s.finished);
    assert_eq!(note.reason, "RestoreStarted");
    let (s, note) = accept_restore("t1", "repo1", Err("no backup".into()), at(NOW));
    assert!(s.finished);
    assert_eq!(s.failed, Some(1));
    assert!(note.warning && note.message.contains("nothing was stopped: no backup"));
    let (hold, _, _) = hold(
        &restoring(),
        &ReadState::default(),
        &plan(&restoring()),
        Some(s),
        at(NOW),
    );
    assert_eq!(hold, Hold::None);
}

#[test]
fn instances_stay_stopped_until_the_restored_one_is_the_ready_primary() {
    let v = restoring();
    let p = plan(&v);
    let target = restore_target(&p, &v).unwrap();
    let r = started("t1", at(NOW));
    let mut read = ReadState::default();
    assert_eq!(hold(&v, &read, &p, None, at(NOW)).0, Hold::None);
    assert_eq!(hold(&v, &read, &p, Some(r.clone()), at(NOW)).0, Hold::All);

    let restore_labels = [(names::labels::PGBACKREST_RESTORE, "")];
    read.jobs.insert(
        names::restore_job("hippo"),
        job(&names::restore_job("hippo"), &restore_labels, "t1", 1, 0),
    );
    // Patroni's DCS from before the restore (the Job completed at 10:05) is cleared first.
    let dcs = |created: &str| k8s_openapi::api::core::v1::Endpoints {
        metadata: ObjectMeta {
            name: Some("hippo-ha-config".into()),
            creation_timestamp: Some(time(at(created))),
            ..Default::default()
        },
        ..Default::default()
    };
    read.patroni_config = Some(dcs("2026-12-01T09:00:00Z"));
    assert_eq!(hold(&v, &read, &p, Some(r.clone()), at(NOW)).0, Hold::All);
    let mut tracked = r.clone();
    let Step::Track { clear_dcs, .. } = step(&v, &read, &p, &mut tracked) else {
        panic!()
    };
    assert_eq!(
        clear_dcs,
        [
            "hippo-ha",
            "hippo-ha-config",
            "hippo-ha-sync",
            "hippo-ha-failover"
        ]
    );
    // Written again by the restored instance's Patroni, or gone: it starts.
    read.patroni_config = Some(dcs("2026-12-01T10:06:00Z"));
    let Step::Track { clear_dcs, .. } = step(&v, &read, &p, &mut tracked) else {
        panic!()
    };
    assert!(clear_dcs.is_empty());
    read.patroni_config = None;
    let (h, s, note) = hold(&v, &read, &p, Some(r.clone()), at(NOW));
    assert_eq!(h, Hold::AllBut(target.clone()));
    assert!(!s.unwrap().finished && note.is_none());

    read.pods.push(pod(
        &names::instance_pod(&target),
        &[
            (names::labels::ROLE, names::labels::ROLE_MASTER),
            (names::labels::INSTANCE, &target),
        ],
        true,
    ));
    let (h, s, note) = hold(&v, &read, &p, Some(r.clone()), at(NOW));
    assert_eq!(h, Hold::None);
    let s = s.unwrap();
    assert!(s.finished);
    assert_eq!(s.start_time, r.start_time);
    assert_eq!(note.unwrap().reason, "RestoreComplete");

    // A Job of another restore does not count.
    read.jobs.insert(
        names::restore_job("hippo"),
        job(&names::restore_job("hippo"), &restore_labels, "t0", 1, 0),
    );
    assert_eq!(hold(&v, &read, &p, Some(r), at(NOW)).0, Hold::All);
}

#[test]
fn a_failed_restore_lets_the_cluster_start_on_its_old_data_and_a_failed_clone_does_not() {
    let mut v = restoring();
    let failed = PgBackRestJobStatus {
        failed: Some(1),
        ..started("t1", at(NOW))
    };
    let p = plan(&v);
    // Still requested or withdrawn: the restore Job gave the old data back, so it starts.
    let (h, s, _) = hold(&v, &ReadState::default(), &p, Some(failed.clone()), at(NOW));
    assert_eq!(h, Hold::None);
    assert!(s.unwrap().finished);
    v.backups.as_mut().unwrap().restore_trigger = None;
    let (h, s, _) = hold(&v, &ReadState::default(), &p, Some(failed), at(NOW));
    assert_eq!(h, Hold::None);
    assert!(s.unwrap().finished);
    // A clone has no data of its own to go back to.
    let clone = PgBackRestJobStatus {
        failed: Some(1),
        ..started(names::CLONE_RESTORE_ID, at(NOW))
    };
    let (h, s, _) = hold(&v, &ReadState::default(), &p, Some(clone), at(NOW));
    assert_eq!(h, Hold::All);
    assert!(!s.unwrap().finished);
}

#[test]
fn the_restore_job_starts_only_when_every_instance_is_gone() {
    let v = restoring();
    let p = plan(&v);
    let target = restore_target(&p, &v).unwrap();
    let mut read = ReadState::default();
    read.pods.push(pod(
        "hippo-instance1-abcd-0",
        &[
            (names::labels::DATA, "postgres"),
            (names::labels::INSTANCE, "x"),
        ],
        false,
    ));
    let mut r = started("t1", at(NOW));
    assert!(matches!(step(&v, &read, &p, &mut r), Step::Wait));

    read.pods.clear();
    let restore_labels = [(names::labels::PGBACKREST_RESTORE, "")];
    read.jobs.insert(
        names::restore_job("hippo"),
        job(&names::restore_job("hippo"), &restore_labels, "t0", 1, 0),
    );
    match step(&v, &read, &p, &mut r) {
        Step::DeleteOldJob(name) => assert_eq!(name, "hippo-pgbackrest-restore"),
        other => panic!("{other:?}"),
    }

    read.jobs.clear();
    match step(&v, &read, &p, &mut r) {
        Step::Start { job } => {
            assert_eq!(job_id(&job), Some("t1"));
            assert_eq!(job.labels()[names::labels::INSTANCE], target);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn after_the_restore_job_only_older_replica_volumes_are_recreated() {
    let v = restoring();
    let p = plan(&v);
    let target = restore_target(&p, &v).unwrap();
    let other = p["instance1"]
        .iter()
        .find(|i| **i != target)
        .unwrap()
        .clone();
    let mut read = ReadState::default();
    let restore_labels = [(names::labels::PGBACKREST_RESTORE, "")];
    read.jobs.insert(
        names::restore_job("hippo"),
        job(&names::restore_job("hippo"), &restore_labels, "t1", 1, 0),
    );
    let pvc = |name: String, instance: &str, created: &str| {
        let mut m = meta(
            &name,
            &[
                (names::labels::DATA, "postgres"),
                (names::labels::INSTANCE, instance),
            ],
            &[],
        );
        m.creation_timestamp = Some(time(at(created)));
        (
            name,
            PersistentVolumeClaim {
                metadata: m,
                ..Default::default()
            },
        )
    };
    read.pvcs.extend([
        pvc(names::data_pvc(&target), &target, "2026-12-01T09:00:00Z"),
        pvc(names::data_pvc(&other), &other, "2026-12-01T09:00:00Z"),
        pvc(names::wal_pvc(&other), &other, "2026-12-01T10:06:00Z"),
    ]);
    let mut r = started("t1", at(NOW));
    match step(&v, &read, &p, &mut r) {
        Step::Track {
            notes, stale_pvcs, ..
        } => {
            assert!(notes.is_empty());
            assert_eq!(stale_pvcs, vec![names::data_pvc(&other)]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.succeeded, Some(1));
}

/// The pod of a restore Job whose script ended with `log`.
fn failed_job_pod(log: &str) -> Pod {
    use k8s_openapi::api::core::v1::{ContainerState, ContainerStateTerminated, ContainerStatus};
    let mut p = pod(
        "hippo-pgbackrest-restore-abcde",
        &[("job-name", &names::restore_job("hippo"))],
        false,
    );
    p.status.as_mut().unwrap().container_statuses = Some(vec![ContainerStatus {
        name: "pgbackrest-restore".into(),
        state: Some(ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: 1,
                message: Some(log.into()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }]);
    p
}

#[test]
fn a_failed_restore_job_is_reported_once_with_the_reason_its_script_printed() {
    let v = restoring();
    let p = plan(&v);
    let mut read = ReadState::default();
    let restore_labels = [(names::labels::PGBACKREST_RESTORE, "")];
    read.jobs.insert(
        names::restore_job("hippo"),
        job(&names::restore_job("hippo"), &restore_labels, "t1", 0, 1),
    );
    read.pods.push(failed_job_pod(
        "2026-12-03 06:00:00 FATAL:  recovery ended before configured recovery target was reached\n\
         reason: Postgres stopped before recovery completed: FATAL:  recovery ended before configured recovery target was reached\n\
         an unfinished restore was undone: the data from before it is back in /pgdata/pg15\n",
    ));
    let mut r = started("t1", at(NOW));
    let Step::Track { notes, failure, .. } = step(&v, &read, &p, &mut r) else {
        panic!()
    };
    assert_eq!(notes[0].reason, "RestoreFailed");
    let m = failure.unwrap();
    assert_eq!(notes[0].message, m);
    assert!(m.starts_with("restore t1 failed: Postgres stopped before recovery completed: FATAL:  recovery ended before configured recovery target was reached (`kubectl logs job/hippo-pgbackrest-restore` has the details); the cluster starts again on the data it had before the restore"), "{m}");
    assert_eq!(r.failed, Some(1));
    let Step::Track { notes, failure, .. } = step(&v, &read, &p, &mut r) else {
        panic!()
    };
    assert!(notes.is_empty());
    assert!(failure.is_none());
}

#[test]
fn a_failure_without_a_reason_line_points_at_the_logs() {
    let mut read = ReadState::default();
    read.pods.push(failed_job_pod("Killed\n"));
    assert_eq!(failure_reason(&read, &names::restore_job("hippo")), None);
    let v = restoring();
    let m = failure_message(&v, names::CLONE_RESTORE_ID, None);
    assert!(m.starts_with("the clone from its source failed: see `kubectl logs job/hippo-pgbackrest-restore`; the cluster has no data to start from"), "{m}");
}

#[test]
fn backup_stop_times_come_from_pgbackrest_info() {
    assert_eq!(backup_stops(INFO), vec![1795000010]);
    assert!(backup_stops("not json").is_empty());
}
