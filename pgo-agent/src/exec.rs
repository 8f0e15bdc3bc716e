//! Actions inside the primary's `database` container, as PGO does them: users and databases
//! through psql, Patroni's dynamic configuration and switchovers through patronictl.
//!
//! SQL travels on stdin, never in argv (where `ps` in the container would show the SCRAM
//! verifiers it holds; it never holds passwords). Kubernetes before 1.29 cannot close stdin
//! over exec, so the command gets the input's length and reads exactly that many bytes
//! (`head -c`). Other input (pod names, Patroni's configuration) is an argument, `$1`.

use k8s_openapi::api::core::v1::Pod;
use kube::api::AttachParams;
use kube::{Api, Client};
use pgo_api::names::CONTAINER_DATABASE;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to exec {what} in pod {pod}: {source}")]
    Exec {
        what: &'static str,
        pod: String,
        source: kube::Error,
    },
    #[error("{what} in pod {pod} failed: {stderr}")]
    Failed {
        what: &'static str,
        pod: String,
        stderr: String,
    },
    #[error("{what} in pod {pod} timed out")]
    Timeout { what: &'static str, pod: String },
}

/// Runs `script` with bash in the `database` container, with `arg` as `$1`. Returns stdout.
pub async fn run(
    client: &Client,
    namespace: &str,
    pod: &str,
    what: &'static str,
    script: &str,
    arg: &str,
) -> Result<String, Error> {
    run_in(
        client,
        namespace,
        pod,
        CONTAINER_DATABASE,
        what,
        script,
        arg,
        Duration::from_secs(60),
    )
    .await
}

/// Runs `script` with bash in `container`, with `arg` as `$1`. Returns stdout.
#[allow(clippy::too_many_arguments)]
pub async fn run_in(
    client: &Client,
    namespace: &str,
    pod: &str,
    container: &str,
    what: &'static str,
    script: &str,
    arg: &str,
    timeout: Duration,
) -> Result<String, Error> {
    exec_in(
        client, namespace, pod, container, what, script, arg, None, timeout,
    )
    .await
}

/// Runs `script` with bash in `container`; with `input`, that goes to its stdin and `$1` is
/// its length in bytes (read it with `head -c "$1"`).
#[allow(clippy::too_many_arguments)]
async fn exec_in(
    client: &Client,
    namespace: &str,
    pod: &str,
    container: &str,
    what: &'static str,
    script: &str,
    arg: &str,
    input: Option<&[u8]>,
    timeout: Duration,
) -> Result<String, Error> {
    use tokio::io::AsyncWriteExt;
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let len = input.map(|i| i.len().to_string());
    let cmd = vec!["bash", "-ceu", script, "--", len.as_deref().unwrap_or(arg)];
    let params = AttachParams::default()
        .container(container)
        .stdin(input.is_some())
        .stdout(true)
        .stderr(true);
    let fut = async {
        let mut attached = api
            .exec(pod, cmd, &params)
            .await
            .map_err(|source| Error::Exec {
                what,
                pod: pod.into(),
                source,
            })?;
        // Kept open until the command ended: closing it is not something 1.20 can pass on.
        let mut stdin = attached.stdin();
        if let (Some(w), Some(bytes)) = (stdin.as_mut(), input) {
            let sent = async {
                w.write_all(bytes).await?;
                w.flush().await
            };
            sent.await.map_err(|e| Error::Failed {
                what,
                pod: pod.into(),
                stderr: format!("could not send the input: {e}"),
            })?;
        }
        let output = pgo_kube::collect(attached).await;
        drop(stdin);
        let ok = output.succeeded();
        let (stdout, stderr, status) = (output.stdout, output.stderr, output.status);
        if ok {
            Ok(stdout)
        } else {
            let msg = status.and_then(|s| s.message).unwrap_or_default();
            Err(Error::Failed {
                what,
                pod: pod.into(),
                stderr: format!("{} {}", stderr.trim(), msg).trim().to_string(),
            })
        }
    };
    tokio::time::timeout(timeout, fut)
        .await
        .map_err(|_| Error::Timeout {
            what,
            pod: pod.into(),
        })?
}

/// Runs SQL with psql as the superuser over the local socket, stopping at the first error.
pub async fn psql(
    client: &Client,
    namespace: &str,
    pod: &str,
    what: &'static str,
    sql: &str,
) -> Result<String, Error> {
    exec_in(
        client,
        namespace,
        pod,
        CONTAINER_DATABASE,
        what,
        r#"head -c "$1" | psql -X -q -v ON_ERROR_STOP=1 -d postgres -f -"#,
        "",
        Some(sql.as_bytes()),
        Duration::from_secs(60),
    )
    .await
}

/// Runs SQL with psql as the superuser in every database that takes connections (template1
/// included, so databases made from it later have the same), stopping at the first error. The
/// SQL goes on stdin, as with [`psql`]; database names go through `PGDATABASE`, never parsed as
/// connection strings.
pub async fn psql_every_database(
    client: &Client,
    namespace: &str,
    pod: &str,
    what: &'static str,
    sql: &str,
) -> Result<String, Error> {
    exec_in(
        client,
        namespace,
        pod,
        CONTAINER_DATABASE,
        what,
        r#"set -o pipefail
sql=$(head -c "$1"; printf x); sql=${sql%x}
psql -X -A -t -0 -d postgres -c "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn ORDER BY 1" |
while IFS= read -r -d '' db || [[ -n $db ]]; do
    [[ -n $db ]] || continue
    printf '%s' "$sql" | PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -f - || { echo "in database $db" >&2; exit 1; }
done"#,
        "",
        Some(sql.as_bytes()),
        Duration::from_secs(120),
    )
    .await
}

