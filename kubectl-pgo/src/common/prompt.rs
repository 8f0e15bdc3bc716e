//! Whether there is a terminal to ask on, and yes/no confirmations.

use std::io::IsTerminal;

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

/// Fails before any request when a confirmation will be needed and nobody can give it:
/// a script must say --yes.
pub fn require_yes_or_terminal(yes: bool, example: String) -> Result<(), ConfirmError> {
    if yes || interactive() {
        return Ok(());
    }
    Err(ConfirmError::NotInteractive(example))
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
