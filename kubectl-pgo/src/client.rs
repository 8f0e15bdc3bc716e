//! Connecting to the API server as kubectl would, and turning API errors into messages that say
//! what went wrong and how to fix it.

use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config};
use pgo_api::PostgresCluster;

use crate::global::GlobalArgs;

/// A client and the namespace commands act in.
#[derive(Clone)]
pub struct Ctx {
    pub client: Client,
    pub namespace: String,
    /// The API server's URL, for error messages.
    pub server: String,
}

impl Ctx {
    /// Load the kubeconfig (`--kubeconfig`, else `$KUBECONFIG`, else `~/.kube/config`, else the
    /// in-cluster service account) and pick the context and namespace.
    pub async fn connect(global: &GlobalArgs, timeout: Option<Duration>) -> Result<Self, ApiError> {
        let options = KubeConfigOptions {
            context: global.context.clone(),
            ..Default::default()
        };
        let config = match &global.kubeconfig {
            Some(path) => {
                let kubeconfig = Kubeconfig::read_from(path).map_err(|e| ApiError::Kubeconfig {
                    detail: format!("cannot read {}: {e}", path.display()),
                })?;
                Config::from_custom_kubeconfig(kubeconfig, &options).await
            }
            None => match Kubeconfig::from_env() {
                Ok(Some(kubeconfig)) => Config::from_custom_kubeconfig(kubeconfig, &options).await,
                Ok(None) if global.context.is_none() => {
                    return Config::infer()
                        .await
                        .map_err(|e| ApiError::Kubeconfig {
                            detail: e.to_string(),
                        })
                        .and_then(|c| Self::from_config(c, global, timeout));
                }
                Ok(None) => Config::from_kubeconfig(&options).await,
                Err(e) => {
                    return Err(ApiError::Kubeconfig {
                        detail: format!("cannot read $KUBECONFIG: {e}"),
                    })
                }
            },
        }
        .map_err(|e| ApiError::Kubeconfig {
            detail: error_chain(&e),
        })?;
        Self::from_config(config, global, timeout)
    }

    fn from_config(
        mut config: Config,
        global: &GlobalArgs,
        timeout: Option<Duration>,
    ) -> Result<Self, ApiError> {
        overrides(&mut config, global, timeout);
        let namespace = global
            .namespace
            .clone()
            .unwrap_or_else(|| config.default_namespace.clone());
        let server = config.cluster_url.to_string();
        let client = Client::try_from(config).map_err(|e| ApiError::Kubeconfig {
            detail: error_chain(&e),
        })?;
        Ok(Ctx {
            client,
            namespace,
            server,
        })
    }

    pub fn clusters(&self) -> Api<PostgresCluster> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    /// Read a PostgresCluster, with a clear message when it is not there.
    pub async fn get_cluster(&self, name: &str) -> Result<PostgresCluster, ApiError> {
        self.clusters()
            .get(name)
            .await
            .map_err(|e| self.api_error(e, name))
    }

    /// Classify an error of a request about the PostgresCluster `name`.
    pub fn api_error(&self, e: kube::Error, name: &str) -> ApiError {
        classify(e, &self.server, "PostgresCluster", name, &self.namespace)
    }
}

/// The global flags' part of the config: impersonation (`--as`, `--as-group`, `--as-uid`
/// replace the kubeconfig's) and the request timeout (`--request-timeout`, or the caller's
/// own limit, whichever is shorter).
pub fn overrides(config: &mut Config, global: &GlobalArgs, timeout: Option<Duration>) {
    if let Some(user) = &global.as_user {
        config.auth_info.impersonate = Some(user.clone());
        config.auth_info.impersonate_groups =
            (!global.as_group.is_empty()).then(|| global.as_group.clone());
        config.auth_info.impersonate_uid = global.as_uid.clone();
    }
    let timeout = match (timeout, global.timeout()) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(t) = timeout {
        config.connect_timeout = Some(t);
        config.read_timeout = Some(t);
        config.write_timeout = Some(t);
        // Count from when the request is sent, not from when a pooled connection went idle.
        config.reset_reader_on_write = true;
    }
}

