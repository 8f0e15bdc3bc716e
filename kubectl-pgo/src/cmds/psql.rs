//! `psql NAME [--replica | --instance I] [--user U] [--dbname D] [-- PSQL ARGS]`: psql in the
//! `database` container of the right pod, through `kubectl exec`, with a terminal when there is
//! one. It connects as the superuser over the pod's local socket (peer authentication, so no
//! password is needed, read or shown) and, with `--user`, takes that user's role: the session has
//! the user's privileges. Without a terminal, stdin goes to psql, so scripts can pipe SQL or use
//! `-- -c "..."`. The exit code is psql's.

use std::io::IsTerminal;
use std::process::Command;

use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use pgo_api::names::{labels, CONTAINER_DATABASE};
use pgo_api::PostgresCluster;

use crate::common::cluster::check_cluster_name;
use crate::common::edit;
use crate::common::error::Error;
use crate::exec::{cluster_pods, pod_running};
use crate::global::GlobalArgs;

const ACTION: &str = "open psql in";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,

    /// Connect to a replica instead of the primary (read-only).
    #[arg(long, conflicts_with = "instance")]
    pub replica: bool,

    /// Connect to this instance (`<cluster>-<set>-<suffix>`, or its pod `…-0`).
    #[arg(long, value_name = "INSTANCE")]
    pub instance: Option<String>,

    /// Take this user's role, and connect to its first database unless --dbname says otherwise.
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,

    /// The database (default: the user's first database, else postgres).
    #[arg(long, short = 'd', value_name = "DATABASE")]
    pub dbname: Option<String>,

    /// Arguments for psql itself, after `--`: e.g. -- -c "select 1" -At.
    #[arg(last = true, value_name = "PSQL ARGS")]
    pub psql_args: Vec<String>,
}

/// Which pod: the one asked for, else the running primary, or a running replica.
pub fn pick<'a>(
    pods: &'a [Pod],
    cluster: &str,
    replica: bool,
    instance: Option<&str>,
) -> Result<&'a Pod, String> {
    let role = |p: &Pod| p.labels().get(labels::ROLE).cloned();
    let running: Vec<&Pod> = pods.iter().filter(|p| pod_running(p)).collect();
    if let Some(i) = instance {
        let pod = i.strip_suffix("-0").unwrap_or(i);
        return running
            .iter()
            .find(|p| p.labels().get(labels::INSTANCE).map(String::as_str) == Some(pod))
            .copied()
            .ok_or_else(|| {
                let names: Vec<String> = running
                    .iter()
                    .filter_map(|p| p.labels().get(labels::INSTANCE).cloned())
                    .collect();
                format!(
                    "invalid --instance {i:?}: no running instance of {cluster:?} has that name; running: {}",
                    if names.is_empty() { "none".to_string() } else { names.join(", ") }
                )
            });
    }
    let found = if replica {
        running
            .iter()
            .find(|p| role(p).as_deref() == Some("replica"))
    } else {
        running
            .iter()
            .find(|p| labels::is_leader_role(role(p).as_deref()))
    };
    found.copied().ok_or_else(|| {
        format!(
            "no running {} of cluster {cluster:?} (kubectl pgo show {cluster} lists its instances)",
            if replica { "replica" } else { "primary" }
        )
    })
}

/// A user or database name: what Postgres and PGO allow in `spec.users`, so it needs no
/// quoting in an option value.
fn check_identifier(flag: &str, v: &str) -> Result<(), String> {
    let ok = !v.is_empty()
        && v.len() <= 63
        && v.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid {flag} {v:?}: use a name as spec.users has it (lowercase letters, digits, _ and -, at most 63)"
        ))
    }
}

/// The database to connect to: --dbname, else the user's first database in the spec (PGO's
/// default user, named after the cluster, has the database of the same name), else postgres.
pub fn database(pc: &PostgresCluster, user: Option<&str>, dbname: Option<&str>) -> String {
    if let Some(d) = dbname {
        return d.to_string();
    }
    let Some(user) = user else {
        return "postgres".into();
    };
    match &pc.spec.users {
        Some(users) => users
            .iter()
            .find(|u| u.name == user)
            .and_then(|u| u.databases.as_ref())
            .and_then(|d| d.first().cloned())
            .unwrap_or_else(|| "postgres".into()),
        None if user == pc.name_any() => user.to_string(),
        None => "postgres".into(),
    }
}

/// The kubectl arguments: the global flags kubectl knows, then the exec.
pub fn kubectl_args(
    global: &GlobalArgs,
    namespace: &str,
    pod: &str,
    tty: bool,
    user: Option<&str>,
    database: &str,
    psql_args: &[String],
) -> Vec<String> {
    let mut a: Vec<String> = Vec::new();
    if let Some(k) = &global.kubeconfig {
        a.push(format!("--kubeconfig={}", k.display()));
    }
    if let Some(c) = &global.context {
        a.push(format!("--context={c}"));
    }
    if let Some(u) = &global.as_user {
        a.push(format!("--as={u}"));
    }
    for g in &global.as_group {
        a.push(format!("--as-group={g}"));
    }
    a.extend(["exec".into(), "-n".into(), namespace.into(), "-i".into()]);
    if tty {
        a.push("-t".into());
    }
    a.extend([
        pod.into(),
        "-c".into(),
        CONTAINER_DATABASE.into(),
        "--".into(),
    ]);
    if let Some(u) = user {
        // The superuser takes the user's role at connection start: no password involved.
        a.extend(["env".into(), format!("PGOPTIONS=-c role={u}")]);
    }
    a.extend(["psql".into(), "-d".into(), database.into()]);
    a.extend(psql_args.iter().cloned());
    a
}

