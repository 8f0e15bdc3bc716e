//! Restores and clones, decided: which restore runs, which instances may run meanwhile, and the
//! next step of a restore in progress. Pure: every decision takes what was observed and the
//! clock as arguments, so each one has a unit test.

use chrono::{DateTime, Utc};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use pgo_api::names::{self, labels};
use pgo_api::validate::{option_value, parse_target_time, RepoRun, ValidatedCluster};
use pgo_api::PgBackRestJobStatus;

use crate::desired::{jobs, pgbackrest as pgb, Hold, InstancePlan};
use crate::events::Note;
use crate::observe::{pod_is_ready, ReadState};

/// A point in time as the API writes it.
pub fn time(t: DateTime<Utc>) -> Time {
    Time(
        Timestamp::new(t.timestamp(), t.timestamp_subsec_nanos() as i32)
            .unwrap_or(Timestamp::UNIX_EPOCH),
    )
}

/// The status of a backup or restore that starts now.
pub fn started(id: &str, now: DateTime<Utc>) -> PgBackRestJobStatus {
    PgBackRestJobStatus {
        id: id.into(),
        start_time: Some(time(now)),
        ..Default::default()
    }
}

/// The run a backup or restore Job belongs to (its trigger annotation).
pub fn job_id(job: &Job) -> Option<&str> {
    job.annotations()
        .get(names::annotations::PGBACKREST_RESTORE)
        .or_else(|| job.annotations().get(names::annotations::PGBACKREST_BACKUP))
        .map(String::as_str)
}

/// A Job's progress as PGO reports it in `status.pgbackrest`.
pub fn job_status(id: &str, job: &Job) -> PgBackRestJobStatus {
    let s = job.status.clone().unwrap_or_default();
    let succeeded = s.succeeded.unwrap_or(0);
    let failed = s.failed.unwrap_or(0);
    PgBackRestJobStatus {
        id: id.into(),
        finished: succeeded > 0 || failed > 0,
        active: s.active,
        succeeded: s.succeeded,
        failed: s.failed,
        start_time: s.start_time,
        completion_time: s.completion_time,
    }
}

/// The instance a restore writes into: the first of the first set, so every reconcile agrees.
pub fn restore_target(plan: &InstancePlan, v: &ValidatedCluster) -> Option<String> {
    v.instance_sets
        .iter()
        .find_map(|s| plan.get(&s.name).and_then(|i| i.first().cloned()))
}

/// Whether the repository host's pod is ready.
pub fn repo_host_ready(read: &ReadState, v: &ValidatedCluster) -> bool {
    read.pods
        .iter()
        .any(|p| p.name_any() == names::repo_host_pod(&v.name) && pod_is_ready(p))
}

fn instance_pods(read: &ReadState) -> impl Iterator<Item = &Pod> {
    read.pods.iter().filter(|p| {
        p.labels().contains_key(labels::DATA) && p.labels().contains_key(labels::INSTANCE)
    })
}

/// A clone starts before the cluster ever ran. Decided from Patroni's DCS as well as the
/// status: a reconcile may see a status older than its own last write, and must then not start
/// an empty instance.
pub fn clone_start(
    prev: Option<PgBackRestJobStatus>,
    v: &ValidatedCluster,
    dcs_initialized: bool,
    now: DateTime<Utc>,
) -> Option<PgBackRestJobStatus> {
    if v.clone_source.is_some() && prev.is_none() && !dcs_initialized {
        return Some(started(names::CLONE_RESTORE_ID, now));
    }
    prev
}

/// Whether a clone is still restoring (and so needs its source's configuration).
pub fn clone_in_progress(restore: Option<&PgBackRestJobStatus>) -> bool {
    restore.is_some_and(|r| r.id == names::CLONE_RESTORE_ID && !r.finished)
}

/// A requested in-place restore not seen before: its trigger and what it restores. `None` when
/// there is none, or while another restore is still running.
pub fn restore_to_check<'a>(
    v: &'a ValidatedCluster,
    prev: Option<&PgBackRestJobStatus>,
    current: Option<&PgBackRestJobStatus>,
) -> Option<(&'a str, &'a RepoRun)> {
    let b = v.backups.as_ref()?;
    let run = b.restore.as_ref()?;
    let trigger = b.restore_trigger.as_deref()?;
    if prev.map(|r| r.id.as_str()) == Some(trigger) {
        return None;
    }
    let busy = current.is_some_and(|r| !r.finished && r.failed.unwrap_or(0) == 0);
    (!busy).then_some((trigger, run))
}

