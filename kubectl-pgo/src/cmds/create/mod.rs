//! `create postgrescluster NAME`: validate flags (pure, `args`) -> build the manifest (pure,
//! `manifest`) -> create with server-side apply -> optionally wait for Ready. With no NAME on a
//! terminal, the `wizard` asks for each value first.

mod args;
mod check;
mod manifest;
mod wizard;

pub use args::{Args, ClusterArgs};

use std::time::Duration;

use kube::api::{Patch, PatchParams};
use kube::ResourceExt;
use pgo_api::names::CLI_MANAGER;
use pgo_api::PostgresCluster;
use serde::Serialize;

use crate::client::{ApiError, Ctx};
use crate::common::error::{CmdError, EXIT_RUNTIME, EXIT_USAGE};
use crate::global::{GlobalArgs, OutputFormat};
use crate::output::{object, Render};
use args::validate;
use manifest::build;

pub const LONG_ABOUT: &str = "Create a PostgresCluster.\n\n\
With NAME, every value comes from flags (defaults: Postgres 15, one instance in set `instance1`, \
1Gi of storage, a pgBackRest repository `repo1` of the same size). Without NAME, or with \
--interactive, a wizard asks for each value on the terminal, shows a summary and asks before \
creating. Inputs are checked with the agent's own rules before anything is sent.";

pub const EXAMPLES: &str = "Examples:\n  kubectl pgo create cluster hippo\n  \
kubectl pgo create cluster hippo --replicas 2 --storage-size 10Gi --user app --database app --wait\n  \
kubectl pgo create cluster hippo --dry-run -o yaml\n  \
kubectl pgo create postgrescluster hippo --pg-major-version 15 --disable-backups\n  kubectl pgo create";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),

    #[error("NAME is required when not running interactively: kubectl pgo create cluster NAME")]
    NameRequired,

    #[error("cannot run the wizard: {0}")]
    Prompt(String),

    #[error("cancelled: nothing was created")]
    Cancelled,

    #[error("failed to create PostgresCluster {name:?}: {source}")]
    Apply { name: String, source: ApiError },

    #[error(
        "PostgresCluster {name:?} was created, but waiting for it to be Ready failed: {source}"
    )]
    Wait { name: String, source: ApiError },

    #[error("PostgresCluster {name:?} was created, but is not Ready after {timeout:?} (last: {last})\n  hint: see `kubectl pgo show {name}`")]
    NotReady {
        name: String,
        timeout: Duration,
        last: String,
    },

    #[error(transparent)]
    Connect(ApiError),
}

impl CmdError for Error {
    fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) | Error::NameRequired => EXIT_USAGE,
            _ => EXIT_RUNTIME,
        }
    }
}

/// What `create` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The manifest (dry run) or the object as created.
    pub cluster: PostgresCluster,
    pub namespace: Option<String>,
    pub dry_run: bool,
    /// Set when --wait was given and the cluster became Ready.
    pub ready: bool,
}

impl Render for Outcome {
    fn render(&self, format: OutputFormat) -> String {
        let o = self;
        if o.dry_run {
            // A dry run's result is the manifest: YAML unless JSON was asked for.
            let f = if format == OutputFormat::Json {
                OutputFormat::Json
            } else {
                OutputFormat::Yaml
            };
            return object(&o.cluster, f);
        }
        match format {
            OutputFormat::Table => {
                let name = kube::ResourceExt::name_any(&o.cluster);
                let ready = if o.ready { " and Ready" } else { "" };
                format!(
                    "postgrescluster.{}/{name} created{ready} in namespace {}\n",
                    pgo_api::names::GROUP,
                    o.namespace.as_deref().unwrap_or("default")
                )
            }
            _ => object(&o.cluster, format),
        }
    }
}

/// The manifest flags make, as `create NAME ... --dry-run` prints it.
#[cfg(test)]
pub fn manifest_of(args: &ClusterArgs) -> Result<PostgresCluster, Error> {
    validate(args).map(|v| build(&v))
}

/// Validate (prompting first if asked to), then create unless this is a dry run.
pub async fn run(
    args: ClusterArgs,
    global: &GlobalArgs,
    want_wizard: bool,
) -> Result<Outcome, Error> {
    let prompt = (want_wizard || args.interactive || args.name.is_none())
        && !global.yes
        && crate::common::prompt::interactive();
    // Without a wizard, every value must come from flags: check them before anything else.
    let from_flags = if prompt { None } else { Some(validate(&args)?) };
    // Building a client does no I/O; it tells the wizard which namespace it creates in.
    let ctx = if args.dry_run {
        None
    } else {
        Some(Ctx::connect(global, None).await.map_err(Error::Connect)?)
    };
    let namespace = ctx
        .as_ref()
        .map(|c| c.namespace.clone())
        .or_else(|| global.namespace.clone());
    let validated = match from_flags {
        Some(v) => v,
        None => match wizard_or_ctrl_c(&args, namespace.clone()).await? {
            Some(v) => v,
            None => return Err(Error::Cancelled),
        },
    };
    let manifest = build(&validated);
    let Some(ctx) = ctx else {
        return Ok(Outcome {
            cluster: dry_run_manifest(manifest, global.namespace.as_deref()),
            namespace,
            dry_run: true,
            ready: false,
        });
    };
    let created = create(&ctx, &manifest).await?;
    let mut ready = false;
    if args.wait {
        wait_ready(&ctx, &validated.name, validated.timeout).await?;
        ready = true;
    }
    Ok(Outcome {
        cluster: created,
        namespace: Some(ctx.namespace.clone()),
        dry_run: false,
        ready,
    })
}

