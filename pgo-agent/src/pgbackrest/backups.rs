//! Backups, decided: when the stanza is created, when the manual backup starts, when each
//! schedule fires, which old Jobs go, and what `status.pgbackrest` says. Pure: the clock and
//! what was observed are arguments.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::ResourceExt;
use pgo_api::names::{self, labels};
use pgo_api::validate::{BackupSpec, RepoRun, ValidatedCluster};
use pgo_api::{
    PgBackRestJobStatus, PgBackRestScheduledStatus, PgBackRestStatus, PostgresCluster,
    RepoHostStatus, RepoStatus,
};

use super::restore::{job_id, job_status, repo_host_ready, started, time};
use crate::desired::jobs::{self, BackupKind};
use crate::events::Note;
use crate::observe::{pod_is_ready, ReadState};

/// Scheduled backup Jobs kept per schedule, as a CronJob's history.
pub const KEEP_SCHEDULED: usize = 3;

/// The next time a cron schedule fires after `after` (UTC).
pub fn next_run(cron: &str, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    croner::Cron::from_str(cron)
        .ok()?
        .find_next_occurrence(&after, false)
        .ok()
}

fn to_chrono(t: &Time) -> DateTime<Utc> {
    DateTime::from_timestamp(t.0.as_second(), 0).unwrap_or_default()
}

fn hash8(s: &str) -> String {
    crate::desired::sha256_hex(s.as_bytes())[..8].to_string()
}

fn is_active(job: &Job) -> bool {
    let s = job.status.clone().unwrap_or_default();
    s.succeeded.unwrap_or(0) == 0 && s.failed.unwrap_or(0) == 0
}

fn backup_label(job: &Job) -> Option<&str> {
    job.labels()
        .get(labels::PGBACKREST_BACKUP)
        .map(String::as_str)
}

/// One backup at a time: pgBackRest holds a lock per stanza.
pub fn backup_running(read: &ReadState) -> bool {
    read.jobs
        .values()
        .any(|j| backup_label(j).is_some() && is_active(j))
}

/// Each repository's status, keeping what earlier reconciles learned.
pub fn repo_statuses(
    v: &ValidatedCluster,
    b: &BackupSpec,
    prev: &PgBackRestStatus,
    read: &ReadState,
) -> Vec<RepoStatus> {
    b.repos
        .iter()
        .map(|r| {
            let was = prev.repos.iter().find(|x| x.name == r.name);
            // PGO's `bound` and `volume`: the claim's phase and the volume it is bound to.
            let claim = r
                .is_volume()
                .then(|| read.pvcs.get(&names::repo_pvc(&v.name, &r.name)))
                .flatten();
            let bound = claim
                .and_then(|c| c.status.as_ref())
                .and_then(|s| s.phase.as_deref())
                == Some("Bound");
            RepoStatus {
                name: r.name.clone(),
                bound,
                stanza_created: was.is_some_and(|x| x.stanza_created),
                replica_create_backup_complete: was.and_then(|x| x.replica_create_backup_complete),
                volume: claim
                    .and_then(|c| c.spec.as_ref())
                    .and_then(|s| s.volume_name.clone()),
            }
        })
        .collect()
}

/// PGO's `status.pgbackrest.repoHost`, when the cluster has a repository host.
pub fn repo_host_status(v: &ValidatedCluster, read: &ReadState) -> Option<RepoHostStatus> {
    read.stateful_sets
        .contains_key(&names::repo_host(&v.name))
        .then(|| RepoHostStatus {
            api_version: Some("apps/v1".into()),
            kind: Some("StatefulSet".into()),
            ready: repo_host_ready(read, v),
        })
}

