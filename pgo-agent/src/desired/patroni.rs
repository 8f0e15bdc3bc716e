//! Build: Patroni's configuration (a ConfigMap with one file per instance set), its dynamic
//! (DCS) configuration, and the SQL that creates users and databases.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use pgo_api::names::{self, labels};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::meta;
use super::pod::{data_directory, wal_directory, REPLICATION_TLS_COPY, SOCKET_DIR, TLS_COPY};
use crate::credentials::Material;
use pgo_api::validate::{InstanceSet, ValidatedCluster};

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The key of an instance set's Patroni file in the cluster ConfigMap.
pub fn config_key(set: &str) -> String {
    format!("{set}.yaml")
}

/// `retry_timeout` such that `loop_wait + 2 * retry_timeout <= ttl`, as Patroni requires
/// (validation keeps `ttl >= loop_wait + 2`). A user's value in the dynamic configuration is
/// kept when it fits; validation refuses one that does not.
fn retry_timeout(v: &ValidatedCluster) -> i32 {
    let fits = ((v.leader_lease_seconds - v.sync_period_seconds) / 2).max(1);
    v.dynamic_configuration
        .get("retry_timeout")
        .and_then(Value::as_i64)
        .map_or(fits, |r| r as i32)
}

/// The host-based authentication rules that come first, whatever the user adds: TLS always;
/// certificates for replication; the superuser only over the local socket.
/// With PgBouncer, its login user too: a password over TLS, whatever the user's rules say.
fn mandatory_hba(v: &ValidatedCluster) -> Vec<String> {
    let repl = names::REPLICATION_USER;
    let mut rules = vec![
        format!("local all \"{}\" peer", names::SUPERUSER),
        format!("hostssl replication \"{repl}\" all cert"),
        format!("hostssl all \"{repl}\" all cert"),
        format!("host all \"{repl}\" all reject"),
        format!("host all \"{}\" all reject", names::SUPERUSER),
    ];
    if v.pgbouncer.is_some() {
        let pgb = names::PGBOUNCER_USER;
        rules.push(format!("hostssl all \"{pgb}\" all scram-sha-256"));
        rules.push(format!("host all \"{pgb}\" all reject"));
    }
    if v.exporter.is_some() {
        // The exporter runs beside Postgres: its user logs in from the pod itself only.
        let mon = names::MONITORING_USER;
        rules.push(format!("hostssl all \"{mon}\" 127.0.0.1/32 scram-sha-256"));
        rules.push(format!("hostssl all \"{mon}\" ::1/128 scram-sha-256"));
        rules.push(format!("host all \"{mon}\" all reject"));
    }
    rules.push("hostnossl all all all reject".into());
    rules
}

