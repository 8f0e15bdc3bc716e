//! pgBackRest at run time: the stanza, manual and scheduled backup Jobs, in-place restores and
//! clones, and `status.pgbackrest`.
//!
//! A restore runs in three phases, recorded in `status.pgbackrest.restore` so that the agent can
//! stop and resume at any point:
//! 1. every instance is stopped (its StatefulSet scaled to 0) and Patroni's DCS is removed;
//! 2. a Job restores the first instance's volume (`pgbackrest restore --delta`), recovers to
//!    the target and stops Postgres cleanly;
//! 3. the other instances' volumes are recreated empty, the restored instance starts alone and
//!    Patroni makes it the primary; then every instance starts and the replicas copy it.
//!
//! A clone is the same, from another cluster's repository, before the cluster first starts.

use std::time::Duration;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Endpoints, PersistentVolumeClaim, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, PostParams, PropagationPolicy};
use kube::runtime::events::EventType;
use kube::{Api, ResourceExt};
use pgo_api::names::{self, labels};
use pgo_api::{
    PgBackRestJobStatus, PgBackRestScheduledStatus, PgBackRestStatus, PostgresCluster, RepoStatus,
};
use std::str::FromStr;

use crate::backup_spec::{self, option_value, BackupSpec, RepoRun};
use crate::build::pgbackrest as pgb;
use crate::build::{Hold, InstancePlan};
use crate::controller::{publish, Context};
use crate::exec;
use crate::observe::{pod_is_ready, ReadState};
use crate::validate::ValidatedCluster;

/// The `status.pgbackrest.restore.id` of a clone.
pub const CLONE_ID: &str = "clone";
/// Scheduled backup Jobs kept per schedule, as a CronJob's history.
const KEEP_SCHEDULED: usize = 3;
/// Label of scheduled backup Jobs: the schedule's name, as PGO labels its CronJobs' Jobs.
const CRONJOB_LABEL: &str = "postgres-operator.crunchydata.com/pgbackrest-cronjob";

/// What a reconcile decided before building.
#[derive(Debug, Default)]
pub struct Prep {
    pub hold: Hold,
    pub clone_conf: Option<String>,
    pub restore: Option<PgBackRestJobStatus>,
}

/// What the backup step reports.
#[derive(Debug, Default)]
pub struct Outcome {
    pub status: Option<PgBackRestStatus>,
    /// When the next scheduled backup is due.
    pub next: Option<Duration>,
    /// Why the stanza could not be created, for the condition.
    pub stanza_error: Option<String>,
}

fn now() -> Time {
    Time(Timestamp::now())
}

/// The status of a backup or restore that starts now.
fn started(id: &str) -> PgBackRestJobStatus {
    PgBackRestJobStatus {
        id: id.into(),
        start_time: Some(now()),
        ..Default::default()
    }
}

fn restore_job<'a>(read: &'a ReadState, v: &ValidatedCluster) -> Option<&'a Job> {
    read.jobs.get(&names::restore_job(&v.name))
}

fn job_id(job: &Job) -> Option<&str> {
    job.annotations()
        .get(names::annotations::PGBACKREST_RESTORE)
        .or_else(|| job.annotations().get(names::annotations::PGBACKREST_BACKUP))
        .map(String::as_str)
}

