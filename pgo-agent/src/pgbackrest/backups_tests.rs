use super::*;
use crate::desired::pgbackrest::tests::HIPPO_BACKUPS;
use crate::desired::tests::validated;
use crate::pgbackrest::restore::tests::{at, job, pod};
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

fn with_schedule(cron: &str) -> ValidatedCluster {
    let mut v = validated(HIPPO_BACKUPS);
    v.backups.as_mut().unwrap().repos[0].schedules = vec![("incr", cron.into())];
    v
}

fn scheduled_job(name: &str, schedule: &str, minute: u32) -> Job {
    let mut j = job(
        name,
        &[
            (labels::PGBACKREST_BACKUP, labels::BACKUP_SCHEDULED),
            (labels::PGBACKREST_CRONJOB, schedule),
        ],
        name,
        1,
        0,
    );
    j.metadata.creation_timestamp = Some(time(at(&format!("2026-12-01T10:{minute:02}:00Z"))));
    j
}

#[test]
fn cron_next_run_is_after_the_given_time() {
    let n = next_run("*/5 * * * *", at("2026-11-24T14:03:30Z")).unwrap();
    assert_eq!(n.to_rfc3339(), "2026-11-24T14:05:00+00:00");
    assert!(next_run("not cron", at("2026-11-24T14:03:30Z")).is_none());
}

#[test]
fn a_due_schedule_creates_one_labelled_job_and_keeps_three() {
    let v = with_schedule("*/5 * * * *");
    let b = v.backups.as_ref().unwrap();
    let schedule = names::backup_schedule("hippo", "repo1", "incr");
    let mut prev = PgBackRestStatus::default();
    prev.scheduled_backups.push(PgBackRestScheduledStatus {
        cronjob_name: schedule.clone(),
        next_run: Some(time(at("2026-12-01T10:05:00Z"))),
        ..Default::default()
    });
    let mut read = ReadState::default();
    for m in [0, 1, 2, 3] {
        let name = format!("{schedule}-old{m}");
        read.jobs
            .insert(name.clone(), scheduled_job(&name, &schedule, m));
    }
    let now = at("2026-12-01T10:06:10Z");
    let (steps, next) = schedules(&v, b, &prev, &read, true, "agent:1", now);
    let s = &steps[0];
    let created = s.create.as_ref().unwrap();
    assert_eq!(
        created.name_any(),
        format!("{schedule}-{}", at("2026-12-01T10:05:00Z").timestamp() / 60)
    );
    assert_eq!(created.labels()[labels::PGBACKREST_CRONJOB], schedule);
    assert_eq!(
        created.labels()[labels::PGBACKREST_BACKUP],
        labels::BACKUP_SCHEDULED
    );
    assert_eq!(
        s.delete,
        vec![format!("{schedule}-old0")],
        "the oldest beyond three"
    );
    assert_eq!(s.status.next_run, Some(time(at("2026-12-01T10:10:00Z"))));
    assert_eq!(
        s.status.last_run.as_ref().unwrap().id,
        format!("{schedule}-old3")
    );
    assert_eq!(next, Some(Duration::from_secs(3 * 60 + 50 + 1)));
}

#[test]
fn a_run_missed_while_backups_cannot_run_is_not_made_up() {
    let v = with_schedule("*/5 * * * *");
    let b = v.backups.as_ref().unwrap();
    let mut prev = PgBackRestStatus::default();
    prev.scheduled_backups.push(PgBackRestScheduledStatus {
        cronjob_name: names::backup_schedule("hippo", "repo1", "incr"),
        next_run: Some(time(at("2026-12-01T10:05:00Z"))),
        ..Default::default()
    });
    let now = at("2026-12-01T10:06:10Z");
    let (steps, _) = schedules(&v, b, &prev, &ReadState::default(), false, "a", now);
    assert!(steps[0].create.is_none());
    assert_eq!(
        steps[0].status.next_run,
        Some(time(at("2026-12-01T10:10:00Z")))
    );

    // Not due yet: nothing runs, and the wait is until the next run.
    let early = at("2026-12-01T10:04:00Z");
    let (steps, next) = schedules(&v, b, &prev, &ReadState::default(), true, "a", early);
    assert!(steps[0].create.is_none());
    assert_eq!(next, Some(Duration::from_secs(61)));
}