/// The stop times (Unix seconds) of the backups in `pgbackrest info --output=json`.
pub fn backup_stops(info: &str) -> Vec<i64> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(info) else {
        return vec![];
    };
    v.as_array()
        .into_iter()
        .flatten()
        .flat_map(|stanza| stanza["backup"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["timestamp"]["stop"].as_i64())
        .collect()
}

/// Checks a restore's target against `pgbackrest info` of its repository, before anything
/// stops: the repository must have a backup, and a time target must lie between the end of the
/// oldest backup and now.
pub fn check_target(
    v: &ValidatedCluster,
    run: &RepoRun,
    info: &str,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let stops = backup_stops(info);
    let Some(first) = stops.iter().min().copied() else {
        return Err(format!(
            "{} has no backup to restore from; take one first (kubectl pgo backup {})",
            run.repo, v.name
        ));
    };
    if option_value(&run.options, "--type") == Some("time") {
        let target = option_value(&run.options, "--target")
            .and_then(parse_target_time)
            .ok_or("spec.backups.pgbackrest.restore.options: --target is not a time")?;
        if target.timestamp() < first {
            return Err(format!(
                "spec.backups.pgbackrest.restore.options: --target {target} is before the oldest backup in {} (it ended at {}); choose a later time",
                run.repo,
                DateTime::from_timestamp(first, 0).map(|t| t.to_string()).unwrap_or_default()
            ));
        }
        if target > now {
            return Err(format!(
                "spec.backups.pgbackrest.restore.options: --target {target} is in the future; choose a time that has passed"
            ));
        }
    }
    Ok(())
}

/// A checked restore request: it starts (every instance stops), or it is rejected and
/// nothing stops.
pub fn accept_restore(
    trigger: &str,
    repo: &str,
    check: Result<(), String>,
    now: DateTime<Utc>,
) -> (PgBackRestJobStatus, Note) {
    match check {
        Ok(()) => (
            started(trigger, now),
            Note::normal(
                "RestoreStarted",
                format!("restore {trigger} from {repo}: stopping every instance"),
            ),
        ),
        Err(e) => (
            PgBackRestJobStatus {
                id: trigger.into(),
                finished: true,
                failed: Some(1),
                start_time: Some(time(now)),
                completion_time: Some(time(now)),
                ..Default::default()
            },
            Note::warning(
                "RestoreRejected",
                format!("restore {trigger} rejected, nothing was stopped: {e}"),
            ),
        ),
    }
}

/// The restore Job of the cluster, if it belongs to restore `id`.
fn restore_job<'a>(read: &'a ReadState, v: &ValidatedCluster, id: &str) -> Option<&'a Job> {
    read.jobs
        .get(&names::restore_job(&v.name))
        .filter(|j| job_id(j) == Some(id))
}

