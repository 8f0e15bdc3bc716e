//! `restore NAME --repoName REPO [--options OPT]...`: confirm, then set
//! spec.backups.pgbackrest.restore and the pgbackrest-restore annotation, as PGO does.
//! `restore NAME --disable` sets restore.enabled=false.

use pgo_api::names::annotations::PGBACKREST_RESTORE;
use serde_json::{json, Value};

use crate::apply;
use crate::common::cluster::{check_cluster_name, pick_repo};
use crate::common::edit::{self, ApplyArgs, Change};
use crate::common::error::Error;
use crate::common::prompt::{confirm, require_yes_or_terminal};
use crate::global::GlobalArgs;

const ACTION: &str = "request a restore of";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,

    /// The repository to restore from.
    #[arg(
        long = "repoName",
        value_name = "REPO",
        required_unless_present = "disable"
    )]
    pub repo_name: Option<String>,

    /// An option for `pgbackrest restore`, e.g. --options=--type=time; repeatable.
    #[arg(long = "options", value_name = "OPTION", allow_hyphen_values = true)]
    pub options: Vec<String>,

    /// Disable restores (spec.backups.pgbackrest.restore.enabled=false).
    #[arg(long, conflicts_with_all = ["repo_name", "options"])]
    pub disable: bool,

    #[command(flatten)]
    pub apply: ApplyArgs,
}

pub fn fields(enabled: bool, repo: &str, options: &[String], now: Option<&str>) -> Value {
    let mut restore = json!({"enabled": enabled, "repoName": repo});
    if !options.is_empty() {
        restore["options"] = json!(options);
    }
    let mut f = json!({"spec": {"backups": {"pgbackrest": {"restore": restore}}}});
    if let Some(now) = now {
        f["metadata"] = json!({"annotations": {PGBACKREST_RESTORE: now}});
    }
    f
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    check_cluster_name(&args.name).map_err(Error::Invalid)?;
    if !args.disable {
        require_yes_or_terminal(
            global.yes,
            format!("kubectl pgo restore {} --repoName ... --yes", args.name),
        )?;
    }
    let (ctx, live) = edit::read(global, &args.name, ACTION).await?;
    let (fields, message) = if args.disable {
        let current = live
            .spec
            .backups
            .as_ref()
            .and_then(|b| b.pgbackrest.as_ref())
            .and_then(|p| p.restore.as_ref());
        let Some(current) = current else {
            return Ok(Change {
                message: format!(
                    "postgrescluster/{} has no restore configured: nothing to disable",
                    args.name
                ),
                object: live,
            });
        };
        (
            fields(
                false,
                &current.repo_name,
                current.options.as_deref().unwrap_or(&[]),
                None,
            ),
            format!("postgrescluster/{} restores disabled", args.name),
        )
    } else {
        let repo = pick_repo(&live, args.repo_name.as_deref()).map_err(Error::Invalid)?;
        let question = format!(
            "Restore PostgresCluster {} in namespace {} from {repo}{}? Its current data will be replaced",
            args.name,
            ctx.namespace,
            if args.options.is_empty() {
                String::new()
            } else {
                format!(" with {}", args.options.join(" "))
            }
        );
        if !confirm(&question, global.yes, "")? {
            return Err(Error::Cancelled("changed"));
        }
        (
            fields(true, &repo, &args.options, Some(&apply::timestamp())),
            format!(
                "postgrescluster/{} restore from {repo} requested",
                args.name
            ),
        )
    };
    let object = edit::apply(
        &ctx,
        &live,
        fields,
        &["/spec/backups/pgbackrest/restore"],
        &args.apply,
        ACTION,
    )
    .await?;
    Ok(Change { message, object })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_sets_spec_and_annotation() {
        let opts = vec![
            "--type=time".to_string(),
            "--target=2024-01-01 00:00:00+00".to_string(),
        ];
        assert_eq!(
            fields(true, "repo1", &opts, Some("T")),
            json!({
                "metadata": {"annotations": {"postgres-operator.crunchydata.com/pgbackrest-restore": "T"}},
                "spec": {"backups": {"pgbackrest": {"restore": {
                    "enabled": true, "repoName": "repo1", "options": opts}}}}
            })
        );
    }

    #[test]
    fn disable_keeps_the_repo_and_sets_no_annotation() {
        assert_eq!(
            fields(false, "repo1", &[], None),
            json!({"spec": {"backups": {"pgbackrest": {"restore": {"enabled": false, "repoName": "repo1"}}}}})
        );
    }
}
