//! Patroni's view of a cluster, shared by `show` and `show ha`: its records on the pods (no
//! exec), else `patronictl list` in the primary.

use k8s_openapi::api::core::v1::{Endpoints, Pod};
use kube::{Api, ResourceExt};
use pgo_api::names::{self, labels};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Error, EXEC_TIMEOUT};
use crate::client::Ctx;
use crate::exec::{self, ExecError};

/// A member as `patronictl list -f json` prints it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PatroniMember {
    #[serde(rename = "Cluster", default)]
    pub cluster: String,
    #[serde(rename = "Member")]
    pub member: String,
    #[serde(rename = "Host", default)]
    pub host: String,
    #[serde(rename = "Role", default)]
    pub role: String,
    #[serde(rename = "State", default)]
    pub state: String,
    /// The timeline; missing while a member is stopped.
    #[serde(rename = "TL", default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Value>,
    /// A number, or "unknown" when Patroni cannot tell.
    #[serde(rename = "Lag in MB", default, skip_serializing_if = "Option::is_none")]
    pub lag_mb: Option<Value>,
    /// Patroni 4.1 names it `Replay Lag` (in MB), next to `Receive Lag`.
    #[serde(
        rename = "Replay Lag in MB",
        alias = "Replay Lag",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub replay_lag_mb: Option<Value>,
    #[serde(
        rename = "Pending restart",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pending_restart: Option<String>,
}

impl PatroniMember {
    pub fn timeline(&self) -> Option<i64> {
        match self.timeline.as_ref()? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// Lag as shown: `0 MB`, `unknown`, or empty for the leader.
    pub fn lag(&self) -> Option<String> {
        match self.lag_mb.as_ref().or(self.replay_lag_mb.as_ref())? {
            Value::Number(n) => Some(format!("{n} MB")),
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }
    }
}

pub const PATRONICTL_LIST: &[&str] = &["patronictl", "list", "-f", "json"];

pub fn parse_patroni(json: &str) -> Result<Vec<PatroniMember>, Error> {
    serde_json::from_str(json).map_err(|e| Error::Parse {
        command: PATRONICTL_LIST.join(" "),
        detail: e.to_string(),
    })
}

/// Patroni's role as `show` names it.
pub fn friendly_role(patroni_role: &str) -> String {
    match patroni_role {
        "Leader" => "primary".into(),
        "Standby Leader" => "standby leader".into(),
        "Sync Standby" => "sync replica".into(),
        "Replica" => "replica".into(),
        other => other.to_lowercase(),
    }
}

/// A pod, reduced to what the view needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PodInfo {
    pub name: String,
    pub instance_set: String,
    pub role_label: Option<String>,
    pub ready: bool,
    pub phase: String,
    /// Patroni's `status` annotation (its Kubernetes DCS record of the member), if any.
    pub patroni_status: Option<String>,
}

impl PodInfo {
    pub fn from_pod(pod: &Pod) -> Self {
        PodInfo {
            name: pod.name_any(),
            instance_set: pod
                .labels()
                .get(labels::INSTANCE_SET)
                .cloned()
                .unwrap_or_default(),
            role_label: pod.labels().get(labels::ROLE).cloned(),
            ready: exec::pod_ready(pod),
            phase: pod
                .status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Unknown".into()),
            patroni_status: pod.annotations().get(PATRONI_STATUS_ANNOTATION).cloned(),
        }
    }
}

/// The annotation Patroni's Kubernetes DCS keeps on each member's pod.
pub const PATRONI_STATUS_ANNOTATION: &str = "status";

#[derive(Debug, Deserialize)]
struct PatroniPodStatus {
    #[serde(default)]
    state: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    timeline: Option<i64>,
    #[serde(default)]
    xlog_location: Option<i64>,
}

/// Patroni's view from its Kubernetes DCS records: each member's `status` annotation, and the
/// leader's `optime` on the `<cluster>-ha` Endpoints. These are what `patronictl list` itself
/// reads; the lag is the leader's optime minus the member's WAL position, in MB, as it prints.
pub fn members_from_annotations(
    cluster: &str,
    pods: &[PodInfo],
    leader_optime: Option<i64>,
) -> Vec<PatroniMember> {
    let parsed: Vec<(&PodInfo, PatroniPodStatus)> = pods
        .iter()
        .filter_map(|p| {
            let s = serde_json::from_str(p.patroni_status.as_deref()?).ok()?;
            Some((p, s))
        })
        .collect();
    let is_leader = |role: &str| matches!(role, "master" | "primary" | "standby_leader");
    let leader_wal = leader_optime.or_else(|| {
        parsed
            .iter()
            .find(|(_, s)| is_leader(&s.role))
            .and_then(|(_, s)| s.xlog_location)
    });
    parsed
        .into_iter()
        .map(|(p, s)| {
            let role = match s.role.as_str() {
                "master" | "primary" => "Leader".to_string(),
                "standby_leader" => "Standby Leader".to_string(),
                "replica" => "Replica".to_string(),
                other => other.to_string(),
            };
            let lag_mb = if is_leader(&s.role) {
                None
            } else {
                match (leader_wal, s.xlog_location) {
                    (Some(l), Some(m)) => Some(Value::from((l - m).max(0) / (1024 * 1024))),
                    _ => Some(Value::from("unknown")),
                }
            };
            PatroniMember {
                cluster: names::patroni_scope(cluster),
                member: p.name.clone(),
                host: String::new(),
                role,
                state: s.state,
                timeline: s.timeline.map(Value::from),
                lag_mb,
                replay_lag_mb: None,
                pending_restart: None,
            }
        })
        .collect()
}