/// Which instances may run while `restore` is in progress, and whether it has just completed
/// (the restored instance is the ready primary). Returns the hold, the restore's status and
/// the Event of its completion.
pub fn hold(
    v: &ValidatedCluster,
    read: &ReadState,
    plan: &InstancePlan,
    restore: Option<PgBackRestJobStatus>,
    now: DateTime<Utc>,
) -> (Hold, Option<PgBackRestJobStatus>, Option<Note>) {
    let Some(r) = restore.clone().filter(|r| !r.finished) else {
        return (Hold::None, restore, None);
    };
    if r.id != names::CLONE_RESTORE_ID && r.failed.unwrap_or(0) > 0 {
        // A failed in-place restore gave the data from before it back (the restore Job's
        // script, or the database container's start, settles it): the cluster starts again.
        let mut done = r;
        done.finished = true;
        return (Hold::None, Some(done), None);
    }
    let target = restore_target(plan, v);
    let job = restore_job(read, v, &r.id);
    let succeeded = job
        .and_then(|j| j.status.as_ref())
        .and_then(|s| s.succeeded)
        .unwrap_or(0)
        > 0;
    let (Some(t), Some(job), true) = (&target, job, succeeded) else {
        return (Hold::All, restore, None);
    };
    if dcs_stale(read, job) {
        // Patroni's DCS still describes the cluster from before the restore: it is cleared
        // (see `track`) before the restored instance starts.
        return (Hold::All, restore, None);
    }
    let primary_ready = read
        .primary_pod()
        .is_some_and(|p| p.labels().get(labels::INSTANCE) == Some(t) && pod_is_ready(p));
    if !primary_ready {
        return (Hold::AllBut(t.clone()), restore, None);
    }
    let mut done = job_status(&r.id, job);
    done.finished = true;
    done.start_time = r.start_time.clone();
    done.completion_time = Some(time(now));
    let note = Note::normal(
        "RestoreComplete",
        format!(
            "restore {} complete: {t} is the primary; replicas follow",
            r.id
        ),
    );
    (Hold::None, Some(done), Some(note))
}

/// The next step of a restore in progress, once its objects are applied.
// One per reconcile: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Step {
    /// Nothing to do yet: instances are still stopping, or the configuration is not applied.
    Wait,
    /// The restore's Job exists: its progress is recorded in the status. Once it succeeded,
    /// the other instances' volumes are recreated so that they copy the restored primary.
    Track {
        notes: Vec<Note>,
        stale_pvcs: Vec<String>,
        /// The failure just seen, for the condition's message.
        failure: Option<String>,
        /// Patroni's Endpoints to delete: the Job succeeded, and the restored instance starts
        /// with an empty DCS.
        clear_dcs: Vec<String>,
    },
    /// A Job of an earlier restore is in the way.
    DeleteOldJob(String),
    /// Every instance is stopped: start the restore Job.
    Start { job: Job },
}

/// Decides the next step of `restore`, updating its Job progress in place.
pub fn step(
    v: &ValidatedCluster,
    read: &ReadState,
    plan: &InstancePlan,
    restore: &mut PgBackRestJobStatus,
) -> Step {
    let Some(target) = restore_target(plan, v) else {
        return Step::Wait;
    };
    let (run, conf_key, configuration) = if restore.id == names::CLONE_RESTORE_ID {
        let conf_applied = read
            .config_maps
            .get(&names::pgbackrest_config(&v.name))
            .and_then(|cm| cm.data.as_ref())
            .is_some_and(|d| d.contains_key(pgb::RESTORE_CONF));
        match &v.clone_source {
            Some(src) if conf_applied => (src.run.clone(), pgb::RESTORE_CONF, vec![]),
            _ => return Step::Wait, // the configuration is applied first
        }
    } else {
        match v
            .backups
            .as_ref()
            .and_then(|b| b.restore.clone().map(|r| (r, b.configuration.clone())))
        {
            Some((run, conf)) => (run, pgb::INSTANCE_CONF, conf),
            None => return Step::Wait,
        }
    };
    let existing = read.jobs.get(&names::restore_job(&v.name));
    if let Some(j) = existing.filter(|j| job_id(j) == Some(restore.id.as_str())) {
        return track(v, read, &target, restore, j);
    }
    // Phase 1: wait until every instance is gone, then clear Patroni's DCS.
    if instance_pods(read).next().is_some() {
        return Step::Wait;
    }
    if let Some(old) = existing {
        return Step::DeleteOldJob(old.name_any());
    }
    let Some(set) = v
        .instance_sets
        .iter()
        .find(|s| plan.get(&s.name).is_some_and(|i| i.contains(&target)))
    else {
        return Step::Wait;
    };
    Step::Start {
        job: jobs::restore_job(v, set, &target, &run, conf_key, &configuration, &restore.id),
    }
}

/// Patroni's Endpoints of a cluster (its DCS).
pub fn dcs_endpoints(cluster: &str) -> Vec<String> {
    let scope = names::patroni_scope(cluster);
    vec![
        scope.clone(),
        names::patroni_config_service(cluster),
        format!("{scope}-sync"),
        format!("{scope}-failover"),
    ]
}

