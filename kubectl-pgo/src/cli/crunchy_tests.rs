//! Crunchy's `kubectl pgo` spellings: each parses to what the native command does (the same
//! manifest, the same fields applied, the same request).

use clap::Parser;
use serde_json::json;

use super::{Cli, Command};
use crate::cmds::{backup, create, restore, shutdown};

fn parse(line: &str) -> Command {
    let words = std::iter::once("kubectl-pgo").chain(line.split(' '));
    match Cli::try_parse_from(words) {
        Ok(cli) => cli.command,
        Err(e) => panic!("`{line}`: {e}"),
    }
}

fn manifest(line: &str) -> serde_json::Value {
    let Command::Create(args) = parse(line) else {
        panic!("`{line}` is not create")
    };
    let pc = create::manifest_of(&args.into_cluster_args()).unwrap();
    serde_json::to_value(pc).unwrap()
}

#[test]
fn create_postgrescluster_with_crunchys_flags() {
    let crunchy = manifest("create postgrescluster hippo --pg-major-version 15 --disable-backups");
    assert_eq!(
        crunchy,
        manifest("create cluster hippo --pg-version 15 --no-backups")
    );
    assert!(crunchy["spec"].get("backups").is_none(), "{crunchy}");
    assert_eq!(
        manifest("create postgresclusters hippo --pg-major-version=15"),
        manifest("create hippo")
    );
}

#[test]
fn delete_postgrescluster() {
    let name = |line: &str| match parse(line) {
        Command::Delete(a) => a.cluster(),
        _ => panic!("`{line}` is not delete"),
    };
    assert_eq!(name("delete postgrescluster hippo"), "hippo");
    assert_eq!(name("delete postgrescluster hippo"), name("delete hippo"));
    assert_eq!(name("delete postgresclusters hippo --yes"), "hippo");
}

fn backup_fields(line: &str) -> serde_json::Value {
    let Command::Backup(a) = parse(line) else {
        panic!("`{line}` is not backup")
    };
    backup::fields(a.repo_name.as_deref().unwrap_or("repo1"), &a.options, "T")
}

#[test]
fn backup_with_repo_name_and_options() {
    // `--options="--type=full"` reaches us as `--options=--type=full`.
    let crunchy = backup_fields("backup hippo --repoName repo1 --options=--type=full");
    assert_eq!(
        crunchy,
        backup_fields("backup hippo --repoName=repo1 --options --type=full")
    );
    assert_eq!(
        crunchy["spec"]["backups"]["pgbackrest"]["manual"],
        json!({"repoName": "repo1", "options": ["--type=full"]})
    );
}

fn restore_request(line: &str) -> restore::Request {
    match parse(line) {
        Command::Restore(a) => a.request(),
        _ => panic!("`{line}` is not restore"),
    }
}

fn cluster_with_restore() -> pgo_api::PostgresCluster {
    serde_json::from_value(json!({
        "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
        "kind": "PostgresCluster",
        "metadata": {"name": "hippo"},
        "spec": {"postgresVersion": 15, "instances": [], "backups": {"pgbackrest": {
            "repos": [{"name": "repo1"}],
            "restore": {"enabled": true, "repoName": "repo1", "options": ["--type=time"]}
        }}}
    }))
    .unwrap()
}

#[test]
fn restore_with_repo_name_and_options() {
    let req = restore_request("restore hippo --repoName repo1 --options=--type=time");
    assert_eq!(req.repo_name.as_deref(), Some("repo1"));
    assert_eq!(req.options, ["--type=time"]);
    let (fields, _) = restore::plan(&req, &cluster_with_restore(), "T")
        .unwrap()
        .unwrap();
    assert_eq!(
        fields,
        restore::fields(true, "repo1", &req.options, Some("T"))
    );
}

#[test]
fn restore_disable_is_restore_dash_dash_disable() {
    let crunchy = restore_request("restore disable hippo");
    let native = restore_request("restore hippo --disable");
    assert_eq!(crunchy, native);
    let live = cluster_with_restore();
    let plan = restore::plan(&crunchy, &live, "T").unwrap();
    assert_eq!(plan, restore::plan(&native, &live, "T").unwrap());
    let (fields, message) = plan.unwrap();
    assert_eq!(
        fields["spec"]["backups"]["pgbackrest"]["restore"]["enabled"],
        json!(false)
    );
    assert!(fields.get("metadata").is_none(), "no restore is triggered");
    assert_eq!(message, "postgrescluster/hippo restores disabled");
    assert!(
        restore_request("restore disable hippo --force-conflicts").force_conflicts,
        "--force-conflicts is taken after `disable` too"
    );
}

#[test]
fn restore_still_needs_a_name_and_a_repo() {
    for line in ["restore", "restore hippo", "restore disable"] {
        let words = std::iter::once("kubectl-pgo").chain(line.split(' '));
        let err = Cli::try_parse_from(words).unwrap_err();
        assert_eq!(err.exit_code(), 2, "`{line}`: {err}");
    }
}

#[test]
fn show_backup_with_repo_name() {
    for line in [
        "show backup hippo --repoName repo1",
        "show backups hippo --repoName=repo1",
    ] {
        match parse(line) {
            Command::Show(a) => match a.what {
                Some(crate::cmds::show::What::Backup { name, repo_name }) => {
                    assert_eq!(
                        (name.as_str(), repo_name.as_deref()),
                        ("hippo", Some("repo1"))
                    )
                }
                w => panic!("`{line}`: {w:?}"),
            },
            _ => panic!("`{line}` is not show"),
        }
    }
}

#[test]
fn stop_and_start() {
    for (line, shutdown) in [("stop hippo", true), ("start hippo", false)] {
        let name = match parse(line) {
            Command::Stop(a) | Command::Start(a) => a.name,
            _ => panic!("`{line}`"),
        };
        assert_eq!(name, "hippo");
        assert_eq!(
            shutdown::fields(shutdown),
            json!({"spec": {"shutdown": shutdown}})
        );
    }
}
