//! `version [--client]`: the client version, and the pgo-agent Deployments' versions.
//! `--client` does no I/O at all, so it needs neither a runtime nor a kubeconfig.

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::ListParams;
use kube::{Api, ResourceExt};
use pgo_api::names::labels;
use serde::Serialize;

use crate::client::{ApiError, Ctx};
use crate::common::error::{CmdError, EXIT_RUNTIME};
use crate::global::{GlobalArgs, OutputFormat};
use crate::output::{table_or, Render};

pub const CLIENT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only the client version; do not contact the cluster.
    #[arg(long)]
    pub client: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("kubectl-pgo {CLIENT_VERSION}; cannot read the pgo-agent version: {0}")]
    Api(#[from] ApiError),
}

impl CmdError for Error {
    fn exit_code(&self) -> u8 {
        EXIT_RUNTIME
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentVersion {
    pub namespace: String,
    pub name: String,
    pub version: String,
    pub image: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Versions {
    pub client_version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agents: Option<Vec<AgentVersion>>,
}

pub fn client() -> Versions {
    Versions {
        client_version: CLIENT_VERSION.into(),
        agents: None,
    }
}

/// An agent's version: its version label, else its image's tag.
pub fn agent_version(d: &Deployment) -> AgentVersion {
    let image = d
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|p| p.containers.first())
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    let tag = image
        .rsplit_once(':')
        .filter(|(_, t)| !t.contains('/'))
        .map(|(_, t)| t.to_string());
    let version = d
        .labels()
        .get(labels::APP_VERSION)
        .cloned()
        .or(tag)
        .unwrap_or_else(|| "unknown".into());
    AgentVersion {
        namespace: d.namespace().unwrap_or_default(),
        name: d.name_any(),
        version,
        image,
    }
}

pub async fn run(global: &GlobalArgs) -> Result<Versions, Error> {
    let ctx = Ctx::connect(global, None).await?;
    let api: Api<Deployment> = Api::all(ctx.client.clone());
    let selector = format!("{}={}", labels::APP_NAME, labels::APP_NAME_AGENT);
    let list = api
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(|e| crate::client::classify(e, &ctx.server, "Deployment", "", ""))?;
    Ok(Versions {
        client_version: CLIENT_VERSION.into(),
        agents: Some(list.items.iter().map(agent_version).collect()),
    })
}

impl Render for Versions {
    fn render(&self, format: OutputFormat) -> String {
        table_or(self, format, || versions_table(self))
    }
}

fn versions_table(v: &Versions) -> String {
    let mut out = format!("Client Version: {}\n", v.client_version);
    match &v.agents {
        None => {}
        Some(a) if a.is_empty() => out.push_str(
            "Agent Version: no pgo-agent Deployment found (label app.kubernetes.io/name=pgo-agent)\n",
        ),
        Some(agents) => {
            for a in agents {
                out.push_str(&format!(
                    "Agent Version: {} ({}/{}, image {})\n",
                    a.version, a.namespace, a.name, a.image
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(labels: serde_json::Value, image: &str) -> Deployment {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "pgo-agent", "namespace": "pgo", "labels": labels},
            "spec": {"selector": {}, "template": {"spec": {"containers": [{"name": "agent", "image": image}]}}}
        }))
        .unwrap()
    }

    #[test]
    fn agent_version_prefers_the_label_then_the_image_tag() {
        let d = deployment(
            serde_json::json!({"app.kubernetes.io/version": "0.3.0"}),
            "reg:5000/pgo-agent:0.2.9",
        );
        assert_eq!(agent_version(&d).version, "0.3.0");
        let d = deployment(serde_json::json!({}), "reg:5000/pgo-agent:0.2.9");
        assert_eq!(agent_version(&d).version, "0.2.9");
        let d = deployment(serde_json::json!({}), "reg:5000/pgo-agent");
        assert_eq!(agent_version(&d).version, "unknown");
    }
}