fn job_status(id: &str, job: &Job) -> PgBackRestJobStatus {
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
fn repo_host_ready(read: &ReadState, v: &ValidatedCluster) -> bool {
    read.pods
        .iter()
        .any(|p| p.name_any() == names::repo_host_pod(&v.name) && pod_is_ready(p))
}

fn instance_pods(read: &ReadState) -> impl Iterator<Item = &Pod> {
    read.pods.iter().filter(|p| {
        p.labels().contains_key(labels::DATA) && p.labels().contains_key(labels::INSTANCE)
    })
}

/// Checks a restore's target against the backups in the repository, before anything stops:
/// the repository must have a backup that ended before the target time.
async fn check_target(
    ctx: &Context,
    v: &ValidatedCluster,
    run: &RepoRun,
    repo_host_ready: bool,
) -> Result<(), String> {
    if !repo_host_ready {
        return Err(format!(
            "the repository host {} is not ready; the restore waits for it",
            names::repo_host_pod(&v.name)
        ));
    }
    let info = exec::run_in(
        &ctx.client,
        &v.namespace,
        &names::repo_host_pod(&v.name),
        names::CONTAINER_PGBACKREST,
        "pgbackrest info",
        "pgbackrest info --output=json --repo=\"$1\"",
        &run.index.to_string(),
        Duration::from_secs(60),
    )
    .await
    .map_err(|e| e.to_string())?;
    let stops = backup_stops(&info);
    if stops.is_empty() {
        return Err(format!(
            "{} has no backup to restore from; take one first (kubectl pgo backup {})",
            run.repo, v.name
        ));
    }
    if option_value(&run.options, "--type") == Some("time") {
        let target = option_value(&run.options, "--target")
            .and_then(backup_spec::parse_target_time)
            .ok_or("spec.backups.pgbackrest.restore.options: --target is not a time")?;
        let first = *stops.iter().min().expect("not empty");
        if target.timestamp() < first {
            return Err(format!(
                "spec.backups.pgbackrest.restore.options: --target {target} is before the oldest backup in {} (it ended at {}); choose a later time",
                run.repo,
                chrono::DateTime::from_timestamp(first, 0).map(|t| t.to_string()).unwrap_or_default()
            ));
        }
        if target > chrono::Utc::now() {
            return Err(format!(
                "spec.backups.pgbackrest.restore.options: --target {target} is in the future; choose a time that has passed"
            ));
        }
    }
    Ok(())
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

/// Before building: starts a requested restore or clone and decides which instances may run.
pub async fn prepare(
    ctx: &Context,
    pc: &PostgresCluster,
    v: &ValidatedCluster,
    read: &ReadState,
    plan: &InstancePlan,
) -> Prep {
    let prev = pc
        .status
        .as_ref()
        .and_then(|s| s.pgbackrest.as_ref())
        .and_then(|p| p.restore.clone());
    let mut prep = Prep {
        restore: prev.clone(),
        ..Default::default()
    };
    let repo_host_ready = repo_host_ready(read, v);

    // A clone, before the cluster ever started.
    if let Some(src) = &v.clone_source {
        // Decided from Patroni's DCS, not only from the status: a reconcile may see a status
        // older than its own last write, and must then not start an empty instance.
        let fresh = prev.is_none() && read.patroni_annotation("initialize").is_none();
        if fresh {
            prep.restore = Some(started(CLONE_ID));
        }
        if prep
            .restore
            .as_ref()
            .is_some_and(|r| r.id == CLONE_ID && !r.finished)
        {
            match clone_conf(ctx, v, &src.cluster, &src.run).await {
                Ok(conf) => prep.clone_conf = Some(conf),
                Err(e) => {
                    // Once, not at every retry.
                    tracing::warn!(cluster = %v.name, error = %e, "the clone waits for its source");
                    if prev.is_none() {
                        publish(ctx, pc, EventType::Warning, "CloneWaiting", e).await;
                    }
                }
            }
        }
    }

    // An in-place restore, once per value of the annotation.
    if let Some((b, run)) = v
        .backups
        .as_ref()
        .and_then(|b| b.restore.as_ref().map(|r| (b, r)))
    {
        let trigger = b.restore_trigger.as_deref();
        let busy = prep
            .restore
            .as_ref()
            .is_some_and(|r| !r.finished && r.failed.unwrap_or(0) == 0);
        if let Some(t) = trigger.filter(|t| prev.as_ref().map(|r| r.id.as_str()) != Some(*t)) {
            if !busy {
                match check_target(ctx, v, run, repo_host_ready).await {
                    Ok(()) => {
                        publish(
                            ctx,
                            pc,
                            EventType::Normal,
                            "RestoreStarted",
                            format!("restore {t} from {}: stopping every instance", run.repo),
                        )
                        .await;
                        prep.restore = Some(started(t));
                    }
                    Err(e) => {
                        publish(
                            ctx,
                            pc,
                            EventType::Warning,
                            "RestoreRejected",
                            format!("restore {t} rejected, nothing was stopped: {e}"),
                        )
                        .await;
                        prep.restore = Some(PgBackRestJobStatus {
                            id: t.into(),
                            finished: true,
                            failed: Some(1),
                            start_time: Some(now()),
                            completion_time: Some(now()),
                            ..Default::default()
                        });
                    }
                }
            }
        }
    }

    // Which instances may run.
    if let Some(r) = prep.restore.clone().filter(|r| !r.finished) {
        let requested = v
            .backups
            .as_ref()
            .filter(|b| b.restore.is_some())
            .and_then(|b| b.restore_trigger.as_deref());
        let abandoned = r.id != CLONE_ID && requested != Some(r.id.as_str());
        if abandoned && r.failed.unwrap_or(0) > 0 {
            // A failed restore keeps the cluster stopped until the restore is requested again
            // or the request is withdrawn.
            if let Some(x) = prep.restore.as_mut() {
                x.finished = true;
            }
        } else {
            let target = restore_target(plan, v);
            let job = restore_job(read, v).filter(|j| job_id(j) == Some(r.id.as_str()));
            let succeeded = job
                .and_then(|j| j.status.as_ref())
                .and_then(|s| s.succeeded)
                .unwrap_or(0)
                > 0;
            prep.hold = match (&target, succeeded) {
                (Some(t), true) => Hold::AllBut(t.clone()),
                _ => Hold::All,
            };
            if let (Some(t), true) = (&target, succeeded) {
                let primary_ready = read.primary_pod().is_some_and(|p| {
                    p.labels().get(labels::INSTANCE) == Some(t) && pod_is_ready(p)
                });
                if primary_ready {
                    let mut done = job_status(&r.id, job.expect("succeeded"));
                    done.finished = true;
                    done.start_time = r.start_time.clone();
                    done.completion_time = Some(now());
                    publish(
                        ctx,
                        pc,
                        EventType::Normal,
                        "RestoreComplete",
                        format!(
                            "restore {} complete: {t} is the primary; replicas follow",
                            r.id
                        ),
                    )
                    .await;
                    prep.restore = Some(done);
                    prep.hold = Hold::None;
                }
            }
        }
    }
    prep
}

/// The restore configuration of a clone: the source cluster's repository, reached through its
/// repository host (or directly, for S3).
async fn clone_conf(
    ctx: &Context,
    v: &ValidatedCluster,
    source: &str,
    run: &RepoRun,
) -> Result<String, String> {
    let api: Api<PostgresCluster> = Api::namespaced(ctx.client.clone(), &v.namespace);
    let src = api
        .get_opt(source)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!("spec.dataSource.postgresCluster.clusterName: PostgresCluster {source:?} does not exist in namespace {}; create it or fix the name", v.namespace)
        })?;
    let mut errors = Vec::new();
    let (backups, _) = backup_spec::validate(&src, &v.image, &mut errors);
    let backups: BackupSpec = backups.ok_or_else(|| {
        format!("spec.dataSource.postgresCluster: PostgresCluster {source:?} has no spec.backups.pgbackrest")
    })?;
    let repo = backups.repo(&run.repo).ok_or_else(|| {
        format!(
            "spec.dataSource.postgresCluster.repoName: PostgresCluster {source:?} has no repository {:?}",
            run.repo
        )
    })?;
    Ok(pgb::clone_conf(v, source, &backups, repo))
}

