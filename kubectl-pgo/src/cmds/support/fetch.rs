//! The requests of a support export: the cluster, its objects, logs, Patroni's view and the
//! agent's logs. Only reading the PostgresCluster may fail the export; every other failure is
//! recorded in [`Fetched::failures`] and the export goes on.

use std::fmt::Debug;
use std::time::Duration;

use indicatif::ProgressBar;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, Event, PersistentVolumeClaim, Pod, Secret, Service};
use k8s_openapi::NamespaceResourceScope;
use kube::api::{ListParams, LogParams};
use kube::{Api, Resource, ResourceExt};
use pgo_api::names::labels;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::collect::{secret_keys, Fetched, Log};
use crate::client::{classify, ApiError, Ctx};
use crate::exec;

/// Where the agent runs (its Deployment, as installed).
pub const AGENT_NAMESPACE: &str = "postgres-operator";
/// A log request that takes longer than this is recorded as failed.
const LOG_TIMEOUT: Duration = Duration::from_secs(30);
const EXEC_TIMEOUT: Duration = Duration::from_secs(15);
pub const PATRONICTL_LIST: &[&str] = &["patronictl", "list"];

/// The first line of an API error: README lists one line per failure.
fn line(e: ApiError) -> String {
    e.to_string().lines().next().unwrap_or("").to_string()
}

async fn list<K>(ctx: &Ctx, namespace: &str, selector: Option<&str>) -> Result<Vec<K>, String>
where
    K: Resource<Scope = NamespaceResourceScope> + Clone + DeserializeOwned + Debug,
    K::DynamicType: Default,
{
    let api: Api<K> = Api::namespaced(ctx.client.clone(), namespace);
    let mut lp = ListParams::default();
    if let Some(s) = selector {
        lp = lp.labels(s);
    }
    let kind = K::kind(&K::DynamicType::default()).to_string();
    api.list(&lp)
        .await
        .map(|l| l.items)
        .map_err(|e| line(classify(e, &ctx.server, &kind, "", namespace)))
}

fn values<K: Serialize>(items: &[K]) -> Vec<Value> {
    items
        .iter()
        .filter_map(|i| serde_json::to_value(i).ok())
        .collect()
}

/// The containers of a pod (init containers first) and whether each has restarted.
fn containers(pod: &Pod) -> Vec<(String, bool)> {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let restarted = |name: &str| {
        let statuses = status.into_iter().flat_map(|s| {
            s.init_container_statuses
                .iter()
                .flatten()
                .chain(s.container_statuses.iter().flatten())
        });
        statuses
            .filter(|c| c.name == name)
            .any(|c| c.restart_count > 0)
    };
    spec.into_iter()
        .flat_map(|s| {
            s.init_containers
                .iter()
                .flatten()
                .chain(s.containers.iter())
        })
        .map(|c| (c.name.clone(), restarted(&c.name)))
        .collect()
}

/// The last `lines` lines of each container of `pods` (and of its previous run, if it
/// restarted).
async fn logs(
    client: &kube::Client,
    namespace: &str,
    pods: &[Pod],
    lines: u64,
    bar: &ProgressBar,
) -> Vec<Log> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let mut out = Vec::new();
    for pod in pods {
        let name = pod.name_any();
        for (container, restarted) in containers(pod) {
            for previous in [false, true] {
                if previous && !restarted {
                    continue;
                }
                bar.set_message(format!("logs of {name}/{container}"));
                let lp = LogParams {
                    container: Some(container.clone()),
                    tail_lines: Some(lines as i64),
                    previous,
                    ..Default::default()
                };
                let text = match tokio::time::timeout(LOG_TIMEOUT, api.logs(&name, &lp)).await {
                    Ok(Ok(t)) => Ok(t),
                    Ok(Err(e)) => Err(crate::client::error_chain(&e)),
                    Err(_) => Err(format!("no answer within {LOG_TIMEOUT:?}")),
                };
                out.push(Log {
                    pod: name.clone(),
                    container: container.clone(),
                    previous,
                    text,
                });
            }
        }
        bar.inc(1);
    }
    out
}

