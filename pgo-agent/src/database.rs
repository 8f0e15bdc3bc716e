//! In-database actions, run in the ready primary after the objects are applied: Patroni's
//! dynamic configuration, users and databases, `databaseInitSQL` once, switchovers once per
//! value of the trigger annotation, and the steps of a rolling update. What to run is decided by the pure functions here; the
//! execs are in `crate::exec`.

use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use kube::api::DeleteParams;
use kube::{Api, ResourceExt};
use pgo_api::names;
use pgo_api::validate::ValidatedCluster;
use pgo_api::PostgresCluster;

use crate::context::Context;
use crate::credentials::Material;
use crate::desired::{dcs_config, sha256_hex, users_revision, users_sql};
use crate::events::{publish, Note};
use crate::exec;
use crate::observe::{pod_is_ready, ReadState};
use crate::retire::Retire;
use crate::rolling::Roll;

/// What the in-database actions achieved, for the status.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Done {
    pub users_revision: Option<String>,
    pub database_init_sql: Option<String>,
    pub switchover: Option<String>,
    /// PgBouncer's objects in Postgres: `Some(Some(r))` set up at revision `r`, `Some(None)`
    /// removed, `None` nothing ran.
    pub pgbouncer_revision: Option<Option<String>>,
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

/// Whether Patroni's dynamic configuration must be replaced. Before Patroni has initialized the
/// DCS, its bootstrap section is still being applied, and nothing is replaced.
pub fn dcs_outdated(desired: &serde_json::Value, read: &ReadState) -> bool {
    let initialized = read.patroni_annotation("initialize").is_some();
    let current = read
        .patroni_annotation("config")
        .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok());
    initialized && current.as_ref().map(canonical) != Some(canonical(desired))
}

/// The switchover to run now: the trigger annotation's value, when it was not done yet.
pub fn switchover_due<'a>(v: &'a ValidatedCluster, done: Option<&str>) -> Option<&'a str> {
    v.switchover.as_ref()?;
    let trigger = v.switchover_trigger.as_deref()?;
    (done != Some(trigger)).then_some(trigger)
}

/// The message of a switchover that succeeded.
pub fn switchover_message(trigger: &str, candidate: Option<&str>) -> String {
    format!(
        "switchover {trigger} done{}",
        candidate
            .map(|c| format!("; new primary {c}"))
            .unwrap_or_default()
    )
}

/// Users, dynamic configuration, init SQL and switchover, run in the ready primary.
pub async fn run(
    ctx: &Context,
    pc: &PostgresCluster,
    v: &ValidatedCluster,
    read: &ReadState,
    material: &Material,
    retire: &Retire,
) -> Done {
    let mut out = Done::default();
    let Some(primary) = read.primary_pod().filter(|p| pod_is_ready(p)) else {
        return out;
    };
    if v.shutdown {
        return out;
    }
    let pod = primary.name_any();
    let (client, ns) = (&ctx.client, v.namespace.as_str());
    let prev = pc.status.clone().unwrap_or_default();

    let desired = dcs_config(v);
    if dcs_outdated(&desired, read) {
        match exec::replace_dcs_config(client, ns, &pod, &desired).await {
            Ok(()) => tracing::info!(cluster = %v.name, "replaced Patroni dynamic configuration"),
            Err(e) => publish(ctx, pc, Note::warning("PatroniConfigFailed", e.to_string())).await,
        }
    }

    let sql = users_sql(v, material);
    let revision = users_revision(&sql);
    if prev.users_revision.as_deref() != Some(&revision) {
        match exec::psql(client, ns, &pod, "create users", &sql).await {
            Ok(_) => {
                tracing::info!(cluster = %v.name, users = v.users.len(), "users and databases are in place");
                out.users_revision = Some(revision);
            }
            Err(e) => publish(ctx, pc, Note::warning("UsersFailed", e.to_string())).await,
        }
    }

    out.pgbouncer_revision = pgbouncer(ctx, pc, v, &pod, material).await;

    if let (Some((cm, key)), None) = (&v.database_init_sql, &prev.database_init_sql) {
        out.database_init_sql = init_sql(ctx, pc, ns, &pod, cm, key).await;
    }

    // A primary that leaves the spec hands over first (see `crate::retire`).
    if let Some((_, candidate)) = &retire.switchover {
        if !streaming(ctx, v, &pod, candidate).await {
            return out;
        }
        match exec::switchover(client, ns, &pod, Some(candidate), false).await {
            Ok(_) => {
                let message = format!(
                    "{pod} is no longer in the spec: switched over to {candidate}; {pod} is removed next"
                );
                publish(ctx, pc, Note::normal("Switchover", message)).await;
            }
            Err(e) => publish(ctx, pc, Note::warning("SwitchoverFailed", e.to_string())).await,
        }
        return out;
    }

    let done = prev.patroni.as_ref().and_then(|p| p.switchover.as_deref());
    if let (Some(trigger), Some(sw)) = (switchover_due(v, done), &v.switchover) {
        let candidate = sw.target_instance.as_deref().map(names::instance_pod);
        match exec::switchover(client, ns, &pod, candidate.as_deref(), sw.failover).await {
            Ok(_) => {
                let message = switchover_message(trigger, candidate.as_deref());
                publish(ctx, pc, Note::normal("Switchover", message)).await;
                out.switchover = Some(trigger.into());
            }
            Err(e) => publish(ctx, pc, Note::warning("SwitchoverFailed", e.to_string())).await,
        }
    }
    out
}

