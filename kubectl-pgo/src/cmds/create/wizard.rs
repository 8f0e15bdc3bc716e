//! The interactive `create` wizard: one question per value, each checked on the spot with the
//! same checks as the flags, then a summary and a confirmation. Prompts go to stderr.

use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input};

use super::args::{check_version, validate, ClusterArgs, ValidatedCluster};
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

/// Ask every question with `args` as defaults. `None` when the user declines at the end.
pub fn run(args: &ClusterArgs, namespace: Option<&str>) -> Result<Option<ValidatedCluster>, Error> {
    let theme = ColorfulTheme::default();
    eprintln!("Create a PostgresCluster. Press Enter to take the default in brackets.");
    let name = ask(
        &theme,
        "Cluster name",
        args.name.as_deref().unwrap_or(""),
        check_name,
    )?;
    let pg_version = ask(&theme, "PostgreSQL major version", &args.pg_version, |v| {
        check_version(v).map(drop)
    })?;
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
        "Postgres user (empty for one named after the cluster)",
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
        .map_err(|e| Error::Prompt(e.to_string()))?;

    let answers = ClusterArgs {
        name: Some(name),
        pg_version,
        replicas,
        storage_size,
        storage_class,
        users: user.into_iter().collect(),
        databases: database.into_iter().collect(),
        no_backups: !backups,
        backups,
        ..args.clone()
    };
    let validated = validate(&answers)?;
    eprintln!("\n{}", summary(&validated, namespace));
    let verb = if args.dry_run { "Print" } else { "Create" };
    let ok = Confirm::with_theme(&theme)
        .with_prompt(format!("{verb} this PostgresCluster?"))
        .default(true)
        .interact()
        .map_err(|e| Error::Prompt(e.to_string()))?;
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
        (
            "Users",
            if v.users.is_empty() {
                format!("{} (default)", v.name)
            } else {
                v.users.join(", ")
            },
        ),
        (
            "Databases",
            if v.databases.is_empty() {
                "-".into()
            } else {
                v.databases.join(", ")
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
    }
}
