//! Exit codes, and the error of the verbs that read or edit one cluster.

use crate::client::ApiError;
use crate::common::prompt::ConfirmError;

/// Exit codes scripts can trust.
pub const EXIT_RUNTIME: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// An error a command returns: its message, and the exit code it maps to.
pub trait CmdError: std::error::Error {
    fn exit_code(&self) -> u8;
}

/// What can stop a verb that acts on one cluster.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),

    #[error("{0}")]
    Confirm(#[from] ConfirmError),

    /// The word says what was not done: "changed", "deleted".
    #[error("cancelled: nothing was {0}")]
    Cancelled(&'static str),

    /// `action` completes "failed to ... PostgresCluster", e.g. "request a backup of".
    #[error("failed to {action} PostgresCluster {name:?}: {source}")]
    Api {
        action: &'static str,
        name: String,
        source: ApiError,
    },
}

impl Error {
    /// Wraps API errors of requests about the cluster `name`.
    pub fn api<'a>(action: &'static str, name: &'a str) -> impl Fn(ApiError) -> Error + 'a {
        move |source| Error::Api {
            action,
            name: name.to_string(),
            source,
        }
    }
}

impl CmdError for Error {
    fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) | Error::Confirm(ConfirmError::NotInteractive(_)) => EXIT_USAGE,
            _ => EXIT_RUNTIME,
        }
    }
}
