//! `support export NAME`: a .tar.gz for bug reports. `fetch` reads (the only I/O but the
//! file), `collect` turns what was read into redacted files, `archive` writes them.

mod archive;
mod collect;
mod fetch;
mod redact;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::client::Ctx;
use crate::common::cluster::check_cluster_name;
use crate::common::error::{CmdError, Error as ClusterError, EXIT_RUNTIME, EXIT_USAGE};
use crate::global::{GlobalArgs, OutputFormat};
use crate::output::{table_or, with_notes, Render};

pub const EXPORT_LONG_ABOUT: &str = "Write a .tar.gz for a bug report about a cluster: the \
PostgresCluster, its Events, the pods, StatefulSets, PersistentVolumeClaims, Services and \
ConfigMaps labelled postgres-operator.crunchydata.com/cluster=NAME, the last --log-lines lines \
of every container's log, `patronictl list` from the primary, and the pgo-agent's Deployment \
and logs from namespace postgres-operator (when you may read them).\n\n\
Secrets are listed by name and key names only, never their values; in every file, whatever \
looks like a password, a SCRAM verifier, a token, a private key or a URI's password is replaced \
by <redacted>. What could not be read is listed in README.txt inside the tarball; the export goes \
on without it. Files are added until --max-size (uncompressed) is reached; README.txt lists what \
was left out.";

pub const EXPORT_EXAMPLES: &str = "Examples:\n  kubectl pgo support export hippo\n  \
kubectl pgo support export hippo --file /tmp/hippo.tar.gz --log-lines 5000\n  \
kubectl pgo support export hippo --max-size 10MiB -o json";

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(Subcommand, Debug)]
pub enum What {
    /// Write a .tar.gz of a cluster's objects, Events and logs for a bug report (redacted).
    #[command(long_about = EXPORT_LONG_ABOUT, after_help = EXPORT_EXAMPLES)]
    Export(ExportArgs),
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The cluster.
    pub name: String,

    /// Where to write the tarball. Defaults to pgo-support-NAME-TIMESTAMP.tar.gz here.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// How many of the last lines of each container's log to include.
    #[arg(long, default_value = "1000", value_name = "N", value_parser = parse_log_lines)]
    pub log_lines: u64,

    /// Stop adding files past this many bytes (uncompressed), e.g. 50MiB, 200M, 1GiB.
    #[arg(long, default_value = "50MiB", value_name = "SIZE", value_parser = parse_size)]
    pub max_size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Cluster(#[from] ClusterError),

    #[error("{path} already exists: nothing was written\n  hint: pass another --file PATH, or remove it")]
    Exists { path: String },

    #[error(
        "cannot write {path}: {detail}\n  hint: pass --file PATH in a directory you may write to"
    )]
    Write { path: String, detail: String },
}

impl CmdError for Error {
    fn exit_code(&self) -> u8 {
        match self {
            Error::Cluster(e) => e.exit_code(),
            Error::Exists { .. } => EXIT_USAGE,
            Error::Write { .. } => EXIT_RUNTIME,
        }
    }
}

/// What was written, for `-o json|yaml`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub path: String,
    /// Files in the tarball, README.txt included.
    pub files: usize,
    /// The tarball's size.
    pub bytes: u64,
    /// Files left out by --max-size.
    pub left_out: Vec<String>,
    /// What could not be read.
    pub failures: Vec<String>,
}

impl Render for Summary {
    fn render(&self, format: OutputFormat) -> String {
        table_or(self, format, || {
            let mut notes = Vec::new();
            if !self.left_out.is_empty() {
                notes.push(format!(
                    "{} files were left out by --max-size (listed in README.txt)",
                    self.left_out.len()
                ));
            }
            if !self.failures.is_empty() {
                notes.push(format!(
                    "{} things could not be read (listed in README.txt), e.g. {}",
                    self.failures.len(),
                    self.failures[0]
                ));
            }
            with_notes(
                format!(
                    "support export written to {} ({} files, {} bytes)\n",
                    self.path, self.files, self.bytes
                ),
                &notes,
            )
        })
    }
}

pub fn parse_log_lines(v: &str) -> Result<u64, String> {
    v.trim()
        .parse::<u64>()
        .map_err(|_| "must be a whole number of lines, e.g. 1000 (0 for no logs)".into())
}