/// Runs psql and exits with its code; returns only on an error before psql started.
pub async fn run(args: Args, global: &GlobalArgs) -> Result<std::convert::Infallible, Error> {
    let name = &args.name;
    check_cluster_name(name).map_err(Error::Invalid)?;
    for (flag, v) in [("--user", &args.user), ("--dbname", &args.dbname)] {
        if let Some(v) = v {
            check_identifier(flag, v).map_err(Error::Invalid)?;
        }
    }
    let (ctx, live) = edit::read(global, name, ACTION).await?;
    let pods = cluster_pods(&ctx, name)
        .await
        .map_err(Error::api(ACTION, name))?;
    let pod = pick(&pods, name, args.replica, args.instance.as_deref()).map_err(Error::Invalid)?;
    let db = database(&live, args.user.as_deref(), args.dbname.as_deref());
    let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let argv = kubectl_args(
        global,
        &ctx.namespace,
        &pod.name_any(),
        tty,
        args.user.as_deref(),
        &db,
        &args.psql_args,
    );
    let kubectl = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
    let status = Command::new(&kubectl).args(&argv).status().map_err(|e| {
        Error::Invalid(format!(
            "cannot run {kubectl:?} ({e}): kubectl pgo psql runs `kubectl exec`; put kubectl on PATH or set KUBECTL"
        ))
    })?;
    std::process::exit(status.code().unwrap_or(1));
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::PodStatus;
    use kube::api::ObjectMeta;

    fn pod(instance: &str, role: &str, phase: &str) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(format!("{instance}-0")),
                labels: Some(
                    [
                        (labels::INSTANCE.to_string(), instance.to_string()),
                        (labels::ROLE.to_string(), role.to_string()),
                    ]
                    .into(),
                ),
                ..Default::default()
            },
            status: Some(PodStatus {
                phase: Some(phase.into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn the_primary_by_default_a_replica_when_asked_an_instance_by_name_or_pod() {
        let pods = [
            pod("hippo-instance1-aaaa", "replica", "Running"),
            pod("hippo-instance1-bbbb", "master", "Running"),
            pod("hippo-instance1-cccc", "replica", "Pending"),
        ];
        let name = |p: &Pod| p.name_any();
        assert_eq!(
            name(pick(&pods, "hippo", false, None).unwrap()),
            "hippo-instance1-bbbb-0"
        );
        assert_eq!(
            name(pick(&pods, "hippo", true, None).unwrap()),
            "hippo-instance1-aaaa-0"
        );
        for i in ["hippo-instance1-aaaa", "hippo-instance1-aaaa-0"] {
            assert_eq!(
                name(pick(&pods, "hippo", false, Some(i)).unwrap()),
                "hippo-instance1-aaaa-0"
            );
        }
        let err = pick(&pods, "hippo", false, Some("hippo-instance1-cccc")).unwrap_err();
        assert!(
            err.contains("--instance") && err.contains("hippo-instance1-aaaa"),
            "{err}"
        );
        let none = pick(&pods[..1], "hippo", false, None).unwrap_err();
        assert!(none.contains("no running primary"), "{none}");
    }

    #[test]
    fn the_database_follows_the_user() {
        let mut pc = PostgresCluster::new("hippo", Default::default());
        assert_eq!(database(&pc, None, None), "postgres");
        assert_eq!(
            database(&pc, Some("hippo"), None),
            "hippo",
            "PGO's default user"
        );
        assert_eq!(database(&pc, Some("other"), None), "postgres");
        pc.spec.users = Some(vec![pgo_api::cluster::PostgresUserSpec {
            name: "app".into(),
            databases: Some(vec!["shop".into(), "b".into()]),
            ..Default::default()
        }]);
        assert_eq!(database(&pc, Some("app"), None), "shop");
        assert_eq!(database(&pc, Some("app"), Some("b")), "b");
    }

    #[test]
    fn kubectl_gets_the_globals_a_terminal_only_with_one_and_never_a_password() {
        let global = GlobalArgs {
            kubeconfig: Some("/k".into()),
            context: Some("c".into()),
            ..Default::default()
        };
        let args = ["-c".to_string(), "select 1".to_string()];
        let a = kubectl_args(
            &global,
            "ns",
            "hippo-instance1-bbbb-0",
            false,
            Some("app"),
            "shop",
            &args,
        );
        assert_eq!(
            a.join(" "),
            "--kubeconfig=/k --context=c exec -n ns -i hippo-instance1-bbbb-0 -c database -- \
             env PGOPTIONS=-c role=app psql -d shop -c select 1"
        );
        let t = kubectl_args(
            &GlobalArgs::default(),
            "ns",
            "p",
            true,
            None,
            "postgres",
            &[],
        );
        assert_eq!(
            t.join(" "),
            "exec -n ns -i -t p -c database -- psql -d postgres"
        );
    }

    #[test]
    fn names_that_would_need_quoting_are_refused() {
        assert!(check_identifier("--user", "app_1-x").is_ok());
        for bad in ["", "App", "a b", "a;drop", "1a", "a'b"] {
            let e = check_identifier("--user", bad).unwrap_err();
            assert!(e.starts_with("invalid --user"), "{e}");
        }
    }
}
