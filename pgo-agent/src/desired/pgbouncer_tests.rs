use super::*;
use crate::desired::tests::{material, validated, HIPPO};

fn with_proxy(extra: &str) -> String {
    format!("{HIPPO}  proxy:\n    pgBouncer:\n{extra}      port: 6432\n")
}

fn hippo_pgbouncer(extra: &str) -> (ValidatedCluster, Material) {
    let v = validated(&with_proxy(extra));
    let m = material(&v);
    (v, m)
}

fn data(s: &Secret) -> BTreeMap<String, String> {
    s.data
        .clone()
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8(v.0).unwrap()))
        .collect()
}

#[test]
fn the_ini_points_pgbouncer_at_the_primary_with_tls_on_both_sides() {
    let (v, _) = hippo_pgbouncer("");
    let ini = ini(&v, v.pgbouncer.as_ref().unwrap());
    for line in [
        "%include /etc/pgbouncer/pgbouncer.ini",
        "auth_user = _crunchypgbouncer",
        "auth_query = SELECT username, password from pgbouncer.get_auth($1)",
        "auth_file = /etc/pgbouncer/~postgres-operator/users.txt",
        "client_tls_sslmode = require",
        "server_tls_sslmode = verify-full",
        "server_tls_ca_file = /etc/pgbouncer/~postgres-operator/backend-ca.crt",
        "listen_port = 6432",
        "unix_socket_dir =",
        "server_login_retry = 1",
        "conffile = /etc/pgbouncer/~postgres-operator.ini",
        "* = host=hippo-primary port=5432",
    ] {
        assert!(ini.lines().any(|l| l == line), "missing {line:?} in\n{ini}");
    }
    assert!(!ini.contains("[users]"));
    // The include comes first, so the generated settings win over the user's file.
    assert!(ini.find("%include").unwrap() < ini.find("auth_user").unwrap());
}

#[test]
fn user_settings_override_the_generated_ones_and_databases_replace_the_wildcard() {
    let (v, _) = hippo_pgbouncer(
        "      config:\n        global: {pool_mode: transaction, client_tls_sslmode: verify-full}\n        databases: {zoo: host=hippo-primary dbname=zoo}\n        users: {rhino: pool_mode=session}\n",
    );
    let ini = ini(&v, v.pgbouncer.as_ref().unwrap());
    assert!(ini.lines().any(|l| l == "pool_mode = transaction"));
    assert!(ini.lines().any(|l| l == "client_tls_sslmode = verify-full"));
    assert!(!ini.lines().any(|l| l == "client_tls_sslmode = require"));
    assert!(ini
        .lines()
        .any(|l| l == "zoo = host=hippo-primary dbname=zoo"));
    assert!(!ini.contains("* = host"));
    assert!(ini.contains("\n[users]\nrhino = pool_mode=session\n"));
}

