//! The global flags (every verb takes them) and the output format. Imports no verb, so every
//! module may use it.

use std::path::PathBuf;
use std::time::Duration;

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

    /// Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME).
    #[arg(long = "as", global = true, value_name = "USER", value_parser = parse_as, help_heading = GLOBAL)]
    pub as_user: Option<String>,

    /// Group to impersonate for the operation; repeatable. Needs --as.
    #[arg(long = "as-group", global = true, value_name = "GROUP", value_parser = parse_as_group, help_heading = GLOBAL)]
    pub as_group: Vec<String>,

    /// UID to impersonate for the operation. Needs --as.
    #[arg(long = "as-uid", global = true, value_name = "UID", value_parser = parse_as_uid, help_heading = GLOBAL)]
    pub as_uid: Option<String>,

    /// How long a single request to the API server may take: 0 (no limit, the default), a
    /// number of seconds, or a duration such as 5s, 1m, 1h30m.
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_request_timeout, help_heading = GLOBAL)]
    pub request_timeout: Option<Duration>,

    /// Output format of results.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputFormat::Table, help_heading = GLOBAL)]
    pub output: OutputFormat,

    /// Answer yes to every confirmation and never prompt.
    #[arg(short = 'y', long, global = true, help_heading = GLOBAL)]
    pub yes: bool,
}

impl GlobalArgs {
    /// The checks that involve several flags; each error names the flag and the fix.
    pub fn check(&self) -> Result<(), String> {
        if self.as_user.is_none() {
            if let Some(g) = self.as_group.first() {
                return Err(format!(
                    "--as-group {g:?} needs --as USER: Kubernetes impersonates groups only together with a user"
                ));
            }
            if self.as_uid.is_some() {
                return Err(
                    "--as-uid needs --as USER: Kubernetes impersonates a UID only together with a user"
                        .into(),
                );
            }
        }
        Ok(())
    }

    /// The request timeout, `None` for none (kubectl's `--request-timeout=0`).
    pub fn timeout(&self) -> Option<Duration> {
        self.request_timeout.filter(|t| !t.is_zero())
    }
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

/// An impersonated name goes into an HTTP header: not empty, no control characters.
fn header_value(value: &str, what: &str, example: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        return Err(format!(
            "must not be empty: pass the {what}, e.g. {example}"
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(format!(
            "must not contain control characters: pass the {what}, e.g. {example}"
        ));
    }
    Ok(value.to_string())
}

pub fn parse_as(value: &str) -> Result<String, String> {
    header_value(
        value,
        "user name",
        "--as jane or --as system:serviceaccount:team-a:deployer",
    )
}

pub fn parse_as_group(value: &str) -> Result<String, String> {
    header_value(value, "group name", "--as-group system:masters")
}

pub fn parse_as_uid(value: &str) -> Result<String, String> {
    header_value(value, "UID", "--as-uid 1234")
}

/// kubectl's `--request-timeout`: `0` (none), a bare number of seconds, or a Go duration
/// (`1h2m3s`, `1.5s`, `250ms`; units ns, us, µs, ms, s, m, h).
pub fn parse_request_timeout(value: &str) -> Result<Duration, String> {
    let fix = || {
        "must be 0 (no limit), a whole number of seconds, or a number with a unit such as 5s, 1m, \
         1h30m or 500ms"
            .to_string()
    };
    let v = value.trim();
    if v.is_empty() {
        return Err(fix());
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<u64>().map(Duration::from_secs).map_err(|_| fix());
    }
    let mut rest = v;
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(fix)?;
        let number: f64 = rest[..num_len].parse().map_err(|_| fix())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(fix()),
        };
        rest = &rest[unit_len..];
        total += number * seconds;
    }
    Duration::try_from_secs_f64(total).map_err(|_| fix())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct T {
        #[command(flatten)]
        g: GlobalArgs,
    }

    fn parse(args: &[&str]) -> Result<GlobalArgs, clap::Error> {
        T::try_parse_from(std::iter::once("t").chain(args.iter().copied())).map(|t| t.g)
    }

    #[test]
    fn request_timeout_takes_kubectls_syntax() {
        let secs = |s| parse_request_timeout(s).map(|d| d.as_secs_f64());
        assert_eq!(secs("0"), Ok(0.0));
        assert_eq!(secs("30"), Ok(30.0));
        assert_eq!(secs("5s"), Ok(5.0));
        assert_eq!(secs("1m"), Ok(60.0));
        assert_eq!(secs("1h30m"), Ok(5400.0));
        assert_eq!(secs("1.5s"), Ok(1.5));
        assert_eq!(secs("250ms"), Ok(0.25));
        for bad in ["", "-5s", "5 s", "5x", "s", "1..5s", "ten", "5sm"] {
            let err = parse_request_timeout(bad).unwrap_err();
            assert!(err.contains("such as 5s, 1m"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn zero_means_no_timeout() {
        let g = parse(&["--request-timeout", "0"]).unwrap();
        assert_eq!(g.request_timeout, Some(Duration::ZERO));
        assert_eq!(g.timeout(), None);
        let g = parse(&["--request-timeout=1m"]).unwrap();
        assert_eq!(g.timeout(), Some(Duration::from_secs(60)));
        assert_eq!(parse(&[]).unwrap().timeout(), None);
    }

    #[test]
    fn a_bad_timeout_names_the_flag_and_the_fix() {
        let err = parse(&["--request-timeout", "5 minutes"])
            .unwrap_err()
            .render()
            .to_string();
        let line = crate::common::error::usage_error(&err);
        let first = line.lines().next().unwrap();
        assert!(first.contains("--request-timeout"), "{line}");
        assert!(first.contains("such as 5s, 1m"), "{line}");
    }

    #[test]
    fn impersonation_flags() {
        let g = parse(&["--as", "jane", "--as-group", "dev", "--as-group=ops"]).unwrap();
        assert_eq!(g.as_user.as_deref(), Some("jane"));
        assert_eq!(g.as_group, ["dev", "ops"]);
        assert!(g.check().is_ok());
        let g = parse(&["--as-group", "dev"]).unwrap();
        let err = g.check().unwrap_err();
        assert!(
            err.starts_with("--as-group \"dev\" needs --as USER"),
            "{err}"
        );
        let g = parse(&["--as-uid", "1"]).unwrap();
        assert!(g.check().unwrap_err().starts_with("--as-uid needs --as"));
        let err = parse(&["--as", ""]).unwrap_err().render().to_string();
        assert!(
            err.contains("--as <USER>") && err.contains("must not be empty"),
            "{err}"
        );
    }
}
