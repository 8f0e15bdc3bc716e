//! One module per verb: its Args, its error type and a `run()` that returns data for `output`.

pub mod backup;
pub mod complete;
pub mod completion;
pub mod create;
pub mod delete;
pub mod restore;
pub mod scale;
pub mod show;
pub mod start;
pub mod stop;
pub mod switchover;
pub mod version;

use std::io::IsTerminal;

use clap::Args as ClapArgs;

/// Exit codes scripts can trust.
pub const EXIT_RUNTIME: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// An error a command returns: its message, and the exit code it maps to.
pub trait CmdError: std::error::Error {
    fn exit_code(&self) -> u8;
}

/// `--force-conflicts`, for every command that edits with server-side apply.
#[derive(ClapArgs, Debug, Clone, Default)]
pub struct ApplyArgs {
    /// Take ownership of fields another field manager owns (server-side apply --force).
    #[arg(long)]
    pub force_conflicts: bool,
}

/// Whether prompts can be shown: a terminal on stdin and on stderr (where prompts go).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Ask a yes/no question unless `--yes`. Without a terminal, fail with a usage error instead.
pub fn confirm(question: &str, yes: bool, flag_hint: &str) -> Result<bool, ConfirmError> {
    if yes {
        return Ok(true);
    }
    if !interactive() {
        return Err(ConfirmError::NotInteractive(flag_hint.to_string()));
    }
    dialoguer::Confirm::with_theme(&dialoguer::theme::ColorfulTheme::default())
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(|e| ConfirmError::Prompt(e.to_string()))
}

#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error(
        "this needs a confirmation and there is no terminal to ask on: re-run with --yes to confirm, e.g. `{0}`"
    )]
    NotInteractive(String),
    #[error("cannot read the answer: {0}")]
    Prompt(String),
}

/// The result of a command that changed a cluster: a one-line message for tables, the object
/// as the API server returned it for `-o json|yaml`.
#[derive(Debug, serde::Serialize)]
pub struct Change {
    pub message: String,
    pub object: pgo_api::PostgresCluster,
}

/// A `NAME` argument: the cluster to act on.
pub fn check_cluster_name(name: &str) -> Result<(), String> {
    crate::validate::dns_label(name, create::LIMIT_NAME)
        .map_err(|e| format!("invalid NAME {name:?}: {e}"))
}
