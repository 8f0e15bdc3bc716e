//! The global flags (every verb takes them) and the output format. Imports no verb, so every
//! module may use it.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

const GLOBAL: &str = "Global options";

/// Flags every subcommand takes, named as kubectl names them.
#[derive(Args, Debug, Clone, Default)]
pub struct GlobalArgs {
    /// The namespace. Defaults to the namespace of the kubeconfig context, else `default`.
    #[arg(short = 'n', long, global = true, value_name = "NAMESPACE", help_heading = GLOBAL)]
    pub namespace: Option<String>,

    /// The kubeconfig context to use.
    #[arg(long, global = true, value_name = "CONTEXT", help_heading = GLOBAL)]
    pub context: Option<String>,

    /// Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config.
    #[arg(long, global = true, value_name = "PATH", help_heading = GLOBAL)]
    pub kubeconfig: Option<PathBuf>,

    /// Output format of results.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputFormat::Table, help_heading = GLOBAL)]
    pub output: OutputFormat,

    /// Answer yes to every confirmation and never prompt.
    #[arg(short = 'y', long, global = true, help_heading = GLOBAL)]
    pub yes: bool,
}

/// How results are printed on stdout.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Human-readable tables.
    #[default]
    Table,
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}
