//! `create postgrescluster NAME`: validate flags (pure) -> build the manifest (pure) -> create
//! with server-side apply -> optionally wait for Ready. With no NAME on a terminal, a wizard
//! asks for each value first.

use std::collections::BTreeMap;
use std::time::Duration;

use clap::Subcommand;
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaimSpec, ResourceRequirements, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kube::api::{Patch, PatchParams};
use kube::ResourceExt;
use pgo_api::names::CLI_MANAGER;
use pgo_api::{
    Backups, PgBackRestArchive, PgBackRestRepo, PostgresCluster, PostgresClusterSpec,
    PostgresInstanceSetSpec, PostgresUserSpec, RepoPvc,
};
use serde::Serialize;

use crate::client::{ApiError, Ctx};
use crate::common::cluster::{check_name, check_replicas, check_set};
use crate::common::error::{CmdError, EXIT_RUNTIME, EXIT_USAGE};
use crate::global::{GlobalArgs, OutputFormat};
use crate::output::{object, Render};
use crate::validate;

pub const LONG_ABOUT: &str = "Create a PostgresCluster.\n\n\
With NAME, every value comes from flags (defaults: Postgres 15, one instance in set `instance1`, \
1Gi of storage, a pgBackRest repository `repo1` of the same size). Without NAME, or with \
--interactive, a wizard asks for each value on the terminal, shows a summary and asks before \
creating. Inputs are checked before anything is sent.\n\n\
Examples:\n  kubectl pgo create cluster hippo\n  \
kubectl pgo create cluster hippo --replicas 2 --storage-size 10Gi --user app --database app --wait\n  \
kubectl pgo create cluster hippo --dry-run -o yaml\n  kubectl pgo create";

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub kind: Option<Kind>,

    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Subcommand, Debug)]
pub enum Kind {
    /// Create a PostgresCluster.
    #[command(name = "postgrescluster", visible_aliases = ["cluster", "pgc"], long_about = LONG_ABOUT)]
    Postgrescluster(ClusterArgs),
}

impl Args {
    pub fn into_cluster_args(self) -> ClusterArgs {
        match self.kind {
            Some(Kind::Postgrescluster(a)) => a,
            None => self.cluster,
        }
    }
}

#[derive(clap::Args, Debug, Clone)]
pub struct ClusterArgs {
    /// The cluster's name (lowercase letters, digits and '-', at most 63 characters).
    pub name: Option<String>,

    /// The major version of PostgreSQL.
    #[arg(long, default_value = "15", value_name = "VERSION")]
    pub pg_version: String,

    /// Number of instances (Postgres pods) in the instance set.
    #[arg(long, default_value = "1", value_name = "N")]
    pub replicas: String,

    /// Name of the instance set (at most 15 characters).
    #[arg(long, default_value = "instance1", value_name = "NAME")]
    pub instance_set: String,

    /// Size of each instance's data volume (and of the backup repository).
    #[arg(long, default_value = "1Gi", value_name = "QUANTITY")]
    pub storage_size: String,

    /// StorageClass of the volumes. Defaults to the cluster's default StorageClass.
    #[arg(long, value_name = "CLASS")]
    pub storage_class: Option<String>,

    /// CPU of the database container (request = limit), e.g. 500m or 2.
    #[arg(long, value_name = "QUANTITY")]
    pub cpu: Option<String>,

    /// Memory of the database container (request = limit), e.g. 512Mi.
    #[arg(long, value_name = "QUANTITY")]
    pub memory: Option<String>,

    /// A Postgres user to create; repeatable. Each user gets every --database.
    #[arg(long = "user", value_name = "NAME")]
    pub users: Vec<String>,

    /// A database to create, owned by the --user(s); repeatable.
    #[arg(long = "database", value_name = "NAME")]
    pub databases: Vec<String>,

    /// Configure a pgBackRest repository `repo1` on a volume (the default).
    #[arg(long, overrides_with = "no_backups")]
    pub backups: bool,

    /// Create the cluster without a backup repository.
    #[arg(long, overrides_with = "backups")]
    pub no_backups: bool,

    /// Print the manifest (with -o yaml or -o json) instead of creating it.
    #[arg(long)]
    pub dry_run: bool,

    /// Wait until the cluster's Ready condition is True.
    #[arg(long)]
    pub wait: bool,

    /// How long --wait waits, e.g. 90s, 5m, 1h.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub timeout: String,

    /// Ask for each value in a wizard, with the flags as defaults.
    #[arg(long, short = 'i')]
    pub interactive: bool,
}