/// Run `patronictl list` in the best pod; `Err` says why Patroni could not be asked.
pub async fn patronictl(ctx: &Ctx, name: &str, pods: &[Pod]) -> Result<Vec<PatroniMember>, String> {
    let pod = exec::pick_pod(pods)
        .ok_or_else(|| ExecError::NoPod(name.into()).to_string())?
        .name_any();
    let out = exec::run(ctx, &pod, PATRONICTL_LIST, EXEC_TIMEOUT)
        .await
        .map_err(|e| e.to_string())?;
    parse_patroni(&out).map_err(|e| e.to_string())
}

/// The leader's WAL position, from the `optime` annotation of Patroni's `<cluster>-ha` Endpoints.
pub async fn leader_optime(ctx: &Ctx, name: &str) -> Option<i64> {
    let api: Api<Endpoints> = Api::namespaced(ctx.client.clone(), &ctx.namespace);
    let ep = api.get_opt(&names::patroni_scope(name)).await.ok()??;
    ep.annotations().get("optime")?.parse().ok()
}

/// Where Patroni's view comes from, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// Its DCS records on the pods (no exec: what `show` uses, to stay fast).
    Dcs,
    /// `patronictl list` in the primary (what `show ha` uses).
    Patronictl,
}

/// Patroni's members from the preferred source, else the other one (with a note saying why),
/// else `Err` with the reasons.
pub async fn read_patroni(
    ctx: &Ctx,
    name: &str,
    pods: &[Pod],
    optime: Option<i64>,
    prefer: Prefer,
    notes: &mut Vec<String>,
) -> Result<(Vec<PatroniMember>, &'static str), String> {
    let infos: Vec<PodInfo> = pods.iter().map(PodInfo::from_pod).collect();
    let from_dcs = || members_from_annotations(name, &infos, optime);
    if prefer == Prefer::Dcs {
        let members = from_dcs();
        if !members.is_empty() {
            return Ok((members, "patroni"));
        }
    }
    let why = match patronictl(ctx, name, pods).await {
        Ok(members) if !members.is_empty() => return Ok((members, "patronictl")),
        Ok(_) => format!("`{}` listed no members", PATRONICTL_LIST.join(" ")),
        Err(e) => e,
    };
    if prefer == Prefer::Patronictl {
        let members = from_dcs();
        if !members.is_empty() {
            notes.push(format!(
                "{why}; Patroni's view was read from its status annotations on the pods"
            ));
            return Ok((members, "patroni"));
        }
    }
    Err(why)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::pod;
    use super::*;

    #[test]
    fn patroni_4_1_lists_replay_lag_in_its_own_column() {
        // `patronictl list -f json` of Patroni 4.1.5 (PostgreSQL 18).
        let json = r#"[{"Cluster":"hippo-ha","Member":"hippo-instance1-aaaa-0","Host":"10.244.0.7","Role":"Leader","State":"running","TL":2,"Receive LSN":"","Receive Lag":"","Replay LSN":"","Replay Lag":""},
            {"Cluster":"hippo-ha","Member":"hippo-instance1-bbbb-0","Host":"10.244.0.8","Role":"Replica","State":"streaming","TL":2,"Receive LSN":"0/5000060","Receive Lag":0,"Replay LSN":"0/5000060","Replay Lag":4}]"#;
        let members = parse_patroni(json).unwrap();
        assert_eq!(members[0].lag(), None);
        assert_eq!(members[1].lag().as_deref(), Some("4 MB"));
        assert_eq!(members[1].timeline(), Some(2));
    }

    #[test]
    fn patroni_4_status_says_primary_for_the_leader() {
        let mut leader = pod("hippo-instance1-vn8l-0", true);
        leader.patroni_status = Some(r#"{"state":"running","role":"primary","version":"4.0.7","xlog_location":50332768,"timeline":1}"#.into());
        let members = members_from_annotations("hippo", &[leader], None);
        assert_eq!(members[0].role, "Leader");
    }

    #[test]
    fn pod_annotations_give_patronis_view_when_patronictl_cannot() {
        let mut leader = pod("hippo-instance1-vn8l-0", true);
        leader.patroni_status = Some(r#"{"conn_url":"postgres://10.244.0.11:5432/postgres","api_url":"http://10.244.0.11:8008/patroni","state":"running","role":"master","version":"3.0.2","xlog_location":50332768,"timeline":1}"#.into());
        let mut replica = pod("hippo-instance1-fcz4-0", true);
        replica.patroni_status = Some(
            r#"{"state":"running","role":"replica","xlog_location":17825792,"timeline":1}"#.into(),
        );
        let mut starting = pod("hippo-instance1-zzzz-0", false);
        starting.patroni_status =
            Some(r#"{"state":"stopped","role":"uninitialized","version":"3.0.2"}"#.into());
        let members =
            members_from_annotations("hippo", &[leader, replica, starting, pod("x", false)], None);
        assert_eq!(members.len(), 3);
        assert_eq!(members[0].role, "Leader");
        assert_eq!(members[0].lag(), None);
        assert_eq!(members[0].timeline(), Some(1));
        assert_eq!(members[1].role, "Replica");
        assert_eq!(members[1].lag().as_deref(), Some("31 MB"));
        assert_eq!(members[2].state, "stopped");
        assert_eq!(members[2].lag().as_deref(), Some("unknown"));
        assert_eq!(members[0].cluster, "hippo-ha");
        // The leader record's optime wins over the leader's own status, as in patronictl.
        let mut replica = pod("r", true);
        replica.patroni_status =
            Some(r#"{"state":"streaming","role":"replica","xlog_location":0}"#.into());
        let members = members_from_annotations("hippo", &[replica], Some(3 * 1024 * 1024));
        assert_eq!(members[0].lag().as_deref(), Some("3 MB"));
    }
}
