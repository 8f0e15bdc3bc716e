//! `backup NAME [--repoName REPO] [--options OPT]...`: set spec.backups.pgbackrest.manual and
//! the pgbackrest-backup annotation, as PGO's `kubectl pgo backup` does.

use pgo_api::names::annotations::PGBACKREST_BACKUP;
use pgo_api::PostgresCluster;
use serde_json::{json, Value};

use crate::apply;
use crate::client::{ApiError, Ctx};
use crate::cmds::{check_cluster_name, ApplyArgs, Change, CmdError, EXIT_RUNTIME, EXIT_USAGE};
use crate::global::GlobalArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,

    /// The repository to back up to. May be left out when the cluster has one repository.
    #[arg(long = "repoName", value_name = "REPO")]
    pub repo_name: Option<String>,

    /// An option for `pgbackrest backup`, e.g. --options=--type=full; repeatable.
    #[arg(long = "options", value_name = "OPTION", allow_hyphen_values = true)]
    pub options: Vec<String>,

    #[command(flatten)]
    pub apply: ApplyArgs,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),

    #[error("failed to request a backup of PostgresCluster {name:?}: {source}")]
    Api { name: String, source: ApiError },
}

impl CmdError for Error {
    fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) => EXIT_USAGE,
            Error::Api { .. } => EXIT_RUNTIME,
        }
    }
}

/// The repositories in the cluster's spec.
pub fn repos(pc: &PostgresCluster) -> Vec<String> {
    pc.spec
        .backups
        .as_ref()
        .and_then(|b| b.pgbackrest.as_ref())
        .map(|p| p.repos.iter().map(|r| r.name.clone()).collect())
        .unwrap_or_default()
}

/// The repository to use: the one asked for, if the spec has it, or the only one.
pub fn pick_repo(pc: &PostgresCluster, wanted: Option<&str>) -> Result<String, String> {
    let name = kube::ResourceExt::name_any(pc);
    let repos = repos(pc);
    if repos.is_empty() {
        return Err(format!(
            "PostgresCluster {name:?} has no pgBackRest repository: backups are not configured\n  \
             hint: add one under spec.backups.pgbackrest.repos (e.g. create it with --backups)"
        ));
    }
    match wanted {
        Some(r) if repos.iter().any(|x| x == r) => Ok(r.to_string()),
        Some(r) => Err(format!(
            "PostgresCluster {name:?} has no repository {r:?} in spec.backups.pgbackrest.repos; it has: {}\n  \
             hint: pass --repoName with one of them",
            repos.join(", ")
        )),
        None if repos.len() == 1 => Ok(repos[0].clone()),
        None => Err(format!(
            "PostgresCluster {name:?} has several repositories ({}): pass --repoName",
            repos.join(", ")
        )),
    }
}

pub fn fields(repo: &str, options: &[String], now: &str) -> Value {
    let mut manual = json!({"repoName": repo});
    if !options.is_empty() {
        manual["options"] = json!(options);
    }
    json!({
        "metadata": {"annotations": {PGBACKREST_BACKUP: now}},
        "spec": {"backups": {"pgbackrest": {"manual": manual}}}
    })
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    check_cluster_name(&args.name).map_err(Error::Invalid)?;
    let api = |source| Error::Api {
        name: args.name.clone(),
        source,
    };
    let ctx = Ctx::connect(global, None).await.map_err(api)?;
    let live = ctx.get_cluster(&args.name).await.map_err(api)?;
    let repo = pick_repo(&live, args.repo_name.as_deref()).map_err(Error::Invalid)?;
    let object = apply::apply(
        &ctx,
        &live,
        fields(&repo, &args.options, &apply::timestamp()),
        &["/spec/backups/pgbackrest/manual"],
        args.apply.force_conflicts,
    )
    .await
    .map_err(api)?;
    Ok(Change {
        message: format!(
            "postgrescluster/{} backup to {repo} requested{}",
            args.name,
            if args.options.is_empty() {
                String::new()
            } else {
                format!(" (options: {})", args.options.join(" "))
            }
        ),
        object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn cluster_with_repos(repos: &[&str]) -> PostgresCluster {
        let mut spec = json!({"postgresVersion": 15, "instances": []});
        if !repos.is_empty() {
            let list: Vec<Value> = repos.iter().map(|r| json!({"name": r})).collect();
            spec["backups"] = json!({"pgbackrest": {"repos": list}});
        }
        serde_json::from_value(json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": "hippo"},
            "spec": spec
        }))
        .unwrap()
    }

    #[test]
    fn backup_sets_manual_and_annotation() {
        assert_eq!(
            fields("repo1", &["--type=full".into()], "T"),
            json!({
                "metadata": {"annotations": {"postgres-operator.crunchydata.com/pgbackrest-backup": "T"}},
                "spec": {"backups": {"pgbackrest": {"manual": {"repoName": "repo1", "options": ["--type=full"]}}}}
            })
        );
    }

    #[test]
    fn repo_must_be_in_the_spec() {
        let pc = cluster_with_repos(&["repo1", "repo2"]);
        assert_eq!(pick_repo(&pc, Some("repo2")).unwrap(), "repo2");
        let err = pick_repo(&pc, Some("repo3")).unwrap_err();
        assert!(err.contains("has no repository \"repo3\""), "{err}");
        assert!(err.contains("it has: repo1, repo2"), "{err}");
        assert!(pick_repo(&pc, None)
            .unwrap_err()
            .contains("pass --repoName"));
        assert_eq!(
            pick_repo(&cluster_with_repos(&["repo1"]), None).unwrap(),
            "repo1"
        );
        let none = pick_repo(&cluster_with_repos(&[]), Some("repo1")).unwrap_err();
        assert!(none.contains("backups are not configured"), "{none}");
    }
}
