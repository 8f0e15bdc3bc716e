//! `show backup NAME`: the pgBackRest backups, from `pgbackrest info` in a Postgres pod.

use kube::ResourceExt;
use serde::{Deserialize, Serialize};

use super::{Error, EXEC_TIMEOUT};
use crate::client::Ctx;
use crate::common::cluster::{pick_repo, repos};
use crate::common::error::Error as ClusterError;
use crate::exec::{self, ExecError};

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

/// `--repoName`: only that repository's backups (what Crunchy's `pgbackrest info --repo=N`
/// prints). No I/O.
pub fn only_repo(view: &mut BackupView, repo: &str) {
    view.repos.retain(|r| r == repo);
    view.backups.retain(|b| b.repo == repo);
    if view.backups.is_empty() {
        view.notes.push(format!(
            "no backups in {repo} yet: take one with `kubectl pgo backup {} --repoName {repo}`",
            view.cluster
        ));
    }
}

pub async fn show(ctx: &Ctx, name: &str, repo: Option<&str>) -> Result<BackupView, Error> {
    let api = super::api(name);
    let pc = ctx.get_cluster(name).await.map_err(&api)?;
    let repos = repos(&pc);
    let repo = match repo {
        Some(r) if !repos.is_empty() => {
            Some(pick_repo(&pc, Some(r)).map_err(ClusterError::Invalid)?)
        }
        _ => None,
    };
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
    let pods = exec::cluster_pods(ctx, name).await.map_err(&api)?;
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
    match repo {
        Some(r) => only_repo(&mut view, &r),
        None if view.backups.is_empty() => view
            .notes
            .push("no backups yet: take one with `kubectl pgo backup`".into()),
        None => {}
    }
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::PGBACKREST_JSON;
    use super::*;

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
    fn repo_name_keeps_that_repository_only() {
        let (rows, _) = parse_backups(PGBACKREST_JSON).unwrap();
        let mut rows2 = rows.clone();
        rows2[1].repo = "repo2".into();
        let mut view = BackupView {
            cluster: "hippo".into(),
            namespace: "ns".into(),
            configured: true,
            repos: vec!["repo1".into(), "repo2".into()],
            backups: rows2,
            notes: vec![],
        };
        only_repo(&mut view, "repo2");
        assert_eq!(view.repos, ["repo2"]);
        assert_eq!(view.backups.len(), 1);
        assert_eq!(view.backups[0].label, rows[1].label);
        assert!(view.notes.is_empty());
        only_repo(&mut view, "repo1");
        assert!(view.backups.is_empty());
        assert!(
            view.notes[0].starts_with("no backups in repo1 yet"),
            "{:?}",
            view.notes
        );
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
