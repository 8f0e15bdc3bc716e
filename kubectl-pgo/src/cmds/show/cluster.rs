//! `show NAME`: the instances (from Patroni's view and the pods, else the status) and the
//! conditions.

use kube::ResourceExt;
use pgo_api::names::labels;
use pgo_api::PostgresCluster;
use serde::Serialize;

use super::patroni::{self, friendly_role, PatroniMember, PodInfo, Prefer};
use super::Error;
use crate::client::Ctx;
use crate::exec;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceRow {
    pub pod: String,
    pub instance_set: String,
    pub role: String,
    pub ready: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<i64>,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionRow {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub last_transition_time: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterView {
    pub name: String,
    pub namespace: String,
    pub postgres_version: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    pub shutdown: bool,
    pub instances: Vec<InstanceRow>,
    pub conditions: Vec<ConditionRow>,
    /// The connection pooler, with `spec.proxy.pgBouncer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pooler: Option<PoolerRow>,
    /// Where the instance rows come from: `patroni` (its DCS records on the pods), `patronictl`,
    /// `pods` or `status`.
    pub source: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// PgBouncer's Service and pods, from the spec and the status.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolerRow {
    pub service: String,
    pub port: i32,
    pub replicas: i32,
    pub ready_replicas: i32,
}

fn ready_text(ready: bool) -> String {
    if ready { "true" } else { "false" }.into()
}

/// The cluster view from the CR, its pods and (when reachable) Patroni's members. No I/O.
pub fn cluster_view(
    pc: &PostgresCluster,
    namespace: &str,
    pods: &[PodInfo],
    members: Option<&[PatroniMember]>,
    mut notes: Vec<String>,
) -> ClusterView {
    let status = pc.status.clone().unwrap_or_default();
    let set_of = |pod: &str| {
        pods.iter()
            .find(|p| p.name == pod)
            .map(|p| p.instance_set.clone())
            .unwrap_or_default()
    };
    let (instances, source) = match members {
        Some(members) => {
            let mut rows: Vec<InstanceRow> = members
                .iter()
                .map(|m| InstanceRow {
                    pod: m.member.clone(),
                    instance_set: set_of(&m.member),
                    role: friendly_role(&m.role),
                    ready: pods
                        .iter()
                        .find(|p| p.name == m.member)
                        .map(|p| ready_text(p.ready))
                        .unwrap_or_else(|| "-".into()),
                    lag: m.lag(),
                    timeline: m.timeline(),
                    state: m.state.clone(),
                })
                .collect();
            // Pods Patroni does not know (yet) are still instances.
            for p in pods {
                if !members.iter().any(|m| m.member == p.name) {
                    rows.push(pod_row(p, "not in Patroni"));
                }
            }
            (rows, "patroni")
        }
        None if !pods.is_empty() => (
            pods.iter()
                .map(|p| pod_row(p, &p.phase.to_lowercase()))
                .collect(),
            "pods",
        ),
        None => (
            status
                .instances
                .iter()
                .map(|s| InstanceRow {
                    pod: "-".into(),
                    instance_set: s.name.clone(),
                    role: "-".into(),
                    ready: format!("{}/{}", s.ready_replicas, s.replicas),
                    lag: None,
                    timeline: None,
                    state: if s.replicas == 0 {
                        "no pods".into()
                    } else {
                        format!("{} updated", s.updated_replicas)
                    },
                })
                .collect(),
            "status",
        ),
    };
    let primary = members
        .and_then(|m| {
            m.iter()
                .find(|m| m.role == "Leader" || m.role == "Standby Leader")
        })
        .map(|m| m.member.clone())
        .or_else(|| status.patroni.as_ref().and_then(|p| p.primary.clone()));
    if instances.is_empty() {
        notes.push("no instances reported yet: is pgo-agent running?".into());
    }
    let shutdown = pc.spec.shutdown.unwrap_or(false);
    if shutdown {
        notes.push(
            "the cluster is stopped (spec.shutdown=true): `kubectl pgo start` starts it".into(),
        );
    }
    ClusterView {
        name: pc.name_any(),
        namespace: namespace.into(),
        postgres_version: pc.spec.postgres_version,
        primary,
        shutdown,
        instances,
        pooler: pc.spec.proxy.as_ref().map(|p| {
            let st = status
                .proxy
                .as_ref()
                .map(|s| s.pg_bouncer.clone())
                .unwrap_or_default();
            PoolerRow {
                service: pgo_api::names::pgbouncer(&pc.name_any()),
                port: p
                    .pg_bouncer
                    .port
                    .unwrap_or(pgo_api::names::DEFAULT_PGBOUNCER_PORT),
                replicas: p.pg_bouncer.replicas.unwrap_or(1),
                ready_replicas: st.ready_replicas,
            }
        }),
        conditions: status
            .conditions
            .iter()
            .map(|c| ConditionRow {
                type_: c.type_.clone(),
                status: c.status.clone(),
                reason: c.reason.clone(),
                message: c.message.clone(),
                last_transition_time: serde_json::to_value(&c.last_transition_time)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
            })
            .collect(),
        source: source.into(),
        notes,
    }
}

fn pod_row(p: &PodInfo, state: &str) -> InstanceRow {
    InstanceRow {
        pod: p.name.clone(),
        instance_set: p.instance_set.clone(),
        role: match p.role_label.as_deref() {
            Some(labels::ROLE_MASTER | labels::ROLE_PRIMARY) => "primary".into(),
            Some(labels::ROLE_REPLICA) => "replica".into(),
            Some(other) => other.into(),
            None => "-".into(),
        },
        ready: ready_text(p.ready),
        lag: None,
        timeline: None,
        state: state.into(),
    }
}

pub async fn show(ctx: &Ctx, name: &str) -> Result<ClusterView, Error> {
    let api = super::api(name);
    // Independent reads, at once: the cluster, its pods and Patroni's leader record.
    let (pc, pods, optime) = tokio::join!(
        ctx.get_cluster(name),
        exec::cluster_pods(ctx, name),
        patroni::leader_optime(ctx, name)
    );
    let pc = pc.map_err(&api)?;
    let pods = pods.map_err(&api)?;
    let infos: Vec<PodInfo> = pods.iter().map(PodInfo::from_pod).collect();
    let mut notes = Vec::new();
    let (members, source) =
        match patroni::read_patroni(ctx, name, &pods, optime, Prefer::Dcs, &mut notes).await {
            Ok((m, source)) => (Some(m), Some(source)),
            Err(why) => {
                notes.push(format!(
                    "Patroni could not be asked ({why}); showing what the cluster status says"
                ));
                (None, None)
            }
        };
    let mut view = cluster_view(&pc, &ctx.namespace, &infos, members.as_deref(), notes);
    if let Some(source) = source {
        view.source = source.into();
    }
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{hippo_with_status, pod, PATRONI_JSON};
    use super::super::patroni::parse_patroni;
    use super::*;

    #[test]
    fn patroni_members_become_instance_rows() {
        let members = parse_patroni(PATRONI_JSON).unwrap();
        let pods = vec![
            pod("hippo-instance1-4xbc-0", true),
            pod("hippo-instance1-9kzt-0", true),
            pod("hippo-instance1-qq7m-0", false),
        ];
        let v = cluster_view(&hippo_with_status(), "ns", &pods, Some(&members), vec![]);
        assert_eq!(v.source, "patroni");
        assert_eq!(v.primary.as_deref(), Some("hippo-instance1-4xbc-0"));
        assert_eq!(
            v.instances[1],
            InstanceRow {
                pod: "hippo-instance1-9kzt-0".into(),
                instance_set: "instance1".into(),
                role: "sync replica".into(),
                ready: "true".into(),
                lag: Some("0 MB".into()),
                timeline: Some(2),
                state: "streaming".into(),
            }
        );
        assert_eq!(v.instances[2].lag.as_deref(), Some("unknown"));
        assert_eq!(v.instances[2].timeline, None);
        assert_eq!(v.instances[0].lag, None);
        assert_eq!(v.conditions[0].reason, "InstancesNotReady");
    }

    #[test]
    fn without_pods_or_patroni_the_status_is_shown_with_a_note() {
        let v = cluster_view(&hippo_with_status(), "ns", &[], None, vec!["no pod".into()]);
        assert_eq!(v.source, "status");
        assert_eq!(v.instances[0].ready, "1/3");
        assert_eq!(v.primary.as_deref(), Some("hippo-instance1-4xbc-0"));
        assert_eq!(v.notes, vec!["no pod".to_string()]);
        assert!(v.pooler.is_none());
    }

    #[test]
    fn the_pooler_is_shown_from_spec_and_status() {
        let mut pc = hippo_with_status();
        pc.spec.proxy = Some(pgo_api::PostgresProxySpec {
            pg_bouncer: pgo_api::PgBouncerPodSpec {
                replicas: Some(2),
                ..Default::default()
            },
        });
        pc.status.as_mut().unwrap().proxy = Some(pgo_api::PostgresProxyStatus {
            pg_bouncer: pgo_api::PgBouncerPodStatus {
                ready_replicas: 1,
                replicas: 2,
                postgres_revision: None,
            },
        });
        let v = cluster_view(&pc, "ns", &[], None, vec![]);
        let p = v.pooler.clone().unwrap();
        assert_eq!((p.ready_replicas, p.replicas, p.port), (1, 2, 5432));
        let text = super::super::render::cluster_table(&v);
        assert!(
            text.contains("PgBouncer: 1 of 2 pods ready, Service hippo-pgbouncer:5432"),
            "{text}"
        );
    }
}
