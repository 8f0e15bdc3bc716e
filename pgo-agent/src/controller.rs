//! The reconcile loop: read -> validate -> build -> apply -> status, plus the actions Patroni
//! and Postgres need from inside the primary (users, dynamic configuration, switchover).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Endpoints, Pod, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::core::PartialObjectMeta;
use kube::runtime::controller::Action;
use kube::runtime::events::EventType;
use kube::runtime::finalizer::{finalizer, Event as FinalizerEvent};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::{reflector, watcher, Controller, WatchStreamExt};
use kube::{Api, Client, Resource, ResourceExt};
use pgo_api::names::{self, labels};
use pgo_api::{PostgresCluster, PostgresClusterStatus};
use serde_json::json;

use crate::apply::{Applier, ApplyCache};
use crate::build::{self, dcs_config, users_revision, users_sql};
use crate::http::Health;
use crate::observe::{self, pod_is_ready, ReadState};
use crate::status::{self, Input};
use crate::validate::{self, unsupported_fields, Defaults, ValidatedCluster};
use crate::{backup, credentials, exec};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Read(#[from] observe::Error),
    #[error(transparent)]
    Credentials(#[from] credentials::Error),
    #[error(transparent)]
    Apply(#[from] crate::apply::Error),
    #[error("failed to update the status of {name}: {source}")]
    Status { name: String, source: kube::Error },
    #[error("failed to clean up after cluster {name}: {source}")]
    Cleanup { name: String, source: kube::Error },
    #[error("cluster {name} is being deleted; waiting for its instances to stop")]
    CleanupPending { name: String },
    #[error(transparent)]
    Finalizer(Box<kube::runtime::finalizer::Error<Error>>),
}

/// Held while a cluster's Patroni state may still need removing.
pub const FINALIZER: &str = "postgres-operator.crunchydata.com/finalizer";

pub struct Context {
    pub client: Client,
    pub defaults: Defaults,
    pub pdb_supported: bool,
    pub cache: ApplyCache,
    /// This agent's name in Events it reports.
    pub instance: String,
    pub health: Arc<Health>,
    /// How often an unchanged cluster is looked at again.
    pub resync: Duration,
}

/// How soon a cluster that is still converging is looked at again.
const CONVERGING: Duration = Duration::from_secs(10);

fn now() -> Time {
    Time(Timestamp::now())
}

/// Records an Event on the cluster. Each call creates one: callers publish on changes only,
/// and a changed message must not be folded into an older Event's count.
pub(crate) async fn publish(
    ctx: &Context,
    pc: &PostgresCluster,
    type_: EventType,
    reason: &str,
    note: String,
) {
    let ns = pc.namespace().unwrap_or_default();
    let ev = k8s_openapi::api::events::v1::Event {
        metadata: ObjectMeta {
            // As kubectl names Events: the object's name and a unique suffix. (The 1.20 events
            // API rejects a generateName ending in '.'.)
            name: Some(format!(
                "{}.{:x}",
                pc.name_any(),
                Timestamp::now().as_nanosecond()
            )),
            namespace: Some(ns.clone()),
            ..Default::default()
        },
        event_time: Some(MicroTime(Timestamp::now())),
        type_: Some(match type_ {
            EventType::Normal => "Normal".into(),
            EventType::Warning => "Warning".into(),
        }),
        reason: Some(reason.into()),
        action: Some("Reconcile".into()),
        // Kubernetes caps an Event's note at 1 kB.
        note: Some(note.chars().take(1000).collect()),
        regarding: Some(pc.object_ref(&())),
        reporting_controller: Some(names::AGENT_MANAGER.into()),
        reporting_instance: Some(ctx.instance.clone()),
        ..Default::default()
    };
    let api: Api<k8s_openapi::api::events::v1::Event> = Api::namespaced(ctx.client.clone(), &ns);
    if let Err(e) = api.create(&PostParams::default(), &ev).await {
        tracing::warn!(error = %e, "failed to publish event");
    }
}

async fn patch_status(
    ctx: &Context,
    pc: &PostgresCluster,
    status: PostgresClusterStatus,
) -> Result<u32, Error> {
    if pc.status.as_ref() == Some(&status) {
        return Ok(0);
    }
    let api: Api<PostgresCluster> =
        Api::namespaced(ctx.client.clone(), &pc.namespace().unwrap_or_default());
    let body = json!({
        "apiVersion": PostgresCluster::api_version(&()),
        "kind": PostgresCluster::kind(&()),
        "status": status,
    });
    api.patch_status(
        &pc.name_any(),
        &PatchParams::apply(names::AGENT_MANAGER).force(),
        &Patch::Apply(&body),
    )
    .await
    .map_err(|source| Error::Status {
        name: pc.name_any(),
        source,
    })?;
    Ok(1)
}

/// Scalars compared as text: Patroni may store `30` where we wrote `"30"`.
fn canonical(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), canonical(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        Value::String(s) => Value::String(s.clone()),
        Value::Null => Value::Null,
        other => Value::String(other.to_string()),
    }
}

/// What the in-database actions achieved, for the status.
#[derive(Default)]
struct InDatabase {
    users_revision: Option<String>,
    database_init_sql: Option<String>,
    switchover: Option<String>,
}

/// Users, dynamic configuration, init SQL and switchover, run in the ready primary.
async fn in_database(
    ctx: &Context,
    pc: &PostgresCluster,
    v: &ValidatedCluster,
    read: &ReadState,
    material: &credentials::Material,
) -> InDatabase {
    let mut out = InDatabase::default();
    let Some(primary) = read.primary_pod().filter(|p| pod_is_ready(p)) else {
        return out;
    };
    if v.shutdown {
        return out;
    }
    let pod = primary.name_any();
    let (client, ns) = (&ctx.client, v.namespace.as_str());
    let prev = pc.status.clone().unwrap_or_default();

    // Dynamic configuration.
    let desired = dcs_config(v);
    let current = read
        .patroni_annotation("config")
        .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok());
    // Before Patroni has initialized the DCS, its bootstrap section is still being applied.
    let initialized = read.patroni_annotation("initialize").is_some();
    if initialized && current.as_ref().map(canonical) != Some(canonical(&desired)) {
        match exec::replace_dcs_config(client, ns, &pod, &desired).await {
            Ok(()) => tracing::info!(cluster = %v.name, "replaced Patroni dynamic configuration"),
            Err(e) => {
                publish(
                    ctx,
                    pc,
                    EventType::Warning,
                    "PatroniConfigFailed",
                    e.to_string(),
                )
                .await
            }
        }
    }

    // Users and databases.
    let sql = users_sql(v, material);
    let revision = users_revision(&sql);
    if prev.users_revision.as_deref() != Some(&revision) {
        match exec::psql(client, ns, &pod, "create users", &sql).await {
            Ok(_) => {
                tracing::info!(cluster = %v.name, users = v.users.len(), "users and databases are in place");
                out.users_revision = Some(revision);
            }
            Err(e) => publish(ctx, pc, EventType::Warning, "UsersFailed", e.to_string()).await,
        }
    }

    // SQL that runs once after initialization.
    if let (Some((cm, key)), None) = (&v.database_init_sql, &prev.database_init_sql) {
        let sql = Api::<ConfigMap>::namespaced(client.clone(), ns)
            .get_opt(cm)
            .await
            .ok()
            .flatten()
            .and_then(|c| c.data?.get(key).cloned());
        match sql {
            None => {
                publish(
                    ctx,
                    pc,
                    EventType::Warning,
                    "DatabaseInitSQLMissing",
                    format!("spec.databaseInitSQL: ConfigMap {cm} has no key {key}; create it"),
                )
                .await
            }
            Some(sql) => match exec::psql(client, ns, &pod, "databaseInitSQL", &sql).await {
                Ok(_) => {
                    out.database_init_sql = Some(build::sha256_hex(sql.as_bytes())[..16].into())
                }
                Err(e) => {
                    publish(
                        ctx,
                        pc,
                        EventType::Warning,
                        "DatabaseInitSQLFailed",
                        e.to_string(),
                    )
                    .await
                }
            },
        }
    }

    // Switchover, once per value of the trigger annotation.
    let done = prev.patroni.as_ref().and_then(|p| p.switchover.clone());
    if let (Some(sw), Some(trigger)) = (&v.switchover, &v.switchover_trigger) {
        if done.as_ref() != Some(trigger) {
            let candidate = sw.target_instance.as_deref().map(names::instance_pod);
            match exec::switchover(client, ns, &pod, candidate.as_deref(), sw.failover).await {
                Ok(_) => {
                    publish(
                        ctx,
                        pc,
                        EventType::Normal,
                        "Switchover",
                        format!(
                            "switchover {trigger} done{}",
                            candidate
                                .map(|c| format!("; new primary {c}"))
                                .unwrap_or_default()
                        ),
                    )
                    .await;
                    out.switchover = Some(trigger.clone());
                }
                Err(e) => {
                    publish(
                        ctx,
                        pc,
                        EventType::Warning,
                        "SwitchoverFailed",
                        e.to_string(),
                    )
                    .await
                }
            }
        }
    }
    out
}

