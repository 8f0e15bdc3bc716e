//! `show NAME`, `show ha NAME`, `show user USER -c NAME`, `show backup NAME`.
//!
//! Read the CR, the pods and (by exec into the primary's `database` container) Patroni and
//! pgBackRest; turn them into views with pure functions; `output` renders the views.

use std::collections::BTreeMap;
use std::time::Duration;

use clap::Subcommand;
use k8s_openapi::api::core::v1::{Endpoints, Pod, Secret};
use kube::{Api, ResourceExt};
use pgo_api::names::{self, labels};
use pgo_api::PostgresCluster;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{ApiError, Ctx};
use crate::common::cluster::{check_cluster_name, repos};
use crate::common::error::{CmdError, EXIT_RUNTIME, EXIT_USAGE};
use crate::exec::{self, ExecError};
use crate::global::GlobalArgs;

pub const LONG_ABOUT: &str = "Show a cluster.\n\n\
`show NAME` lists the instances (pod, set, role, readiness, lag, timeline, state) from Patroni \
and the pods, and the cluster's conditions. Patroni's view comes from its records on the pods (what \
`patronictl list` reads), else from `patronictl list` run in the primary; when neither answers, \
it shows what the cluster status says.\n\
`show ha NAME` is Patroni's view only. `show user USER -c NAME` prints a user's connection \
info (secrets masked unless --show-connection-info). `show backup NAME` lists pgBackRest backups.\n\n\
Examples:\n  kubectl pgo show hippo\n  kubectl pgo show ha hippo\n  \
kubectl pgo show user app -c hippo --show-connection-info\n  kubectl pgo show backup hippo -o json";

/// How long a command inside a pod may take.
const EXEC_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub what: Option<What>,

    /// The cluster.
    pub name: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum What {
    /// Instances and conditions of a cluster (the same as `show NAME`).
    #[command(visible_alias = "postgrescluster")]
    Cluster {
        /// The cluster.
        name: String,
    },
    /// Patroni's view of the cluster: members, role, state, timeline, lag.
    Ha {
        /// The cluster.
        name: String,
    },
    /// Connection info of a Postgres user, from Secret <cluster>-pguser-<user>.
    User {
        /// The user.
        user: String,
        /// The cluster.
        #[arg(short = 'c', long = "cluster", value_name = "NAME")]
        cluster: String,
        /// Print the password and URIs instead of masking them.
        #[arg(long)]
        show_connection_info: bool,
    },
    /// pgBackRest backups of a cluster (`pgbackrest info`).
    Backup {
        /// The cluster.
        name: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),

    #[error("failed to show PostgresCluster {name:?}: {source}")]
    Api { name: String, source: ApiError },

    #[error("cannot read Patroni's view of {name:?}: {why}\n  hint: `kubectl pgo show {name}` shows what the cluster status says")]
    Patroni { name: String, why: String },

    #[error("cannot read the backups of {name:?}: {source}")]
    PgBackRest { name: String, source: ExecError },

    #[error("unexpected output of `{command}`: {detail}")]
    Parse { command: String, detail: String },
}

impl CmdError for Error {
    fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) => EXIT_USAGE,
            _ => EXIT_RUNTIME,
        }
    }
}

/// What `show` found, for `output`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum View {
    Cluster(ClusterView),
    Ha(HaView),
    User(UserView),
    Backups(BackupView),
}

// ---------------------------------------------------------------------------------------------
// Patroni

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
    #[serde(
        rename = "Replay Lag in MB",
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

// ---------------------------------------------------------------------------------------------
// show NAME

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
    /// Where the instance rows come from: `patroni` (its DCS records on the pods), `patronictl`,
    /// `pods` or `status`.
    pub source: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
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
            Some(labels::ROLE_MASTER) => "primary".into(),
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

/// Run `patronictl list` in the best pod; `Err` says why Patroni could not be asked.
async fn patronictl(ctx: &Ctx, name: &str, pods: &[Pod]) -> Result<Vec<PatroniMember>, String> {
    let pod = exec::pick_pod(pods)
        .ok_or_else(|| ExecError::NoPod(name.into()).to_string())?
        .name_any();
    let out = exec::run(ctx, &pod, PATRONICTL_LIST, EXEC_TIMEOUT)
        .await
        .map_err(|e| e.to_string())?;
    parse_patroni(&out).map_err(|e| e.to_string())
}

