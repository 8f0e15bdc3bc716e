//! The interactive `create` wizard: one question per value, each checked on the spot with the
//! same checks as the flags, then a summary and a confirmation. Prompts go to stderr.

use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, Select};

use super::args::{validate, ClusterArgs};
use super::manifest::ValidatedCluster;
use super::Error;
use crate::common::cluster::{check_name, check_replicas};
use crate::validate;

/// Ask for a value until it passes `check`; Enter takes `default` (when not empty).
fn ask(
    theme: &ColorfulTheme,
    prompt: &str,
    default: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<String, Error> {
    read(theme, prompt, default, false, check)
}

/// Like [`ask`], but an empty answer is `None`.
fn ask_optional(
    theme: &ColorfulTheme,
    prompt: &str,
    default: Option<&str>,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<Option<String>, Error> {
    let v = read(theme, prompt, default.unwrap_or(""), true, check)?;
    Ok((!v.is_empty()).then_some(v))
}

fn read(
    theme: &ColorfulTheme,
    prompt: &str,
    default: &str,
    allow_empty: bool,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<String, Error> {
    let mut input = Input::<String>::with_theme(theme)
        .with_prompt(prompt)
        .allow_empty(allow_empty)
        .validate_with(move |v: &String| -> Result<(), String> {
            if allow_empty && v.is_empty() {
                return Ok(());
            }
            check(v)
        });
    if !default.is_empty() {
        input = input.default(default.to_string());
    }
    input
        .interact_text()
        .map(|v| v.trim().to_string())
        .map_err(|e| Error::Prompt(e.to_string()))
}

/// dialoguer hides the cursor while a choice is open and does not show it again when the
/// prompt fails; this does, on every way out of the wizard.
struct ShowCursor;

impl Drop for ShowCursor {
    fn drop(&mut self) {
        let _ = console::Term::stderr().show_cursor();
    }
}

/// The wizard's answers, before they become flags.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    pub name: String,
    pub pg_version: i32,
    pub replicas: String,
    pub storage_size: String,
    pub storage_class: Option<String>,
    pub user: Option<String>,
    pub database: Option<String>,
    pub backups: bool,
    pub pgbouncer: bool,
}

/// The flags the answers stand for: the wizard creates what `create cluster` with them would.
pub fn to_args(args: &ClusterArgs, a: Answers) -> ClusterArgs {
    ClusterArgs {
        name: Some(a.name),
        pg_version: a.pg_version.to_string(),
        replicas: a.replicas,
        storage_size: a.storage_size,
        storage_class: a.storage_class,
        users: a.user.into_iter().collect(),
        databases: a.database.into_iter().collect(),
        no_backups: !a.backups,
        backups: a.backups,
        pgbouncer: a.pgbouncer,
        ..args.clone()
    }
}

/// Ask every question with `args` as defaults. `None` when the user declines at the end.
pub fn run(args: &ClusterArgs, namespace: Option<&str>) -> Result<Option<ValidatedCluster>, Error> {
    let _cursor = ShowCursor;
    let theme = ColorfulTheme::default();
    let prompt_err = |e: dialoguer::Error| Error::Prompt(e.to_string());
    eprintln!("Create a PostgresCluster. Press Enter to take the default in brackets.");
    let name = ask(
        &theme,
        "Cluster name",
        args.name.as_deref().unwrap_or(""),
        check_name,
    )?;
    // Only the versions the project builds images for.
    let built = pgo_api::versions::built_versions();
    let versions: Vec<String> = built.iter().map(i32::to_string).collect();
    let chosen = Select::with_theme(&theme)
        .with_prompt("PostgreSQL major version")
        .items(&versions)
        .default(
            versions
                .iter()
                .position(|v| *v == args.pg_version)
                .unwrap_or(0),
        )
        .interact()
        .map_err(prompt_err)?;
    let replicas = ask(&theme, "Number of instances", &args.replicas, |v| {
        check_replicas(v).map(drop)
    })?;
    let storage_size = ask(&theme, "Storage size", &args.storage_size, |v| {
        validate::storage_size(v).map(drop)
    })?;
    let storage_class = ask_optional(
        &theme,
        "StorageClass (empty for the default)",
        args.storage_class.as_deref(),
        validate::dns_subdomain,
    )?;
    let user = ask_optional(
        &theme,
        "Postgres user (empty for one named after the cluster, with its own database)",
        args.users.first().map(String::as_str),
        |v| validate::dns_label(v, 63),
    )?;
    let database = if user.is_none() {
        None
    } else {
        ask_optional(
            &theme,
            "Database owned by that user (empty for none)",
            args.databases.first().map(String::as_str),
            validate::database_name,
        )?
    };
    let backups = Confirm::with_theme(&theme)
        .with_prompt("Back up with pgBackRest to a volume (repo1)?")
        .default(!args.no_backups)
        .interact()
        .map_err(prompt_err)?;
    let pgbouncer = Confirm::with_theme(&theme)
        .with_prompt("Pool connections with PgBouncer?")
        .default(args.pgbouncer)
        .interact()
        .map_err(prompt_err)?;

    let answers = Answers {
        name,
        pg_version: built[chosen],
        replicas,
        storage_size,
        storage_class,
        user,
        database,
        backups,
        pgbouncer,
    };
    let validated = validate(&to_args(args, answers))?;
    eprintln!("\n{}", summary(&validated, namespace));
    let verb = if args.dry_run { "Print" } else { "Create" };
    let ok = Confirm::with_theme(&theme)
        .with_prompt(format!("{verb} this PostgresCluster?"))
        .default(true)
        .interact()
        .map_err(prompt_err)?;
    Ok(ok.then_some(validated))
}

/// The summary shown before confirming.
pub fn summary(v: &ValidatedCluster, namespace: Option<&str>) -> String {
    let mut rows = vec![
        ("Name", v.name.clone()),
        (
            "Namespace",
            namespace.unwrap_or("(from kubeconfig)").to_string(),
        ),
        ("PostgreSQL", v.pg_version.to_string()),
        (
            "Instances",
            format!("{} in set {}", v.replicas, v.instance_set),
        ),
        (
            "Storage",
            format!(
                "{} ({})",
                v.storage_size,
                v.storage_class.as_deref().unwrap_or("default StorageClass")
            ),
        ),
        // As PGO: without users, one user and one database, both named after the cluster;
        // with users, exactly the databases given (none if none).
        (
            "Users",
            if v.users.is_empty() {
                format!("{} (the default user)", v.name)
            } else {
                v.users.join(", ")
            },
        ),
        (
            "Databases",
            match (v.users.is_empty(), v.databases.is_empty()) {
                (true, _) => format!("{} (owned by user {})", v.name, v.name),
                (false, true) => "none".into(),
                (false, false) => format!(
                    "{} (owned by {})",
                    v.databases.join(", "),
                    v.users.join(", ")
                ),
            },
        ),
        (
            "Backups",
            if v.backups {
                format!("pgBackRest repo1 on a {} volume", v.storage_size)
            } else {
                "none".into()
            },
        ),
        (
            "Pooler",
            if v.pgbouncer {
                "PgBouncer, 1 pod (<name>-pgbouncer)".replace("<name>", &v.name)
            } else {
                "none".into()
            },
        ),
    ];
    if let Some(cpu) = &v.cpu {
        rows.push(("CPU", cpu.clone()));
    }
    if let Some(mem) = &v.memory {
        rows.push(("Memory", mem.clone()));
    }
    let mut out = String::from("Summary:\n");
    for (k, val) in rows {
        out.push_str(&format!("  {k:<11}{val}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lists_every_answer() {
        let v = validate(&ClusterArgs {
            name: Some("hippo".into()),
            users: vec!["app".into()],
            databases: vec!["appdb".into()],
            ..Default::default()
        })
        .unwrap();
        let s = summary(&v, Some("team-a"));
        assert!(s.contains("Name       hippo"), "{s}");
        assert!(s.contains("Namespace  team-a"), "{s}");
        assert!(s.contains("Instances  1 in set instance1"), "{s}");
        assert!(s.contains("Users      app"), "{s}");
        assert!(
            s.contains("Backups    pgBackRest repo1 on a 1Gi volume"),
            "{s}"
        );
        assert!(s.contains("Databases  appdb (owned by app)"), "{s}");
    }

    #[test]
    fn summary_says_what_pgo_creates_without_users() {
        let s = summary(&validate(&ClusterArgs::named("hippo")).unwrap(), None);
        assert!(s.contains("Users      hippo (the default user)"), "{s}");
        assert!(s.contains("Databases  hippo (owned by user hippo)"), "{s}");
        let v = validate(&ClusterArgs {
            users: vec!["app".into()],
            ..ClusterArgs::named("hippo")
        })
        .unwrap();
        assert!(summary(&v, None).contains("Databases  none"));
    }

    /// The wizard's manifest is the one `create cluster` builds from the same values as flags.
    #[test]
    fn answers_build_the_manifest_of_the_equivalent_flags() {
        use super::super::manifest::build;
        let answers = Answers {
            name: "wizard-pg".into(),
            pg_version: 15,
            replicas: "2".into(),
            storage_size: "2Gi".into(),
            storage_class: Some("ssd".into()),
            user: Some("app".into()),
            database: Some("appdb".into()),
            backups: false,
            pgbouncer: false,
        };
        let from_wizard = build(&validate(&to_args(&ClusterArgs::default(), answers)).unwrap());
        // kubectl pgo create cluster wizard-pg --replicas 2 --storage-size 2Gi --storage-class ssd
        //   --user app --database appdb --no-backups
        let cli = <crate::cli::Cli as clap::Parser>::try_parse_from([
            "kubectl-pgo",
            "create",
            "cluster",
            "wizard-pg",
            "--replicas",
            "2",
            "--storage-size",
            "2Gi",
            "--storage-class",
            "ssd",
            "--user",
            "app",
            "--database",
            "appdb",
            "--no-backups",
        ])
        .unwrap();
        let crate::cli::Command::Create(args) = cli.command else {
            panic!("not create")
        };
        let from_flags = build(&validate(&args.into_cluster_args()).unwrap());
        assert_eq!(
            serde_json::to_value(&from_wizard).unwrap(),
            serde_json::to_value(&from_flags).unwrap()
        );
    }
}
