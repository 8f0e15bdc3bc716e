//! The names `__complete` needs from the API server: one request (two for backup labels), all
//! within [`TIMEOUT`]. Any failure means no candidates and no output: a shell must not print
//! errors while the user types.

use std::collections::BTreeSet;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, ListParams};
use kube::ResourceExt;
use pgo_api::names::labels;

use super::complete::{globals_from, Completion, Dynamic};
use crate::client::Ctx;
use crate::common::cluster::repos;
use crate::exec;

/// Everything, connection included, must fit in this: a TAB that hangs is worse than none.
pub const TIMEOUT: Duration = Duration::from_secs(2);

const PGBACKREST_INFO: &[&str] = &["pgbackrest", "info", "--stanza=db", "--output=json"];

/// Fill in dynamic candidates; any failure just means none.
pub async fn fill_dynamic(c: &mut Completion, words: &[String]) {
    let Some(kind) = c.dynamic.clone() else {
        return;
    };
    let global = globals_from(words);
    let fetch = async {
        let ctx = Ctx::connect(&global, Some(TIMEOUT)).await.ok()?;
        names(&ctx, kind).await
    };
    let names = tokio::time::timeout(TIMEOUT, fetch)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    c.items.extend(
        names
            .into_iter()
            .filter(|n| n.starts_with(&c.prefix))
            .map(|n| (n, String::new())),
    );
}

async fn names(ctx: &Ctx, kind: Dynamic) -> Option<Vec<String>> {
    let all = ListParams::default();
    match kind {
        Dynamic::Clusters => {
            let items = ctx.clusters().list_metadata(&all).await.ok()?.items;
            Some(items.iter().map(ResourceExt::name_any).collect())
        }
        Dynamic::Namespaces => {
            let api: Api<Namespace> = Api::all(ctx.client.clone());
            let items = api.list_metadata(&all).await.ok()?.items;
            Some(items.iter().map(ResourceExt::name_any).collect())
        }
        Dynamic::Instances(cluster) => {
            let pods: Api<Pod> = Api::namespaced(ctx.client.clone(), &ctx.namespace);
            let selector = format!("{}={cluster},{}", labels::CLUSTER, labels::INSTANCE);
            let list = pods
                .list_metadata(&ListParams::default().labels(&selector))
                .await
                .ok()?;
            let instances: BTreeSet<String> = list
                .items
                .iter()
                .filter_map(|p| p.labels().get(labels::INSTANCE).cloned())
                .collect();
            Some(instances.into_iter().collect())
        }
        Dynamic::Sets(cluster) => {
            let pc = ctx.clusters().get(&cluster).await.ok()?;
            let sets = pc.spec.instances.iter().enumerate();
            Some(sets.map(|(i, s)| s.name_or_default(i)).collect())
        }
        Dynamic::Repos(cluster) => Some(repos(&ctx.clusters().get(&cluster).await.ok()?)),
        Dynamic::BackupLabels(cluster) => backup_labels(ctx, &cluster).await,
    }
}

/// The labels `pgbackrest info` lists, newest first (the one most often wanted).
async fn backup_labels(ctx: &Ctx, cluster: &str) -> Option<Vec<String>> {
    let pods = exec::cluster_pods(ctx, cluster).await.ok()?;
    let pod = exec::pick_pod(&pods)?.name_any();
    let json = exec::run(ctx, &pod, PGBACKREST_INFO, TIMEOUT).await.ok()?;
    Some(labels_in(&json))
}

/// Backup labels in `pgbackrest info --output=json`, newest first. No I/O.
pub fn labels_in(json: &str) -> Vec<String> {
    let stanzas: Vec<serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
    let mut labels: Vec<String> = stanzas
        .iter()
        .filter_map(|s| s["backup"].as_array())
        .flatten()
        .filter_map(|b| b["label"].as_str().map(String::from))
        .collect();
    labels.reverse();
    labels
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_come_newest_first() {
        let json = r#"[{"name":"db","backup":[{"label":"20240101-000000F"},{"label":"20240102-000000F_20240102-010000I"}]}]"#;
        assert_eq!(
            super::labels_in(json),
            ["20240102-000000F_20240102-010000I", "20240101-000000F"]
        );
        assert!(super::labels_in("not json").is_empty());
    }
}
