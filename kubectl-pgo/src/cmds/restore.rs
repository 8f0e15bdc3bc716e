//! `restore NAME --repoName REPO [--options OPT]...`: confirm, then set
//! spec.backups.pgbackrest.restore and the pgbackrest-restore annotation, as PGO does.
//! `restore NAME --disable` (or Crunchy's `restore disable NAME`) sets restore.enabled=false.

use pgo_api::names::annotations::PGBACKREST_RESTORE;
use pgo_api::PostgresCluster;
use serde_json::{json, Value};

use crate::apply;
use crate::common::cluster::{check_cluster_name, pick_repo};
use crate::common::edit::{self, ApplyArgs, Change};
use crate::common::error::Error;
use crate::common::prompt::{confirm, require_yes_or_terminal};
use crate::global::GlobalArgs;

const ACTION: &str = "request a restore of";

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,

    /// The cluster.
    #[arg(required = true)]
    pub name: Option<String>,

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

/// Crunchy's spelling: `restore disable NAME`.
#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Disable restores of a cluster (the same as `restore NAME --disable`).
    #[command(
        long_about = "Disable restores of a cluster: sets spec.backups.pgbackrest.restore.enabled \
            to false, the same as `restore NAME --disable`. Run it once a restore is done.",
        after_help = "Examples:\n  kubectl pgo restore disable hippo\n  \
            kubectl pgo restore disable hippo -n team-a"
    )]
    Disable {
        /// The cluster.
        name: String,

        #[command(flatten)]
        apply: ApplyArgs,
    },
}

/// What `restore` was asked to do, whichever spelling asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub name: String,
    pub disable: bool,
    pub repo_name: Option<String>,
    pub options: Vec<String>,
    pub force_conflicts: bool,
}

impl Args {
    pub fn request(self) -> Request {
        match self.action {
            Some(Action::Disable { name, apply }) => Request {
                name,
                disable: true,
                repo_name: None,
                options: vec![],
                force_conflicts: apply.force_conflicts,
            },
            None => Request {
                name: self.name.unwrap_or_default(),
                disable: self.disable,
                repo_name: self.repo_name,
                options: self.options,
                force_conflicts: self.apply.force_conflicts,
            },
        }
    }
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

/// The fields to apply to `live` and the message to print; `None` when there is nothing to
/// disable. No I/O.
pub fn plan(
    req: &Request,
    live: &PostgresCluster,
    now: &str,
) -> Result<Option<(Value, String)>, Error> {
    let name = &req.name;
    if req.disable {
        let current = live
            .spec
            .backups
            .as_ref()
            .and_then(|b| b.pgbackrest.as_ref())
            .and_then(|p| p.restore.as_ref());
        return Ok(current.map(|current| {
            (
                fields(
                    false,
                    &current.repo_name,
                    current.options.as_deref().unwrap_or(&[]),
                    None,
                ),
                format!("postgrescluster/{name} restores disabled"),
            )
        }));
    }
    let repo = pick_repo(live, req.repo_name.as_deref()).map_err(Error::Invalid)?;
    Ok(Some((
        fields(true, &repo, &req.options, Some(now)),
        format!("postgrescluster/{name} restore from {repo} requested"),
    )))
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    let req = args.request();
    let name = &req.name;
    check_cluster_name(name).map_err(Error::Invalid)?;
    if !req.disable {
        require_yes_or_terminal(
            global.yes,
            format!("kubectl pgo restore {name} --repoName ... --yes"),
        )?;
    }
    let (ctx, live) = edit::read(global, name, ACTION).await?;
    let Some((fields, message)) = plan(&req, &live, &apply::timestamp())? else {
        return Ok(Change {
            message: format!(
                "postgrescluster/{name} has no restore configured: nothing to disable"
            ),
            object: live,
        });
    };
    if !req.disable {
        let repo = fields["spec"]["backups"]["pgbackrest"]["restore"]["repoName"]
            .as_str()
            .unwrap_or_default();
        let question = format!(
            "Restore PostgresCluster {name} in namespace {} from {repo}{}? Its current data will be replaced",
            ctx.namespace,
            if req.options.is_empty() {
                String::new()
            } else {
                format!(" with {}", req.options.join(" "))
            }
        );
        if !confirm(&question, global.yes, "")? {
            return Err(Error::Cancelled("changed"));
        }
    }
    let apply_args = ApplyArgs {
        force_conflicts: req.force_conflicts,
    };
    let object = edit::apply(
        &ctx,
        &live,
        fields,
        &["/spec/backups/pgbackrest/restore"],
        &apply_args,
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
