//! `backup NAME [--repoName REPO] [--options OPT]...`: set spec.backups.pgbackrest.manual and
//! the pgbackrest-backup annotation, as PGO's `kubectl pgo backup` does.

use pgo_api::names::annotations::PGBACKREST_BACKUP;
use serde_json::{json, Value};

use crate::apply;
use crate::common::cluster::{check_cluster_name, pick_repo};
use crate::common::edit::{self, ApplyArgs, Change};
use crate::common::error::Error;
use crate::global::GlobalArgs;

const ACTION: &str = "request a backup of";

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
    let (ctx, live) = edit::read(global, &args.name, ACTION).await?;
    let repo = pick_repo(&live, args.repo_name.as_deref()).map_err(Error::Invalid)?;
    let object = edit::apply(
        &ctx,
        &live,
        fields(&repo, &args.options, &apply::timestamp()),
        &["/spec/backups/pgbackrest/manual"],
        &args.apply,
        ACTION,
    )
    .await?;
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
}