#[test]
fn the_secret_has_pgos_keys_and_an_auth_file_with_only_the_pooler_login() {
    let (v, m) = hippo_pgbouncer("");
    let s = secret(&v, v.pgbouncer.as_ref().unwrap(), &m).unwrap();
    assert_eq!(s.metadata.name.as_deref(), Some("hippo-pgbouncer"));
    assert_eq!(
        s.metadata.labels.as_ref().unwrap()[labels::ROLE],
        "pgbouncer"
    );
    let d = data(&s);
    let pw = &m.pgbouncer.as_ref().unwrap().login.password;
    assert_eq!(d["pgbouncer-password"], *pw);
    assert!(d["pgbouncer-verifier"].starts_with("SCRAM-SHA-256$"));
    assert_eq!(
        d["pgbouncer-users.txt"],
        format!("\"_crunchypgbouncer\" \"{pw}\"\n")
    );
    assert!(d["pgbouncer-frontend.crt"].starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(d["pgbouncer-frontend.key"].contains("PRIVATE KEY"));
    assert_eq!(d["pgbouncer-frontend.ca-roots"], m.root_ca.cert);
    assert_eq!(auth_file("a\"b"), "\"_crunchypgbouncer\" \"a\"\"b\"\n");
}

#[test]
fn the_login_and_certificate_are_kept_from_the_existing_secret() {
    let (v, m) = hippo_pgbouncer("");
    let s = secret(&v, v.pgbouncer.as_ref().unwrap(), &m).unwrap();
    let existing = crate::observe::Existing {
        root_ca: Some(super::super::secret::root_ca(&v, &m)),
        pgbouncer: Some(s),
        ..Default::default()
    };
    let again = crate::credentials::ensure(&v, &existing).unwrap();
    assert_eq!(again.pgbouncer, m.pgbouncer);
    // With a custom certificate, none is issued.
    let (v, m) = hippo_pgbouncer("      customTLSSecret: {name: my-pooler-tls}\n");
    assert!(m.pgbouncer.as_ref().unwrap().frontend.is_none());
    let d = data(&secret(&v, v.pgbouncer.as_ref().unwrap(), &m).unwrap());
    assert!(!d.contains_key("pgbouncer-frontend.crt"));
}

fn volume_sources(d: &Deployment) -> Vec<VolumeProjection> {
    let spec = d.spec.as_ref().unwrap().template.spec.as_ref().unwrap();
    spec.volumes.as_ref().unwrap()[0]
        .projected
        .as_ref()
        .unwrap()
        .sources
        .clone()
        .unwrap()
}

#[test]
fn the_deployment_runs_pgbouncer_and_its_reloader_restricted_and_never_all_down() {
    let (v, _) = hippo_pgbouncer("      replicas: 2\n");
    let p = v.pgbouncer.as_ref().unwrap();
    let d = deployment(&v, p);
    let spec = d.spec.as_ref().unwrap();
    assert_eq!(spec.replicas, Some(2));
    let ru = spec
        .strategy
        .as_ref()
        .unwrap()
        .rolling_update
        .as_ref()
        .unwrap();
    assert_eq!(ru.max_unavailable, Some(IntOrString::Int(0)));
    let pod = spec.template.spec.as_ref().unwrap();
    let names: Vec<&str> = pod.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["pgbouncer", "pgbouncer-config"]);
    assert_eq!(pod.share_process_namespace, Some(true));
    assert_eq!(pod.automount_service_account_token, Some(false));
    assert!(
        crate::desired::props_tests::restricted_violations("pgbouncer", pod).is_empty(),
        "{:?}",
        crate::desired::props_tests::restricted_violations("pgbouncer", pod)
    );
    let c = &pod.containers[0];
    assert_eq!(c.image.as_deref(), Some("localhost/pgo-postgres:15"));
    assert_eq!(c.ports.as_ref().unwrap()[0].container_port, 6432);
    assert_eq!(
        c.command.as_ref().unwrap()[1],
        "/etc/pgbouncer/~postgres-operator.ini"
    );
    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .unwrap()
        .labels
        .as_ref()
        .unwrap();
    assert_eq!(template_labels[labels::ROLE], "pgbouncer");
    assert_eq!(template_labels[labels::CLUSTER], "hippo");
    // The server's CA comes from the cluster certificate; the client side from the pooler's.
    let sources = volume_sources(&d);
    let secrets: Vec<String> = sources
        .iter()
        .filter_map(|s| s.secret.as_ref().map(|s| s.name.clone()))
        .collect();
    assert!(secrets.contains(&"hippo-cluster-cert".to_string()));
    assert!(secrets.contains(&"hippo-pgbouncer".to_string()));
}

#[test]
fn shutdown_stops_the_poolers_and_user_files_cannot_replace_the_generated_ones() {
    let yaml = with_proxy(
        "      config:\n        files: [{configMap: {name: extra, items: [{key: a, path: pgbouncer.ini}]}}]\n",
    )
    .replace("  postgresVersion: 15\n", "  postgresVersion: 15\n  shutdown: true\n");
    let v = validated(&yaml);
    let d = deployment(&v, v.pgbouncer.as_ref().unwrap());
    assert_eq!(d.spec.as_ref().unwrap().replicas, Some(0));
    let sources = volume_sources(&d);
    let position = |name: &str| {
        sources
            .iter()
            .position(|s| s.config_map.as_ref().is_some_and(|c| c.name == name))
            .unwrap()
    };
    // Later projections win: the user's file after the empty one, before the generated ini.
    assert!(position("extra") > 0);
    let generated = sources
        .iter()
        .rposition(|s| {
            s.config_map
                .as_ref()
                .is_some_and(|c| c.name == "hippo-pgbouncer")
        })
        .unwrap();
    assert!(generated > position("extra"));
}

