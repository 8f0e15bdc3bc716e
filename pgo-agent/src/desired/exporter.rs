//! Build: postgres_exporter beside Postgres in every instance pod, as PGO's
//! `spec.monitoring.pgmonitor.exporter` has it: the container `exporter` on port 9187, logging
//! in over TLS on localhost as `ccp_monitoring` (a member of `pg_monitor`, password in the Secret
//! `<cluster>-monitoring`), with the `ccp_` queries of the ConfigMap
//! `<cluster>-exporter-queries-config`, or the user's `configuration` files instead.

use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapProjection, Container, ContainerPort, EnvVar, KeyToPath,
    ProjectedVolumeSource, Secret, SecretProjection, Volume, VolumeProjection,
};
use k8s_openapi::ByteString;
use pgo_api::names::{self, labels};
use pgo_api::validate::{Exporter, ValidatedCluster};

use super::meta;
use super::pod::{env, mount, restricted};
use crate::credentials::Material;

/// The agent's queries: pgMonitor's metric names, this project's SQL.
pub const QUERIES: &str = include_str!("files/exporter-queries.yml");
const QUERIES_KEY: &str = "queries.yml";
const CONFIG_VOLUME: &str = "exporter-config";
const SECRET_VOLUME: &str = "monitoring-secret";
/// PGO's paths.
const CONFIG_DIR: &str = "/conf";
const PASSWORD_DIR: &str = "/opt/crunchy";

pub fn config_map(v: &ValidatedCluster) -> ConfigMap {
    ConfigMap {
        metadata: meta(v, names::exporter_queries(&v.name), &[]),
        data: Some([(QUERIES_KEY.to_string(), QUERIES.to_string())].into()),
        ..Default::default()
    }
}

/// `<cluster>-monitoring`, with PGO's keys `password` and `verifier`.
pub fn secret(v: &ValidatedCluster, m: &Material) -> Option<Secret> {
    let p = m.monitoring.as_ref()?;
    Some(Secret {
        metadata: meta(
            v,
            names::monitoring_secret(&v.name),
            &[(labels::ROLE, "monitoring")],
        ),
        data: Some(
            [
                ("password", p.password.as_str()),
                ("verifier", p.verifier.as_str()),
            ]
            .into_iter()
            .map(|(k, val)| (k.to_string(), ByteString(val.as_bytes().to_vec())))
            .collect(),
        ),
        type_: Some("Opaque".into()),
        ..Default::default()
    })
}

/// Starts the exporter with only the queries' metrics (every built-in collector off, as PGO
/// runs it), and starts it again when its files or password change, or when it exits. Debian
/// names the binary `prometheus-postgres-exporter`; another image may call it `postgres_exporter`.
const SCRIPT: &str = r#"exe=$(command -v prometheus-postgres-exporter || command -v postgres_exporter)
mkdir -p /tmp/exporter
flags=(--extend.query-path=/tmp/exporter/queries.yml "--web.listen-address=:$1")
while read -r word _; do
    name=${word#--}
    name=${name#\[no-\]}
    [[ $word == --* && $name != *=* ]] || continue
    case $name in
        collector.*) flags+=("--no-$name") ;;
        disable-default-metrics | disable-settings-metrics) flags+=("--$name") ;;
    esac
done < <("$exe" --help 2>&1)
digest() { find -L /conf /opt/crunchy -type f ! -path '*/..*' -print0 | sort -z | xargs -0 cat | md5sum; }
start() {
    find -L /conf -type f ! -path '*/..*' -print0 | sort -z | xargs -0 cat >/tmp/exporter/queries.yml
    "$exe" "${flags[@]}" &
    pid=$!
    seen=$(digest)
}
start
while sleep 5; do
    if [[ $(digest) != "$seen" ]]; then
        echo "$(date -u +%FT%TZ) queries or password changed; restarting the exporter"
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
        start
    elif ! kill -0 "$pid" 2>/dev/null; then
        echo "$(date -u +%FT%TZ) the exporter exited; starting it again"
        start
    fi
done"#;

fn key(key: &str, path: &str) -> KeyToPath {
    KeyToPath {
        key: key.into(),
        path: path.into(),
        mode: None,
    }
}

/// The container and its two volumes.
pub fn sidecar(v: &ValidatedCluster, e: &Exporter) -> (Container, Vec<Volume>) {
    let configuration = e
        .spec
        .configuration
        .clone()
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| {
            vec![VolumeProjection {
                config_map: Some(ConfigMapProjection {
                    name: names::exporter_queries(&v.name),
                    items: Some(vec![key(QUERIES_KEY, QUERIES_KEY)]),
                    optional: Some(false),
                }),
                ..Default::default()
            }]
        });
    let volumes = vec![
        Volume {
            name: CONFIG_VOLUME.into(),
            projected: Some(ProjectedVolumeSource {
                default_mode: Some(0o440),
                sources: Some(configuration),
            }),
            ..Default::default()
        },
        Volume {
            name: SECRET_VOLUME.into(),
            projected: Some(ProjectedVolumeSource {
                default_mode: Some(0o440),
                sources: Some(vec![VolumeProjection {
                    secret: Some(SecretProjection {
                        name: names::monitoring_secret(&v.name),
                        items: Some(vec![key("password", "password")]),
                        optional: Some(false),
                    }),
                    ..Default::default()
                }]),
            }),
            ..Default::default()
        },
    ];
    let env_list: Vec<EnvVar> = vec![
        // Postgres takes only TLS, on localhost too; the certificate names the Services.
        env(
            "DATA_SOURCE_URI",
            format!("localhost:{}/postgres?sslmode=require", v.port),
        ),
        env("DATA_SOURCE_USER", names::MONITORING_USER),
        env("DATA_SOURCE_PASS_FILE", format!("{PASSWORD_DIR}/password")),
    ];
    let container = Container {
        name: names::CONTAINER_EXPORTER.into(),
        image: Some(e.image.clone()),
        image_pull_policy: v.image_pull_policy.clone(),
        command: Some(vec![
            "bash".into(),
            "-ceu".into(),
            "--".into(),
            SCRIPT.into(),
            "postgres_exporter_watcher".into(),
            names::EXPORTER_PORT.to_string(),
        ]),
        env: Some(env_list),
        ports: Some(vec![ContainerPort {
            name: Some(names::PORT_EXPORTER.into()),
            container_port: names::EXPORTER_PORT,
            protocol: Some("TCP".into()),
            ..Default::default()
        }]),
        resources: e.spec.resources.clone(),
        security_context: Some(restricted()),
        volume_mounts: Some(vec![
            mount(CONFIG_VOLUME, CONFIG_DIR, true),
            mount(SECRET_VOLUME, PASSWORD_DIR, true),
            mount("tmp", "/tmp", false),
        ]),
        ..Default::default()
    };
    (container, volumes)
}