/// What can go wrong talking to the API server. All are runtime errors (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("cannot load the kubeconfig: {detail}\n  hint: pass --kubeconfig PATH or set KUBECONFIG, and check --context")]
    Kubeconfig { detail: String },

    #[error("cannot reach the Kubernetes API server at {server}: {detail}\n  hint: check that the cluster is running and that --kubeconfig/--context point at it")]
    Unreachable { server: String, detail: String },

    #[error("the Kubernetes API server at {server} did not answer in time: {detail}\n  hint: raise --request-timeout (e.g. 30s, 2m; 0 for no limit), or check the connection")]
    TimedOut { server: String, detail: String },

    #[error("{kind} {name:?} not found in namespace {namespace:?}\n  hint: list them with `kubectl get postgresclusters -n {namespace}`, or pass -n NAMESPACE")]
    NotFound {
        kind: String,
        name: String,
        namespace: String,
    },

    #[error("the PostgresCluster API (postgresclusters.{group}) is not installed in this cluster\n  hint: install the CRD, e.g. `pgo-agent crd | kubectl apply -f -`", group = pgo_api::names::GROUP)]
    CrdMissing,

    #[error("forbidden: {message}\n  hint: ask your cluster administrator for the RBAC permission, or use another --context")]
    Forbidden { message: String },

    #[error("{kind} {name:?} already exists in namespace {namespace:?}\n  hint: pick another name, or change it with `kubectl pgo scale`/`kubectl edit`")]
    AlreadyExists {
        kind: String,
        name: String,
        namespace: String,
    },

    #[error("{}", conflict_message(.0))]
    Conflict(Vec<FieldConflict>),

    #[error(
        "the object changed while it was being edited: {message}\n  hint: run the command again"
    )]
    Changed { message: String },

    #[error("the API server rejected the change: {message}")]
    Invalid { message: String },

    #[error("the API server answered {code} {reason}: {message}")]
    Api {
        code: u16,
        reason: String,
        message: String,
    },

    #[error("{0}")]
    Other(String),
}

/// A field another field manager owns, from a server-side apply conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldConflict {
    pub field: String,
    pub manager: String,
}

fn conflict_message(conflicts: &[FieldConflict]) -> String {
    let mut msg = String::from("server-side apply conflict: ");
    let fields: Vec<String> = conflicts
        .iter()
        .map(|c| {
            format!(
                "field {} is owned by field manager {:?}",
                c.field, c.manager
            )
        })
        .collect();
    msg.push_str(&fields.join("; "));
    msg.push_str("\n  hint: re-run with --force-conflicts to take ownership");
    msg
}

/// Parse the conflicts out of a 409 from server-side apply. The API server lists them as causes
/// with reason `FieldManagerConflict`, a field, and a message `conflict with "MANAGER" ...`.
pub fn parse_conflicts(status: &kube::core::Status) -> Vec<FieldConflict> {
    let mut out = Vec::new();
    if let Some(details) = &status.details {
        for cause in &details.causes {
            if cause.reason != "FieldManagerConflict" {
                continue;
            }
            let manager = cause
                .message
                .split('"')
                .nth(1)
                .unwrap_or("unknown")
                .to_string();
            out.push(FieldConflict {
                field: cause.field.clone(),
                manager,
            });
        }
    }
    if out.is_empty() {
        // Older servers only put it in the message: `...: conflict with "m" using v1: .spec.x`.
        for part in status.message.split("conflict with ").skip(1) {
            let manager = part.split('"').nth(1).unwrap_or("unknown").to_string();
            let field = part.rsplit(": ").next().unwrap_or("").trim().to_string();
            out.push(FieldConflict { field, manager });
        }
    }
    out
}

/// Turn a kube error into an [`ApiError`]; `kind`/`name` say what the request was about.
pub fn classify(e: kube::Error, server: &str, kind: &str, name: &str, namespace: &str) -> ApiError {
    match e {
        kube::Error::Api(status) => {
            let code = status.code;
            // A bare "404 page not found" (not a Status) means the API path itself is missing.
            if status.is_not_found() || code == 404 {
                // A missing object names itself in the details; a missing resource type does not.
                let named = status.details.as_ref().is_some_and(|d| !d.name.is_empty());
                if named || status.message.contains(name) && !name.is_empty() {
                    ApiError::NotFound {
                        kind: kind.into(),
                        name: name.into(),
                        namespace: namespace.into(),
                    }
                } else {
                    ApiError::CrdMissing
                }
            } else if status.is_already_exists() {
                ApiError::AlreadyExists {
                    kind: kind.into(),
                    name: name.into(),
                    namespace: namespace.into(),
                }
            } else if status.is_forbidden() {
                ApiError::Forbidden {
                    message: status.message.clone(),
                }
            } else if status.is_conflict() {
                let conflicts = parse_conflicts(&status);
                if conflicts.is_empty() {
                    ApiError::Changed {
                        message: status.message.clone(),
                    }
                } else {
                    ApiError::Conflict(conflicts)
                }
            } else if status.is_invalid() || code == 400 {
                ApiError::Invalid {
                    message: status.message.clone(),
                }
            } else {
                ApiError::Api {
                    code,
                    reason: status.reason.clone(),
                    message: status.message.clone(),
                }
            }
        }
        e @ (kube::Error::HyperError(_)
        | kube::Error::Service(_)
        | kube::Error::HttpError(_)
        | kube::Error::TlsRequired
        | kube::Error::RustlsTls(_)) => {
            let detail = root_cause(&e);
            if detail.contains("timed out") || detail.contains("deadline has elapsed") {
                ApiError::TimedOut {
                    server: server.into(),
                    detail,
                }
            } else {
                ApiError::Unreachable {
                    server: server.into(),
                    detail,
                }
            }
        }
        e => ApiError::Other(error_chain(&e)),
    }
}

