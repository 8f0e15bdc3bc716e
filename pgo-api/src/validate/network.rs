//! `spec.port`, TLS Secrets and Services.

use super::error::{err, FieldError};
use crate::PostgresClusterSpec;

pub fn port(spec: &PostgresClusterSpec, errors: &mut Vec<FieldError>) -> i32 {
    let port = spec.port();
    if !(1024..=65535).contains(&port) {
        errors.push(err(
            "spec.port",
            format!("{port} is out of range; use a port from 1024 to 65535"),
        ));
    }
    port
}

/// `customTLSSecret` and `customReplicationTLSSecret`, which come together.
pub fn tls(
    spec: &PostgresClusterSpec,
    errors: &mut Vec<FieldError>,
) -> (Option<String>, Option<String>) {
    let server = spec.custom_tls_secret.as_ref().map(|s| s.name.clone());
    let replication = spec
        .custom_replication_tls_secret
        .as_ref()
        .map(|s| s.name.clone());
    if server.is_some() != replication.is_some() {
        errors.push(err(
            "spec.customReplicationTLSSecret",
            "customTLSSecret and customReplicationTLSSecret must be given together",
        ));
    }
    (server, replication)
}

pub fn services(spec: &PostgresClusterSpec, errors: &mut Vec<FieldError>) {
    for (field, svc) in [
        ("spec.service", &spec.service),
        ("spec.replicaService", &spec.replica_service),
    ] {
        if let Some(t) = svc.as_ref().and_then(|s| s.type_.as_deref()) {
            if !["ClusterIP", "NodePort", "LoadBalancer"].contains(&t) {
                errors.push(err(
                    format!("{field}.type"),
                    format!("{t:?} is not a Service type; use ClusterIP, NodePort or LoadBalancer"),
                ));
            }
        }
    }
}
