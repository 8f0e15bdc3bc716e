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

/// clap's usage error (`error: ...`, details, tips, `Usage: ...`) as one error line and one
/// hint: the details join the error line, a tip (else `--help` of the command) is the hint.
pub fn usage_error(rendered: &str) -> String {
    let mut error = String::new();
    let mut tip = None;
    let mut command = "kubectl pgo".to_string();
    for line in rendered.lines().map(str::trim) {
        if let Some(t) = line.strip_prefix("tip: ") {
            tip.get_or_insert_with(|| t.to_string());
        } else if let Some(usage) = line.strip_prefix("Usage: ") {
            let words = usage.split(' ');
            let path: Vec<&str> = words
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect();
            command = path.join(" ");
        } else if line.starts_with("For more information") || line.is_empty() {
            continue;
        } else if error.is_empty() {
            error = line.to_string();
        } else {
            error.push(' ');
            error.push_str(line);
        }
    }
    let hint = tip.unwrap_or_else(|| format!("see `{command} --help`"));
    format!("{error}\n  hint: {hint}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_errors_become_one_line_and_a_hint() {
        let missing = "error: the following required arguments were not provided:\n  --repoName <REPO>\n\n\
            Usage: kubectl pgo restore --yes --repoName <REPO> <NAME>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            super::usage_error(missing),
            "error: the following required arguments were not provided: --repoName <REPO>\n  \
             hint: see `kubectl pgo restore --help`"
        );
        let value =
            "error: invalid value 'nosh' for '<SHELL>'\n  [possible values: bash, zsh]\n\n  \
            tip: a similar value exists: 'zsh'\n\nFor more information, try '--help'.\n";
        assert_eq!(
            super::usage_error(value),
            "error: invalid value 'nosh' for '<SHELL>' [possible values: bash, zsh]\n  \
             hint: a similar value exists: 'zsh'"
        );
    }
}
