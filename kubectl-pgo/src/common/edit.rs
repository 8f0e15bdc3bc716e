//! The steps every verb that edits a cluster takes: `--force-conflicts`, reading the live
//! object, applying the verb's fields, and the result it returns.

use clap::Args as ClapArgs;
use pgo_api::PostgresCluster;
use serde_json::Value;

use crate::apply;
use crate::client::Ctx;
use crate::common::error::Error;
use crate::global::GlobalArgs;

/// `--force-conflicts`, for every command that edits with server-side apply.
#[derive(ClapArgs, Debug, Clone, Default)]
pub struct ApplyArgs {
    /// Take ownership of fields another field manager owns (server-side apply --force).
    #[arg(long)]
    pub force_conflicts: bool,
}

/// The result of a command that changed a cluster: a one-line message for tables, the object
/// as the API server returned it for `-o json|yaml`.
#[derive(Debug, serde::Serialize)]
pub struct Change {
    pub message: String,
    pub object: pgo_api::PostgresCluster,
}

/// Connect and read the cluster `name`; errors say "failed to `action` PostgresCluster".
pub async fn read(
    global: &GlobalArgs,
    name: &str,
    action: &'static str,
) -> Result<(Ctx, PostgresCluster), Error> {
    let api = Error::api(action, name);
    let ctx = Ctx::connect(global, None).await.map_err(&api)?;
    let live = ctx.get_cluster(name).await.map_err(&api)?;
    Ok((ctx, live))
}

/// Apply `fields` to `live` (see [`apply::apply`]), with the verb's error.
pub async fn apply(
    ctx: &Ctx,
    live: &PostgresCluster,
    fields: Value,
    replaces: &[&str],
    args: &ApplyArgs,
    action: &'static str,
) -> Result<PostgresCluster, Error> {
    let name = kube::ResourceExt::name_any(live);
    apply::apply(ctx, live, fields, replaces, args.force_conflicts)
        .await
        .map_err(Error::api(action, &name))
}