/// Whether to run `stanza-create` now: a repository lacks the stanza, and the repository host,
/// the primary and its pgBackRest sidecar are ready.
pub fn stanza_wanted(
    v: &ValidatedCluster,
    read: &ReadState,
    repos: &[RepoStatus],
    restoring: bool,
) -> bool {
    let primary = read.primary_pod();
    let sidecar_ready = primary
        .and_then(|p| p.status.as_ref())
        .and_then(|s| s.container_statuses.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c.name == names::CONTAINER_PGBACKREST && c.ready)
        });
    repos.iter().any(|r| !r.stanza_created)
        && repo_host_ready(read, v)
        && primary.is_some_and(pod_is_ready)
        && sidecar_ready
        && !restoring
        && !v.shutdown
}

/// The Event of a created stanza.
pub fn stanza_created(repos: &[RepoStatus]) -> Note {
    Note::normal(
        "StanzaCreated",
        format!(
            "pgBackRest stanza {} is ready in {}",
            names::PGBACKREST_STANZA,
            repos
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

/// pgBackRest's own message in a failed exec, without the exec wrapper around it.
pub fn stanza_error_detail(text: &str) -> String {
    text.find("ERROR:")
        .map(|i| &text[i..])
        .unwrap_or(text)
        .split(" command terminated")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Event of a failed `stanza-create`, unless the condition already shows this error.
pub fn stanza_failed(
    detail: &str,
    prev_conditions: &[k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition],
) -> Option<Note> {
    let shown = prev_conditions
        .iter()
        .any(|c| c.type_ == "PGBackRestReplicaRepoReady" && c.message.contains(detail));
    (!shown).then(|| {
        Note::warning(
            "StanzaCreateFailed",
            format!("pgbackrest stanza-create failed, retrying: {detail}"),
        )
    })
}

/// What to do about PGO's `replica-create` backup.
#[derive(Debug, Default)]
pub struct ReplicaCreate {
    pub create: Option<Job>,
    pub delete: Option<String>,
    pub note: Option<Note>,
}

/// PGO's `replica-create` backup: a full backup to the first repository once its stanza
/// exists, so that a new cluster has a restore point from the start (and replicas could be
/// made from it). It is taken again after an in-place restore, whose new timeline the older
/// backups do not lead to (a clone or restore from one of them fails). Decided from the Job
/// and the restore's completion time; `repos[0].replicaCreateBackupComplete` records it.
pub fn replica_create(
    v: &ValidatedCluster,
    b: &BackupSpec,
    repos: &mut [RepoStatus],
    restore: Option<&PgBackRestJobStatus>,
    read: &ReadState,
    can_start: bool,
    agent_image: &str,
) -> ReplicaCreate {
    let mut out = ReplicaCreate::default();
    let (Some(first), Some(status)) = (b.repos.first(), repos.first_mut()) else {
        return out;
    };
    let name = names::replica_create_job(&v.name);
    let job = read.jobs.get(&name);
    let created = job.and_then(|j| j.creation_timestamp()).map(|t| t.0);
    let restored = restore
        .filter(|r| r.finished && r.succeeded.unwrap_or(0) > 0 && r.id != names::CLONE_RESTORE_ID)
        .and_then(|r| r.completion_time.as_ref())
        .map(|t| t.0);
    let after_restore = matches!((restored, created), (Some(r), Some(c)) if c < r)
        || (restored.is_some()
            && job.is_none()
            && status.replica_create_backup_complete == Some(true));
    if after_restore {
        // The backup from before the restore is on the old timeline: take another.
        status.replica_create_backup_complete = Some(false);
        out.delete = job.map(|_| name.clone());
        return out;
    }
    match job.map(|j| job_status(&name, j)) {
        Some(s) if s.finished && s.succeeded.unwrap_or(0) > 0 => {
            if status.replica_create_backup_complete != Some(true) {
                out.note = Some(Note::normal(
                    "BackupComplete",
                    format!(
                        "replica-create backup to {} complete: the cluster has a restore point",
                        first.name
                    ),
                ));
            }
            status.replica_create_backup_complete = Some(true);
        }
        Some(s) if s.finished => {
            status.replica_create_backup_complete = Some(false);
            out.delete = Some(name.clone());
            out.note = Some(Note::warning(
                "BackupFailed",
                format!("replica-create backup to {} failed, trying again; see `kubectl logs job/{name}`", first.name),
            ));
        }
        Some(_) => {}
        None => {
            if status.stanza_created
                && status.replica_create_backup_complete != Some(true)
                && can_start
            {
                let run = RepoRun {
                    repo: first.name.clone(),
                    index: first.index,
                    options: vec![],
                };
                out.create = Some(jobs::backup_job(
                    v,
                    name,
                    BackupKind::ReplicaCreate,
                    &run,
                    Some("full"),
                    agent_image,
                ));
            }
        }
    }
    out
}

/// A manual backup to start: its Job, and the Jobs of earlier manual backups to delete first.
#[derive(Debug)]
pub struct ManualStart {
    pub trigger: String,
    pub repo: String,
    pub job: Job,
    pub delete: Vec<String>,
}

/// The manual backup, once per value of the `pgbackrest-backup` annotation, when backups can
/// run (`can_start`: the stanza exists, no restore and no other backup runs).
pub fn manual_start(
    v: &ValidatedCluster,
    b: &BackupSpec,
    prev: Option<&PgBackRestJobStatus>,
    read: &ReadState,
    can_start: bool,
    agent_image: &str,
) -> Option<ManualStart> {
    let (run, trigger) = (b.manual.as_ref()?, b.manual_trigger.as_ref()?);
    if prev.map(|m| &m.id) == Some(trigger) || !can_start {
        return None;
    }
    let name = format!("{}-backup-{}", v.name, hash8(trigger));
    let job = jobs::backup_job(
        v,
        name.clone(),
        BackupKind::Manual { trigger },
        run,
        None,
        agent_image,
    );
    let delete = read
        .jobs
        .iter()
        .filter(|(old, j)| **old != name && backup_label(j) == Some(labels::BACKUP_MANUAL))
        .map(|(old, _)| old.clone())
        .collect();
    Some(ManualStart {
        trigger: trigger.clone(),
        repo: run.repo.clone(),
        job,
        delete,
    })
}

/// The Event of a started manual backup, and its status.
pub fn manual_started(m: &ManualStart, now: DateTime<Utc>) -> (PgBackRestJobStatus, Note) {
    (
        started(&m.trigger, now),
        Note::normal(
            "BackupStarted",
            format!(
                "manual backup {} to {} started: Job {}",
                m.trigger,
                m.repo,
                m.job.name_any()
            ),
        ),
    )
}

/// Follows the manual backup's Job: its progress, and an Event when it ends.
pub fn manual_track(
    manual: Option<PgBackRestJobStatus>,
    read: &ReadState,
) -> (Option<PgBackRestJobStatus>, Option<Note>) {
    let Some(m) = manual.as_ref().filter(|m| !m.finished) else {
        return (manual, None);
    };
    let Some(j) = read.jobs.values().find(|j| {
        backup_label(j) == Some(labels::BACKUP_MANUAL) && job_id(j) == Some(m.id.as_str())
    }) else {
        return (manual, None);
    };
    let s = job_status(&m.id, j);
    let note = s.finished.then(|| {
        if s.succeeded.unwrap_or(0) > 0 {
            Note::normal("BackupComplete", format!("manual backup {} complete", m.id))
        } else {
            Note::warning(
                "BackupFailed",
                format!(
                    "manual backup {} failed; see `kubectl logs job/{}`",
                    m.id,
                    j.name_any()
                ),
            )
        }
    });
    (Some(s), note)
}

/// What one schedule does in this reconcile.
#[derive(Debug)]
pub struct ScheduleStep {
    /// The Job to create: the schedule is due and backups can run.
    pub create: Option<Job>,
    /// Jobs past the history limit.
    pub delete: Vec<String>,
    pub status: PgBackRestScheduledStatus,
}

/// The schedules of every repository, run by the agent (CronJobs are `batch/v1beta1` only on
/// Kubernetes 1.20). Returns each schedule's step and how long until the next one is due.
pub fn schedules(
    v: &ValidatedCluster,
    b: &BackupSpec,
    prev: &PgBackRestStatus,
    read: &ReadState,
    can_start: bool,
    agent_image: &str,
    now: DateTime<Utc>,
) -> (Vec<ScheduleStep>, Option<Duration>) {
    let mut steps = Vec::new();
    let mut next: Option<Duration> = None;
    for r in &b.repos {
        for (type_, cron) in &r.schedules {
            let schedule = names::backup_schedule(&v.name, &r.name, type_);
            let was = prev
                .scheduled_backups
                .iter()
                .find(|s| s.cronjob_name == schedule);
            let mut due = was
                .and_then(|s| s.next_run.as_ref())
                .map(to_chrono)
                .or_else(|| next_run(cron, now));
            let mut history: Vec<&Job> = read
                .jobs
                .values()
                .filter(|j| j.labels().get(labels::PGBACKREST_CRONJOB) == Some(&schedule))
                .collect();
            history.sort_by_key(|j| j.creation_timestamp().map(|t| t.0));
            let mut create = None;
            if let Some(d) = due.filter(|d| *d <= now) {
                if can_start && !v.shutdown {
                    let run = RepoRun {
                        repo: r.name.clone(),
                        index: r.index,
                        options: vec![],
                    };
                    create = Some(jobs::backup_job(
                        v,
                        format!("{schedule}-{}", d.timestamp() / 60),
                        BackupKind::Scheduled {
                            schedule: &schedule,
                        },
                        &run,
                        Some(type_),
                        agent_image,
                    ));
                }
                // A run missed while the cluster could not back up is not made up later.
                due = next_run(cron, now);
            }
            let delete = history
                .len()
                .checked_sub(KEEP_SCHEDULED)
                .map(|extra| history[..extra].iter().map(|j| j.name_any()).collect())
                .unwrap_or_default();
            let last_run = history
                .last()
                .map(|j| job_status(&j.name_any(), j))
                .or_else(|| was.and_then(|s| s.last_run.clone()));
            if let Some(d) = due {
                let wait = (d - now).to_std().unwrap_or_default() + Duration::from_secs(1);
                next = Some(next.map_or(wait, |n| n.min(wait)));
            }
            steps.push(ScheduleStep {
                create,
                delete,
                status: PgBackRestScheduledStatus {
                    cronjob_name: schedule,
                    repo: r.name.clone(),
                    type_: (*type_).into(),
                    last_run,
                    next_run: due.map(|d| time(d.with_nanosecond(0).unwrap_or(d))),
                },
            });
        }
    }
    (steps, next)
}

/// PGO's message while a removal of `spec.backups` waits for its authorization.
pub const REMOVAL_PAUSED: &str = "Reconciliation is paused: please fill in spec.backups or add the postgres-operator.crunchydata.com/authorizeBackupRemoval annotation to authorize backup removal.";

/// Whether `spec.backups` was removed from a cluster that has backups (a repository host, or
/// repositories in its status) without PGO's `authorizeBackupRemoval: "true"` annotation: one
/// deleted line must not silently end a cluster's backups and WAL archiving, so nothing is
/// changed until the user says so, or puts `spec.backups` back.
pub fn removal_unauthorized(pc: &PostgresCluster, v: &ValidatedCluster, read: &ReadState) -> bool {
    if v.backups.is_some() {
        return false;
    }
    let has_backups = read.stateful_sets.contains_key(&names::repo_host(&v.name))
        || pc
            .status
            .as_ref()
            .and_then(|s| s.pgbackrest.as_ref())
            .is_some_and(|p| !p.repos.is_empty());
    let authorized = pc
        .annotations()
        .get(names::annotations::AUTHORIZE_BACKUP_REMOVAL)
        .is_some_and(|v| v == "true");
    has_backups && !authorized
}

#[cfg(test)]
#[path = "backups_tests.rs"]
mod tests;