/// The monitoring role's SQL, part of the users' SQL: with the exporter, `ccp_monitoring` logs
/// in with its verifier and is a member of `pg_monitor`; without it, it cannot log in (PGO
/// keeps the role too).
pub fn role_sql(v: &ValidatedCluster, m: &Material) -> String {
    let user = names::MONITORING_USER;
    match (v.exporter.as_ref(), m.monitoring.as_ref()) {
        (Some(_), Some(p)) => format!(
            "SELECT format('CREATE ROLE %I', '{user}') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{user}')\\gexec\n\
             ALTER ROLE \"{user}\" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{}';\n\
             GRANT pg_monitor TO \"{user}\";\n",
            p.verifier.replace('\'', "''")
        ),
        _ => format!(
            "SELECT format('ALTER ROLE %I NOLOGIN', '{user}') WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = '{user}')\\gexec\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::tests::{material, validated, HIPPO};

    fn with_exporter() -> ValidatedCluster {
        validated(&format!(
            "{HIPPO}  monitoring:\n    pgmonitor:\n      exporter: {{}}\n"
        ))
    }

    #[test]
    fn the_queries_parse_and_name_pgmonitors_metrics() {
        let q: serde_yaml::Value = serde_yaml::from_str(QUERIES).unwrap();
        let m = q.as_mapping().unwrap();
        for name in [
            "ccp_is_in_recovery",
            "ccp_replication_lag",
            "ccp_replication_lag_size",
            "ccp_connection_stats",
            "ccp_database_size",
            "ccp_archive_command_status",
            "ccp_transaction_wraparound",
        ] {
            let entry = &m[name];
            assert!(entry["query"].as_str().is_some(), "{name}");
            assert!(entry["metrics"].as_sequence().is_some(), "{name}");
        }
        assert!(m["ccp_is_in_recovery"]["query"]
            .as_str()
            .unwrap()
            .contains("THEN 1 ELSE 2"));
    }

    #[test]
    fn the_sidecar_is_pgos_exporter_and_restricted() {
        let v = with_exporter();
        let (c, vols) = sidecar(&v, v.exporter.as_ref().unwrap());
        assert_eq!(c.name, "exporter");
        assert_eq!(c.ports.as_ref().unwrap()[0].container_port, 9187);
        assert_eq!(
            c.ports.as_ref().unwrap()[0].name.as_deref(),
            Some("exporter")
        );
        assert_eq!(c.image.as_deref(), Some("localhost/pgo-postgres:15"));
        let sc = c.security_context.as_ref().unwrap();
        assert_eq!(sc.read_only_root_filesystem, Some(true));
        let env: Vec<(String, String)> = c
            .env
            .clone()
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.value.unwrap_or_default()))
            .collect();
        assert!(env.contains(&("DATA_SOURCE_USER".into(), "ccp_monitoring".into())));
        assert!(env.iter().all(|(_, val)| !val.contains("SCRAM")));
        let names: Vec<&str> = vols.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["exporter-config", "monitoring-secret"]);
    }

    #[test]
    fn user_configuration_replaces_the_default_queries() {
        let v = validated(&format!(
            "{HIPPO}  monitoring:\n    pgmonitor:\n      exporter:\n        configuration: [{{configMap: {{name: mine}}}}]\n"
        ));
        let (_, vols) = sidecar(&v, v.exporter.as_ref().unwrap());
        let sources = vols[0].projected.as_ref().unwrap().sources.clone().unwrap();
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].config_map.as_ref().unwrap().name, "mine");
    }

    #[test]
    fn the_role_logs_in_only_with_the_exporter() {
        let v = with_exporter();
        let m = material(&v);
        let sql = role_sql(&v, &m);
        let p = m.monitoring.as_ref().unwrap();
        assert!(sql.contains(&p.verifier));
        assert!(!sql.contains(&p.password));
        assert!(sql.contains("GRANT pg_monitor TO \"ccp_monitoring\""));
        let s = secret(&v, &m).unwrap();
        assert_eq!(s.metadata.name.as_deref(), Some("hippo-monitoring"));
        let v = validated(HIPPO);
        let m = material(&v);
        assert!(m.monitoring.is_none());
        assert!(role_sql(&v, &m).contains("NOLOGIN"));
        assert!(secret(&v, &m).is_none());
    }
}
