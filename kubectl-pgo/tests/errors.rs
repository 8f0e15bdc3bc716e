//! Every verb fails with one `error:` line (and at most a `hint:` under it), a non-zero exit
//! and no Rust debug output. Needs no cluster: the API server is a closed port.

use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-pgo");

fn kubeconfig() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kpgo-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n\
         contexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: x}\n",
    )
    .unwrap();
    path
}

fn check(args: &str, code: i32, kubeconfig: &std::path::Path) {
    let out = Command::new(BIN)
        .args(args.split(' '))
        .env("KUBECONFIG", kubeconfig)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "`{args}`:\n{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines.first().is_some_and(|l| l.starts_with("error: ")),
        "`{args}`:\n{stderr}"
    );
    assert!(
        lines.len() == 1 || (lines.len() == 2 && lines[1].starts_with("  hint: ")),
        "`{args}`: more than an error and a hint:\n{stderr}"
    );
    for debug in [
        "panicked",
        "backtrace",
        "Error {",
        "Some(",
        "\\n",
        "os error 111) {",
    ] {
        assert!(!stderr.contains(debug), "`{args}`: {debug:?} in\n{stderr}");
    }
    assert!(out.stdout.is_empty(), "`{args}` printed on stdout");
}

#[test]
fn every_verb_fails_with_one_clear_line() {
    let kc = kubeconfig();
    // The API server cannot be reached: exit 1.
    for args in [
        "create cluster hippo",
        "scale hippo --replicas 2",
        "show hippo",
        "show ha hippo",
        "show user app -c hippo",
        "show backup hippo",
        "switchover hippo --to hippo-instance1-abcd",
        "start hippo",
        "stop hippo",
        "backup hippo",
        "restore hippo --repoName repo1 --yes",
        "delete hippo --yes",
        "delete postgrescluster hippo --yes",
        "restore disable hippo",
        "show backup hippo --repoName repo1",
        "support export hippo --file /nonexistent-kpgo/x.tar.gz",
        "version",
    ] {
        check(args, 1, &kc);
    }
    // Bad input, refused before any request: exit 2.
    for args in [
        "create cluster 1db",
        "create cluster hippo --replicas 2147483647",
        "scale hippo --replicas 0",
        "show",
        "show Bad_Name",
        "switchover hippo --type Failover",
        "start -bad",
        "stop Bad",
        "backup Bad",
        "restore hippo --repoName repo1",
        "delete hippo",
        "delete postgrescluster",
        "restore disable",
        "support export Bad",
        "support export hippo --max-size 0",
        "support export hippo --log-lines many",
        "show hippo --request-timeout 5x",
        "show hippo --request-timeout=-1s",
        "show hippo --as-group dev",
        "--as= show hippo",
    ] {
        check(args, 2, &kc);
    }
}