#[test]
fn the_service_exposes_the_pooler_port_by_role() {
    let (v, _) = hippo_pgbouncer(
        "      service: {type: NodePort, nodePort: 32100, metadata: {labels: {team: zoo}}}\n",
    );
    let s = service(&v, v.pgbouncer.as_ref().unwrap());
    let spec = s.spec.unwrap();
    assert_eq!(spec.type_.as_deref(), Some("NodePort"));
    let port = &spec.ports.unwrap()[0];
    assert_eq!(port.name.as_deref(), Some("pgbouncer"));
    assert_eq!(port.port, 6432);
    assert_eq!(port.node_port, Some(32100));
    assert_eq!(spec.selector.unwrap()[labels::ROLE], "pgbouncer");
    let l = s.metadata.labels.unwrap();
    assert_eq!(l["team"], "zoo");
    assert_eq!(l[labels::ROLE], "pgbouncer");
}

#[test]
fn a_budget_only_for_more_than_one_pooler() {
    let (v, _) = hippo_pgbouncer("");
    assert!(pdb(&v, v.pgbouncer.as_ref().unwrap()).is_none());
    let (v, _) = hippo_pgbouncer("      replicas: 3\n");
    let b = pdb(&v, v.pgbouncer.as_ref().unwrap()).unwrap();
    assert_eq!(b.spec.unwrap().min_available, Some(IntOrString::Int(1)));
}

#[test]
fn the_sql_sets_a_verifier_never_a_password_and_removal_drops_the_same_role() {
    let (_, m) = hippo_pgbouncer("");
    let login = &m.pgbouncer.as_ref().unwrap().login;
    let sql = enable_sql(&login.verifier);
    assert!(sql.contains(&format!("LOGIN PASSWORD '{}'", login.verifier)));
    assert!(!sql.contains(&login.password));
    assert!(sql.contains("SET log_statement = 'none'"));
    assert!(sql.contains("SECURITY DEFINER SET search_path = pg_catalog, pg_temp"));
    assert!(sql.contains("NOT pg_authid.rolsuper"));
    assert!(enable_sql("it's").contains("PASSWORD 'it''s'"));
    assert_eq!(revision(&sql), revision(&sql));
    assert_ne!(revision(&sql), revision(&enable_sql("other")));
    assert!(DROP_ROLE_SQL.contains(&format!("\"{}\"", names::PGBOUNCER_USER)));
    assert!(disable_sql().contains("DROP SCHEMA IF EXISTS pgbouncer CASCADE"));
}

#[test]
fn the_objects_come_and_go_with_the_spec() {
    let (v, m) = hippo_pgbouncer("");
    let d = crate::desired::build(&v, &Default::default(), &Default::default(), &m, true);
    assert_eq!(d.deployments.len(), 1);
    assert!(d
        .services
        .iter()
        .any(|s| s.metadata.name.as_deref() == Some("hippo-pgbouncer")));
    assert!(d
        .config_maps
        .iter()
        .any(|s| s.metadata.name.as_deref() == Some("hippo-pgbouncer")));
    let user = d
        .secrets
        .iter()
        .find(|s| s.metadata.name.as_deref() == Some("hippo-pguser-rhino"))
        .unwrap();
    let u = data(user);
    assert_eq!(u["pgbouncer-host"], "hippo-pgbouncer.db.svc");
    assert_eq!(u["pgbouncer-port"], "6432");
    assert!(u["pgbouncer-uri"].starts_with("postgresql://rhino:"));
    assert!(u["pgbouncer-uri"].ends_with("@hippo-pgbouncer.db.svc:6432/zoo"));
    assert!(u["pgbouncer-jdbc-uri"]
        .starts_with("jdbc:postgresql://hippo-pgbouncer.db.svc:6432/zoo?password="));
    assert!(u["pgbouncer-jdbc-uri"].ends_with("&prepareThreshold=0&user=rhino"));
    let hba = crate::desired::dcs_config(&v)["postgresql"]["pg_hba"].clone();
    assert!(hba
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "hostssl all \"_crunchypgbouncer\" all scram-sha-256"));

    let v = validated(HIPPO);
    let m = material(&v);
    assert!(m.pgbouncer.is_none());
    let d = crate::desired::build(&v, &Default::default(), &Default::default(), &m, true);
    assert!(d.deployments.is_empty());
    let user = d
        .secrets
        .iter()
        .find(|s| s.metadata.name.as_deref() == Some("hippo-pguser-rhino"))
        .unwrap();
    assert!(!data(user).contains_key("pgbouncer-host"));
    let hba = crate::desired::dcs_config(&v)["postgresql"]["pg_hba"].to_string();
    assert!(!hba.contains("_crunchypgbouncer"));
}