async fn create_job(ctx: &Context, ns: &str, job: &Job) -> Result<(), kube::Error> {
    let api: Api<Job> = Api::namespaced(ctx.client.clone(), ns);
    match api.create(&PostParams::default(), job).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if e.code == 409 => Ok(()),
        Err(e) => Err(e),
    }
}

async fn delete_job(ctx: &Context, ns: &str, name: &str) {
    let api: Api<Job> = Api::namespaced(ctx.client.clone(), ns);
    let dp = DeleteParams {
        propagation_policy: Some(PropagationPolicy::Background),
        ..Default::default()
    };
    if let Err(e) = api.delete(name, &dp).await {
        tracing::debug!(job = name, error = %e, "deleting a Job");
    }
}

/// Runs the restore phases that need the built objects (ConfigMap, Secret, claims).
async fn drive_restore(
    ctx: &Context,
    pc: &PostgresCluster,
    v: &ValidatedCluster,
    read: &ReadState,
    plan: &InstancePlan,
    restore: &mut PgBackRestJobStatus,
) {
    let ns = v.namespace.as_str();
    let Some(target) = restore_target(plan, v) else {
        return;
    };
    let (run, conf_key, configuration) = if restore.id == CLONE_ID {
        match (
            &v.clone_source,
            read.config_maps.get(&names::pgbackrest_config(&v.name)),
        ) {
            (Some(src), Some(cm))
                if cm
                    .data
                    .as_ref()
                    .is_some_and(|d| d.contains_key(pgb::RESTORE_CONF)) =>
            {
                (src.run.clone(), pgb::RESTORE_CONF, vec![])
            }
            _ => return, // the configuration is applied first
        }
    } else {
        match v
            .backups
            .as_ref()
            .and_then(|b| b.restore.clone().map(|r| (r, b.configuration.clone())))
        {
            Some((run, conf)) => (run, pgb::INSTANCE_CONF, conf),
            None => return,
        }
    };
    let job = restore_job(read, v);
    match job {
        Some(j) if job_id(j) == Some(restore.id.as_str()) => {
            let s = job_status(&restore.id, j);
            restore.active = s.active;
            restore.succeeded = s.succeeded;
            if s.failed.unwrap_or(0) > 0 && restore.failed.unwrap_or(0) == 0 {
                publish(
                    ctx,
                    pc,
                    EventType::Warning,
                    "RestoreFailed",
                    format!(
                        "restore {} failed; the cluster stays stopped. See `kubectl logs job/{}`, fix spec.backups.pgbackrest.restore and annotate again",
                        restore.id,
                        names::restore_job(&v.name)
                    ),
                )
                .await;
            }
            restore.failed = s.failed;
            if s.succeeded.unwrap_or(0) > 0 {
                // Phase 3: the other instances start from empty volumes and copy the new primary.
                let done_at = s.completion_time.as_ref().map(|t| t.0);
                let stale: Vec<&PersistentVolumeClaim> = read
                    .pvcs
                    .values()
                    .filter(|p| {
                        let l = p.labels();
                        l.contains_key(labels::DATA)
                            && l.get(labels::INSTANCE).is_some_and(|i| *i != target)
                            && match (p.creation_timestamp(), done_at) {
                                (Some(c), Some(d)) => c.0 < d,
                                _ => false,
                            }
                    })
                    .collect();
                let api: Api<PersistentVolumeClaim> = Api::namespaced(ctx.client.clone(), ns);
                for p in stale {
                    if p.metadata.deletion_timestamp.is_none() {
                        tracing::info!(cluster = %v.name, pvc = %p.name_any(), "recreating a replica's volume after the restore");
                        let _ = api.delete(&p.name_any(), &DeleteParams::default()).await;
                    }
                }
            }
        }
        other => {
            // Phase 1: wait until every instance is gone, then clear Patroni's DCS.
            if instance_pods(read).next().is_some() {
                return;
            }
            if let Some(old) = other {
                delete_job(ctx, ns, &old.name_any()).await;
                return;
            }
            let endpoints: Api<Endpoints> = Api::namespaced(ctx.client.clone(), ns);
            for name in [
                names::patroni_scope(&v.name),
                names::patroni_config_service(&v.name),
                format!("{}-sync", names::patroni_scope(&v.name)),
                format!("{}-failover", names::patroni_scope(&v.name)),
            ] {
                let _ = endpoints.delete(&name, &DeleteParams::default()).await;
            }
            let Some(set) = v
                .instance_sets
                .iter()
                .find(|s| plan.get(&s.name).is_some_and(|i| i.contains(&target)))
            else {
                return;
            };
            let job =
                pgb::restore_job(v, set, &target, &run, conf_key, &configuration, &restore.id);
            match create_job(ctx, ns, &job).await {
                Ok(()) => {
                    tracing::info!(cluster = %v.name, instance = %target, id = %restore.id, "restore Job created");
                    restore.active = Some(1);
                }
                Err(e) => {
                    publish(
                        ctx,
                        pc,
                        EventType::Warning,
                        "RestoreFailed",
                        format!("cannot create the restore Job: {e}"),
                    )
                    .await
                }
            }
        }
    }
}

