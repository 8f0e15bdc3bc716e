//! Actions inside the primary's `database` container, as PGO does them: users and databases
//! through psql, Patroni's dynamic configuration and switchovers through patronictl.
//!
//! Input travels as a command argument, not stdin: Kubernetes before 1.29 has no way to close
//! stdin over exec. The SQL holds SCRAM verifiers, never passwords.

use k8s_openapi::api::core::v1::Pod;
use kube::api::AttachParams;
use kube::{Api, Client};
use pgo_api::names::CONTAINER_DATABASE;
use tokio::io::AsyncReadExt;

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
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let cmd = vec!["bash", "-ceu", script, "--", arg];
    let params = AttachParams::default()
        .container(CONTAINER_DATABASE)
        .stdin(false)
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
        let mut stdout = String::new();
        let mut stderr = String::new();
        let out = attached.stdout();
        let err = attached.stderr();
        let status = attached.take_status();
        let read_out = async {
            if let Some(mut o) = out {
                let _ = o.read_to_string(&mut stdout).await;
            }
        };
        let read_err = async {
            if let Some(mut e) = err {
                let _ = e.read_to_string(&mut stderr).await;
            }
        };
        tokio::join!(read_out, read_err);
        let status = match status {
            Some(s) => s.await,
            None => None,
        };
        let _ = attached.join().await;
        let ok = status
            .as_ref()
            .is_none_or(|s| s.status.as_deref() == Some("Success"));
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
    tokio::time::timeout(std::time::Duration::from_secs(60), fut)
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
    run(
        client,
        namespace,
        pod,
        what,
        r#"printf '%s' "$1" | psql -X -q -v ON_ERROR_STOP=1 -d postgres -f -"#,
        sql,
    )
    .await
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
    run(
        client,
        namespace,
        pod,
        "patronictl switchover",
        &script,
        candidate.unwrap_or(""),
    )
    .await
}
