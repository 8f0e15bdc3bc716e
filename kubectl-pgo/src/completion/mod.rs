//! Shell completion: the `completion` verb (the scripts in [`scripts`], and the
//! `kubectl_complete-pgo` helper that lets `kubectl pgo <TAB>` complete through kubectl) and, in
//! [`complete`] and [`fetch`], the `__complete` hook they all call. The tree is passed in, so
//! this module does not depend on `cli` (which depends on it).

pub mod complete;
pub mod fetch;
mod scripts;

use clap_complete::Shell;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    /// The `kubectl_complete-pgo` helper, for `kubectl pgo <TAB>` (put it on your PATH).
    Kubectl,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

impl CompletionShell {
    /// The file under `completions/` that holds this shell's script.
    #[cfg(test)]
    pub fn file_name(self) -> &'static str {
        match self {
            CompletionShell::Bash => "kubectl-pgo.bash",
            CompletionShell::Zsh => "_kubectl-pgo",
            CompletionShell::Fish => "kubectl-pgo.fish",
            CompletionShell::Powershell => "kubectl-pgo.ps1",
            CompletionShell::Kubectl => KUBECTL_COMPLETE_NAME,
        }
    }

    #[cfg(test)]
    pub const ALL: [CompletionShell; 5] = [
        CompletionShell::Bash,
        CompletionShell::Zsh,
        CompletionShell::Fish,
        CompletionShell::Powershell,
        CompletionShell::Kubectl,
    ];
}

#[cfg(test)]
pub const KUBECTL_COMPLETE_NAME: &str = "kubectl_complete-pgo";

/// The completion script for `shell`, from the command tree `cmd`.
pub fn generate(shell: CompletionShell, mut cmd: clap::Command) -> String {
    let shell = match shell {
        CompletionShell::Bash => return scripts::BASH.into(),
        CompletionShell::Zsh => return scripts::ZSH.into(),
        CompletionShell::Fish => return scripts::FISH.into(),
        CompletionShell::Kubectl => return scripts::KUBECTL.into(),
        CompletionShell::Powershell => Shell::PowerShell,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "kubectl-pgo", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