/// Fetch everything for the export of cluster `name`; `Err` only when the PostgresCluster
/// itself cannot be read.
pub async fn fetch(
    ctx: &Ctx,
    name: &str,
    log_lines: u64,
    bar: &ProgressBar,
) -> Result<Fetched, ApiError> {
    let ns = ctx.namespace.clone();
    bar.set_length(9);
    bar.set_message(format!("postgrescluster/{name}"));
    let pc = ctx.get_cluster(name).await?;
    let mut f = Fetched {
        cluster: name.into(),
        namespace: ns.clone(),
        postgrescluster: serde_json::to_value(&pc).unwrap_or_default(),
        ..Default::default()
    };
    bar.inc(1);
    let selector = format!("{}={name}", labels::CLUSTER);
    let sel = Some(selector.as_str());

    bar.set_message("events");
    match list::<Event>(ctx, &ns, None).await {
        Ok(events) => f.events = values(&events),
        Err(e) => f.failures.push(format!("events: {e}")),
    }
    bar.inc(1);

    bar.set_message("pods");
    let pods = match list::<Pod>(ctx, &ns, sel).await {
        Ok(p) => p,
        Err(e) => {
            f.failures.push(format!("pods: {e}"));
            vec![]
        }
    };
    f.objects.push(("pods", values(&pods)));
    bar.inc(1);
    macro_rules! kind {
        ($k:ty, $dir:literal) => {
            bar.set_message($dir);
            match list::<$k>(ctx, &ns, sel).await {
                Ok(items) => f.objects.push(($dir, values(&items))),
                Err(e) => f.failures.push(format!("{}: {e}", $dir)),
            }
            bar.inc(1);
        };
    }
    kind!(StatefulSet, "statefulsets");
    kind!(PersistentVolumeClaim, "persistentvolumeclaims");
    kind!(Service, "services");
    kind!(ConfigMap, "configmaps");

    bar.set_message("secrets (names and keys only)");
    match list::<Secret>(ctx, &ns, sel).await {
        // The values go no further than this line.
        Ok(secrets) => {
            f.secrets = secrets
                .iter()
                .filter_map(|s| serde_json::to_value(s).ok())
                .map(|s| secret_keys(&s))
                .collect()
        }
        Err(e) => f.failures.push(format!("secrets: {e}")),
    }
    bar.inc(1);

    bar.set_message("patronictl list");
    f.patroni = match exec::pick_pod(&pods) {
        None => Err(exec::ExecError::NoPod(name.into()).to_string()),
        Some(pod) => exec::run(ctx, &pod.name_any(), PATRONICTL_LIST, EXEC_TIMEOUT)
            .await
            .map_err(|e| e.to_string()),
    };
    if let Err(why) = &f.patroni {
        f.failures.push(format!("patronictl list: {why}"));
    }
    bar.inc(1);

    bar.inc_length(pods.len() as u64);
    f.logs = logs(&ctx.client, &ns, &pods, log_lines, bar).await;
    f.failures.extend(f.logs.iter().filter_map(|l| {
        l.text.as_ref().err().map(|e| {
            let prev = if l.previous { " (previous)" } else { "" };
            format!("log of {}/{}{prev}: {e}", l.pod, l.container)
        })
    }));

    bar.set_message("the agent");
    agent(ctx, log_lines, bar, &mut f).await;
    bar.inc(1);
    Ok(f)
}

/// The agent's Deployments in [`AGENT_NAMESPACE`] and their pods' logs, if readable.
async fn agent(ctx: &Ctx, log_lines: u64, bar: &ProgressBar, f: &mut Fetched) {
    let selector = format!("{}={}", labels::APP_NAME, labels::APP_NAME_AGENT);
    let deployments = match list::<Deployment>(ctx, AGENT_NAMESPACE, Some(&selector)).await {
        Ok(d) if d.is_empty() => {
            f.failures.push(format!(
                "agent: no Deployment labelled {selector} in namespace {AGENT_NAMESPACE}"
            ));
            return;
        }
        Ok(d) => d,
        Err(e) => {
            f.failures.push(format!(
                "agent Deployments in namespace {AGENT_NAMESPACE}: {e}"
            ));
            return;
        }
    };
    f.agent_deployments = values(&deployments);
    for d in &deployments {
        let labels = d
            .spec
            .as_ref()
            .and_then(|s| s.selector.match_labels.clone())
            .unwrap_or_default();
        if labels.is_empty() {
            continue;
        }
        let selector: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        match list::<Pod>(ctx, AGENT_NAMESPACE, Some(&selector.join(","))).await {
            Ok(pods) => {
                bar.inc_length(pods.len() as u64);
                let logs = logs(&ctx.client, AGENT_NAMESPACE, &pods, log_lines, bar).await;
                f.failures.extend(logs.iter().filter_map(|l| {
                    l.text
                        .as_ref()
                        .err()
                        .map(|e| format!("agent log of {}/{}: {e}", l.pod, l.container))
                }));
                f.agent_logs.extend(logs);
            }
            Err(e) => f
                .failures
                .push(format!("agent pods in namespace {AGENT_NAMESPACE}: {e}")),
        }
    }
}
