//! `show NAME`, `show ha NAME`, `show user USER -c NAME`, `show backup NAME`.
//!
//! Read the CR, the pods and (by exec into the primary's `database` container) Patroni and
//! pgBackRest; turn them into views with pure functions (one module per sub-verb, and
//! `patroni` for what `show` and `show ha` share); `render` prints the views.

mod backup;
mod cluster;
#[cfg(test)]
mod fixtures;
mod ha;
mod patroni;
mod render;
mod user;

pub use backup::BackupView;
pub use cluster::ClusterView;
pub use ha::HaView;
pub use user::UserView;

use std::time::Duration;

use clap::Subcommand;
use serde::Serialize;

use crate::client::{ApiError, Ctx};
use crate::common::cluster::check_cluster_name;
use crate::common::error::{CmdError, Error as ClusterError, EXIT_RUNTIME};
use crate::exec::ExecError;
use crate::global::GlobalArgs;

pub const LONG_ABOUT: &str = "Show a cluster.\n\n\
`show NAME` lists the instances (pod, set, role, readiness, lag, timeline, state) from Patroni \
and the pods, and the cluster's conditions. Patroni's view comes from its records on the pods (what \
`patronictl list` reads), else from `patronictl list` run in the primary; when neither answers, \
it shows what the cluster status says.\n\
`show ha NAME` is Patroni's view only. `show user USER -c NAME` prints a user's connection \
info (secrets masked unless --show-connection-info). `show backup NAME` lists pgBackRest backups.";

pub const EXAMPLES: &str = "Examples:\n  kubectl pgo show hippo\n  kubectl pgo show ha hippo\n  \
kubectl pgo show user app -c hippo --show-connection-info\n  kubectl pgo show backup hippo -o json";

/// How long a command inside a pod may take.
pub(crate) const EXEC_TIMEOUT: Duration = Duration::from_secs(15);

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
    #[command(
        visible_alias = "postgrescluster",
        after_help = "Examples:\n  kubectl pgo show cluster hippo\n  kubectl pgo show cluster hippo -o yaml"
    )]
    Cluster {
        /// The cluster.
        name: String,
    },
    /// Patroni's view of the cluster: members, role, state, timeline, lag.
    #[command(
        after_help = "Examples:\n  kubectl pgo show ha hippo\n  kubectl pgo show ha hippo -o json"
    )]
    Ha {
        /// The cluster.
        name: String,
    },
    /// Connection info of a Postgres user, from Secret <cluster>-pguser-<user>.
    #[command(after_help = "Examples:\n  kubectl pgo show user hippo -c hippo\n  \
        kubectl pgo show user app -c hippo --show-connection-info")]
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
    #[command(
        visible_alias = "backups",
        after_help = "Examples:\n  kubectl pgo show backup hippo\n  kubectl pgo show backup hippo -o json\n  \
            kubectl pgo show backup hippo --repoName repo1"
    )]
    Backup {
        /// The cluster.
        name: String,
        /// Only the backups in this repository.
        #[arg(long = "repoName", value_name = "REPO")]
        repo_name: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad argument, or a failed request: "failed to show PostgresCluster ...".
    #[error(transparent)]
    Cluster(#[from] ClusterError),

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
            Error::Cluster(e) => e.exit_code(),
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

/// Wraps API errors about the cluster `name`.
fn api(name: &str) -> impl Fn(ApiError) -> Error + '_ {
    let wrap = ClusterError::api("show", name);
    move |source| Error::Cluster(wrap(source))
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<View, Error> {
    let what = match (args.what, args.name) {
        (Some(w), _) => w,
        (None, Some(name)) => What::Cluster { name },
        (None, None) => {
            return Err(ClusterError::Invalid(
                "NAME is required: kubectl pgo show NAME (or show ha|user|backup ...)".into(),
            )
            .into())
        }
    };
    let name = match &what {
        What::Cluster { name } | What::Ha { name } | What::Backup { name, .. } => name,
        What::User { cluster, .. } => cluster,
    };
    check_cluster_name(name).map_err(ClusterError::Invalid)?;
    let ctx = Ctx::connect(global, None).await.map_err(api(name))?;
    Ok(match what {
        What::Cluster { name } => View::Cluster(cluster::show(&ctx, &name).await?),
        What::Ha { name } => View::Ha(ha::show(&ctx, &name).await?),
        What::User {
            user,
            cluster,
            show_connection_info,
        } => View::User(user::show(&ctx, &user, &cluster, show_connection_info).await?),
        What::Backup { name, repo_name } => {
            View::Backups(backup::show(&ctx, &name, repo_name.as_deref()).await?)
        }
    })
}
