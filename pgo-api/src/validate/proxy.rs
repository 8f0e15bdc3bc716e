//! `spec.proxy.pgBouncer`: replicas, port, image, the configuration sections PgBouncer reads,
//! the Service and the client certificate.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::error::{err, has_control, is_dns_subdomain, FieldError};
use super::types::{Defaults, PgBouncer};
use crate::{names, PostgresClusterSpec};

/// The most PgBouncer pods a cluster may ask for: enough for any pooler, and far from a number
/// that would flood the API server with pods.
pub const MAX_PGBOUNCER_REPLICAS: i32 = 64;

/// Settings of `[pgbouncer]` the agent writes itself and a user may not replace.
const MANAGED_GLOBAL: &[(&str, &str)] = &[(
    "conffile",
    "the agent points it at the generated file, so the settings here take effect",
)];

const FIELD: &str = "spec.proxy.pgBouncer";

pub fn validate(
    spec: &PostgresClusterSpec,
    postgres_image: &str,
    defaults: &Defaults,
    errors: &mut Vec<FieldError>,
) -> Option<PgBouncer> {
    let pgb = &spec.proxy.as_ref()?.pg_bouncer;
    let replicas = pgb.replicas.unwrap_or(1);
    if !(0..=MAX_PGBOUNCER_REPLICAS).contains(&replicas) {
        errors.push(err(
            format!("{FIELD}.replicas"),
            format!("{replicas} must be from 0 to {MAX_PGBOUNCER_REPLICAS}, e.g. 2"),
        ));
    }
    let port = pgb.port.unwrap_or(names::DEFAULT_PGBOUNCER_PORT);
    if !(1024..=65535).contains(&port) {
        errors.push(err(
            format!("{FIELD}.port"),
            format!(
                "{port} must be from 1024 to 65535 (PgBouncer does not run as root), e.g. 5432"
            ),
        ));
    }
    let image = match pgb.image.as_deref().filter(|i| !i.is_empty()) {
        Some(i) => {
            super::check_image(&format!("{FIELD}.image"), i, errors);
            i.to_string()
        }
        None => defaults
            .pgbouncer_image
            .clone()
            .unwrap_or_else(|| postgres_image.to_string()),
    };
    if let Some(c) = &pgb.config {
        if let Some(global) = &c.global {
            section(&format!("{FIELD}.config.global"), global, true, errors);
            for (key, why) in MANAGED_GLOBAL {
                if global.contains_key(*key) {
                    errors.push(err(
                        format!("{FIELD}.config.global.{key}"),
                        format!("is set by the agent ({why}); remove it"),
                    ));
                }
            }
        }
        if let Some(d) = &c.databases {
            section(&format!("{FIELD}.config.databases"), d, false, errors);
        }
        if let Some(u) = &c.users {
            section(&format!("{FIELD}.config.users"), u, false, errors);
        }
    }
    if let Some(s) = &pgb.custom_tls_secret {
        if !is_dns_subdomain(&s.name) {
            errors.push(err(
                format!("{FIELD}.customTLSSecret.name"),
                format!("{:?} is not a Secret name", s.name),
            ));
        }
    }
    if let Some(svc) = &pgb.service {
        super::network::service(&format!("{FIELD}.service"), svc, errors);
    }
    super::metadata::check(&format!("{FIELD}.metadata"), pgb.metadata.as_ref(), errors);
    let min_available = match &pgb.min_available {
        None => IntOrString::Int(i32::from(replicas > 1)),
        Some(IntOrString::Int(n)) if !(0..=MAX_PGBOUNCER_REPLICAS).contains(n) => {
            errors.push(err(
                format!("{FIELD}.minAvailable"),
                format!("{n} must be from 0 to {MAX_PGBOUNCER_REPLICAS}, e.g. 1"),
            ));
            IntOrString::Int(0)
        }
        Some(IntOrString::Int(n)) => IntOrString::Int(*n),
        Some(v) => super::instances::min_available(FIELD, Some(v), replicas, errors),
    };
    Some(PgBouncer {
        replicas,
        port,
        image,
        min_available,
        spec: pgb.clone(),
    })
}

/// The keys and values of an ini section: one line each, nothing that starts another section,
/// comment or include. `global` keys are PgBouncer setting names.
fn section(
    field: &str,
    entries: &BTreeMap<String, String>,
    global: bool,
    errors: &mut Vec<FieldError>,
) {
    for (k, v) in entries {
        let key_ok = if global {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
        } else {
            !k.is_empty()
                && !has_control(k)
                && k.trim() == k
                && !k.contains(['=', '[', ']'])
                && !k.starts_with([';', '#', '%'])
        };
        if !key_ok {
            let what = if global {
                "is not a PgBouncer setting name: lowercase letters, digits and '_', such as pool_mode"
            } else {
                "is not a name PgBouncer can read: no '=', '[', ']', control characters or surrounding spaces, and not starting with ';', '#' or '%'"
            };
            errors.push(err(format!("{field}[{k:?}]"), what));
            continue;
        }
        if has_control(v) {
            errors.push(err(
                format!("{field}.{k}"),
                "holds a control character such as a newline; give the value on one line",
            ));
        }
    }
}
