//! `create`'s flags, and their checks: every problem at once, each naming its flag and fix.

use clap::Subcommand;

use super::check::agent_rules;
use super::manifest::{build, ValidatedCluster};
use super::{Error, EXAMPLES, LONG_ABOUT};
use crate::common::cluster::{check_name, check_replicas, check_set};
use crate::validate;

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
    #[command(name = "postgrescluster", visible_aliases = ["postgresclusters", "cluster", "pgc"], long_about = LONG_ABOUT, after_help = EXAMPLES)]
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
    /// The cluster's name (lowercase letters, digits and '-', starting with a letter, at most 45
    /// characters).
    pub name: Option<String>,

    /// The major version of PostgreSQL.
    #[arg(
        long,
        visible_alias = "pg-major-version",
        default_value = "15",
        value_name = "VERSION"
    )]
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
    #[arg(long, visible_alias = "disable-backups", overrides_with = "backups")]
    pub no_backups: bool,

    /// Put PgBouncer in front of the primary (spec.proxy.pgBouncer, one pod): the user
    /// Secrets gain pgbouncer-host, pgbouncer-port and pgbouncer-uri.
    #[arg(long)]
    pub pgbouncer: bool,

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
            pgbouncer: false,
            dry_run: false,
            wait: false,
            timeout: "5m".into(),
            interactive: false,
        }
    }
}

impl ClusterArgs {
    /// The defaults, with a NAME.
    #[cfg(test)]
    pub fn named(name: &str) -> Self {
        ClusterArgs {
            name: Some(name.into()),
            ..Default::default()
        }
    }
}

/// A major version this project builds an image for (the agent's Deployment names one image
/// per such version).
pub fn check_version(v: &str) -> Result<i32, String> {
    let supported = pgo_api::versions::built_versions();
    match v.trim().parse::<i32>() {
        Ok(n) if supported.contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a PostgreSQL major version the agent runs: {}",
            supported
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
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
        validate::storage_size(&args.storage_size).map(drop),
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
    let v = ValidatedCluster {
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
        pgbouncer: args.pgbouncer,
        timeout: timeout.unwrap_or_default(),
    };
    // Then the agent's own rules, so nothing is sent that it would refuse.
    agent_rules(&build(&v)).map_err(Error::Invalid)?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::error::{CmdError, EXIT_USAGE};

    #[test]
    fn pg_version_takes_exactly_the_built_majors() {
        for v in ["15", "17", "18"] {
            assert_eq!(check_version(v).unwrap().to_string(), v);
        }
        let e = check_version("16").unwrap_err();
        assert!(e.contains("15, 17, 18"), "{e}");
        assert!(check_version("14").is_err());
    }

    #[test]
    fn every_bad_flag_is_reported_with_its_fix() {
        let a = ClusterArgs {
            replicas: "0".into(),
            instance_set: "a-very-long-instance-set".into(),
            storage_size: "big".into(),
            cpu: Some("-1".into()),
            databases: vec!["db".into()],
            ..ClusterArgs::named("Hippo_DB")
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

    // What `build` makes of checked flags.
    use super::super::manifest::build;
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

    /// The defaults make PGO's hippo example, with the replicas it leaves to the default.
    #[test]
    fn defaults_build_the_pgo_hippo_manifest() {
        let mut expected: serde_json::Value =
            serde_yaml::from_str(include_str!("../../../../examples/hippo.yaml")).unwrap();
        expected["spec"]["instances"][0]["replicas"] = 1.into();
        let pc = build(&validate(&ClusterArgs::named("hippo")).unwrap());
        assert_eq!(serde_json::to_value(&pc).unwrap(), expected);
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
            ..ClusterArgs::named("hippo")
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
}
