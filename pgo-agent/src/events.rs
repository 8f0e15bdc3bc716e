//! Events on a PostgresCluster. Decisions return [`Note`]s (pure data); [`publish`] records
//! them, one Event each.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::api::PostParams;
use kube::{Api, Resource, ResourceExt};
use pgo_api::names;
use pgo_api::PostgresCluster;

use crate::context::Context;

/// An Event to record: Normal or Warning, a reason in PGO's style, and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub warning: bool,
    pub reason: &'static str,
    pub message: String,
}

impl Note {
    pub fn normal(reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            warning: false,
            reason,
            message: message.into(),
        }
    }

    pub fn warning(reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            warning: true,
            reason,
            message: message.into(),
        }
    }
}

/// Records an Event on the cluster. Each call creates one: callers publish on changes only,
/// and a changed message must not be folded into an older Event's count.
pub async fn publish(ctx: &Context, pc: &PostgresCluster, note: Note) {
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
        type_: Some(if note.warning { "Warning" } else { "Normal" }.into()),
        reason: Some(note.reason.into()),
        action: Some("Reconcile".into()),
        // Kubernetes caps an Event's note at 1 kB.
        note: Some(note.message.chars().take(1000).collect()),
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

/// A Kubernetes API error as one line: the server's message, without the client's debug form.
pub fn api_error(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => format!("{} ({})", s.message, s.reason),
        other => other.to_string(),
    }
}

/// Records each note, in order.
pub async fn publish_all(ctx: &Context, pc: &PostgresCluster, notes: Vec<Note>) {
    for n in notes {
        publish(ctx, pc, n).await;
    }
}
