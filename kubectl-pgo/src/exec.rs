//! Running a command in a Postgres pod's `database` container, and finding the pod to run it in.

use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{AttachParams, ListParams};
use kube::{Api, ResourceExt};
use pgo_api::names::{labels, CONTAINER_DATABASE};

use crate::client::{ApiError, Ctx};

#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("no running Postgres pod of cluster {0:?} was found")]
    NoPod(String),
    #[error("cannot exec into pod {pod}: {detail}")]
    Exec { pod: String, detail: String },
    #[error("`{command}` failed in pod {pod}: {detail}")]
    Failed {
        pod: String,
        command: String,
        detail: String,
    },
    #[error("`{command}` in pod {pod} did not answer within {timeout:?}")]
    Timeout {
        pod: String,
        command: String,
        timeout: Duration,
    },
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// The Postgres pods of a cluster (those with an instance label).
pub async fn cluster_pods(ctx: &Ctx, cluster: &str) -> Result<Vec<Pod>, ApiError> {
    let pods: Api<Pod> = Api::namespaced(ctx.client.clone(), &ctx.namespace);
    // Instance pods only: restore Jobs also carry the instance label.
    let selector = format!(
        "{}={cluster},{},{}={}",
        labels::CLUSTER,
        labels::INSTANCE,
        labels::DATA,
        labels::DATA_POSTGRES
    );
    pods.list(&ListParams::default().labels(&selector))
        .await
        .map(|l| l.items)
        .map_err(|e| crate::client::classify(e, &ctx.server, "Pod", "", &ctx.namespace))
}

pub fn pod_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

pub fn pod_running(pod: &Pod) -> bool {
    pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
}

/// The pod to exec into: the primary (role=master) if it runs, else any ready pod.
pub fn pick_pod(pods: &[Pod]) -> Option<&Pod> {
    pods.iter()
        .find(|p| {
            labels::is_leader_role(p.labels().get(labels::ROLE).map(String::as_str))
                && pod_running(p)
        })
        .or_else(|| pods.iter().find(|p| pod_ready(p)))
}

/// Run `command` in the `database` container of `pod`; its stdout on success.
pub async fn run(
    ctx: &Ctx,
    pod: &str,
    command: &[&str],
    timeout: Duration,
) -> Result<String, ExecError> {
    let shown = command.join(" ");
    let fut = run_inner(ctx, pod, command);
    match tokio::time::timeout(timeout, fut).await {
        Ok(r) => r,
        Err(_) => Err(ExecError::Timeout {
            pod: pod.into(),
            command: shown,
            timeout,
        }),
    }
}

async fn run_inner(ctx: &Ctx, pod: &str, command: &[&str]) -> Result<String, ExecError> {
    let pods: Api<Pod> = Api::namespaced(ctx.client.clone(), &ctx.namespace);
    let params = AttachParams::default()
        .container(CONTAINER_DATABASE)
        .stdout(true)
        .stderr(true);
    let attached = pods
        .exec(pod, command.iter().copied(), &params)
        .await
        .map_err(|e| ExecError::Exec {
            pod: pod.into(),
            detail: crate::client::error_chain(&e),
        })?;
    let pgo_kube::Output {
        stdout,
        stderr,
        status,
    } = pgo_kube::collect(attached).await;
    match status {
        Some(s) if s.status.as_deref() == Some("Failure") => Err(ExecError::Failed {
            pod: pod.into(),
            command: command.join(" "),
            detail: if stderr.trim().is_empty() {
                s.message.unwrap_or_default()
            } else {
                stderr.trim().to_string()
            },
        }),
        _ => Ok(stdout),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, role: Option<&str>, phase: &str, ready: bool) -> Pod {
        let mut labels = serde_json::json!({});
        if let Some(r) = role {
            labels[labels::ROLE] = r.into();
        }
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "labels": labels},
            "status": {"phase": phase, "conditions": [
                {"type": "Ready", "status": if ready { "True" } else { "False" }}
            ]}
        }))
        .unwrap()
    }

    #[test]
    fn primary_is_preferred_then_any_ready_pod() {
        let pods = vec![
            pod("a", Some("replica"), "Running", true),
            pod("b", Some("master"), "Running", false),
        ];
        assert_eq!(pick_pod(&pods).unwrap().name_any(), "b");
        let pods = vec![
            pod("a", Some("replica"), "Pending", false),
            pod("b", Some("master"), "Pending", false),
            pod("c", None, "Running", true),
        ];
        assert_eq!(pick_pod(&pods).unwrap().name_any(), "c");
        assert!(pick_pod(&[pod("a", None, "Pending", false)]).is_none());
    }
}