/// A size: bytes, or a number with a unit (K/KB = 1000, Ki/KiB = 1024, and M, G likewise).
pub fn parse_size(v: &str) -> Result<u64, String> {
    let fix = || {
        "must be a size greater than zero, such as 50MiB, 200Mi, 1GiB, 500MB or a number of bytes"
            .to_string()
    };
    let v = v.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (n, unit) = v.split_at(split);
    let n: u64 = n.parse().map_err(|_| fix())?;
    let mult: u64 = match unit.trim() {
        "" | "B" => 1,
        "k" | "K" | "KB" | "kB" => 1000,
        "Ki" | "KiB" => 1 << 10,
        "M" | "MB" => 1000 * 1000,
        "Mi" | "MiB" => 1 << 20,
        "G" | "GB" => 1000 * 1000 * 1000,
        "Gi" | "GiB" => 1 << 30,
        _ => return Err(fix()),
    };
    n.checked_mul(mult).filter(|&b| b > 0).ok_or_else(fix)
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Summary, Error> {
    let What::Export(args) = args.what;
    let name = &args.name;
    check_cluster_name(name).map_err(ClusterError::Invalid)?;
    let now = chrono::Utc::now();
    let path = args.file.clone().unwrap_or_else(|| {
        PathBuf::from(format!(
            "pgo-support-{name}-{}.tar.gz",
            now.format("%Y%m%d-%H%M%S")
        ))
    });
    let shown = path.display().to_string();
    if path.exists() {
        return Err(Error::Exists { path: shown });
    }
    let api = ClusterError::api("export", name);
    let ctx = Ctx::connect(global, None).await.map_err(&api)?;
    let bar = progress_bar();
    let fetched = fetch::fetch(&ctx, name, args.log_lines, &bar).await;
    let fetched = match fetched {
        Ok(f) => f,
        Err(e) => {
            bar.finish_and_clear();
            return Err(api(e).into());
        }
    };
    let (kept, left) = collect::within(collect::files(&fetched), args.max_size);
    let created = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let readme = collect::readme(&fetched, &created, &kept, &left, args.max_size);
    let root = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
        .trim_end_matches(".tar.gz")
        .trim_end_matches(".tgz")
        .to_string();
    let root = if root.is_empty() {
        format!("pgo-support-{name}")
    } else {
        root
    };
    bar.set_message("writing");
    let written = write(
        &path,
        &root,
        &readme,
        &kept,
        now.timestamp().max(0) as u64,
        &bar,
    );
    bar.finish_and_clear();
    let bytes = written.map_err(|detail| Error::Write {
        path: shown.clone(),
        detail,
    })?;
    Ok(Summary {
        path: shown,
        files: kept.len() + 1,
        bytes,
        left_out: left.into_iter().map(|(p, _)| p).collect(),
        failures: fetched.failures,
    })
}

/// Write the tarball to a new file (never over an existing one); its size.
fn write(
    path: &std::path::Path,
    root: &str,
    readme: &str,
    files: &[collect::File],
    mtime: u64,
    bar: &ProgressBar,
) -> Result<u64, String> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| e.to_string())?;
    let out = std::io::BufWriter::new(file);
    let done = archive::write_tar_gz(out, root, readme, files, mtime, |p| {
        bar.set_message(format!("writing {p}"))
    })
    .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
    .and_then(|f| f.sync_all().and_then(|_| f.metadata()));
    match done {
        Ok(meta) => Ok(meta.len()),
        Err(e) => {
            let _ = std::fs::remove_file(path);
            Err(e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("50MiB"), Ok(50 << 20));
        assert_eq!(parse_size("200Mi"), Ok(200 << 20));
        assert_eq!(parse_size("1G"), Ok(1_000_000_000));
        assert_eq!(parse_size("1024"), Ok(1024));
        for bad in [
            "",
            "0",
            "5 parsecs",
            "MiB",
            "-1Mi",
            "1.5Gi",
            "99999999999999999999",
        ] {
            assert!(
                parse_size(bad).unwrap_err().contains("such as 50MiB"),
                "{bad:?}"
            );
        }
        assert_eq!(parse_log_lines("0"), Ok(0));
        assert!(parse_log_lines("many").is_err());
    }

    #[test]
    fn summary_json_has_path_files_and_bytes() {
        let s = Summary {
            path: "x.tar.gz".into(),
            files: 3,
            bytes: 1234,
            left_out: vec![],
            failures: vec!["services: forbidden".into()],
        };
        let v: serde_json::Value = serde_json::from_str(&s.render(OutputFormat::Json)).unwrap();
        assert_eq!(v["path"], "x.tar.gz");
        assert_eq!(v["files"], 3);
        assert_eq!(v["bytes"], 1234);
        let table = s.render(OutputFormat::Table);
        assert!(
            table.starts_with("support export written to x.tar.gz (3 files, 1234 bytes)\n"),
            "{table}"
        );
        assert!(
            table.contains("note: 1 things could not be read"),
            "{table}"
        );
    }
}