/// The innermost cause: for a connection, the part that says what failed.
pub fn root_cause(e: &dyn std::error::Error) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

/// An error and its causes on one line, without repeating a cause already in the message.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::response::{StatusCause, StatusDetails};
    use kube::core::Status;

    fn conflict_status() -> Status {
        Status::failure(
            "Apply failed with 1 conflict: conflict with \"gitops\" using postgres-operator.crunchydata.com/v1beta1: .spec.shutdown",
            "Conflict",
        )
        .with_code(409)
        .with_details(StatusDetails {
            name: "hippo".into(),
            group: "postgres-operator.crunchydata.com".into(),
            kind: "postgresclusters".into(),
            uid: String::new(),
            causes: vec![StatusCause {
                reason: "FieldManagerConflict".into(),
                message: "conflict with \"gitops\" using postgres-operator.crunchydata.com/v1beta1"
                    .into(),
                field: ".spec.shutdown".into(),
            }],
            retry_after_seconds: 0,
        })
    }

    fn classified(status: Status, name: &str, namespace: &str) -> ApiError {
        let e = kube::Error::Api(status.boxed());
        classify(e, "https://x", "PostgresCluster", name, namespace)
    }

    #[test]
    fn impersonation_and_timeout_flags_reach_the_config() {
        let mut config = Config::new("https://x".parse().unwrap());
        config.auth_info.impersonate = Some("from-kubeconfig".into());
        config.auth_info.impersonate_groups = Some(vec!["old".into()]);
        let global = GlobalArgs {
            as_user: Some("jane".into()),
            as_group: vec!["dev".into(), "ops".into()],
            request_timeout: Some(Duration::from_secs(5)),
            ..Default::default()
        };
        overrides(&mut config, &global, None);
        assert_eq!(config.auth_info.impersonate.as_deref(), Some("jane"));
        assert_eq!(
            config.auth_info.impersonate_groups,
            Some(vec!["dev".to_string(), "ops".to_string()])
        );
        assert_eq!(config.read_timeout, Some(Duration::from_secs(5)));
        assert_eq!(config.connect_timeout, Some(Duration::from_secs(5)));
        // A caller's shorter limit (completion's) wins.
        overrides(&mut config, &global, Some(Duration::from_secs(2)));
        assert_eq!(config.read_timeout, Some(Duration::from_secs(2)));
    }

    #[test]
    fn no_flags_keep_the_kubeconfig() {
        let mut config = Config::new("https://x".parse().unwrap());
        config.auth_info.impersonate = Some("from-kubeconfig".into());
        let global = GlobalArgs {
            request_timeout: Some(Duration::ZERO),
            ..Default::default()
        };
        overrides(&mut config, &global, None);
        assert_eq!(
            config.auth_info.impersonate.as_deref(),
            Some("from-kubeconfig")
        );
        assert_eq!(config.read_timeout, None);
    }

    #[test]
    fn apply_conflict_names_field_manager_and_the_fix() {
        let err = classified(conflict_status(), "hippo", "ns");
        let msg = err.to_string();
        assert!(
            msg.contains("field .spec.shutdown is owned by field manager \"gitops\""),
            "{msg}"
        );
        assert!(
            msg.contains("re-run with --force-conflicts to take ownership"),
            "{msg}"
        );
    }

    #[test]
    fn conflicts_are_parsed_from_the_message_when_causes_are_missing() {
        let mut status = conflict_status();
        status.details = None;
        assert_eq!(
            parse_conflicts(&status),
            vec![FieldConflict {
                field: ".spec.shutdown".into(),
                manager: "gitops".into()
            }]
        );
    }

    #[test]
    fn not_found_object_names_cluster_and_namespace() {
        let status = Status::failure(
            "postgresclusters.postgres-operator.crunchydata.com \"nope\" not found",
            "NotFound",
        )
        .with_code(404)
        .with_details(StatusDetails {
            name: "nope".into(),
            group: String::new(),
            kind: String::new(),
            uid: String::new(),
            causes: vec![],
            retry_after_seconds: 0,
        });
        let msg = classified(status, "nope", "team-a").to_string();
        assert!(
            msg.starts_with("PostgresCluster \"nope\" not found in namespace \"team-a\""),
            "{msg}"
        );
    }

    #[test]
    fn a_404_that_names_no_object_means_the_crd_is_missing() {
        for (message, reason) in [
            // A bare "404 page not found", not a Status.
            (
                "Failed to parse error data: 404 page not found",
                "Failed to parse error data",
            ),
            (
                "the server could not find the requested resource",
                "NotFound",
            ),
        ] {
            let status = Status::failure(message, reason).with_code(404);
            let err = classified(status, "hippo", "ns");
            assert!(matches!(err, ApiError::CrdMissing), "{message}: {err}");
        }
    }
}
