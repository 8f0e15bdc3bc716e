//! pgBackRest's I/O: reads what the decisions in [`super::restore`] and [`super::backups`]
//! need, and carries out what they decide (Jobs, volumes, Patroni's Endpoints, Events).

use std::time::Duration;

use chrono::{DateTime, Utc};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Endpoints, PersistentVolumeClaim};
use kube::api::{DeleteParams, PostParams, PropagationPolicy};
use kube::{Api, ResourceExt};
use pgo_api::names;
use pgo_api::validate::{self, BackupSpec, RepoRun, ValidatedCluster};
use pgo_api::{PgBackRestJobStatus, PgBackRestStatus, PostgresCluster};

use super::backups::{self as plan, ManualStart};
use super::restore::{self, Step};
use crate::context::Context;
use crate::desired::{pgbackrest as pgb, InstancePlan, Restoring};
use crate::events::{publish, publish_all, Note};
use crate::exec;
use crate::observe::ReadState;

/// What is decided before the objects are built.
#[derive(Debug, Default)]
pub struct Prep {
    pub restoring: Restoring,
    pub restore: Option<PgBackRestJobStatus>,
    /// Why a restore was just rejected, for the condition.
    pub restore_error: Option<String>,
}

/// What the backup step reports.
#[derive(Debug, Default)]
pub struct Outcome {
    pub status: Option<PgBackRestStatus>,
    /// When the next scheduled backup is due.
    pub next: Option<Duration>,
    /// Why the stanza could not be created, for the condition.
    pub stanza_error: Option<String>,
    /// Why the restore's Job just failed, for the condition.
    pub restore_error: Option<String>,
}

fn previous(pc: &PostgresCluster) -> PgBackRestStatus {
    pc.status
        .as_ref()
        .and_then(|s| s.pgbackrest.clone())
        .unwrap_or_default()
}

/// `pgbackrest info` of a restore's repository, checked against its target.
async fn check_target(
    ctx: &Context,
    v: &ValidatedCluster,
    read: &ReadState,
    run: &RepoRun,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if !restore::repo_host_ready(read, v) {
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
    restore::check_target(v, run, &info, now)
}

/// The restore configuration of a clone: the source cluster's repository, reached through its
/// repository host (or directly, for S3).
async fn clone_conf(ctx: &Context, v: &ValidatedCluster) -> Result<String, String> {
    let Some(src) = &v.clone_source else {
        return Err("no spec.dataSource.postgresCluster".into());
    };
    let (source, run) = (&src.cluster, &src.run);
    let api: Api<PostgresCluster> = Api::namespaced(ctx.client.clone(), &v.namespace);
    let pc = api
        .get_opt(source)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!("spec.dataSource.postgresCluster.clusterName: PostgresCluster {source:?} does not exist in namespace {}; create it or fix the name", v.namespace)
        })?;
    let (backups, _) = validate::backups(&pc, &v.image, &mut Vec::new());
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

