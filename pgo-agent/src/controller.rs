//! The reconcile loop. Each pass runs the pipeline top to bottom:
//!
//! observe (`observe`) -> validate (`pgo_api::validate`) -> plan (`desired`, `pgbackrest`'s
//! decisions; pure) -> apply (`apply`, then the actions in `database` and `pgbackrest::act`)
//! -> status (`status`; pure, written by `apply::patch_status`).
//!
//! This module wires the steps together, watches what clusters own, and runs the finalizer.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};
use kube::api::{DeleteParams, ListParams};
use kube::core::PartialObjectMeta;
use kube::runtime::controller::Action;
use kube::runtime::finalizer::{finalizer, Event as FinalizerEvent};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::{reflector, watcher, Controller, WatchStreamExt};
use kube::{Api, Client, ResourceExt};
use pgo_api::names::{self, labels};
use pgo_api::validate::{self, unsupported_fields, Defaults, ValidatedCluster};
use pgo_api::PostgresCluster;

use crate::apply::{patch_status, Applied, Applier, ApplyCache};
use crate::context::Context;
use crate::desired::{self, InstancePlan};
use crate::events::{publish, Note};
use crate::http::Health;
use crate::observe::{self, pod_is_ready, ReadState};
use crate::rolling::{self, Roll};
use crate::status::{self, Actions, Backups, Input, Primary, Spec};
use crate::{credentials, database, pgbackrest, retire, volumes};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Read(#[from] observe::Error),
    #[error(transparent)]
    Credentials(#[from] credentials::Error),
    #[error(transparent)]
    Apply(#[from] crate::apply::Error),
    #[error("failed to clean up after cluster {name}: {source}")]
    Cleanup { name: String, source: kube::Error },
    #[error("cluster {name} is being deleted; waiting for its instances to stop")]
    CleanupPending { name: String },
    #[error(transparent)]
    Finalizer(Box<kube::runtime::finalizer::Error<Error>>),
}

/// How soon a cluster that is still converging is looked at again.
const CONVERGING: Duration = Duration::from_secs(10);

pub async fn reconcile(pc: Arc<PostgresCluster>, ctx: Arc<Context>) -> Result<Action, Error> {
    let started = Instant::now();
    let api: Api<PostgresCluster> =
        Api::namespaced(ctx.client.clone(), &pc.namespace().unwrap_or_default());
    let result = finalizer(&api, names::FINALIZER, pc, |event| async {
        match event {
            FinalizerEvent::Apply(pc) => reconcile_inner(&pc, &ctx).await,
            FinalizerEvent::Cleanup(pc) => cleanup(&pc, &ctx).await,
        }
    })
    .await
    .map_err(|e| Error::Finalizer(Box::new(e)));
    let m = &ctx.health.metrics;
    m.duration.observe(started.elapsed().as_secs_f64());
    if result.is_err() {
        m.count("error");
    }
    result
}

/// Before the owner references remove everything: stop the instances, then delete the
/// Endpoints Patroni created (they carry no owner), so that a new cluster of the same name
/// starts from a clean DCS instead of the old system identifier.
async fn cleanup(pc: &PostgresCluster, ctx: &Context) -> Result<Action, Error> {
    let ns = pc.namespace().unwrap_or_default();
    let name = pc.name_any();
    let by_cluster = ListParams::default().labels(&format!("{}={name}", labels::CLUSTER));
    let cleanup_err = |source| Error::Cleanup {
        name: name.clone(),
        source,
    };
    let sts: Api<StatefulSet> = Api::namespaced(ctx.client.clone(), &ns);
    sts.delete_collection(
        &DeleteParams::background(),
        &ListParams::default().labels(&names::cluster_selector(&name)),
    )
    .await
    .map_err(cleanup_err)?;
    let pods: Api<Pod> = Api::namespaced(ctx.client.clone(), &ns);
    let instance_pods = ListParams::default().labels(&format!(
        "{}={name},{}={}",
        labels::CLUSTER,
        labels::DATA,
        labels::DATA_POSTGRES
    ));
    let deadline = Instant::now() + Duration::from_secs(90);
    while !pods
        .list(&instance_pods)
        .await
        .map_err(cleanup_err)?
        .items
        .is_empty()
    {
        if Instant::now() > deadline {
            // The error keeps the finalizer; the next attempt continues from here.
            return Err(Error::CleanupPending { name });
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let endpoints: Api<Endpoints> = Api::namespaced(ctx.client.clone(), &ns);
    endpoints
        .delete_collection(&DeleteParams::default(), &by_cluster)
        .await
        .map_err(cleanup_err)?;
    ctx.cache.forget(&ns, &name);
    tracing::info!(cluster = %name, namespace = %ns, "instances stopped and Patroni state removed");
    Ok(Action::await_change())
}

/// The status input every outcome shares: what was observed of the instances and Patroni.
fn base<'a>(
    pc: &'a PostgresCluster,
    read: &ReadState,
    spec: Spec<'a>,
    unsupported: &'a [String],
    instances: status::Instances,
) -> Input<'a> {
    Input {
        previous: pc.status.as_ref(),
        generation: pc.metadata.generation.unwrap_or_default(),
        spec,
        unsupported,
        shutdown: pc.spec.shutdown.unwrap_or(false),
        instances,
        primary: read.primary_pod().map(|p| Primary {
            pod: p.name_any(),
            ready: pod_is_ready(p),
        }),
        system_identifier: read.patroni_annotation("initialize").map(String::from),
        actions: Actions::default(),
        retiring: None,
        rolling: None,
        pending_restart: Vec::new(),
        volumes: None,
        wal_kept: None,
        backups: Backups::NotRun,
        proxy: None,
        now: pgbackrest::restore::time(chrono::Utc::now()),
    }
}

/// Instance counts from the StatefulSets that exist, when nothing was applied.
fn existing_instances(read: &ReadState) -> status::Instances {
    let sets = read
        .stateful_sets
        .values()
        .filter_map(|s| status::set_of(s).map(String::from));
    status::instances(sets, read.stateful_sets.values())
}

/// Instance counts from what was applied.
fn applied_instances(applied: &Applied, plan: &InstancePlan) -> status::Instances {
    status::instances(plan.keys().cloned(), &applied.stateful_sets)
}

/// An invalid spec: nothing is applied or deleted; the condition and one Event name the fields.
async fn invalid(
    ctx: &Context,
    pc: &PostgresCluster,
    read: &ReadState,
    errors: Vec<validate::FieldError>,
) -> Result<Action, Error> {
    let unsupported = unsupported_fields(pc);
    let st = status::compute(&base(
        pc,
        read,
        Spec::Invalid(&errors),
        &unsupported,
        existing_instances(read),
    ));
    let previous = pc.status.as_ref();
    let was = previous.and_then(|s| s.conditions.iter().find(|c| c.type_ == status::VALID));
    let now_c = st.conditions.iter().find(|c| c.type_ == status::VALID);
    if was.map(|c| (&c.status, &c.message)) != now_c.map(|c| (&c.status, &c.message)) {
        let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        tracing::warn!(cluster = %pc.name_any(), errors = %list.join("; "), "invalid spec; nothing changed");
        let message = format!("nothing was changed; fix: {}", list.join("; "));
        publish(ctx, pc, Note::warning("InvalidSpec", message)).await;
    }
    ctx.health.metrics.count("invalid");
    let writes = patch_status(&ctx.client, &ctx.cache, pc, st).await?;
    ctx.health.metrics.writes.inc_by(u64::from(writes));
    Ok(Action::requeue(ctx.resync))
}

async fn reconcile_inner(pc: &PostgresCluster, ctx: &Context) -> Result<Action, Error> {
    // 0. a stale read: the version our last status write replaced. Act on the newer one.
    if ctx.cache.is_stale(pc) {
        ctx.health.metrics.count("stale");
        return Ok(Action::requeue(Duration::from_millis(500)));
    }
    // 1. observe
    let read = observe::read(&ctx.client, pc, ctx.pdb_supported).await?;
    // 2. validate
    let mut v: ValidatedCluster = match validate::validate(pc, &ctx.defaults) {
        Ok(v) => v,
        Err(errors) => return invalid(ctx, pc, &read, errors).await,
    };
    let paused = if v.paused {
        Some(Spec::Paused)
    } else if pgbackrest::backups::removal_unauthorized(pc, &v, &read) {
        Some(Spec::BackupRemovalPaused(
            pgbackrest::backups::REMOVAL_PAUSED,
        ))
    } else {
        None
    };
    if let Some(spec) = paused {
        if matches!(spec, Spec::BackupRemovalPaused(_)) {
            let shown = pc.status.as_ref().is_some_and(|s| {
                s.conditions.iter().any(|c| {
                    c.type_ == status::PROGRESSING
                        && c.message == pgbackrest::backups::REMOVAL_PAUSED
                })
            });
            if !shown {
                let note = Note::warning(
                    "BackupRemovalNotAuthorized",
                    format!("spec.backups was removed: nothing is changed and WAL archiving goes on until it is put back, or the annotation {}=\"true\" authorizes removing the repository host and backup configuration (the repository volumes are kept)", names::annotations::AUTHORIZE_BACKUP_REMOVAL),
                );
                publish(ctx, pc, note).await;
            }
        }
        let st = status::compute(&base(
            pc,
            &read,
            spec,
            &v.unsupported,
            existing_instances(&read),
        ));
        ctx.health.metrics.count("paused");
        let writes = patch_status(&ctx.client, &ctx.cache, pc, st).await?;
        ctx.health.metrics.writes.inc_by(u64::from(writes));
        return Ok(Action::requeue(ctx.resync));
    }
    // 3. plan
    let wal_kept = volumes::keep_wal_volumes(&mut v, &read);
    if let Some(w) = &wal_kept {
        let shown = pc.status.as_ref().is_some_and(|s| {
            s.conditions
                .iter()
                .any(|c| c.type_ == status::PROGRESSING && c.message == *w)
        });
        if !shown {
            tracing::warn!(cluster = %v.name, "{w}");
            publish(ctx, pc, Note::warning("WALVolumeKept", w.clone())).await;
        }
    }
    let now = chrono::Utc::now();
    let material = credentials::ensure(&v, &read.existing_secrets(&v.name))?;
    let observed = read.observed();
    let plan = desired::plan_instances(&v, &observed);
    let prep = pgbackrest::act::prepare(ctx, pc, &v, &read, &plan, now).await;
    let mut want = desired::build(&v, &observed, &prep.restoring, &material, ctx.pdb_supported);
    let retire = retire::decide(&observed, &read, &want.plan);
    retire::keep_config(&mut want, &read, &retire, &v.name);
    if let Some(w) = &retire.waiting {
        let shown = pc.status.as_ref().is_some_and(|s| {
            s.conditions
                .iter()
                .any(|c| c.type_ == status::PROGRESSING && c.message == *w)
        });
        if !shown {
            tracing::warn!(cluster = %v.name, "{w}");
            publish(ctx, pc, Note::warning("InstanceRemovalWaiting", w.clone())).await;
        }
    }
    // 4. apply, then what runs inside the database and pgBackRest's steps
    let applied = Applier::new(&ctx.client, &ctx.cache, &v.namespace)
        .apply_desired(&want, &read, observed.primary_instance.as_deref(), &retire)
        .await?;
    let refused: Vec<volumes::Refused> = applied
        .refused_claims
        .iter()
        .filter_map(|(want, reason, message)| {
            let current = read.pvcs.get(&want.name_any())?;
            Some(volumes::refused(&v, want, current, reason, message))
        })
        .collect();
    let resizing = volumes::condition(&read, &refused);
    if let Some(r) = resizing.as_ref().filter(|r| !r.ok) {
        let shown = pc.status.as_ref().is_some_and(|s| {
            s.conditions
                .iter()
                .any(|c| c.type_ == volumes::RESIZING && c.message == r.message)
        });
        if !shown {
            tracing::warn!(cluster = %v.name, "{}", r.message);
            publish(
                ctx,
                pc,
                Note::warning("PersistentVolumeError", r.message.clone()),
            )
            .await;
        }
    }
    let restoring = prep.restore.as_ref().is_some_and(|r| !r.finished);
    let roll = if restoring || v.shutdown || retire.switchover.is_some() {
        Roll::Done
    } else {
        rolling::decide(&want.plan, &applied.stateful_sets, &read)
    };
    database::roll(ctx, pc, &v, &roll).await;
    let done = database::run(ctx, pc, &v, &read, &material, &retire).await;
    let restore_error = prep.restore_error;
    let outcome = pgbackrest::act::run(ctx, pc, &v, &read, &want.plan, prep.restore, now).await;
    // 5. status
    let mut input = base(
        pc,
        &read,
        Spec::Applied {
            postgres_version: v.postgres_version,
        },
        &v.unsupported,
        applied_instances(&applied, &want.plan),
    );
    input.actions = Actions {
        users_revision: done.users_revision,
        database_init_sql: done.database_init_sql,
        switchover: done.switchover,
    };
    input.retiring = retire.waiting;
    input.pending_restart = rolling::pending_restarts(&want.plan, &read);
    input.volumes = resizing;
    input.wal_kept = wal_kept;
    input.rolling = match roll {
        Roll::Done => None,
        Roll::Wait(m) => Some(m),
        Roll::Restart { message, .. } | Roll::Switchover { message, .. } => Some(message),
    };
    input.proxy = Some(status::Proxy {
        deployment: applied.deployments.first().map(status::pooler_pods),
        revision: done.pgbouncer_revision.clone(),
    });
    input.backups = Backups::Ran {
        status: outcome.status,
        stanza_error: outcome.stanza_error,
        restore_error: outcome.restore_error.or(restore_error),
    };
    // A roll or a retiring instance moves on at the next look: come back soon.
    let moving = input.rolling.is_some() || input.retiring.is_some() || applied.recreated;
    let st = status::compute(&input);
    let ready = st
        .conditions
        .iter()
        .any(|c| c.type_ == status::READY && c.status == "True");
    let writes = applied.writes + patch_status(&ctx.client, &ctx.cache, pc, st).await?;
    ctx.health.metrics.count("ok");
    ctx.health.metrics.writes.inc_by(u64::from(writes));
    let next = if (ready || v.shutdown) && !restoring && !moving {
        ctx.resync
    } else {
        CONVERGING
    };
    Ok(Action::requeue(outcome.next.map_or(next, |n| n.min(next))))
}

pub fn error_policy(pc: Arc<PostgresCluster>, error: &Error, _ctx: Arc<Context>) -> Action {
    tracing::warn!(cluster = %pc.name_any(), namespace = %pc.namespace().unwrap_or_default(), %error, "reconcile failed; retrying");
    Action::requeue(Duration::from_secs(15))
}

/// Whether the server serves policy/v1 PodDisruptionBudgets (Kubernetes 1.21 and later).
/// Whether the API server serves policy/v1 PodDisruptionBudgets. Only an answer decides: a
/// connection error is retried, since "no" would remove every cluster's PodDisruptionBudget.
pub async fn pdb_supported(client: &Client) -> bool {
    let mut wait = Duration::from_secs(1);
    loop {
        match client.list_api_group_resources("policy/v1").await {
            Ok(list) => {
                return list
                    .resources
                    .iter()
                    .any(|r| r.name == "poddisruptionbudgets")
            }
            Err(kube::Error::Api(_)) => return false,
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?wait, "cannot discover policy/v1; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(10));
            }
        }
    }
}

pub async fn run(client: Client, defaults: Defaults, health: Arc<Health>, resync: Duration) {
    let pdb_supported = pdb_supported(&client).await;
    if !pdb_supported {
        tracing::warn!(
            "the API server does not serve policy/v1 PodDisruptionBudgets; clusters get none"
        );
    }
    let ctx = Arc::new(Context {
        client: client.clone(),
        defaults,
        pdb_supported,
        cache: ApplyCache::default(),
        instance: std::env::var("POD_NAME").unwrap_or_else(|_| names::AGENT_MANAGER.into()),
        health,
        resync,
    });
    // Watches keep memory small: the clusters without their managedFields, and only the
    // metadata of owned StatefulSets, Deployments and Services and of Postgres pods (labels are all we map).
    let owned = watcher::Config::default().labels(&format!(
        "{}={}",
        labels::MANAGED_BY,
        labels::MANAGED_BY_VALUE
    ));
    let pods = watcher::Config::default().labels(&format!("{},{}", labels::CLUSTER, labels::DATA));
    let (reader, writer) = reflector::store();
    let clusters = watcher(
        Api::<PostgresCluster>::all(client.clone()),
        watcher::Config::default(),
    )
    .default_backoff()
    .modify(|pc| pc.managed_fields_mut().clear())
    .reflect(writer)
    .touched_objects();
    let stateful_sets = watcher(
        Api::<PartialObjectMeta<StatefulSet>>::all(client.clone()),
        owned.clone(),
    )
    .default_backoff()
    .touched_objects();
    let deployments = watcher(
        Api::<PartialObjectMeta<k8s_openapi::api::apps::v1::Deployment>>::all(client.clone()),
        owned.clone(),
    )
    .default_backoff()
    .touched_objects();
    let jobs = watcher(
        Api::<PartialObjectMeta<k8s_openapi::api::batch::v1::Job>>::all(client.clone()),
        owned.clone(),
    )
    .default_backoff()
    .touched_objects();
    let services = watcher(
        Api::<PartialObjectMeta<Service>>::all(client.clone()),
        owned,
    )
    .default_backoff()
    .touched_objects();
    let pod_changes = watcher(Api::<PartialObjectMeta<Pod>>::all(client.clone()), pods)
        .default_backoff()
        .touched_objects();
    Controller::for_stream(clusters, reader)
        // Bounded: a burst of new clusters must not hold every cluster's objects in memory at once.
        .with_config(kube::runtime::controller::Config::default().concurrency(8))
        .owns_stream(stateful_sets)
        .owns_stream(deployments)
        .owns_stream(services)
        .owns_stream(jobs)
        .watches_stream(pod_changes, |pod: PartialObjectMeta<Pod>| {
            let cluster = pod.labels().get(labels::CLUSTER)?.clone();
            Some(ObjectRef::<PostgresCluster>::new(&cluster).within(&pod.namespace()?))
        })
        .shutdown_on_signal()
        .run(reconcile, error_policy, ctx.clone())
        .for_each(|result| async move {
            if let Err(e) = result {
                tracing::debug!(error = %e, "controller event");
            }
        })
        .await;
    ctx.health.ready.store(false, Ordering::Relaxed);
}