/// Whether Patroni's DCS was written before the restore `job` completed. It is cleared only
/// once the Job succeeded: a restore that fails leaves it as it was, and the cluster restarts
/// on its old data as after a shutdown (the old leader's position guards the election).
fn dcs_stale(read: &ReadState, job: &Job) -> bool {
    let done = job.status.as_ref().and_then(|s| s.completion_time.as_ref());
    read.patroni_config
        .as_ref()
        .is_some_and(|e| match (e.creation_timestamp(), done) {
            (Some(c), Some(d)) => c.0 < d.0,
            _ => true,
        })
}

fn track(
    v: &ValidatedCluster,
    read: &ReadState,
    target: &str,
    restore: &mut PgBackRestJobStatus,
    job: &Job,
) -> Step {
    let s = job_status(&restore.id, job);
    let mut notes = Vec::new();
    let mut failure = None;
    restore.active = s.active;
    restore.succeeded = s.succeeded;
    if s.failed.unwrap_or(0) > 0 && restore.failed.unwrap_or(0) == 0 {
        let message = failure_message(v, &restore.id, failure_reason(read, &job.name_any()));
        notes.push(Note::warning("RestoreFailed", message.clone()));
        failure = Some(message);
    }
    restore.failed = s.failed;
    let mut stale_pvcs = Vec::new();
    let mut clear_dcs = Vec::new();
    if s.succeeded.unwrap_or(0) > 0 && dcs_stale(read, job) {
        clear_dcs = dcs_endpoints(&v.name);
    }
    if s.succeeded.unwrap_or(0) > 0 {
        // Phase 3: the other instances start from empty volumes and copy the new primary.
        let done_at = s.completion_time.as_ref().map(|t| t.0);
        stale_pvcs = read
            .pvcs
            .values()
            .filter(|p| {
                let l = p.labels();
                l.contains_key(labels::DATA)
                    && l.get(labels::INSTANCE).is_some_and(|i| i != target)
                    && p.metadata.deletion_timestamp.is_none()
                    && match (p.creation_timestamp(), done_at) {
                        (Some(c), Some(d)) => c.0 < d,
                        _ => false,
                    }
            })
            .map(|p| p.name_any())
            .collect();
    }
    Step::Track {
        notes,
        stale_pvcs,
        failure,
        clear_dcs,
    }
}

/// The `reason: ...` line a failed restore Job's script printed last, from its pod's
/// termination message (the end of its log).
pub fn failure_reason(read: &ReadState, job: &str) -> Option<String> {
    read.pods
        .iter()
        .filter(|p| {
            let l = p.labels();
            l.get("job-name")
                .or_else(|| l.get("batch.kubernetes.io/job-name"))
                == Some(&job.to_string())
        })
        .flat_map(|p| {
            p.status
                .iter()
                .flat_map(|s| s.container_statuses.iter().flatten())
        })
        .filter_map(|c| c.state.as_ref()?.terminated.as_ref()?.message.as_deref())
        .flat_map(|m| m.lines().rev().collect::<Vec<_>>())
        .find_map(|l| l.trim().strip_prefix("reason: "))
        .map(|r| r.trim().chars().take(400).collect())
}

/// What a failed restore or clone means for the cluster, and what to do.
pub fn failure_message(v: &ValidatedCluster, id: &str, reason: Option<String>) -> String {
    let job = names::restore_job(&v.name);
    let why = reason.map_or_else(
        || format!("see `kubectl logs job/{job}`"),
        |r| format!("{r} (`kubectl logs job/{job}` has the details)"),
    );
    if id == names::CLONE_RESTORE_ID {
        let source = v
            .clone_source
            .as_ref()
            .map_or("its source", |c| c.cluster.as_str());
        format!(
            "the clone from {source} failed: {why}; the cluster has no data to start from: fix spec.dataSource.postgresCluster, then delete the PostgresCluster and create it again"
        )
    } else {
        format!(
            "restore {id} failed: {why}; the cluster starts again on the data it had before the restore: fix spec.backups.pgbackrest.restore and annotate again"
        )
    }
}

#[cfg(test)]
#[path = "restore_tests.rs"]
pub(crate) mod tests;