/// The rules, in order: the mandatory ones, then the user's (from
/// `patroni.dynamicConfiguration.postgresql.pg_hba`, as in PGO), then SCRAM for everyone else.
fn pg_hba(v: &ValidatedCluster) -> Vec<Value> {
    let user = v
        .dynamic_configuration
        .get("postgresql")
        .and_then(|p| p.get("pg_hba"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut rules: Vec<Value> = mandatory_hba(v).into_iter().map(Value::String).collect();
    rules.extend(user);
    rules.push(Value::String("hostssl all all all scram-sha-256".into()));
    rules
}

/// Postgres parameters: the agent's own, then the user's.
fn parameters(v: &ValidatedCluster) -> Map<String, Value> {
    let mut p = Map::new();
    let mut set = |k: &str, val: &str| {
        p.insert(k.into(), Value::String(val.into()));
    };
    set("ssl", "on");
    set("ssl_cert_file", &format!("{TLS_COPY}/tls.crt"));
    set("ssl_key_file", &format!("{TLS_COPY}/tls.key"));
    set("ssl_ca_file", &format!("{TLS_COPY}/ca.crt"));
    set("ssl_min_protocol_version", "TLSv1.2");
    set("password_encryption", "scram-sha-256");
    set("wal_level", "logical");
    set("hot_standby", "on");
    set("max_wal_senders", "10");
    set("max_replication_slots", "10");
    set("wal_log_hints", "on");
    // Without a backup repository WAL is not kept for archiving; pgBackRest replaces this.
    set("archive_mode", "on");
    if v.backups.is_some() {
        set("archive_command", &super::pgbackrest::archive_command());
        set("archive_timeout", "60s");
    } else {
        set("archive_command", "true");
    }
    set("password_encryption", "scram-sha-256");
    set("log_line_prefix", "%m [%p] %q%u@%d ");
    for (k, val) in &v.parameters {
        p.insert(k.clone(), Value::String(val.clone()));
    }
    p
}

fn merge(base: &mut Map<String, Value>, overlay: &Map<String, Value>) {
    for (k, v) in overlay {
        match (base.get_mut(k), v) {
            (Some(Value::Object(b)), Value::Object(o)) => merge(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Patroni's dynamic configuration, kept in the DCS and shared by every member; the agent
/// writes it into the DCS of every running cluster (`crate::database`).
pub fn dcs_config(v: &ValidatedCluster) -> Value {
    let mut dcs = bootstrap_dcs(v);
    // failsafe_mode: when the API server cannot be reached, a primary that every member still
    // answers (POST /failsafe over the members' REST API) keeps running as the primary instead
    // of demoting itself after retry_timeout. An API-server outage or upgrade is then no outage
    // of the database. Off only if the user says so in the dynamic configuration.
    let obj = dcs.as_object_mut().expect("object");
    obj.entry("failsafe_mode").or_insert(Value::Bool(true));
    dcs
}

/// The dynamic configuration in the Patroni file, used once, when the cluster is initialized;
/// the agent then writes `dcs_config` into the DCS. Defaults added after a release stay out of
/// it: a changed file restarts every running cluster when the agent is upgraded.
fn bootstrap_dcs(v: &ValidatedCluster) -> Value {
    let mut dcs = json!({
        "postgresql": {
            "use_pg_rewind": true,
            "use_slots": true,
        },
    });
    let obj = dcs.as_object_mut().expect("object");
    merge(obj, &v.dynamic_configuration);
    // As in PGO, spec.patroni's timing wins over the same keys in the dynamic configuration.
    obj.insert("ttl".into(), v.leader_lease_seconds.into());
    obj.insert("loop_wait".into(), v.sync_period_seconds.into());
    obj.insert("retry_timeout".into(), retry_timeout(v).into());
    let pg = obj["postgresql"].as_object_mut().expect("object");
    pg.insert("pg_hba".into(), Value::Array(pg_hba(v)));
    pg.insert("parameters".into(), Value::Object(parameters(v)));
    dcs
}

fn ssl_credentials(user: &str) -> Value {
    json!({
        "username": user,
        "sslmode": "verify-ca",
        "sslcert": format!("{REPLICATION_TLS_COPY}/tls.crt"),
        "sslkey": format!("{REPLICATION_TLS_COPY}/tls.key"),
        "sslrootcert": format!("{REPLICATION_TLS_COPY}/ca.crt"),
    })
}

/// The Patroni file of one instance set.
pub fn set_yaml(v: &ValidatedCluster, set: &InstanceSet) -> String {
    let version = v.postgres_version;
    let has_wal = set.spec.wal_volume_claim_spec.is_some();
    let mut initdb = vec![
        json!({"encoding": "UTF8"}),
        json!({"locale": "C.UTF-8"}),
        json!("data-checksums"),
        json!({"auth-local": "peer"}),
        json!({"auth-host": "scram-sha-256"}),
    ];
    let mut basebackup = vec![json!({"checkpoint": "fast"})];
    if has_wal {
        initdb.push(json!({"waldir": wal_directory(version)}));
        basebackup.push(json!({"waldir": wal_directory(version)}));
    }
    let mut config = json!({
        "scope": names::patroni_scope(&v.name),
        "kubernetes": {
            // Patroni finds its members by these labels plus `scope_label=<scope>`.
            "labels": {
                labels::CLUSTER: v.name,
            },
            "scope_label": labels::PATRONI,
            "role_label": labels::ROLE,
            "use_endpoints": true,
            "ports": [{"name": "postgres", "port": v.port}],
        },
        // TLS with the server certificate; unsafe requests (PATCH, POST, PUT, DELETE) need the
        // password, which Patroni reads from PATRONI_RESTAPI_USERNAME/PASSWORD. Probes and
        // GETs stay open, as Patroni's own health checks of other members need.
        "restapi": {
            "listen": format!("0.0.0.0:{}", v.patroni_port),
            "certfile": format!("{TLS_COPY}/tls.crt"),
            "keyfile": format!("{TLS_COPY}/tls.key"),
        },
        // patronictl and member-to-member requests: TLS verified against the cluster's CA, but
        // not the host name (members are addressed by pod IP, which the certificate does not
        // name). Patroni presents restapi.certfile as its client certificate, which makes it
        // verify the server even when insecure: hence the CA.
        "ctl": {"insecure": true, "cacert": format!("{TLS_COPY}/ca.crt")},
        "bootstrap": {
            "dcs": bootstrap_dcs(v),
            "method": "initdb",
            "initdb": initdb,
        },
        "postgresql": {
            "data_dir": data_directory(version),
            "bin_dir": format!("/usr/lib/postgresql/{version}/bin"),
            "listen": format!("*:{}", v.port),
            "pgpass": "/tmp/.pgpass",
            "use_unix_socket": true,
            "authentication": {
                "superuser": {"username": names::SUPERUSER},
                "replication": ssl_credentials(names::REPLICATION_USER),
                "rewind": ssl_credentials(names::REPLICATION_USER),
            },
            "parameters": {
                "unix_socket_directories": SOCKET_DIR,
            },
            "create_replica_methods": ["basebackup"],
            "basebackup": basebackup,
            "remove_data_directory_on_rewind_failure": true,
            "remove_data_directory_on_diverged_timelines": true,
        },
        "watchdog": {"mode": "off"},
    });
    kubernetes_role_values(version, &mut config["kubernetes"]);
    let mut out = String::from("# Generated by pgo-agent. Edits are overwritten.\n");
    out.push_str(&serde_yaml::to_string(&config).expect("yaml"));
    out
}

/// Patroni 4 labels the leader's pod `primary` unless told otherwise; PGO's selectors, scripts
/// and this project's agent and CLI look for `master` (as Patroni 3 writes it), so the value
/// stays `master` whatever the image's Patroni. Patroni 3.0 knows none of these settings, and
/// its file stays as it was (a changed file would roll every pod of a running cluster).
fn kubernetes_role_values(postgres_version: i32, kubernetes: &mut Value) {
    if pgo_api::versions::patroni_series(postgres_version).says_primary() {
        let k = kubernetes.as_object_mut().expect("object");
        k.insert("leader_label_value".into(), labels::ROLE_MASTER.into());
        k.insert(
            "standby_leader_label_value".into(),
            labels::ROLE_MASTER.into(),
        );
        k.insert("follower_label_value".into(), labels::ROLE_REPLICA.into());
    }
}

/// The files of every instance set, by key.
pub fn patroni_files(v: &ValidatedCluster) -> BTreeMap<String, String> {
    v.instance_sets
        .iter()
        .map(|set| (config_key(&set.name), set_yaml(v, set)))
        .collect()
}

pub fn config_map(v: &ValidatedCluster, files: &BTreeMap<String, String>) -> ConfigMap {
    ConfigMap {
        metadata: meta(v, names::cluster_config_map(&v.name), &[]),
        data: Some(files.clone()),
        ..Default::default()
    }
}

/// Changes to a set's Patroni file or to the certificates roll that set's pods. The file's
/// `bootstrap.dcs` is left out: Patroni reads it only when it creates a cluster, and the agent
/// applies the dynamic configuration to running clusters through `patronictl edit-config`
/// (parameters that need a restart then roll through Patroni's `pending_restart`).
pub fn config_hash(file: &str, material: &Material) -> String {
    let mut h = Sha256::new();
    match serde_yaml::from_str::<Value>(file) {
        Ok(mut config) => {
            if let Some(bootstrap) = config.get_mut("bootstrap").and_then(Value::as_object_mut) {
                bootstrap.remove("dcs");
            }
            h.update(config.to_string().as_bytes());
        }
        Err(_) => h.update(file.as_bytes()),
    }
    for c in [
        &material.server,
        &material.replication,
        &material.pgbackrest,
    ]
    .into_iter()
    .flatten()
    {
        h.update(c.cert.as_bytes());
    }
    hex::encode(&h.finalize()[..8])
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// SQL (for psql) that creates or updates every user and creates their databases. Roles and
/// databases that leave the spec are kept, as in PGO: nothing is dropped.
pub fn users_sql(v: &ValidatedCluster, material: &Material) -> String {
    let mut sql = String::from("\\set ON_ERROR_STOP on\nSET log_statement = 'none';\n");
    for u in &v.users {
        let verifier = material
            .passwords
            .get(&u.name)
            .map(|p| p.verifier.as_str())
            .unwrap_or_default();
        sql.push_str(&format!(
            "SELECT format('CREATE ROLE %I LOGIN', {name}) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name})\\gexec\n",
            name = literal(&u.name)
        ));
        // Postgres refuses an attribute given twice: LOGIN only when the options do not say.
        let says_login = u
            .options
            .split_whitespace()
            .any(|w| w.eq_ignore_ascii_case("LOGIN") || w.eq_ignore_ascii_case("NOLOGIN"));
        sql.push_str(&format!(
            "ALTER ROLE {} WITH {}{} PASSWORD {};\n",
            ident(&u.name),
            if says_login { "" } else { "LOGIN " },
            u.options,
            literal(verifier)
        ));
        for db in &u.databases {
            sql.push_str(&format!(
                "SELECT format('CREATE DATABASE %I OWNER %I', {db}, {name}) WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = {db})\\gexec\n",
                db = literal(db),
                name = literal(&u.name)
            ));
            sql.push_str(&format!(
                "GRANT ALL PRIVILEGES ON DATABASE {} TO {};\n",
                ident(db),
                ident(&u.name)
            ));
        }
    }
    sql.push_str(&super::exporter::role_sql(v, material));
    sql
}

/// Changes when the users' SQL changes, so it runs again only then.
pub fn users_revision(sql: &str) -> String {
    sha256_hex(sql.as_bytes())[..16].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::tests::{material, validated, validated_at, HIPPO};

    /// The whole file of HIPPO's set per major, as committed in `fixtures/patroni-<N>.yaml`.
    /// Regenerate with: UPDATE_PATRONI=1 cargo test -p pgo-agent set_files_are_pinned
    #[test]
    fn set_files_are_pinned_for_each_built_major() {
        for version in pgo_api::versions::built_versions() {
            let v = validated_at(HIPPO, version);
            let yaml = set_yaml(&v, &v.instance_sets[0]);
            let path = format!(
                "{}/src/desired/fixtures/patroni-{version}.yaml",
                env!("CARGO_MANIFEST_DIR")
            );
            if std::env::var_os("UPDATE_PATRONI").is_some() {
                std::fs::write(&path, &yaml).unwrap();
            }
            let pinned = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                yaml == pinned,
                "the Patroni file for PostgreSQL {version} differs from {path}; if that is meant, \
                 regenerate it with UPDATE_PATRONI=1 cargo test -p pgo-agent set_files_are_pinned \
                 (a changed 15 file rolls every running 15 cluster)\n{yaml}"
            );
        }
    }

    #[test]
    fn patroni_4_keeps_pgo_role_label_values_and_patroni_3_is_not_told() {
        for (version, told) in [(15, false), (17, true), (18, true)] {
            let v = validated_at(HIPPO, version);
            let parsed: Value = serde_yaml::from_str(&set_yaml(&v, &v.instance_sets[0])).unwrap();
            let k = &parsed["kubernetes"];
            if told {
                assert_eq!(k["leader_label_value"], labels::ROLE_MASTER, "{version}");
                assert_eq!(k["standby_leader_label_value"], labels::ROLE_MASTER);
                assert_eq!(k["follower_label_value"], labels::ROLE_REPLICA);
            } else {
                assert!(k.get("leader_label_value").is_none(), "{k}");
                assert!(k.get("follower_label_value").is_none(), "{k}");
            }
            assert_eq!(k["role_label"], labels::ROLE);
            assert_eq!(
                parsed["postgresql"]["bin_dir"],
                format!("/usr/lib/postgresql/{version}/bin")
            );
            assert_eq!(
                parsed["postgresql"]["data_dir"],
                format!("/pgdata/pg{version}")
            );
        }
    }

    #[test]
    fn failsafe_mode_is_on_unless_the_user_turns_it_off() {
        let mut v = validated(HIPPO);
        v.dynamic_configuration = json!({"failsafe_mode": false}).as_object().unwrap().clone();
        assert_eq!(dcs_config(&v)["failsafe_mode"], false);
    }

    #[test]
    fn dcs_config_carries_lease_tls_and_user_parameters() {
        let mut v = validated(HIPPO);
        v.parameters.insert("max_connections".into(), "200".into());
        v.dynamic_configuration =
            json!({"synchronous_mode": true, "postgresql": {"use_slots": false}})
                .as_object()
                .unwrap()
                .clone();
        let dcs = dcs_config(&v);
        assert_eq!(dcs["ttl"], 30);
        assert_eq!(dcs["loop_wait"], 10);
        assert_eq!(dcs["retry_timeout"], 10);
        assert_eq!(
            dcs["failsafe_mode"], true,
            "an API-server outage must not demote the primary"
        );
        assert_eq!(dcs["synchronous_mode"], true);
        assert_eq!(dcs["postgresql"]["use_slots"], false);
        assert_eq!(dcs["postgresql"]["use_pg_rewind"], true);
        assert_eq!(dcs["postgresql"]["parameters"]["ssl"], "on");
        assert_eq!(dcs["postgresql"]["parameters"]["max_connections"], "200");
        let hba = dcs["postgresql"]["pg_hba"].as_array().unwrap();
        assert!(hba.iter().any(|r| r == "hostnossl all all all reject"));
    }

    #[test]
    fn set_file_uses_kubernetes_dcs_with_pgo_labels() {
        let v = validated(HIPPO);
        let yaml = set_yaml(&v, &v.instance_sets[0]);
        let parsed: Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(parsed["scope"], "hippo-ha");
        assert_eq!(parsed["kubernetes"]["role_label"], labels::ROLE);
        // Without it Patroni selects `cluster-name=...`, which no pod has: no members.
        assert_eq!(parsed["kubernetes"]["scope_label"], labels::PATRONI);
        assert_eq!(parsed["kubernetes"]["use_endpoints"], true);
        assert_eq!(parsed["postgresql"]["data_dir"], "/pgdata/pg15");
        assert_eq!(
            parsed["bootstrap"]["initdb"][5]["waldir"],
            "/pgwal/pg15_wal"
        );
        assert_eq!(
            parsed["postgresql"]["authentication"]["replication"]["username"],
            "_crunchyrepl"
        );
    }

    #[test]
    fn users_sql_gives_login_once() {
        let mut v = validated(HIPPO);
        v.users[0].options = "NOLOGIN".into();
        let sql = users_sql(&v, &material(&v));
        assert!(
            sql.contains("ALTER ROLE \"rhino\" WITH NOLOGIN PASSWORD"),
            "{sql}"
        );
        v.users[0].options = String::new();
        let sql = users_sql(&v, &material(&v));
        assert!(
            sql.contains("ALTER ROLE \"rhino\" WITH LOGIN  PASSWORD"),
            "{sql}"
        );
    }

    #[test]
    fn users_sql_uses_verifiers_and_quotes_names() {
        let mut v = validated(HIPPO);
        v.users[0].databases.push("we\"ird'db".into());
        let m = material(&v);
        let sql = users_sql(&v, &m);
        assert!(sql.contains("ALTER ROLE \"rhino\" WITH LOGIN CREATEDB PASSWORD 'SCRAM-SHA-256$"));
        assert!(sql.contains("GRANT ALL PRIVILEGES ON DATABASE \"we\"\"ird'db\" TO \"rhino\""));
        assert!(sql.contains("'we\"ird''db'"));
        assert!(!sql.contains(&m.passwords["rhino"].password));
        assert_eq!(users_revision(&sql), users_revision(&sql));
    }

    #[test]
    fn retry_timeout_keeps_loop_wait_plus_two_retries_within_the_ttl() {
        let mut v = validated(HIPPO);
        // Every pair validation accepts: ttl >= loop_wait + 2.
        for ttl in 3..=60 {
            for loop_wait in 1..ttl - 1 {
                v.leader_lease_seconds = ttl;
                v.sync_period_seconds = loop_wait;
                let dcs = dcs_config(&v);
                let (t, l, r) = (
                    dcs["ttl"].as_i64().unwrap(),
                    dcs["loop_wait"].as_i64().unwrap(),
                    dcs["retry_timeout"].as_i64().unwrap(),
                );
                assert!(r >= 1, "ttl {ttl}, loop_wait {loop_wait}");
                assert!(l + 2 * r <= t, "ttl {t}, loop_wait {l}, retry_timeout {r}");
            }
        }
    }

    #[test]
    fn every_network_rule_of_pg_hba_is_tls_or_a_rejection() {
        let v = validated(HIPPO);
        let dcs = dcs_config(&v);
        let hba: Vec<&str> = dcs["postgresql"]["pg_hba"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        for rule in &hba {
            let words: Vec<&str> = rule.split_whitespace().collect();
            match words[0] {
                "local" => assert_eq!(words.last(), Some(&"peer"), "{rule}"),
                "hostssl" => assert_ne!(words.last(), Some(&"trust"), "{rule}"),
                _ => assert_eq!(words.last(), Some(&"reject"), "{rule}"),
            }
        }
        // The superuser never logs in over the network.
        let superuser = format!("host all \"{}\" all reject", names::SUPERUSER);
        let reject = hba.iter().position(|r| *r == superuser).unwrap();
        let scram = hba
            .iter()
            .position(|r| *r == "hostssl all all all scram-sha-256")
            .unwrap();
        assert!(reject < scram, "first match wins in pg_hba");
    }

    #[test]
    fn agent_parameters_win_over_the_dynamic_configuration() {
        let mut v = validated(HIPPO);
        v.dynamic_configuration = json!({"postgresql": {"parameters": {"ssl": "off"}}})
            .as_object()
            .unwrap()
            .clone();
        v.parameters.insert("work_mem".into(), "64MB".into());
        let dcs = dcs_config(&v);
        let p = &dcs["postgresql"]["parameters"];
        assert_eq!(p["ssl"], "on");
        assert_eq!(p["work_mem"], "64MB");
        assert_eq!(
            p["archive_command"], "true",
            "no repository: nothing archived"
        );
        let v = validated(crate::desired::pgbackrest::tests::HIPPO_BACKUPS);
        let dcs = dcs_config(&v);
        let archive = dcs["postgresql"]["parameters"]["archive_command"]
            .as_str()
            .unwrap();
        assert!(archive.contains("pgbackrest"), "{archive}");
    }

    #[test]
    fn users_sql_quotes_user_names_with_both_kinds_of_quote() {
        let mut v = validated(HIPPO);
        v.users[0].name = "o'brien\"x".into();
        let m = material(&v);
        let sql = users_sql(&v, &m);
        assert!(
            sql.contains("ALTER ROLE \"o'brien\"\"x\" WITH LOGIN"),
            "{sql}"
        );
        assert!(sql.contains("rolname = 'o''brien\"x'"), "{sql}");
        assert!(sql.contains("format('CREATE DATABASE %I OWNER %I', 'zoo', 'o''brien\"x')"));
        assert!(sql.contains("TO \"o'brien\"\"x\";"));
        assert!(sql.starts_with("\\set ON_ERROR_STOP on\n"));
        // Another spec, another revision.
        let before = users_sql(&validated(HIPPO), &material(&validated(HIPPO)));
        assert_ne!(users_revision(&sql), users_revision(&before));
    }

    #[test]
    fn config_hash_follows_the_file_and_the_certificates() {
        let v = validated(HIPPO);
        let m = material(&v);
        let h = config_hash("file", &m);
        assert_eq!(h.len(), 16);
        assert_eq!(h, config_hash("file", &m));
        assert_ne!(h, config_hash("file2", &m));
        let mut renewed = m.clone();
        renewed.server = Some(crate::credentials::CertKey {
            cert: "new".into(),
            key: "k".into(),
        });
        assert_ne!(h, config_hash("file", &renewed));
    }

    #[test]
    fn a_dynamic_configuration_change_does_not_roll_pods() {
        let mut v = validated(HIPPO);
        let m = material(&v);
        let set = v.instance_sets[0].clone();
        let before = config_hash(&set_yaml(&v, &set), &m);
        v.parameters.insert("max_connections".into(), "123".into());
        v.leader_lease_seconds = 20;
        assert_eq!(config_hash(&set_yaml(&v, &set), &m), before);
        v.port = 5433;
        assert_ne!(config_hash(&set_yaml(&v, &set), &m), before);
    }

    #[test]
    fn a_set_without_a_wal_volume_keeps_wal_in_the_data_directory() {
        let mut v = validated(HIPPO);
        v.instance_sets[0].spec.wal_volume_claim_spec = None;
        let yaml = set_yaml(&v, &v.instance_sets[0]);
        assert!(!yaml.contains("waldir"), "{yaml}");
        let files = patroni_files(&v);
        assert_eq!(files.keys().collect::<Vec<_>>(), ["instance1.yaml"]);
        assert!(files["instance1.yaml"].starts_with("# Generated by pgo-agent."));
    }

    #[test]
    fn user_pg_hba_rules_do_not_displace_the_mandatory_ones() {
        let mut v = validated(HIPPO);
        v.dynamic_configuration =
            json!({"postgresql": {"pg_hba": ["host all all 0.0.0.0/0 trust"]}})
                .as_object()
                .unwrap()
                .clone();
        let dcs = dcs_config(&v);
        let hba = dcs["postgresql"]["pg_hba"].as_array().unwrap();
        assert!(
            hba.iter().any(|r| r == "hostnossl all all all reject"),
            "{hba:?}"
        );
        let first = |rule: &str| hba.iter().position(|r| r == rule);
        assert!(
            first("hostnossl all all all reject") < first("host all all 0.0.0.0/0 trust"),
            "{hba:?}"
        );
    }

    #[test]
    fn spec_patroni_timing_wins_over_the_dynamic_configuration() {
        let mut v = validated(HIPPO);
        v.dynamic_configuration = json!({"ttl": 5, "loop_wait": 10, "retry_timeout": 10})
            .as_object()
            .unwrap()
            .clone();
        let dcs = dcs_config(&v);
        let (t, l, r) = (
            dcs["ttl"].as_i64().unwrap(),
            dcs["loop_wait"].as_i64().unwrap(),
            dcs["retry_timeout"].as_i64().unwrap(),
        );
        assert!(l + 2 * r <= t, "ttl {t}, loop_wait {l}, retry_timeout {r}");
    }
}