#[test]
fn a_manual_backup_runs_once_per_trigger_and_replaces_older_manual_jobs() {
    let mut v = validated(HIPPO_BACKUPS);
    let b = v.backups.as_mut().unwrap();
    b.manual = Some(RepoRun {
        repo: "repo1".into(),
        index: 1,
        options: vec!["--type=full".into()],
    });
    b.manual_trigger = Some("m2".into());
    let b = v.backups.clone().unwrap();
    let mut read = ReadState::default();
    let manual = [(labels::PGBACKREST_BACKUP, labels::BACKUP_MANUAL)];
    read.jobs.insert(
        "hippo-backup-old".into(),
        job("hippo-backup-old", &manual, "m1", 1, 0),
    );
    let m = manual_start(&v, &b, None, &read, true, "agent:1").unwrap();
    assert_eq!(m.trigger, "m2");
    assert_eq!(m.delete, vec!["hippo-backup-old".to_string()]);
    assert_eq!(job_id(&m.job), Some("m2"));
    let (status, note) = manual_started(&m, at("2026-12-01T10:00:00Z"));
    assert_eq!((status.id.as_str(), note.reason), ("m2", "BackupStarted"));

    assert!(
        manual_start(&v, &b, Some(&status), &read, true, "a").is_none(),
        "once"
    );
    assert!(
        manual_start(&v, &b, None, &read, false, "a").is_none(),
        "not while blocked"
    );

    let name = m.job.name_any();
    read.jobs
        .insert(name.clone(), job(&name, &manual, "m2", 0, 1));
    let (s, note) = manual_track(Some(status), &read);
    assert!(s.unwrap().finished);
    let note = note.unwrap();
    assert!(note.warning && note.reason == "BackupFailed" && note.message.contains(&name));
}

#[test]
fn one_backup_runs_at_a_time() {
    let mut read = ReadState::default();
    let manual = [(labels::PGBACKREST_BACKUP, labels::BACKUP_MANUAL)];
    read.jobs
        .insert("done".into(), job("done", &manual, "m1", 1, 0));
    assert!(!backup_running(&read));
    read.jobs
        .insert("running".into(), job("running", &manual, "m2", 0, 0));
    assert!(backup_running(&read));
}

fn with_sidecar(mut p: Pod, ready: bool) -> Pod {
    p.status.as_mut().unwrap().container_statuses = Some(vec![ContainerStatus {
        name: names::CONTAINER_PGBACKREST.into(),
        ready,
        ..Default::default()
    }]);
    p
}