/// Sets up (or, once `spec.proxy` is gone, removes) PgBouncer's login role and auth function
/// in every database, when what was done last (`status.proxy.pgBouncer.postgresRevision`)
/// differs from what is wanted.
async fn pgbouncer(
    ctx: &Context,
    pc: &PostgresCluster,
    v: &ValidatedCluster,
    pod: &str,
    material: &Material,
) -> Option<Option<String>> {
    use crate::desired::pgbouncer as pgb;
    let (client, ns) = (&ctx.client, v.namespace.as_str());
    let done = pc
        .status
        .as_ref()
        .and_then(|s| s.proxy.as_ref())
        .and_then(|p| p.pg_bouncer.postgres_revision.clone());
    match material
        .pgbouncer
        .as_ref()
        .filter(|_| v.pgbouncer.is_some())
    {
        Some(m) => {
            let sql = pgb::enable_sql(&m.login.verifier);
            let revision = pgb::revision(&sql);
            if done.as_deref() == Some(revision.as_str()) {
                return None;
            }
            match exec::psql_every_database(client, ns, pod, "set up PgBouncer", &sql).await {
                Ok(_) => {
                    tracing::info!(cluster = %v.name, "PgBouncer's user and auth function are in every database");
                    Some(Some(revision))
                }
                Err(e) => {
                    publish(
                        ctx,
                        pc,
                        Note::warning("PgBouncerSetupFailed", e.to_string()),
                    )
                    .await;
                    None
                }
            }
        }
        None => {
            done.as_ref()?;
            let removed = async {
                exec::psql_every_database(client, ns, pod, "remove PgBouncer", &pgb::disable_sql())
                    .await?;
                exec::psql(client, ns, pod, "drop PgBouncer's user", pgb::DROP_ROLE_SQL).await
            };
            match removed.await {
                Ok(_) => {
                    tracing::info!(cluster = %v.name, "PgBouncer's user and auth function are removed");
                    Some(None)
                }
                Err(e) => {
                    publish(
                        ctx,
                        pc,
                        Note::warning("PgBouncerRemovalFailed", e.to_string()),
                    )
                    .await;
                    None
                }
            }
        }
    }
}

/// A switchover is lossless only to a replica that streams from the primary right now: the
/// primary's shutdown then sends it every acknowledged write. Checked on the primary itself.
async fn streaming(ctx: &Context, v: &ValidatedCluster, primary: &str, candidate: &str) -> bool {
    match exec::streams_from(&ctx.client, &v.namespace, primary, candidate).await {
        Ok(true) => true,
        Ok(false) => {
            tracing::info!(cluster = %v.name, %candidate, "switchover waits: the candidate is not streaming yet");
            false
        }
        Err(e) => {
            tracing::warn!(cluster = %v.name, %candidate, error = %e, "cannot tell whether the candidate streams; no switchover");
            false
        }
    }
}