/// Before building: starts a requested restore or clone and decides which instances may run.
pub async fn prepare(
    ctx: &Context,
    pc: &PostgresCluster,
    v: &ValidatedCluster,
    read: &ReadState,
    plan: &InstancePlan,
    now: DateTime<Utc>,
) -> Prep {
    let prev = previous(pc).restore;
    let initialized = read.patroni_annotation("initialize").is_some();
    let mut current = restore::clone_start(prev.clone(), v, initialized, now);
    let mut notes = Vec::new();
    let mut clone = None;
    let mut restore_error = None;
    if restore::clone_in_progress(current.as_ref()) {
        match clone_conf(ctx, v).await {
            Ok(conf) => clone = Some(conf),
            Err(e) => {
                // An Event once, not at every retry.
                tracing::warn!(cluster = %v.name, error = %e, "the clone waits for its source");
                if prev.is_none() {
                    notes.push(Note::warning("CloneWaiting", e));
                }
            }
        }
    }
    if let Some((trigger, run)) = restore::restore_to_check(v, prev.as_ref(), current.as_ref()) {
        let check = check_target(ctx, v, read, run, now).await;
        if let Err(e) = &check {
            restore_error = Some(format!(
                "restore {trigger} rejected, nothing was stopped: {e}"
            ));
        }
        let (status, note) = restore::accept_restore(trigger, &run.repo, check, now);
        current = Some(status);
        notes.push(note);
    }
    let (hold, current, done) = restore::hold(v, read, plan, current, now);
    notes.extend(done);
    publish_all(ctx, pc, notes).await;
    Prep {
        restoring: Restoring {
            hold,
            clone_conf: clone,
        },
        restore: current,
        restore_error,
    }
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

/// Carries out the next step of a restore in progress.
async fn drive_restore(
    ctx: &Context,
    pc: &PostgresCluster,
    v: &ValidatedCluster,
    read: &ReadState,
    plan: &InstancePlan,
    r: &mut PgBackRestJobStatus,
) -> Option<String> {
    let ns = v.namespace.as_str();
    match restore::step(v, read, plan, r) {
        Step::Wait => None,
        Step::Track {
            notes,
            stale_pvcs,
            failure,
            clear_dcs,
        } => {
            publish_all(ctx, pc, notes).await;
            let endpoints: Api<Endpoints> = Api::namespaced(ctx.client.clone(), ns);
            for name in clear_dcs {
                tracing::info!(cluster = %v.name, endpoints = %name, "the restore succeeded: clearing Patroni's DCS");
                let _ = endpoints.delete(&name, &DeleteParams::default()).await;
            }
            let api: Api<PersistentVolumeClaim> = Api::namespaced(ctx.client.clone(), ns);
            for p in stale_pvcs {
                tracing::info!(cluster = %v.name, pvc = %p, "recreating a replica's volume after the restore");
                let _ = api.delete(&p, &DeleteParams::default()).await;
            }
            failure
        }
        Step::DeleteOldJob(name) => {
            delete_job(ctx, ns, &name).await;
            None
        }
        Step::Start { job } => {
            match create_job(ctx, ns, &job).await {
                Ok(()) => {
                    tracing::info!(cluster = %v.name, job = %job.name_any(), id = %r.id, "restore Job created");
                    r.active = Some(1);
                }
                Err(e) => {
                    let note = format!("cannot create the restore Job: {e}");
                    publish(ctx, pc, Note::warning("RestoreFailed", note)).await
                }
            }
            None
        }
    }
}

/// Starts a manual backup; its status when the Job was created.
async fn start_manual(
    ctx: &Context,
    pc: &PostgresCluster,
    ns: &str,
    m: ManualStart,
    now: DateTime<Utc>,
) -> Option<PgBackRestJobStatus> {
    for old in &m.delete {
        delete_job(ctx, ns, old).await;
    }
    match create_job(ctx, ns, &m.job).await {
        Ok(()) => {
            let (status, note) = plan::manual_started(&m, now);
            publish(ctx, pc, note).await;
            Some(status)
        }
        Err(e) => {
            let note = format!("cannot create backup Job {}: {e}", m.job.name_any());
            publish(ctx, pc, Note::warning("BackupFailed", note)).await;
            None
        }
    }
}

/// After applying: the stanza, backups, the restore's Job phases, and the status.
pub async fn run(
    ctx: &Context,
    pc: &PostgresCluster,
    v: &ValidatedCluster,
    read: &ReadState,
    plan: &InstancePlan,
    mut restore: Option<PgBackRestJobStatus>,
    now: DateTime<Utc>,
) -> Outcome {
    let prev = previous(pc);
    let mut restore_error = None;
    if let Some(r) = restore.as_mut().filter(|r| !r.finished) {
        restore_error = drive_restore(ctx, pc, v, read, plan, r).await;
    }
    let Some(b) = &v.backups else {
        return Outcome {
            status: restore.map(|r| PgBackRestStatus {
                restore: Some(r),
                ..Default::default()
            }),
            restore_error,
            ..Default::default()
        };
    };
    let ns = v.namespace.as_str();
    let restoring = restore.as_ref().is_some_and(|r| !r.finished);

    // The stanza, on every repository.
    let mut repos = plan::repo_statuses(v, b, &prev, read);
    let mut stanza_error = None;
    if plan::stanza_wanted(v, read, &repos, restoring) {
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
                publish(ctx, pc, plan::stanza_created(&repos)).await;
                for r in &mut repos {
                    r.stanza_created = true;
                }
            }
            Err(e) => {
                tracing::warn!(cluster = %v.name, error = %e, "stanza-create failed; retrying");
                let detail = plan::stanza_error_detail(&e.to_string());
                let shown = pc.status.as_ref().map(|s| &s.conditions[..]).unwrap_or(&[]);
                if let Some(note) = plan::stanza_failed(&detail, shown) {
                    publish(ctx, pc, note).await;
                }
                stanza_error = Some(detail);
            }
        }
    }
    let mut can_start =
        repos.iter().all(|r| r.stanza_created) && !restoring && !plan::backup_running(read);

    // PGO's replica-create backup comes first: one backup runs at a time.
    let rc = plan::replica_create(
        v,
        b,
        &mut repos,
        restore.as_ref(),
        read,
        can_start,
        &ctx.defaults.agent_image,
    );
    if let Some(old) = &rc.delete {
        delete_job(ctx, ns, old).await;
    }
    if let Some(n) = rc.note {
        publish(ctx, pc, n).await;
    }
    if let Some(job) = &rc.create {
        match create_job(ctx, ns, job).await {
            Ok(()) => {
                let note = format!(
                    "replica-create backup to {} started: Job {}",
                    b.repos[0].name,
                    job.name_any()
                );
                publish(ctx, pc, Note::normal("BackupStarted", note)).await;
            }
            Err(e) => {
                let note = format!("cannot create backup Job {}: {e}", job.name_any());
                publish(ctx, pc, Note::warning("BackupFailed", note)).await
            }
        }
    }
    // Manual and scheduled backups wait for it, as in PGO.
    can_start &= rc.create.is_none()
        && repos
            .first()
            .is_some_and(|r| r.replica_create_backup_complete == Some(true));

    // The manual backup.
    let mut manual = prev.manual_backup.clone();
    let start = plan::manual_start(
        v,
        b,
        manual.as_ref(),
        read,
        can_start,
        &ctx.defaults.agent_image,
    );
    if let Some(m) = start {
        if let Some(s) = start_manual(ctx, pc, ns, m, now).await {
            manual = Some(s);
        }
    }
    let (manual, note) = plan::manual_track(manual, read);
    if let Some(n) = note {
        publish(ctx, pc, n).await;
    }

    // The schedules.
    let (steps, next) =
        plan::schedules(v, b, &prev, read, can_start, &ctx.defaults.agent_image, now);
    let mut scheduled = Vec::new();
    for s in steps {
        if let Some(job) = &s.create {
            match create_job(ctx, ns, job).await {
                Ok(()) => {
                    tracing::info!(cluster = %v.name, job = %job.name_any(), "scheduled backup started")
                }
                Err(e) => {
                    let note =
                        format!("cannot create scheduled backup Job {}: {e}", job.name_any());
                    publish(ctx, pc, Note::warning("BackupFailed", note)).await
                }
            }
        }
        for old in &s.delete {
            delete_job(ctx, ns, old).await;
        }
        scheduled.push(s.status);
    }
    Outcome {
        status: Some(PgBackRestStatus {
            manual_backup: manual,
            scheduled_backups: scheduled,
            restore,
            repo_host: plan::repo_host_status(v, read),
            repos,
        }),
        next,
        stanza_error,
        restore_error,
    }
}
