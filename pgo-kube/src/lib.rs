//! Kubernetes I/O that the agent and `kubectl pgo` share. Small on purpose: what is pure lives
//! in `pgo-api`.
#![forbid(unsafe_code)]

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use kube::api::AttachedProcess;
use tokio::io::AsyncReadExt;

/// What an exec printed, and the status the API server reported when it ended.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    /// `None` when the connection ended without a status.
    pub status: Option<Status>,
}

impl Output {
    /// Whether the command exited 0 (no status at all counts as success, as kubectl does).
    pub fn succeeded(&self) -> bool {
        self.status
            .as_ref()
            .is_none_or(|s| s.status.as_deref() == Some("Success"))
    }
}

/// Reads stdout and stderr of an exec together (either may fill its buffer first) until the
/// command ends, then its status.
pub async fn collect(mut attached: AttachedProcess) -> Output {
    let mut out = Output::default();
    let stdout = attached.stdout();
    let stderr = attached.stderr();
    let status = attached.take_status();
    let read_out = async {
        if let Some(mut s) = stdout {
            let _ = s.read_to_string(&mut out.stdout).await;
        }
    };
    let read_err = async {
        if let Some(mut s) = stderr {
            let _ = s.read_to_string(&mut out.stderr).await;
        }
    };
    tokio::join!(read_out, read_err);
    out.status = match status {
        Some(s) => s.await,
        None => None,
    };
    let _ = attached.join().await;
    out
}
