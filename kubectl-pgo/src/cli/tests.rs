//! Tests over the whole command tree: the committed completion scripts match it, and the
//! `__complete` hook walks it.

use std::path::PathBuf;

use clap::CommandFactory;

use super::Cli;
use crate::completion::complete::{Completion, Dynamic, DIRECTIVE_DEFAULT, DIRECTIVE_NO_FILE};
use crate::completion::{CompletionShell, KUBECTL_COMPLETE_NAME};

fn generate(shell: CompletionShell) -> String {
    crate::completion::generate(shell, Cli::command())
}

fn complete(words: &[String]) -> Completion {
    crate::completion::complete::complete(Cli::command(), words)
}

fn words(s: &[&str]) -> Vec<String> {
    s.iter().map(|w| w.to_string()).collect()
}

fn names(c: &Completion) -> Vec<&str> {
    c.items.iter().map(|(n, _)| n.as_str()).collect()
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../completions")
}

/// Regenerate with: UPDATE_COMPLETIONS=1 cargo test -p kubectl-pgo completions_are_up_to_date
#[test]
fn completions_are_up_to_date() {
    let files: Vec<(String, String)> = CompletionShell::ALL
        .iter()
        .map(|s| (s.file_name().to_string(), generate(*s)))
        .collect();
    if std::env::var_os("UPDATE_COMPLETIONS").is_some() {
        std::fs::create_dir_all(dir()).unwrap();
        for (name, text) in &files {
            std::fs::write(dir().join(name), text).unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir().join(KUBECTL_COMPLETE_NAME);
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    for (name, text) in &files {
        let on_disk = std::fs::read_to_string(dir().join(name)).unwrap_or_default();
        assert!(
            &on_disk == text,
            "completions/{name} is stale or missing: regenerate with \
             `UPDATE_COMPLETIONS=1 cargo test -p kubectl-pgo completions_are_up_to_date` and commit it"
        );
    }
}

#[test]
fn scripts_ask_the_hook() {
    for shell in [
        CompletionShell::Bash,
        CompletionShell::Zsh,
        CompletionShell::Fish,
    ] {
        assert!(generate(shell).contains("__complete"), "{shell:?}");
    }
}

#[test]
fn top_level_lists_verbs_with_descriptions() {
    let c = complete(&words(&[""]));
    for verb in [
        "create",
        "scale",
        "show",
        "switchover",
        "start",
        "stop",
        "backup",
        "restore",
        "delete",
        "version",
        "completion",
    ] {
        assert!(names(&c).contains(&verb), "{verb} missing: {:?}", names(&c));
    }
    assert!(!names(&c).contains(&"__complete"));
    assert_eq!(c.directive, DIRECTIVE_NO_FILE);
    assert!(c.items.iter().all(|(_, d)| !d.is_empty()));
}

#[test]
fn prefix_filters() {
    assert_eq!(names(&complete(&words(&["sw"]))), vec!["switchover"]);
    assert_eq!(names(&complete(&words(&["st"]))), vec!["start", "stop"]);
}

#[test]
fn cluster_name_positions_ask_for_clusters() {
    assert_eq!(
        complete(&words(&["scale", ""])).dynamic,
        Some(Dynamic::Clusters)
    );
    assert_eq!(
        complete(&words(&["-n", "team", "stop", "hi"])).dynamic,
        Some(Dynamic::Clusters)
    );
    assert_eq!(
        complete(&words(&["show", "ha", ""])).dynamic,
        Some(Dynamic::Clusters)
    );
    assert_eq!(
        complete(&words(&["show", "user", "app", "-c", ""])).dynamic,
        Some(Dynamic::Clusters)
    );
    // show takes a NAME or a subcommand: both are offered.
    let show = complete(&words(&["show", ""]));
    assert_eq!(show.dynamic, Some(Dynamic::Clusters));
    assert!(names(&show).contains(&"ha"));
    // After the NAME, nothing more.
    assert_eq!(complete(&words(&["scale", "hippo", ""])).dynamic, None);
}

#[test]
fn flags_and_their_values() {
    let c = complete(&words(&["scale", "hippo", "--"]));
    assert!(names(&c).contains(&"--replicas"));
    assert!(
        names(&c).contains(&"--namespace"),
        "global flags are offered too"
    );
    assert_eq!(
        names(&complete(&words(&["show", "hippo", "-o", ""]))),
        vec!["table", "json", "yaml"]
    );
    assert_eq!(
        names(&complete(&words(&["switchover", "h", "--type", "F"]))),
        vec!["Failover"]
    );
    assert_eq!(
        complete(&words(&["-n", ""])).dynamic,
        Some(Dynamic::Namespaces)
    );
    assert_eq!(
        complete(&words(&["--kubeconfig", ""])).directive,
        DIRECTIVE_DEFAULT
    );
}

#[test]
fn create_aliases_descend() {
    let c = complete(&words(&["create", "cluster", "h", "--pg"]));
    assert_eq!(names(&c), vec!["--pg-version", "--pgbouncer"]);
}

#[test]
fn create_name_is_new_and_show_name_is_looked_up() {
    assert_eq!(complete(&words(&["create", "cluster", ""])).dynamic, None);
    assert_eq!(
        complete(&words(&["create", "cluster", "h", "--instance-set", ""])).dynamic,
        None
    );
}

#[test]
fn values_that_belong_to_a_cluster() {
    let d = |w: &[&str]| complete(&words(w)).dynamic;
    assert_eq!(
        d(&["switchover", "hippo", "--to", ""]),
        Some(Dynamic::Instances("hippo".into()))
    );
    assert_eq!(
        d(&["scale", "hippo", "--instance-set", "i"]),
        Some(Dynamic::Sets("hippo".into()))
    );
    assert_eq!(
        d(&["backup", "hippo", "--repoName", ""]),
        Some(Dynamic::Repos("hippo".into()))
    );
    assert_eq!(
        d(&["restore", "-n", "t", "hippo", "--options", "--set=2024"]),
        Some(Dynamic::BackupLabels("hippo".into()))
    );
    // No NAME yet: nothing to look up.
    assert_eq!(d(&["switchover", "--to", ""]), None);
}

#[test]
fn flag_equals_value_keeps_the_flag() {
    let c = complete(&words(&["show", "hippo", "--output=j"]));
    assert_eq!(names(&c), vec!["json"]);
    assert_eq!(c.insert, "--output=");
    assert_eq!(
        crate::completion::complete::render(&c),
        "--output=json\tJSON\n:4\n"
    );
    let c = complete(&words(&["restore", "hippo", "--options=--set="]));
    assert_eq!(c.insert, "--options=--set=");
    assert_eq!(c.dynamic, Some(Dynamic::BackupLabels("hippo".into())));
    let ns = complete(&words(&["--namespace=te"]));
    assert_eq!(
        (ns.dynamic, ns.prefix.as_str()),
        (Some(Dynamic::Namespaces), "te")
    );
}

/// Every command's `-h` and `--help` end with examples.
#[test]
fn every_subcommand_help_has_examples() {
    fn walk(cmd: &mut clap::Command, path: String, seen: &mut Vec<String>) {
        let short = cmd.render_help().to_string();
        let long = cmd.render_long_help().to_string();
        for (kind, text) in [("-h", &short), ("--help", &long)] {
            assert!(
                text.contains("Examples:\n  "),
                "`{path} {kind}` has no examples:\n{text}"
            );
        }
        // The examples run this very command (by its name or an alias).
        let examples = long.split("Examples:\n").nth(1).unwrap_or("");
        let (parent, _) = path.rsplit_once(' ').unwrap_or(("", &path));
        let spellings: Vec<String> = if seen.is_empty() {
            vec![path.clone()]
        } else {
            std::iter::once(cmd.get_name())
                .chain(cmd.get_all_aliases())
                .map(|n| format!("{parent} {n}"))
                .collect()
        };
        let runs_it = examples.lines().any(|l| {
            let l = l.trim().replace("kubectl-pgo", "kubectl pgo");
            spellings.iter().any(|s| {
                l == *s || l.starts_with(&format!("{s} ")) || l.contains(&format!("<({s} "))
            })
        });
        assert!(runs_it, "no example of `{path}` runs it:\n{examples}");
        seen.push(path.clone());
        for sub in cmd.get_subcommands_mut().filter(|s| s.get_name() != "help") {
            let name = format!("{path} {}", sub.get_name());
            walk(sub, name, seen);
        }
    }
    let mut root = Cli::command();
    root.build();
    let mut seen = Vec::new();
    walk(&mut root, "kubectl pgo".into(), &mut seen);
    // The tree really was walked, nested commands included.
    for path in [
        "kubectl pgo start",
        "kubectl pgo show user",
        "kubectl pgo create postgrescluster",
        "kubectl pgo delete postgrescluster",
        "kubectl pgo restore disable",
        "kubectl pgo support export",
    ] {
        assert!(
            seen.iter().any(|p| p == path),
            "{path} not visited: {seen:?}"
        );
    }
}

#[test]
fn kubectl_global_flags_are_offered_everywhere() {
    for w in [
        &["--"][..],
        &["show", "hippo", "--"],
        &["restore", "h", "--"],
    ] {
        let c = complete(&words(w));
        for flag in ["--as", "--as-group", "--request-timeout"] {
            assert!(names(&c).contains(&flag), "{flag} after {w:?}");
        }
    }
    // Their values are free text: no files, no names from the API.
    for flag in ["--as", "--as-group", "--request-timeout"] {
        let c = complete(&words(&["show", flag, ""]));
        assert_eq!(
            (c.dynamic, c.directive),
            (None, DIRECTIVE_NO_FILE),
            "{flag}"
        );
        assert!(c.items.is_empty(), "{flag}");
    }
    // A value given to them does not count as the cluster's NAME.
    assert_eq!(
        complete(&words(&[
            "--as",
            "jane",
            "scale",
            "--request-timeout",
            "5s",
            ""
        ]))
        .dynamic,
        Some(Dynamic::Clusters)
    );
}

#[test]
fn global_flags_parse_after_the_verb() {
    use clap::Parser;
    let cli = Cli::try_parse_from([
        "kubectl-pgo",
        "show",
        "hippo",
        "--as",
        "jane",
        "--as-group",
        "dev",
        "--as-group",
        "ops",
        "--request-timeout",
        "1m",
    ])
    .unwrap();
    assert_eq!(cli.global.as_user.as_deref(), Some("jane"));
    assert_eq!(cli.global.as_group, ["dev", "ops"]);
    assert_eq!(
        cli.global.timeout(),
        Some(std::time::Duration::from_secs(60))
    );
}

#[test]
fn crunchys_spellings_complete() {
    let d = |w: &[&str]| complete(&words(w)).dynamic;
    let restore = complete(&words(&["restore", ""]));
    assert!(names(&restore).contains(&"disable"));
    assert_eq!(restore.dynamic, Some(Dynamic::Clusters));
    assert_eq!(d(&["restore", "disable", ""]), Some(Dynamic::Clusters));
    let delete = complete(&words(&["delete", ""]));
    assert!(names(&delete).contains(&"postgrescluster"));
    assert_eq!(delete.dynamic, Some(Dynamic::Clusters));
    assert_eq!(
        d(&["delete", "postgrescluster", "h"]),
        Some(Dynamic::Clusters)
    );
    assert_eq!(
        d(&["show", "backup", "hippo", "--repoName", ""]),
        Some(Dynamic::Repos("hippo".into()))
    );
    assert_eq!(d(&["support", "export", ""]), Some(Dynamic::Clusters));
    assert_eq!(
        names(&complete(&words(&["support", "export", "hippo", "--m"]))),
        vec!["--max-size"]
    );
    // create's NAME is new, whichever spelling.
    assert_eq!(d(&["create", "postgresclusters", ""]), None);
}