/// The leader's WAL position, from the `optime` annotation of Patroni's `<cluster>-ha` Endpoints.
async fn leader_optime(ctx: &Ctx, name: &str) -> Option<i64> {
    let api: Api<Endpoints> = Api::namespaced(ctx.client.clone(), &ctx.namespace);
    let ep = api.get_opt(&names::patroni_scope(name)).await.ok()??;
    ep.annotations().get("optime")?.parse().ok()
}

/// Where Patroni's view comes from, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefer {
    /// Its DCS records on the pods (no exec: what `show` uses, to stay fast).
    Dcs,
    /// `patronictl list` in the primary (what `show ha` uses).
    Patronictl,
}

/// Patroni's members from the preferred source, else the other one (with a note saying why),
/// else `Err` with the reasons.
async fn read_patroni(
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

async fn show_cluster(ctx: &Ctx, name: &str) -> Result<ClusterView, Error> {
    let api = |source| Error::Api {
        name: name.into(),
        source,
    };
    // Independent reads, at once: the cluster, its pods and Patroni's leader record.
    let (pc, pods, optime) = tokio::join!(
        ctx.get_cluster(name),
        exec::cluster_pods(ctx, name),
        leader_optime(ctx, name)
    );
    let pc = pc.map_err(api)?;
    let pods = pods.map_err(api)?;
    let infos: Vec<PodInfo> = pods.iter().map(PodInfo::from_pod).collect();
    let mut notes = Vec::new();
    let (members, source) =
        match read_patroni(ctx, name, &pods, optime, Prefer::Dcs, &mut notes).await {
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

// ---------------------------------------------------------------------------------------------
// show ha NAME

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HaView {
    pub name: String,
    pub namespace: String,
    pub members: Vec<PatroniMember>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

async fn show_ha(ctx: &Ctx, name: &str) -> Result<HaView, Error> {
    let api = |source| Error::Api {
        name: name.into(),
        source,
    };
    ctx.get_cluster(name).await.map_err(api)?;
    let pods = exec::cluster_pods(ctx, name).await.map_err(api)?;
    let mut notes = Vec::new();
    let optime = leader_optime(ctx, name).await;
    let (members, _) = read_patroni(ctx, name, &pods, optime, Prefer::Patronictl, &mut notes)
        .await
        .map_err(|why| Error::Patroni {
            name: name.into(),
            why,
        })?;
    Ok(HaView {
        name: name.into(),
        namespace: ctx.namespace.clone(),
        members,
        notes,
    })
}

// ---------------------------------------------------------------------------------------------
// show user USER -c NAME

/// The keys of a pguser Secret, in the order shown.
pub const USER_KEYS: &[&str] = &[
    "user", "password", "verifier", "host", "port", "dbname", "uri", "jdbc-uri",
];
/// Keys that hold or embed a secret.
const SECRET_KEYS: &[&str] = &["password", "verifier", "uri", "jdbc-uri"];
pub const MASK: &str = "********";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserView {
    pub cluster: String,
    pub namespace: String,
    pub secret: String,
    /// Key and value, masked unless asked otherwise.
    pub connection: BTreeMap<String, String>,
    #[serde(skip)]
    pub order: Vec<String>,
    pub masked: bool,
}

/// The user view from the Secret's data. No I/O.
pub fn user_view(
    cluster: &str,
    namespace: &str,
    secret_name: &str,
    data: &BTreeMap<String, Vec<u8>>,
    reveal: bool,
) -> UserView {
    let mut connection = BTreeMap::new();
    let mut order = Vec::new();
    for key in USER_KEYS {
        if let Some(bytes) = data.get(*key) {
            let value = String::from_utf8_lossy(bytes).to_string();
            let shown = if !reveal && SECRET_KEYS.contains(key) {
                MASK.to_string()
            } else {
                value
            };
            connection.insert(key.to_string(), shown);
            order.push(key.to_string());
        }
    }
    UserView {
        cluster: cluster.into(),
        namespace: namespace.into(),
        secret: secret_name.into(),
        connection,
        order,
        masked: !reveal,
    }
}

async fn show_user(ctx: &Ctx, user: &str, cluster: &str, reveal: bool) -> Result<UserView, Error> {
    let api = |source| Error::Api {
        name: cluster.into(),
        source,
    };
    ctx.get_cluster(cluster).await.map_err(api)?;
    let secret_name = names::user_secret(cluster, user);
    let secrets: Api<Secret> = Api::namespaced(ctx.client.clone(), &ctx.namespace);
    let secret = secrets.get(&secret_name).await.map_err(|e| {
        api(crate::client::classify(
            e,
            &ctx.server,
            "Secret",
            &secret_name,
            &ctx.namespace,
        ))
    })?;
    let data: BTreeMap<String, Vec<u8>> = secret
        .data
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
    Ok(user_view(
        cluster,
        &ctx.namespace,
        &secret_name,
        &data,
        reveal,
    ))
}

// ---------------------------------------------------------------------------------------------
// show backup NAME

pub const PGBACKREST_INFO: &[&str] = &["pgbackrest", "info", "--stanza=db", "--output=json"];

/// One stanza of `pgbackrest info --output=json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Stanza {
    pub name: String,
    #[serde(default)]
    pub backup: Vec<PgBackRestBackup>,
    #[serde(default)]
    pub status: Option<StanzaStatus>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StanzaStatus {
    pub code: i64,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PgBackRestBackup {
    pub label: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub timestamp: StartStop<i64>,
    #[serde(default)]
    pub archive: Option<StartStop<Option<String>>>,
    #[serde(default)]
    pub info: Option<BackupInfo>,
    #[serde(default)]
    pub database: Option<BackupDatabase>,
    #[serde(default)]
    pub error: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StartStop<T> {
    pub start: T,
    pub stop: T,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BackupInfo {
    pub size: Option<u64>,
    pub repository: Option<RepoSize>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RepoSize {
    pub size: Option<u64>,
    pub delta: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BackupDatabase {
    #[serde(rename = "repo-key")]
    pub repo_key: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupRow {
    pub label: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub repo: String,
    pub start: String,
    pub stop: String,
    pub size: String,
    pub repo_size: String,
    pub wal_start: String,
    pub wal_stop: String,
    pub error: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackupView {
    pub cluster: String,
    pub namespace: String,
    pub configured: bool,
    pub repos: Vec<String>,
    pub backups: Vec<BackupRow>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

fn rfc3339(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| epoch.to_string())
}

/// Rows from `pgbackrest info --output=json`. No I/O.
pub fn parse_backups(json: &str) -> Result<(Vec<BackupRow>, Vec<String>), Error> {
    let stanzas: Vec<Stanza> = serde_json::from_str(json).map_err(|e| Error::Parse {
        command: PGBACKREST_INFO.join(" "),
        detail: e.to_string(),
    })?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for stanza in stanzas {
        if let Some(s) = &stanza.status {
            if s.code != 0 {
                notes.push(format!(
                    "stanza {}: {} (code {})",
                    stanza.name, s.message, s.code
                ));
            }
        }
        for b in stanza.backup {
            let (wal_start, wal_stop) = b
                .archive
                .as_ref()
                .map(|a| {
                    (
                        a.start.clone().unwrap_or_default(),
                        a.stop.clone().unwrap_or_default(),
                    )
                })
                .unwrap_or_default();
            let size = b.info.as_ref().and_then(|i| i.size);
            let repo_size = b
                .info
                .as_ref()
                .and_then(|i| i.repository.as_ref())
                .and_then(|r| r.delta.or(r.size));
            rows.push(BackupRow {
                label: b.label,
                type_: b.type_,
                repo: b
                    .database
                    .and_then(|d| d.repo_key)
                    .map(|k| format!("repo{k}"))
                    .unwrap_or_default(),
                start: rfc3339(b.timestamp.start),
                stop: rfc3339(b.timestamp.stop),
                size: size.map(human_bytes).unwrap_or_default(),
                repo_size: repo_size.map(human_bytes).unwrap_or_default(),
                wal_start,
                wal_stop,
                error: b.error.unwrap_or(false),
            });
        }
    }
    Ok((rows, notes))
}

async fn show_backup(ctx: &Ctx, name: &str) -> Result<BackupView, Error> {
    let api = |source| Error::Api {
        name: name.into(),
        source,
    };
    let pc = ctx.get_cluster(name).await.map_err(api)?;
    let repos = repos(&pc);
    let mut view = BackupView {
        cluster: name.into(),
        namespace: ctx.namespace.clone(),
        configured: !repos.is_empty(),
        repos,
        backups: vec![],
        notes: vec![],
    };
    if !view.configured {
        view.notes.push(format!(
            "backups are not configured: PostgresCluster {name:?} has no repository in spec.backups.pgbackrest.repos"
        ));
        return Ok(view);
    }
    let pods = exec::cluster_pods(ctx, name).await.map_err(api)?;
    let pod = exec::pick_pod(&pods)
        .ok_or_else(|| Error::PgBackRest {
            name: name.into(),
            source: ExecError::NoPod(name.into()),
        })?
        .name_any();
    let out = exec::run(ctx, &pod, PGBACKREST_INFO, EXEC_TIMEOUT)
        .await
        .map_err(|source| Error::PgBackRest {
            name: name.into(),
            source,
        })?;
    let (rows, notes) = parse_backups(&out)?;
    view.backups = rows;
    view.notes = notes;
    if view.backups.is_empty() {
        view.notes
            .push("no backups yet: take one with `kubectl pgo backup`".into());
    }
    Ok(view)
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<View, Error> {
    let what = match (args.what, args.name) {
        (Some(w), _) => w,
        (None, Some(name)) => What::Cluster { name },
        (None, None) => {
            return Err(Error::Invalid(
                "NAME is required: kubectl pgo show NAME (or show ha|user|backup ...)".into(),
            ))
        }
    };
    let name = match &what {
        What::Cluster { name } | What::Ha { name } | What::Backup { name } => name,
        What::User { cluster, .. } => cluster,
    };
    check_cluster_name(name).map_err(Error::Invalid)?;
    let ctx = Ctx::connect(global, None)
        .await
        .map_err(|source| Error::Api {
            name: name.clone(),
            source,
        })?;
    Ok(match what {
        What::Cluster { name } => View::Cluster(show_cluster(&ctx, &name).await?),
        What::Ha { name } => View::Ha(show_ha(&ctx, &name).await?),
        What::User {
            user,
            cluster,
            show_connection_info,
        } => View::User(show_user(&ctx, &user, &cluster, show_connection_info).await?),
        What::Backup { name } => View::Backups(show_backup(&ctx, &name).await?),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `patronictl list -f json` of a three-member cluster, as Patroni 3 prints it.
    pub const PATRONI_JSON: &str = r#"[
 {"Cluster": "hippo-ha", "Member": "hippo-instance1-4xbc-0", "Host": "hippo-instance1-4xbc-0.hippo-pods", "Role": "Leader", "State": "running", "TL": 2},
 {"Cluster": "hippo-ha", "Member": "hippo-instance1-9kzt-0", "Host": "hippo-instance1-9kzt-0.hippo-pods", "Role": "Sync Standby", "State": "streaming", "TL": 2, "Lag in MB": 0},
 {"Cluster": "hippo-ha", "Member": "hippo-instance1-qq7m-0", "Host": "hippo-instance1-qq7m-0.hippo-pods", "Role": "Replica", "State": "stopped", "Lag in MB": "unknown", "Pending restart": "*"}
]"#;

    /// `pgbackrest info --output=json` with a full and an incremental backup.
    pub const PGBACKREST_JSON: &str = r#"[{
 "archive": [{"database": {"id": 1, "repo-key": 1}, "id": "15-1",
              "max": "000000020000000000000009", "min": "000000010000000000000001"}],
 "backup": [
  {"archive": {"start": "000000010000000000000003", "stop": "000000010000000000000003"},
   "backrest": {"format": 5, "version": "2.47"},
   "database": {"id": 1, "repo-key": 1},
   "error": false,
   "info": {"delta": 31552733, "repository": {"delta": 3964389, "size": 3964389}, "size": 31552733},
   "label": "20240101-120000F",
   "lsn": {"start": "0/3000028", "stop": "0/3000100"},
   "prior": null, "reference": null,
   "timestamp": {"start": 1704110400, "stop": 1704110412},
   "type": "full"},
  {"archive": {"start": "000000020000000000000007", "stop": "000000020000000000000007"},
   "backrest": {"format": 5, "version": "2.47"},
   "database": {"id": 1, "repo-key": 1},
   "error": false,
   "info": {"delta": 8454144, "repository": {"delta": 524288, "size": 3964389}, "size": 31552733},
   "label": "20240101-120000F_20240102-010000I",
   "lsn": {"start": "0/7000028", "stop": "0/7000100"},
   "prior": "20240101-120000F", "reference": ["20240101-120000F"],
   "timestamp": {"start": 1704157200, "stop": 1704157203},
   "type": "incr"}
 ],
 "cipher": "none",
 "db": [{"id": 1, "repo-key": 1, "system-id": 7319234567890123456, "version": "15"}],
 "name": "db",
 "repo": [{"cipher": "none", "key": 1, "status": {"code": 0, "message": "ok"}}],
 "status": {"code": 0, "lock": {"backup": {"held": false}}, "message": "ok"}
}]"#;

    pub fn hippo_with_status() -> PostgresCluster {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": "hippo"},
            "spec": {"postgresVersion": 15, "instances": [{"name": "instance1", "dataVolumeClaimSpec": {}}]},
            "status": {
                "conditions": [{"type": "Ready", "status": "False", "reason": "InstancesNotReady",
                                "message": "1 of 3 instances ready", "lastTransitionTime": "2024-01-01T12:00:00Z"}],
                "instances": [{"name": "instance1", "replicas": 3, "readyReplicas": 1, "updatedReplicas": 3}],
                "patroni": {"primary": "hippo-instance1-4xbc-0"}
            }
        }))
        .unwrap()
    }

    fn pod(name: &str, ready: bool) -> PodInfo {
        PodInfo {
            name: name.into(),
            instance_set: "instance1".into(),
            role_label: None,
            ready,
            phase: "Running".into(),
            patroni_status: None,
        }
    }

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

    #[test]
    fn without_pods_or_patroni_the_status_is_shown_with_a_note() {
        let v = cluster_view(&hippo_with_status(), "ns", &[], None, vec!["no pod".into()]);
        assert_eq!(v.source, "status");
        assert_eq!(v.instances[0].ready, "1/3");
        assert_eq!(v.primary.as_deref(), Some("hippo-instance1-4xbc-0"));
        assert_eq!(v.notes, vec!["no pod".to_string()]);
    }

    #[test]
    fn user_secrets_are_masked_unless_asked() {
        let data: BTreeMap<String, Vec<u8>> = [
            ("user", "app"),
            ("password", "s3cret"),
            ("host", "hippo-primary.ns.svc"),
            (
                "uri",
                "postgresql://app:s3cret@hippo-primary.ns.svc:5432/app",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
        let v = user_view("hippo", "ns", "hippo-pguser-app", &data, false);
        assert_eq!(v.connection["password"], MASK);
        assert_eq!(v.connection["uri"], MASK);
        assert_eq!(v.connection["host"], "hippo-primary.ns.svc");
        assert_eq!(v.order, vec!["user", "password", "host", "uri"]);
        let v = user_view("hippo", "ns", "hippo-pguser-app", &data, true);
        assert_eq!(v.connection["password"], "s3cret");
    }

    #[test]
    fn pgbackrest_info_becomes_backup_rows() {
        let (rows, notes) = parse_backups(PGBACKREST_JSON).unwrap();
        assert!(notes.is_empty());
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            BackupRow {
                label: "20240101-120000F".into(),
                type_: "full".into(),
                repo: "repo1".into(),
                start: "2024-01-01T12:00:00Z".into(),
                stop: "2024-01-01T12:00:12Z".into(),
                size: "30.1 MiB".into(),
                repo_size: "3.8 MiB".into(),
                wal_start: "000000010000000000000003".into(),
                wal_stop: "000000010000000000000003".into(),
                error: false,
            }
        );
        assert_eq!(rows[1].type_, "incr");
        assert_eq!(rows[1].repo_size, "512.0 KiB");
    }

    #[test]
    fn a_missing_stanza_is_a_note() {
        let json = r#"[{"backup": [], "name": "db", "status": {"code": 1, "message": "missing stanza path"}}]"#;
        let (rows, notes) = parse_backups(json).unwrap();
        assert!(rows.is_empty());
        assert_eq!(
            notes,
            vec!["stanza db: missing stanza path (code 1)".to_string()]
        );
    }
}