pub async fn reconcile(pc: Arc<PostgresCluster>, ctx: Arc<Context>) -> Result<Action, Error> {
    let started = Instant::now();
    let api: Api<PostgresCluster> =
        Api::namespaced(ctx.client.clone(), &pc.namespace().unwrap_or_default());
    let result = finalizer(&api, FINALIZER, pc, |event| async {
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
        &ListParams::default().labels(&build::cluster_selector(&name)),
    )
    .await
    .map_err(cleanup_err)?;
    let pods: Api<Pod> = Api::namespaced(ctx.client.clone(), &ns);
    let instance_pods =
        ListParams::default().labels(&format!("{}={name},{}", labels::CLUSTER, labels::DATA));
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

async fn reconcile_inner(pc: &PostgresCluster, ctx: &Context) -> Result<Action, Error> {
    let read = observe::read(&ctx.client, pc, ctx.pdb_supported).await?;
    let previous = pc.status.as_ref();
    let generation = pc.metadata.generation.unwrap_or_default();
    let base = |errors, unsupported, read| Input {
        previous,
        generation,
        errors,
        unsupported,
        shutdown: pc.spec.shutdown.unwrap_or(false),
        paused: pc.spec.paused.unwrap_or(false),
        read,
        applied: None,
        postgres_version: None,
        users_revision: None,
        database_init_sql: None,
        switchover: None,
        pgbackrest: None,
        stanza_error: None,
        now: now(),
    };

    let v = match validate::validate(pc, &ctx.defaults) {
        Ok(v) => v,
        Err(errors) => {
            let unsupported = unsupported_fields(pc);
            let status = status::compute(&base(&errors, &unsupported, &read));
            let was = previous.and_then(|s| s.conditions.iter().find(|c| c.type_ == status::VALID));
            let now_c = status.conditions.iter().find(|c| c.type_ == status::VALID);
            if was.map(|c| (&c.status, &c.message)) != now_c.map(|c| (&c.status, &c.message)) {
                let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                tracing::warn!(cluster = %pc.name_any(), errors = %list.join("; "), "invalid spec; nothing changed");
                publish(
                    ctx,
                    pc,
                    EventType::Warning,
                    "InvalidSpec",
                    format!("nothing was changed; fix: {}", list.join("; ")),
                )
                .await;
            }
            ctx.health.metrics.count("invalid");
            let writes = patch_status(ctx, pc, status).await?;
            ctx.health.metrics.writes.inc_by(u64::from(writes));
            return Ok(Action::requeue(ctx.resync));
        }
    };

    if v.paused {
        let status = status::compute(&base(&[], &v.unsupported, &read));
        ctx.health.metrics.count("paused");
        let writes = patch_status(ctx, pc, status).await?;
        ctx.health.metrics.writes.inc_by(u64::from(writes));
        return Ok(Action::requeue(ctx.resync));
    }

    let material = credentials::ensure(&v, &read.existing_secrets(&v.name))?;
    let mut observed = read.observed();
    let prep = backup::prepare(ctx, pc, &v, &read, &build::plan_instances(&v, &observed)).await;
    observed.hold = prep.hold.clone();
    observed.clone_conf = prep.clone_conf.clone();
    let desired = build::build(&v, &observed, &material, ctx.pdb_supported);
    let applied = Applier::new(&ctx.client, &ctx.cache, &v.namespace)
        .apply_desired(&desired, &read, observed.primary_instance.as_deref())
        .await?;
    let actions = in_database(ctx, pc, &v, &read, &material).await;

    let mut input = base(&[], &v.unsupported, &read);
    input.applied = Some((&applied, &desired.plan));
    input.postgres_version = Some(v.postgres_version);
    input.users_revision = actions.users_revision;
    input.database_init_sql = actions.database_init_sql;
    input.switchover = actions.switchover;
    let restoring = prep.restore.as_ref().is_some_and(|r| !r.finished);
    let outcome = backup::run(ctx, pc, &v, &read, &desired.plan, prep).await;
    input.pgbackrest = Some(outcome.status);
    input.stanza_error = outcome.stanza_error;
    let status = status::compute(&input);
    let ready = status
        .conditions
        .iter()
        .any(|c| c.type_ == status::READY && c.status == "True");
    let writes = applied.writes + patch_status(ctx, pc, status).await?;
    ctx.health.metrics.count("ok");
    ctx.health.metrics.writes.inc_by(u64::from(writes));
    let next = if (ready || v.shutdown) && !restoring {
        ctx.resync
    } else {
        CONVERGING
    };
    let next = outcome.next.map_or(next, |n| n.min(next));
    Ok(Action::requeue(next))
}

pub fn error_policy(pc: Arc<PostgresCluster>, error: &Error, _ctx: Arc<Context>) -> Action {
    tracing::warn!(cluster = %pc.name_any(), namespace = %pc.namespace().unwrap_or_default(), %error, "reconcile failed; retrying");
    Action::requeue(Duration::from_secs(15))
}

/// Whether the server serves policy/v1 PodDisruptionBudgets (Kubernetes 1.21 and later).
pub async fn pdb_supported(client: &Client) -> bool {
    match client.list_api_group_resources("policy/v1").await {
        Ok(list) => list
            .resources
            .iter()
            .any(|r| r.name == "poddisruptionbudgets"),
        Err(_) => false,
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
    // metadata of owned StatefulSets and Services and of Postgres pods (labels are all we map).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dcs_comparison_ignores_number_versus_string() {
        let a = json!({"ttl": 30, "postgresql": {"parameters": {"max_connections": "100"}}});
        let b = json!({"ttl": "30", "postgresql": {"parameters": {"max_connections": 100}}});
        assert_eq!(canonical(&a), canonical(&b));
        assert_ne!(canonical(&a), canonical(&json!({"ttl": 31})));
    }
}