/// Whether `member` (a pod name: Patroni's `application_name`) streams from the primary `pod`.
pub async fn streams_from(
    client: &Client,
    namespace: &str,
    pod: &str,
    member: &str,
) -> Result<bool, Error> {
    let out = run(
        client,
        namespace,
        pod,
        "pg_stat_replication",
        r#"printf '%s\n' "SELECT count(*) FROM pg_stat_replication WHERE application_name = :'member' AND state = 'streaming'" | psql -X -Atq -v member="$1" -d postgres -f -"#,
        member,
    )
    .await?;
    Ok(out.trim() == "1")
}

/// Replaces Patroni's dynamic configuration.
pub async fn replace_dcs_config(
    client: &Client,
    namespace: &str,
    pod: &str,
    config: &serde_json::Value,
) -> Result<(), Error> {
    run(
        client,
        namespace,
        pod,
        "patronictl edit-config",
        r#"printf '%s' "$1" | patronictl edit-config --replace - --force --quiet >/dev/null"#,
        &config.to_string(),
    )
    .await
    .map(|_| ())
}

/// Asks Patroni for a switchover (or failover) to `candidate`, a pod name.
pub async fn switchover(
    client: &Client,
    namespace: &str,
    pod: &str,
    candidate: Option<&str>,
    failover: bool,
) -> Result<String, Error> {
    let verb = if failover { "failover" } else { "switchover" };
    let script = format!(
        r#"if [ -n "$1" ]; then exec patronictl {verb} --force --candidate "$1"; else exec patronictl {verb} --force; fi"#
    );
    let out = run(
        client,
        namespace,
        pod,
        "patronictl switchover",
        &script,
        candidate.unwrap_or(""),
    )
    .await?;
    // patronictl exits 0 when the switchover failed, too; its words tell.
    if out.contains("failed") || out.contains("Could not switchover") {
        return Err(Error::Failed {
            what: "patronictl switchover",
            pod: pod.into(),
            stderr: out.lines().last().unwrap_or_default().trim().to_string(),
        });
    }
    Ok(out)
}

/// Restarts Postgres on the member `pod` through Patroni, only if Patroni itself still sees
/// a restart pending there (so a stale status annotation never causes a second restart).
/// Returns whether it restarted.
pub async fn restart_pending(
    client: &Client,
    namespace: &str,
    pod: &str,
    scope: &str,
) -> Result<bool, Error> {
    const NOT_PENDING: &str = "restart conditions are not satisfied";
    let out = match run(
        client,
        namespace,
        pod,
        "patronictl restart",
        r#"exec patronictl restart --force --pending "$1" "$(hostname)""#,
        scope,
    )
    .await
    {
        Err(Error::Failed { stderr, .. }) if stderr.contains(NOT_PENDING) => return Ok(false),
        other => other?,
    };
    // patronictl exits 0 when the restart failed, too; its words tell.
    if out.contains(NOT_PENDING) {
        return Ok(false);
    }
    if out.contains("Failed") || out.contains("failed") {
        return Err(Error::Failed {
            what: "patronictl restart",
            pod: pod.into(),
            stderr: out.lines().last().unwrap_or_default().trim().to_string(),
        });
    }
    Ok(true)
}

/// `pgo-agent exec`: runs a command in a container of a pod of this namespace, copies its
/// output to ours as it comes, and returns its exit code. Backup Jobs use it to run
/// `pgbackrest backup` in the repository host.
pub async fn stream(
    client: &Client,
    namespace: &str,
    pod: &str,
    container: &str,
    command: &[String],
) -> anyhow::Result<i32> {
    use tokio::io::AsyncWriteExt;
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let params = AttachParams::default()
        .container(container)
        .stdin(false)
        .stdout(true)
        .stderr(true);
    let mut attached = api.exec(pod, command.to_vec(), &params).await?;
    let out = attached.stdout();
    let err = attached.stderr();
    let status = attached.take_status();
    let copy_out = async {
        if let Some(mut o) = out {
            let _ = tokio::io::copy(&mut o, &mut tokio::io::stdout()).await;
        }
    };
    let copy_err = async {
        if let Some(mut e) = err {
            let _ = tokio::io::copy(&mut e, &mut tokio::io::stderr()).await;
        }
    };
    tokio::join!(copy_out, copy_err);
    let _ = tokio::io::stdout().flush().await;
    let status = match status {
        Some(s) => s.await,
        None => None,
    };
    let _ = attached.join().await;
    let Some(status) = status else {
        anyhow::bail!("the exec in pod {pod} ended without a status");
    };
    if status.status.as_deref() == Some("Success") {
        return Ok(0);
    }
    let code = status
        .details
        .as_ref()
        .and_then(|d| d.causes.as_ref())
        .and_then(|c| c.iter().find(|c| c.reason.as_deref() == Some("ExitCode")))
        .and_then(|c| c.message.as_ref())
        .and_then(|m| m.parse().ok())
        .unwrap_or(1);
    eprintln!("{}", status.message.unwrap_or_default());
    Ok(code)
}