impl Default for ClusterArgs {
    fn default() -> Self {
        ClusterArgs {
            name: None,
            pg_version: "15".into(),
            replicas: "1".into(),
            instance_set: "instance1".into(),
            storage_size: "1Gi".into(),
            storage_class: None,
            cpu: None,
            memory: None,
            users: vec![],
            databases: vec![],
            backups: false,
            no_backups: false,
            dry_run: false,
            wait: false,
            timeout: "5m".into(),
            interactive: false,
        }
    }
}

/// Inputs checked and parsed: what `build` needs, and nothing unchecked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedCluster {
    pub name: String,
    pub pg_version: i32,
    pub replicas: i32,
    pub instance_set: String,
    pub storage_size: String,
    pub storage_class: Option<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub users: Vec<String>,
    pub databases: Vec<String>,
    pub backups: bool,
    pub timeout: Duration,
}

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

pub fn check_version(v: &str) -> Result<i32, String> {
    match v.trim().parse::<i32>() {
        Ok(n) if (11..=17).contains(&n) => Ok(n),
        _ => Err("must be a PostgreSQL major version from 11 to 17, e.g. 15".into()),
    }
}

/// Check every flag; report every problem at once, each naming its flag and the fix.
pub fn validate(args: &ClusterArgs) -> Result<ValidatedCluster, Error> {
    let mut errors = Vec::new();
    let mut check = |flag: &str, value: &str, r: Result<(), String>| {
        if let Err(e) = r {
            errors.push(format!("invalid {flag} {value:?}: {e}"));
        }
    };
    let name = args.name.clone().unwrap_or_default();
    if args.name.is_none() {
        return Err(Error::NameRequired);
    }
    check("NAME", &name, check_name(&name));
    let pg_version = check_version(&args.pg_version);
    check(
        "--pg-version",
        &args.pg_version,
        pg_version.clone().map(drop),
    );
    let replicas = check_replicas(&args.replicas);
    check("--replicas", &args.replicas, replicas.clone().map(drop));
    check(
        "--instance-set",
        &args.instance_set,
        check_set(&args.instance_set),
    );
    check(
        "--storage-size",
        &args.storage_size,
        validate::positive_quantity(&args.storage_size).map(drop),
    );
    if let Some(class) = &args.storage_class {
        check("--storage-class", class, validate::dns_subdomain(class));
    }
    if let Some(cpu) = &args.cpu {
        check("--cpu", cpu, validate::positive_quantity(cpu).map(drop));
    }
    if let Some(mem) = &args.memory {
        check("--memory", mem, validate::positive_quantity(mem).map(drop));
    }
    for u in &args.users {
        check("--user", u, validate::dns_label(u, 63));
    }
    for d in &args.databases {
        check("--database", d, validate::database_name(d));
    }
    let timeout = validate::duration(&args.timeout);
    check("--timeout", &args.timeout, timeout.clone().map(drop));
    if !args.databases.is_empty() && args.users.is_empty() {
        errors.push("--database needs an owner: add --user NAME".into());
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Ok(ValidatedCluster {
        name,
        pg_version: pg_version.unwrap_or_default(),
        replicas: replicas.unwrap_or_default(),
        instance_set: args.instance_set.clone(),
        storage_size: args.storage_size.clone(),
        storage_class: args.storage_class.clone(),
        cpu: args.cpu.clone(),
        memory: args.memory.clone(),
        users: args.users.clone(),
        databases: args.databases.clone(),
        backups: !args.no_backups,
        timeout: timeout.unwrap_or_default(),
    })
}

fn volume_claim(size: &str, class: &Option<String>) -> PersistentVolumeClaimSpec {
    PersistentVolumeClaimSpec {
        access_modes: Some(vec!["ReadWriteOnce".into()]),
        storage_class_name: class.clone(),
        resources: Some(VolumeResourceRequirements {
            requests: Some(BTreeMap::from([(
                "storage".to_string(),
                Quantity(size.to_string()),
            )])),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The PostgresCluster for validated inputs. No I/O.
pub fn build(v: &ValidatedCluster) -> PostgresCluster {
    let mut resources = BTreeMap::new();
    if let Some(cpu) = &v.cpu {
        resources.insert("cpu".to_string(), Quantity(cpu.clone()));
    }
    if let Some(mem) = &v.memory {
        resources.insert("memory".to_string(), Quantity(mem.clone()));
    }
    let resources = (!resources.is_empty()).then(|| ResourceRequirements {
        requests: Some(resources.clone()),
        limits: Some(resources),
        ..Default::default()
    });
    let users = (!v.users.is_empty()).then(|| {
        v.users
            .iter()
            .map(|u| PostgresUserSpec {
                name: u.clone(),
                databases: (!v.databases.is_empty()).then(|| v.databases.clone()),
                ..Default::default()
            })
            .collect()
    });
    let backups = v.backups.then(|| Backups {
        pgbackrest: Some(PgBackRestArchive {
            repos: vec![PgBackRestRepo {
                name: "repo1".into(),
                volume: Some(RepoPvc {
                    volume_claim_spec: volume_claim(&v.storage_size, &v.storage_class),
                }),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    });
    let mut pc = PostgresCluster::new(
        &v.name,
        PostgresClusterSpec {
            postgres_version: v.pg_version,
            instances: vec![PostgresInstanceSetSpec {
                name: Some(v.instance_set.clone()),
                replicas: Some(v.replicas),
                data_volume_claim_spec: volume_claim(&v.storage_size, &v.storage_class),
                resources,
                ..Default::default()
            }],
            users,
            backups,
            ..Default::default()
        },
    );
    pc.metadata.namespace = None;
    pc
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
        None => match crate::wizard::run(&args, namespace.as_deref())? {
            Some(v) => v,
            None => return Err(Error::Cancelled),
        },
    };
    let manifest = build(&validated);
    let Some(ctx) = ctx else {
        return Ok(Outcome {
            cluster: manifest,
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

    fn args(name: &str) -> ClusterArgs {
        ClusterArgs {
            name: Some(name.into()),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_build_the_pgo_hippo_manifest() {
        let pc = build(&validate(&args("hippo")).unwrap());
        let yaml = serde_yaml::to_string(&pc).unwrap();
        assert_eq!(
            yaml,
            r#"apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata:
  name: hippo
spec:
  postgresVersion: 15
  instances:
  - name: instance1
    replicas: 1
    dataVolumeClaimSpec:
      accessModes:
      - ReadWriteOnce
      resources:
        requests:
          storage: 1Gi
  backups:
    pgbackrest:
      repos:
      - name: repo1
        volume:
          volumeClaimSpec:
            accessModes:
            - ReadWriteOnce
            resources:
              requests:
                storage: 1Gi
"#
        );
    }

    #[test]
    fn flags_set_resources_users_class_and_no_backups() {
        let a = ClusterArgs {
            replicas: "3".into(),
            instance_set: "fast".into(),
            storage_size: "10Gi".into(),
            storage_class: Some("ssd".into()),
            cpu: Some("500m".into()),
            memory: Some("1Gi".into()),
            users: vec!["app".into(), "report".into()],
            databases: vec!["app".into(), "stats".into()],
            no_backups: true,
            ..args("hippo")
        };
        let pc = build(&validate(&a).unwrap());
        let set = &pc.spec.instances[0];
        assert_eq!(set.name.as_deref(), Some("fast"));
        assert_eq!(set.replicas, Some(3));
        assert_eq!(
            set.data_volume_claim_spec.storage_class_name.as_deref(),
            Some("ssd")
        );
        let res = set.resources.as_ref().unwrap();
        assert_eq!(res.requests, res.limits);
        assert_eq!(res.limits.as_ref().unwrap()["cpu"], Quantity("500m".into()));
        let users = pc.spec.users.unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(users[1].name, "report");
        assert_eq!(
            users[1].databases.as_deref(),
            Some(&["app".to_string(), "stats".to_string()][..])
        );
        assert!(pc.spec.backups.is_none());
    }

    #[test]
    fn every_bad_flag_is_reported_with_its_fix() {
        let a = ClusterArgs {
            replicas: "0".into(),
            instance_set: "a-very-long-instance-set".into(),
            storage_size: "big".into(),
            cpu: Some("-1".into()),
            databases: vec!["db".into()],
            ..args("Hippo_DB")
        };
        let msg = validate(&a).unwrap_err().to_string();
        for expected in [
            "invalid NAME \"Hippo_DB\": must be lowercase letters",
            "invalid --replicas \"0\": must be at least 1",
            "invalid --instance-set \"a-very-long-instance-set\": is 24 characters long; the limit is 15",
            "invalid --storage-size \"big\": must be a Kubernetes quantity such as 1Gi",
            "invalid --cpu \"-1\": must be greater than zero",
            "--database needs an owner: add --user NAME",
        ] {
            assert!(msg.contains(expected), "missing {expected:?} in:\n{msg}");
        }
        assert_eq!(validate(&a).unwrap_err().exit_code(), EXIT_USAGE);
    }

    #[test]
    fn missing_name_without_a_terminal_says_which_argument() {
        let err = validate(&ClusterArgs::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "NAME is required when not running interactively: kubectl pgo create cluster NAME"
        );
        assert_eq!(err.exit_code(), EXIT_USAGE);
    }

    #[test]
    fn ready_state_reads_the_ready_condition() {
        let mut pc = build(&validate(&args("hippo")).unwrap());
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
