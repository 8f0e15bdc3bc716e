//! `spec.port`, TLS Secrets and Services.

use super::error::{err, is_dns_subdomain, FieldError};
use crate::PostgresClusterSpec;

pub fn port(spec: &PostgresClusterSpec, errors: &mut Vec<FieldError>) -> i32 {
    let port = spec.port();
    if !(1024..=65535).contains(&port) {
        errors.push(err(
            "spec.port",
            format!("{port} is out of range; use a port from 1024 to 65535"),
        ));
    } else if port == crate::names::PGBACKREST_TLS_PORT && has_backups(spec) {
        errors.push(err(
            "spec.port",
            format!("{port} is pgBackRest's port in every instance pod; use another port"),
        ));
    }
    port
}

pub(crate) fn has_backups(spec: &PostgresClusterSpec) -> bool {
    spec.backups
        .as_ref()
        .is_some_and(|b| b.pgbackrest.is_some())
}

/// `customTLSSecret` and `customReplicationTLSSecret`, which come together.
pub fn tls(
    spec: &PostgresClusterSpec,
    errors: &mut Vec<FieldError>,
) -> (Option<String>, Option<String>) {
    for (field, secret) in [
        ("spec.customTLSSecret", &spec.custom_tls_secret),
        (
            "spec.customReplicationTLSSecret",
            &spec.custom_replication_tls_secret,
        ),
    ] {
        if let Some(s) = secret {
            if !is_dns_subdomain(&s.name) {
                errors.push(err(
                    format!("{field}.name"),
                    format!(
                        "{:?} is not a Secret name (lowercase letters, digits, '-' and '.')",
                        s.name
                    ),
                ));
            }
        }
    }
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
        if let Some(svc) = svc {
            service(field, svc, errors);
        }
    }
}

/// The checks of one Service's settings, at `field`.
pub(crate) fn service(field: &str, svc: &crate::ServiceSpec, errors: &mut Vec<FieldError>) {
    {
        if let Some(t) = svc.type_.as_deref() {
            if !["ClusterIP", "NodePort", "LoadBalancer"].contains(&t) {
                errors.push(err(
                    format!("{field}.type"),
                    format!("{t:?} is not a Service type; use ClusterIP, NodePort or LoadBalancer"),
                ));
            }
        }
        if let Some(p) = svc.node_port {
            if !(1..=65535).contains(&p) {
                errors.push(err(
                    format!("{field}.nodePort"),
                    format!("{p} is not a port; use one in the cluster's node port range, such as 32000"),
                ));
            }
        }
        for (key, policy) in [
            ("externalTrafficPolicy", &svc.external_traffic_policy),
            ("internalTrafficPolicy", &svc.internal_traffic_policy),
        ] {
            if let Some(p) = policy {
                if p != "Cluster" && p != "Local" {
                    errors.push(err(
                        format!("{field}.{key}"),
                        format!("{p:?} is not a traffic policy; use Cluster or Local"),
                    ));
                }
            }
        }
        super::metadata::check(&format!("{field}.metadata"), svc.metadata.as_ref(), errors);
    }
}