/// Carries out a step of a rolling update (see `crate::rolling`).
pub async fn roll(ctx: &Context, pc: &PostgresCluster, v: &ValidatedCluster, step: &Roll) {
    let (client, ns) = (&ctx.client, v.namespace.as_str());
    match step {
        Roll::Done | Roll::Wait(_) => {}
        Roll::Restart {
            pod,
            checkpoint,
            in_place,
            message,
        } => {
            if *checkpoint {
                // Best effort: a failed checkpoint only makes recovery longer.
                if let Err(e) = exec::psql(client, ns, pod, "checkpoint", "CHECKPOINT").await {
                    tracing::warn!(cluster = %v.name, %pod, error = %e, "checkpoint before restart failed");
                }
            }
            if *in_place {
                let scope = names::patroni_scope(&v.name);
                match exec::restart_pending(client, ns, pod, &scope).await {
                    Ok(true) => {
                        publish(ctx, pc, Note::normal("RollingUpdate", message.clone())).await
                    }
                    Ok(false) => {} // Patroni's own view: no restart pending any more
                    Err(e) => {
                        let message = format!("{message}: the restart failed: {e}");
                        publish(ctx, pc, Note::warning("RollingUpdateFailed", message)).await
                    }
                }
                return;
            }
            let api: Api<Pod> = Api::namespaced(client.clone(), ns);
            match api.delete(pod, &DeleteParams::default()).await {
                Ok(_) => publish(ctx, pc, Note::normal("RollingUpdate", message.clone())).await,
                Err(e) => {
                    let message = format!(
                        "{message}: deleting the pod failed: {}",
                        crate::events::api_error(&e)
                    );
                    publish(ctx, pc, Note::warning("RollingUpdateFailed", message)).await
                }
            }
        }
        Roll::Switchover {
            primary,
            candidate,
            message,
        } => {
            if !streaming(ctx, v, primary, candidate).await {
                return;
            }
            match exec::switchover(client, ns, primary, Some(candidate), false).await {
                Ok(_) => publish(ctx, pc, Note::normal("RollingUpdate", message.clone())).await,
                Err(e) => {
                    let message = format!("{message}: the switchover failed: {e}");
                    publish(ctx, pc, Note::warning("RollingUpdateFailed", message)).await
                }
            }
        }
    }
}

/// Runs `spec.databaseInitSQL` once; returns a hash of what ran.
async fn init_sql(
    ctx: &Context,
    pc: &PostgresCluster,
    ns: &str,
    pod: &str,
    cm: &str,
    key: &str,
) -> Option<String> {
    let sql = Api::<ConfigMap>::namespaced(ctx.client.clone(), ns)
        .get_opt(cm)
        .await
        .ok()
        .flatten()
        .and_then(|c| c.data?.get(key).cloned());
    let Some(sql) = sql else {
        let message = format!("spec.databaseInitSQL: ConfigMap {cm} has no key {key}; create it");
        publish(ctx, pc, Note::warning("DatabaseInitSQLMissing", message)).await;
        return None;
    };
    match exec::psql(&ctx.client, ns, pod, "databaseInitSQL", &sql).await {
        Ok(_) => Some(sha256_hex(sql.as_bytes())[..16].into()),
        Err(e) => {
            publish(
                ctx,
                pc,
                Note::warning("DatabaseInitSQLFailed", e.to_string()),
            )
            .await;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::tests::{validated, HIPPO};
    use k8s_openapi::api::core::v1::Endpoints;
    use serde_json::json;

    #[test]
    fn dcs_comparison_ignores_number_versus_string() {
        let a = json!({"ttl": 30, "postgresql": {"parameters": {"max_connections": "100"}}});
        let b = json!({"ttl": "30", "postgresql": {"parameters": {"max_connections": 100}}});
        assert_eq!(canonical(&a), canonical(&b));
        assert_ne!(canonical(&a), canonical(&json!({"ttl": 31})));
    }

    fn with_dcs(annotations: &[(&str, &str)]) -> ReadState {
        let mut e = Endpoints::default();
        e.metadata.annotations = Some(
            annotations
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        ReadState {
            patroni_config: Some(e),
            ..Default::default()
        }
    }

    #[test]
    fn dcs_is_left_alone_until_patroni_initialized_it() {
        let desired = json!({"ttl": 30});
        assert!(!dcs_outdated(&desired, &ReadState::default()));
        assert!(!dcs_outdated(
            &desired,
            &with_dcs(&[("config", "{\"ttl\": 10}")])
        ));
        assert!(dcs_outdated(
            &desired,
            &with_dcs(&[("initialize", "7"), ("config", "{\"ttl\": 10}")])
        ));
        assert!(!dcs_outdated(
            &desired,
            &with_dcs(&[("initialize", "7"), ("config", "{\"ttl\": \"30\"}")])
        ));
    }

    #[test]
    fn a_switchover_runs_once_per_trigger_value() {
        let mut v = validated(HIPPO);
        assert_eq!(switchover_due(&v, None), None);
        v.switchover = Some(pgo_api::validate::Switchover {
            target_instance: None,
            failover: false,
        });
        assert_eq!(switchover_due(&v, None), None, "no trigger annotation yet");
        v.switchover_trigger = Some("t1".into());
        assert_eq!(switchover_due(&v, None), Some("t1"));
        assert_eq!(switchover_due(&v, Some("t1")), None);
        assert_eq!(switchover_due(&v, Some("t0")), Some("t1"));
        assert_eq!(
            switchover_message("t1", Some("hippo-instance1-abcd-0")),
            "switchover t1 done; new primary hippo-instance1-abcd-0"
        );
    }
}