/// The wizard on a blocking thread: Ctrl-C makes dialoguer raise SIGINT, which would end the
/// process with the cursor hidden; caught here, the cursor is shown and nothing is created.
async fn wizard_or_ctrl_c(
    args: &ClusterArgs,
    namespace: Option<String>,
) -> Result<Option<manifest::ValidatedCluster>, Error> {
    let args = args.clone();
    let mut ctrl_c = Box::pin(tokio::signal::ctrl_c());
    let task = tokio::task::spawn_blocking(move || wizard::run(&args, namespace.as_deref()));
    let cancelled = || {
        let _ = console::Term::stderr().show_cursor();
        eprintln!();
        Err(Error::Cancelled)
    };
    tokio::select! {
        done = task => {
            let done = done.map_err(|e| Error::Prompt(e.to_string()))?;
            // Ctrl-C interrupts the prompt's read, which may end the prompt before the signal
            // is seen here: give it a moment.
            if done.is_err()
                && tokio::time::timeout(std::time::Duration::from_millis(300), &mut ctrl_c)
                    .await
                    .is_ok()
            {
                return cancelled();
            }
            // The SIGINT handler stays installed: Ctrl-C while creating or waiting still ends us.
            tokio::spawn(async {
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            });
            done
        }
        _ = &mut ctrl_c => cancelled(),
    }
}

/// A dry run prints what `kubectl apply -f` should create: in the namespace -n named, if any
/// (else kubectl's own default applies, as for any manifest).
fn dry_run_manifest(mut pc: PostgresCluster, namespace: Option<&str>) -> PostgresCluster {
    pc.metadata.namespace = namespace.map(String::from);
    pc
}

/// Create with server-side apply, so `kubectl-pgo` owns what it set; refuse to touch an
/// existing cluster of that name.
async fn create(ctx: &Ctx, manifest: &PostgresCluster) -> Result<PostgresCluster, Error> {
    let name = manifest.name_any();
    let wrap = |source| Error::Apply {
        name: name.clone(),
        source,
    };
    match ctx.clusters().get_opt(&name).await {
        Ok(Some(_)) => {
            return Err(wrap(ApiError::AlreadyExists {
                kind: "PostgresCluster".into(),
                name: name.clone(),
                namespace: ctx.namespace.clone(),
            }))
        }
        Ok(None) => {}
        Err(e) => return Err(wrap(ctx.api_error(e, &name))),
    }
    let mut body = serde_json::to_value(manifest).unwrap_or_default();
    if let Some(meta) = body.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        meta.remove("namespace");
    }
    ctx.clusters()
        .patch(
            &name,
            &PatchParams::apply(CLI_MANAGER),
            &Patch::Apply(&body),
        )
        .await
        .map_err(|e| wrap(ctx.api_error(e, &name)))
}

/// The Ready condition's status and a one-line summary of it.
pub fn ready_state(pc: &PostgresCluster) -> (bool, String) {
    let cond = pc
        .status
        .as_ref()
        .and_then(|s| s.conditions.iter().find(|c| c.type_ == "Ready"));
    match cond {
        Some(c) if c.status == "True" => (true, "Ready".into()),
        Some(c) => (
            false,
            format!("Ready={} {}: {}", c.status, c.reason, c.message)
                .trim_end_matches([':', ' '])
                .to_string(),
        ),
        None => (
            false,
            "no Ready condition yet (is pgo-agent running?)".into(),
        ),
    }
}

/// Poll until Ready, showing a spinner on stderr.
async fn wait_ready(ctx: &Ctx, name: &str, timeout: Duration) -> Result<(), Error> {
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner.set_message(format!("waiting for PostgresCluster {name} to be Ready"));
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last;
    loop {
        match ctx.clusters().get(name).await {
            Ok(pc) => {
                let (ok, summary) = ready_state(&pc);
                if ok {
                    spinner.finish_with_message(format!("PostgresCluster {name} is Ready"));
                    return Ok(());
                }
                spinner.set_message(format!("waiting for {name}: {summary}"));
                last = summary;
            }
            Err(e) => {
                spinner.finish_and_clear();
                return Err(Error::Wait {
                    name: name.into(),
                    source: ctx.api_error(e, name),
                });
            }
        }
        if tokio::time::Instant::now() >= deadline {
            spinner.finish_and_clear();
            return Err(Error::NotReady {
                name: name.into(),
                timeout,
                last,
            });
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dry_run_carries_the_namespace_given() {
        let pc = build(&validate(&ClusterArgs::named("hippo")).unwrap());
        let yaml = object(
            &dry_run_manifest(pc.clone(), Some("team-a")),
            OutputFormat::Yaml,
        );
        assert!(yaml.contains("  namespace: team-a\n"), "{yaml}");
        let yaml = object(&dry_run_manifest(pc, None), OutputFormat::Yaml);
        assert!(!yaml.contains("namespace"), "{yaml}");
    }

    #[test]
    fn ready_state_reads_the_ready_condition() {
        let mut pc = build(&validate(&ClusterArgs::named("hippo")).unwrap());
        assert!(!ready_state(&pc).0);
        pc.status = Some(
            serde_json::from_value(serde_json::json!({"conditions": [{
                "type": "Ready", "status": "True", "reason": "AllReady", "message": "",
                "lastTransitionTime": "2024-01-01T00:00:00Z"}]}))
            .unwrap(),
        );
        assert!(ready_state(&pc).0);
    }
}