#[test]
fn the_stanza_waits_for_the_repo_host_the_primary_and_its_sidecar() {
    let v = validated(HIPPO_BACKUPS);
    let b = v.backups.as_ref().unwrap();
    let mut read = ReadState::default();
    let repos = repo_statuses(&v, b, &PgBackRestStatus::default(), &read);
    assert!(!repos[0].bound && repos[0].volume.is_none(), "no claim yet");
    // PGO's bound and volume: the claim's phase and its PersistentVolume.
    read.pvcs.insert(
        "hippo-repo1".into(),
        k8s_openapi::api::core::v1::PersistentVolumeClaim {
            spec: Some(k8s_openapi::api::core::v1::PersistentVolumeClaimSpec {
                volume_name: Some("pvc-1234".into()),
                ..Default::default()
            }),
            status: Some(k8s_openapi::api::core::v1::PersistentVolumeClaimStatus {
                phase: Some("Bound".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    let repos = repo_statuses(&v, b, &PgBackRestStatus::default(), &read);
    assert!(repos[0].bound);
    assert_eq!(repos[0].volume.as_deref(), Some("pvc-1234"));
    assert_eq!(repos[1].volume, None, "S3");
    assert!(!repos[1].bound, "S3");
    assert_eq!(repo_host_status(&v, &read), None, "no repository host yet");
    read.pods
        .push(pod(&names::repo_host_pod("hippo"), &[], true));
    let primary = pod("p-0", &[(labels::ROLE, labels::ROLE_MASTER)], true);
    read.pods.push(with_sidecar(primary.clone(), false));
    assert!(!stanza_wanted(&v, &read, &repos, false));
    read.pods[1] = with_sidecar(primary, true);
    assert!(stanza_wanted(&v, &read, &repos, false));
    assert!(
        !stanza_wanted(&v, &read, &repos, true),
        "not during a restore"
    );
    let created: Vec<RepoStatus> = repos
        .iter()
        .cloned()
        .map(|r| RepoStatus {
            stanza_created: true,
            ..r
        })
        .collect();
    assert!(!stanza_wanted(&v, &read, &created, false));
    assert!(stanza_created(&created).message.ends_with("repo1, repo2"));
}

#[test]
fn a_stanza_error_is_pgbackrests_own_words_reported_once() {
    let text = "pgbackrest stanza-create in pod x failed: WARN: y\nERROR: [049]: unable to\n   connect command terminated with exit code 49";
    let detail = stanza_error_detail(text);
    assert_eq!(detail, "ERROR: [049]: unable to connect");
    assert!(stanza_failed(&detail, &[]).is_some());
    let shown = k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition {
        type_: "PGBackRestReplicaRepoReady".into(),
        message: format!("creating the stanza in repo1 failed, retrying: {detail}"),
        status: "False".into(),
        reason: "StanzaNotCreated".into(),
        observed_generation: None,
        last_transition_time: time(at("2026-12-01T10:00:00Z")),
    };
    assert!(stanza_failed(&detail, &[shown]).is_none());
}

#[test]
fn removing_spec_backups_waits_for_pgos_authorization() {
    use k8s_openapi::api::apps::v1::StatefulSet;
    let with = validated(HIPPO_BACKUPS);
    let mut without = with.clone();
    without.backups = None;
    let mut pc: PostgresCluster = serde_yaml::from_str(HIPPO_BACKUPS).unwrap();
    let mut read = ReadState::default();
    // No backups ever: nothing to authorize.
    assert!(!removal_unauthorized(&pc, &without, &read));
    // A repository host exists: removing spec.backups needs the annotation.
    read.stateful_sets.insert(
        names::repo_host("hippo"),
        StatefulSet {
            metadata: crate::pgbackrest::restore::tests::meta(&names::repo_host("hippo"), &[], &[]),
            ..Default::default()
        },
    );
    assert!(!removal_unauthorized(&pc, &with, &read));
    assert!(removal_unauthorized(&pc, &without, &read));
    pc.metadata.annotations = Some(
        [(
            names::annotations::AUTHORIZE_BACKUP_REMOVAL.to_string(),
            "false".to_string(),
        )]
        .into(),
    );
    assert!(removal_unauthorized(&pc, &without, &read));
    pc.metadata.annotations = Some(
        [(
            names::annotations::AUTHORIZE_BACKUP_REMOVAL.to_string(),
            "true".to_string(),
        )]
        .into(),
    );
    assert!(!removal_unauthorized(&pc, &without, &read));
    // Repositories in the status count too (an S3 repository has no repository host).
    pc.metadata.annotations = None;
    read.stateful_sets.clear();
    pc.status = Some(pgo_api::PostgresClusterStatus {
        pgbackrest: Some(PgBackRestStatus {
            repos: vec![RepoStatus {
                name: "repo1".into(),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    });
    assert!(removal_unauthorized(&pc, &without, &read));
}

#[test]
fn the_replica_create_backup_runs_once_after_the_stanza_and_again_after_a_restore() {
    let v = validated(HIPPO_BACKUPS);
    let b = v.backups.as_ref().unwrap();
    let mut read = ReadState::default();
    let mut repos = repo_statuses(&v, b, &PgBackRestStatus::default(), &read);
    // No stanza yet: nothing.
    let rc = replica_create(&v, b, &mut repos, None, &read, true, "agent:1");
    assert!(rc.create.is_none());
    for r in &mut repos {
        r.stanza_created = true;
    }
    // Not while another backup or a restore runs.
    assert!(
        replica_create(&v, b, &mut repos, None, &read, false, "agent:1")
            .create
            .is_none()
    );
    let job = replica_create(&v, b, &mut repos, None, &read, true, "agent:1")
        .create
        .unwrap();
    assert_eq!(
        job.metadata.name.as_deref(),
        Some("hippo-backup-replica-create")
    );
    assert_eq!(job.labels()[labels::PGBACKREST_BACKUP], "replica-create");
    let c = &job
        .spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap()
        .containers[0];
    let cmd = c.command.as_ref().unwrap();
    assert!(
        cmd.contains(&"--repo=1".to_string()) && cmd.contains(&"--type=full".to_string()),
        "{cmd:?}"
    );

    // It runs, then succeeds: complete, one Event.
    let name = names::replica_create_job("hippo");
    let mut running = crate::pgbackrest::restore::tests::job(
        &name,
        &[(labels::PGBACKREST_BACKUP, "replica-create")],
        &name,
        0,
        0,
    );
    running.metadata.creation_timestamp = Some(time(at("2026-12-01T09:00:00Z")));
    read.jobs.insert(name.clone(), running.clone());
    let rc = replica_create(&v, b, &mut repos, None, &read, true, "agent:1");
    assert!(rc.create.is_none() && rc.note.is_none());
    let mut done = running.clone();
    done.status.as_mut().unwrap().succeeded = Some(1);
    read.jobs.insert(name.clone(), done);
    let rc = replica_create(&v, b, &mut repos, None, &read, true, "agent:1");
    assert_eq!(rc.note.unwrap().reason, "BackupComplete");
    assert_eq!(repos[0].replica_create_backup_complete, Some(true));
    let rc = replica_create(&v, b, &mut repos, None, &read, true, "agent:1");
    assert!(rc.note.is_none() && rc.create.is_none());

    // An in-place restore completed after it: the old Job goes, and a new backup follows.
    let restored = PgBackRestJobStatus {
        id: "t1".into(),
        finished: true,
        succeeded: Some(1),
        completion_time: Some(time(at("2026-12-01T10:00:00Z"))),
        ..Default::default()
    };
    let rc = replica_create(&v, b, &mut repos, Some(&restored), &read, true, "agent:1");
    assert_eq!(rc.delete.as_deref(), Some(name.as_str()));
    assert_eq!(repos[0].replica_create_backup_complete, Some(false));
    read.jobs.clear();
    let rc = replica_create(&v, b, &mut repos, Some(&restored), &read, true, "agent:1");
    assert!(rc.create.is_some());
    // A failed restore (the old data came back) needs none.
    let mut repos2 = repos.clone();
    repos2[0].replica_create_backup_complete = Some(true);
    let failed = PgBackRestJobStatus {
        succeeded: None,
        failed: Some(1),
        ..restored
    };
    let rc = replica_create(&v, b, &mut repos2, Some(&failed), &read, true, "agent:1");
    assert!(rc.create.is_none() && rc.delete.is_none());
}