fn hash8(s: &str) -> String {
    crate::build::sha256_hex(s.as_bytes())[..8].to_string()
}

fn is_active(job: &Job) -> bool {
    let s = job.status.clone().unwrap_or_default();
    s.succeeded.unwrap_or(0) == 0 && s.failed.unwrap_or(0) == 0
}

fn to_chrono(t: &Time) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.0.as_second(), 0).unwrap_or_default()
}

fn from_chrono(t: chrono::DateTime<chrono::Utc>) -> Time {
    Time(Timestamp::from_second(t.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH))
}

/// The next time a cron schedule fires after `after` (UTC).
pub fn next_run(
    cron: &str,
    after: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    croner::Cron::from_str(cron)
        .ok()?
        .find_next_occurrence(&after, false)
        .ok()
}

/// After applying: the stanza, backups, the restore's Job phases, and the status.
pub async fn run(
    ctx: &Context,
    pc: &PostgresCluster,
    v: &ValidatedCluster,
    read: &ReadState,
    plan: &InstancePlan,
    prep: Prep,
) -> Outcome {
    let prev = pc
        .status
        .as_ref()
        .and_then(|s| s.pgbackrest.clone())
        .unwrap_or_default();
    let mut restore = prep.restore.clone();
    if let Some(r) = restore.as_mut().filter(|r| !r.finished) {
        drive_restore(ctx, pc, v, read, plan, r).await;
    }
    let Some(b) = &v.backups else {
        return Outcome {
            status: restore.map(|r| PgBackRestStatus {
                restore: Some(r),
                ..Default::default()
            }),
            next: None,
            stanza_error: None,
        };
    };
    let ns = v.namespace.as_str();
    let restoring = restore.as_ref().is_some_and(|r| !r.finished);
    let repo_host_ready = repo_host_ready(read, v);
    let primary_ready = read.primary_pod().is_some_and(pod_is_ready);
    let sidecar_ready = read.primary_pod().is_some_and(|p| {
        p.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c.name == names::CONTAINER_PGBACKREST && c.ready)
            })
    });

    // The stanza, on every repository.
    let mut repos: Vec<RepoStatus> = b
        .repos
        .iter()
        .map(|r| {
            let was = prev.repos.iter().find(|x| x.name == r.name);
            RepoStatus {
                name: r.name.clone(),
                stanza_created: was.is_some_and(|x| x.stanza_created),
                replica_create_backup_complete: None,
                volume: r.is_volume().then(|| names::repo_pvc(&v.name, &r.name)),
            }
        })
        .collect();
    let mut stanza_error = None;
    if repos.iter().any(|r| !r.stanza_created)
        && repo_host_ready
        && primary_ready
        && sidecar_ready
        && !restoring
        && !v.shutdown
    {
        match exec::run_in(
            &ctx.client,
            ns,
            &names::repo_host_pod(&v.name),
            names::CONTAINER_PGBACKREST,
            "pgbackrest stanza-create",
            "pgbackrest stanza-create --log-level-console=warn",
            "",
            Duration::from_secs(120),
        )
        .await
        {
            Ok(_) => {
                publish(
                    ctx,
                    pc,
                    EventType::Normal,
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
                .await;
                for r in &mut repos {
                    r.stanza_created = true;
                }
            }
            Err(e) => {
                tracing::warn!(cluster = %v.name, error = %e, "stanza-create failed; retrying");
                // pgBackRest's own message, without the exec wrapper around it.
                let text = e.to_string();
                let detail = text
                    .find("ERROR:")
                    .map(|i| &text[i..])
                    .unwrap_or(&text)
                    .split(" command terminated")
                    .next()
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let shown = pc.status.as_ref().is_some_and(|s| {
                    s.conditions.iter().any(|c| {
                        c.type_ == "PGBackRestReplicaRepoReady" && c.message.contains(&detail)
                    })
                });
                if !shown {
                    publish(
                        ctx,
                        pc,
                        EventType::Warning,
                        "StanzaCreateFailed",
                        format!("pgbackrest stanza-create failed, retrying: {detail}"),
                    )
                    .await;
                }
                stanza_error = Some(detail);
            }
        }
    }
    let stanza_ready = repos.iter().all(|r| r.stanza_created);

    // One backup at a time: pgBackRest holds a lock per stanza.
    let backup_running = read
        .jobs
        .values()
        .any(|j| j.labels().contains_key(labels::PGBACKREST_BACKUP) && is_active(j));

    // The manual backup, once per value of the annotation.
    let mut manual = prev.manual_backup.clone();
    if let (Some(run), Some(trigger)) = (&b.manual, &b.manual_trigger) {
        if manual.as_ref().map(|m| &m.id) != Some(trigger)
            && stanza_ready
            && !restoring
            && !backup_running
        {
            let name = format!("{}-backup-{}", v.name, hash8(trigger));
            let mut job = pgb::backup_job(
                v,
                name.clone(),
                labels::BACKUP_MANUAL,
                run,
                None,
                &ctx.defaults.agent_image,
            );
            job.metadata
                .annotations
                .get_or_insert_with(Default::default)
                .insert(
                    names::annotations::PGBACKREST_BACKUP.into(),
                    trigger.clone(),
                );
            for (old, j) in &read.jobs {
                if *old != name
                    && j.labels()
                        .get(labels::PGBACKREST_BACKUP)
                        .map(String::as_str)
                        == Some(labels::BACKUP_MANUAL)
                {
                    delete_job(ctx, ns, old).await;
                }
            }
            match create_job(ctx, ns, &job).await {
                Ok(()) => {
                    publish(
                        ctx,
                        pc,
                        EventType::Normal,
                        "BackupStarted",
                        format!(
                            "manual backup {trigger} to {} started: Job {name}",
                            run.repo
                        ),
                    )
                    .await;
                    manual = Some(started(trigger));
                }
                Err(e) => {
                    publish(
                        ctx,
                        pc,
                        EventType::Warning,
                        "BackupFailed",
                        format!("cannot create backup Job {name}: {e}"),
                    )
                    .await
                }
            }
        }
    }
    if let Some(m) = manual.as_mut().filter(|m| !m.finished) {
        if let Some(j) = read.jobs.values().find(|j| {
            j.labels()
                .get(labels::PGBACKREST_BACKUP)
                .map(String::as_str)
                == Some(labels::BACKUP_MANUAL)
                && job_id(j) == Some(m.id.as_str())
        }) {
            let s = job_status(&m.id, j);
            if s.finished {
                let ok = s.succeeded.unwrap_or(0) > 0;
                publish(
                    ctx,
                    pc,
                    if ok {
                        EventType::Normal
                    } else {
                        EventType::Warning
                    },
                    if ok { "BackupComplete" } else { "BackupFailed" },
                    if ok {
                        format!("manual backup {} complete", m.id)
                    } else {
                        format!(
                            "manual backup {} failed; see `kubectl logs job/{}`",
                            m.id,
                            j.name_any()
                        )
                    },
                )
                .await;
            }
            *m = s;
        }
    }

    // Schedules, run by the agent (CronJobs are batch/v1beta1 only on Kubernetes 1.20).
    let now_c = chrono::Utc::now();
    let mut scheduled = Vec::new();
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
                .or_else(|| next_run(cron, now_c));
            let mut jobs: Vec<&Job> = read
                .jobs
                .values()
                .filter(|j| j.labels().get(CRONJOB_LABEL) == Some(&schedule))
                .collect();
            jobs.sort_by_key(|j| j.creation_timestamp().map(|t| t.0));
            if let Some(d) = due.filter(|d| *d <= now_c) {
                if stanza_ready && !restoring && !v.shutdown && !backup_running {
                    let name = format!("{schedule}-{}", d.timestamp() / 60);
                    let mut job = pgb::backup_job(
                        v,
                        name.clone(),
                        labels::BACKUP_SCHEDULED,
                        &RepoRun {
                            repo: r.name.clone(),
                            index: r.index,
                            options: vec![],
                        },
                        Some(type_),
                        &ctx.defaults.agent_image,
                    );
                    job.metadata
                        .labels
                        .get_or_insert_with(Default::default)
                        .insert(CRONJOB_LABEL.into(), schedule.clone());
                    job.metadata
                        .annotations
                        .get_or_insert_with(Default::default)
                        .insert(names::annotations::PGBACKREST_BACKUP.into(), name.clone());
                    match create_job(ctx, ns, &job).await {
                        Ok(()) => {
                            tracing::info!(cluster = %v.name, job = %name, "scheduled backup started")
                        }
                        Err(e) => {
                            publish(
                                ctx,
                                pc,
                                EventType::Warning,
                                "BackupFailed",
                                format!("cannot create scheduled backup Job {name}: {e}"),
                            )
                            .await
                        }
                    }
                }
                // A run missed while the cluster could not back up is not made up later.
                due = next_run(cron, now_c);
            }
            // History: the newest Jobs of this schedule.
            if jobs.len() > KEEP_SCHEDULED {
                for j in &jobs[..jobs.len() - KEEP_SCHEDULED] {
                    delete_job(ctx, ns, &j.name_any()).await;
                }
            }
            let last_run = jobs
                .last()
                .map(|j| job_status(&j.name_any(), j))
                .or_else(|| was.and_then(|s| s.last_run.clone()));
            if let Some(d) = due {
                let wait = (d - now_c).to_std().unwrap_or_default() + Duration::from_secs(1);
                next = Some(next.map_or(wait, |n| n.min(wait)));
            }
            scheduled.push(PgBackRestScheduledStatus {
                cronjob_name: schedule,
                repo: r.name.clone(),
                type_: (*type_).into(),
                last_run,
                next_run: due.map(from_chrono),
            });
        }
    }
    Outcome {
        status: Some(PgBackRestStatus {
            manual_backup: manual,
            scheduled_backups: scheduled,
            restore,
            repos,
        }),
        next,
        stanza_error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_next_run_is_after_the_given_time() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-24T14:03:30Z")
            .unwrap()
            .to_utc();
        let n = next_run("*/5 * * * *", t).unwrap();
        assert_eq!(n.to_rfc3339(), "2026-11-24T14:05:00+00:00");
        assert!(next_run("not cron", t).is_none());
    }

    #[test]
    fn backup_stop_times_come_from_pgbackrest_info() {
        let info = r#"[{"name":"db","backup":[{"label":"20261124-140000F","timestamp":{"start":1795960800,"stop":1795960810}}]}]"#;
        assert_eq!(backup_stops(info), vec![1795960810]);
        assert!(backup_stops("not json").is_empty());
    }
}
