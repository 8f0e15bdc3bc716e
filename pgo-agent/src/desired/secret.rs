//! Build: the root CA, the server and replication certificates, and a Secret per user with
//! PGO's keys (user, password, verifier, host, port, dbname, uri, jdbc-uri).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::ByteString;
use pgo_api::names::{self, labels};

use super::meta;
use crate::credentials::{CertKey, Material, ROOT_CERT_KEY, ROOT_KEY_KEY};
use pgo_api::validate::ValidatedCluster;

fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, ByteString> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), ByteString(v.as_bytes().to_vec())))
        .collect()
}

pub fn root_ca(v: &ValidatedCluster, m: &Material) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some(names::ROOT_CA_SECRET.into()),
            namespace: Some(v.namespace.clone()),
            labels: Some(
                [(
                    labels::MANAGED_BY.to_string(),
                    labels::MANAGED_BY_VALUE.to_string(),
                )]
                .into(),
            ),
            ..Default::default()
        },
        data: Some(data(&[
            (ROOT_CERT_KEY, &m.root_ca.cert),
            (ROOT_KEY_KEY, &m.root_ca.key),
        ])),
        type_: Some("Opaque".into()),
        ..Default::default()
    }
}

fn tls(v: &ValidatedCluster, name: String, c: &CertKey, ca: &str) -> Secret {
    Secret {
        metadata: meta(v, name, &[(labels::CLUSTER_CERTIFICATE, "postgres-tls")]),
        data: Some(data(&[
            ("tls.crt", &c.cert),
            ("tls.key", &c.key),
            ("ca.crt", ca),
        ])),
        type_: Some("Opaque".into()),
        ..Default::default()
    }
}

pub fn tls_secrets(v: &ValidatedCluster, m: &Material) -> Vec<Secret> {
    let mut out = Vec::new();
    if let Some(c) = &m.server {
        out.push(tls(
            v,
            names::cluster_cert_secret(&v.name),
            c,
            &m.root_ca.cert,
        ));
    }
    if let Some(c) = &m.replication {
        out.push(tls(
            v,
            names::replication_cert_secret(&v.name),
            c,
            &m.root_ca.cert,
        ));
    }
    if let Some(c) = &m.pgbackrest {
        let mut s = tls(v, names::pgbackrest(&v.name), c, &m.root_ca.cert);
        s.metadata
            .annotations
            .get_or_insert_with(Default::default)
            .insert(
                crate::credentials::PGBACKREST_CLIENT_ANNOTATION.into(),
                crate::credentials::pgbackrest_client_name(&v.name),
            );
        out.push(s);
    }
    out
}

/// The credentials Patroni's REST API asks for unsafe requests.
pub fn patroni_api(v: &ValidatedCluster, m: &Material) -> Secret {
    Secret {
        metadata: meta(v, names::patroni_api_secret(&v.name), &[]),
        data: Some(data(&[
            ("username", names::PATRONI_API_USER),
            ("password", &m.patroni_api),
        ])),
        type_: Some("Opaque".into()),
        ..Default::default()
    }
}

/// Percent-encodes a URI userinfo or path part.
fn uri_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn user_secrets(v: &ValidatedCluster, m: &Material) -> Vec<Secret> {
    let host = names::service_host(&names::primary_service(&v.name), &v.namespace);
    let port = v.port.to_string();
    v.users
        .iter()
        .filter_map(|u| {
            let p = m.passwords.get(&u.name)?;
            let mut pairs = vec![
                ("user", u.name.clone()),
                ("password", p.password.clone()),
                ("verifier", p.verifier.clone()),
                ("host", host.clone()),
                ("port", port.clone()),
            ];
            if let Some(db) = u.databases.first() {
                pairs.push(("dbname", db.clone()));
                pairs.push((
                    "uri",
                    format!(
                        "postgresql://{}:{}@{host}:{port}/{}",
                        uri_escape(&u.name),
                        uri_escape(&p.password),
                        uri_escape(db)
                    ),
                ));
                pairs.push((
                    "jdbc-uri",
                    format!(
                        "jdbc:postgresql://{host}:{port}/{}?password={}&user={}",
                        uri_escape(db),
                        uri_escape(&p.password),
                        uri_escape(&u.name)
                    ),
                ));
            } else {
                pairs.push((
                    "uri",
                    format!(
                        "postgresql://{}:{}@{host}:{port}",
                        uri_escape(&u.name),
                        uri_escape(&p.password)
                    ),
                ));
                pairs.push((
                    "jdbc-uri",
                    format!(
                        "jdbc:postgresql://{host}:{port}/?password={}&user={}",
                        uri_escape(&p.password),
                        uri_escape(&u.name)
                    ),
                ));
            }
            // Through PgBouncer, as PGO writes it: prepared statements off for the JDBC driver,
            // which transaction pooling needs.
            if let Some(pgb) = &v.pgbouncer {
                let host = names::service_host(&names::pgbouncer(&v.name), &v.namespace);
                let port = pgb.port.to_string();
                pairs.push(("pgbouncer-host", host.clone()));
                pairs.push(("pgbouncer-port", port.clone()));
                if let Some(db) = u.databases.first() {
                    pairs.push((
                        "pgbouncer-uri",
                        format!(
                            "postgresql://{}:{}@{host}:{port}/{}",
                            uri_escape(&u.name),
                            uri_escape(&p.password),
                            uri_escape(db)
                        ),
                    ));
                    pairs.push((
                        "pgbouncer-jdbc-uri",
                        format!(
                            "jdbc:postgresql://{host}:{port}/{}?password={}&prepareThreshold=0&user={}",
                            uri_escape(db),
                            uri_escape(&p.password),
                            uri_escape(&u.name)
                        ),
                    ));
                }
            }
            let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            Some(Secret {
                metadata: meta(
                    v,
                    names::user_secret(&v.name, &u.name),
                    &[
                        (labels::ROLE, labels::ROLE_PGUSER),
                        (labels::PGUSER, &u.name),
                    ],
                ),
                data: Some(data(&refs)),
                type_: Some("Opaque".into()),
                ..Default::default()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patroni_api_password_comes_from_the_material_and_is_kept() {
        let v = crate::desired::tests::validated(crate::desired::tests::HIPPO);
        let m = crate::desired::tests::material(&v);
        let s = patroni_api(&v, &m);
        let d = s.data.unwrap();
        assert_eq!(d["username"].0, b"patroni");
        assert_eq!(d["password"].0, m.patroni_api.as_bytes());
        let existing = crate::observe::Existing {
            patroni_api: Some(Secret {
                data: Some(d),
                ..Default::default()
            }),
            ..Default::default()
        };
        let again = crate::credentials::ensure(&v, &existing).unwrap();
        assert_eq!(again.patroni_api, m.patroni_api);
    }

    use crate::desired::tests::{material, validated, HIPPO};

    #[test]
    fn user_secret_has_pgo_keys_and_a_working_uri() {
        let v = validated(HIPPO);
        let m = material(&v);
        let s = &user_secrets(&v, &m)[0];
        assert_eq!(s.metadata.name.as_deref(), Some("hippo-pguser-rhino"));
        let d = s.data.as_ref().unwrap();
        for key in [
            "user", "password", "verifier", "host", "port", "dbname", "uri", "jdbc-uri",
        ] {
            assert!(d.contains_key(key), "missing {key}");
        }
        let uri = String::from_utf8(d["uri"].0.clone()).unwrap();
        assert!(uri.starts_with("postgresql://rhino:"));
        assert!(uri.ends_with("@hippo-primary.db.svc:5432/zoo"));
        assert_eq!(d["host"].0, b"hippo-primary.db.svc");
    }

    #[test]
    fn uri_escape_keeps_ascii_passwords_parseable() {
        assert_eq!(uri_escape("a@b:c/d%"), "a%40b%3Ac%2Fd%25");
    }

    fn text(s: &Secret, key: &str) -> String {
        String::from_utf8(s.data.as_ref().unwrap()[key].0.clone()).unwrap()
    }

    #[test]
    fn special_characters_are_escaped_in_both_uris_but_not_in_the_plain_keys() {
        let v = validated(HIPPO);
        let mut m = material(&v);
        m.passwords.get_mut("rhino").unwrap().password = "p@ss:w/rd?&=#%".into();
        let s = &user_secrets(&v, &m)[0];
        assert_eq!(text(s, "password"), "p@ss:w/rd?&=#%");
        let escaped = "p%40ss%3Aw%2Frd%3F%26%3D%23%25";
        assert_eq!(
            text(s, "uri"),
            format!("postgresql://rhino:{escaped}@hippo-primary.db.svc:5432/zoo")
        );
        assert_eq!(
            text(s, "jdbc-uri"),
            format!(
                "jdbc:postgresql://hippo-primary.db.svc:5432/zoo?password={escaped}&user=rhino"
            )
        );
        assert_eq!(text(s, "verifier"), m.passwords["rhino"].verifier);
    }

    #[test]
    fn a_user_without_databases_has_no_dbname_and_a_uri_without_path() {
        let mut v = validated(HIPPO);
        v.users[0].databases.clear();
        let m = material(&v);
        let s = &user_secrets(&v, &m)[0];
        let d = s.data.as_ref().unwrap();
        assert!(!d.contains_key("dbname"));
        assert!(text(s, "uri").ends_with("@hippo-primary.db.svc:5432"));
        assert!(text(s, "jdbc-uri")
            .starts_with("jdbc:postgresql://hippo-primary.db.svc:5432/?password="));
        let l = s.metadata.labels.as_ref().unwrap();
        assert_eq!(l[labels::PGUSER], "rhino");
        assert_eq!(l[labels::ROLE], labels::ROLE_PGUSER);
    }

    #[test]
    fn uri_escape_leaves_unreserved_characters_and_encodes_utf8_bytes() {
        assert_eq!(uri_escape("Az09-._~"), "Az09-._~");
        assert_eq!(uri_escape("a b"), "a%20b");
        assert_eq!(uri_escape("é"), "%C3%A9");
    }

    #[test]
    fn custom_tls_leaves_only_the_pgbackrest_certificate_to_us() {
        let v = validated(crate::desired::pgbackrest::tests::HIPPO_BACKUPS);
        let mut m = material(&v);
        let names = |m: &Material| -> Vec<String> {
            tls_secrets(&v, m)
                .iter()
                .map(|s| s.metadata.name.clone().unwrap())
                .collect()
        };
        assert_eq!(
            names(&m),
            [
                "hippo-cluster-cert",
                "hippo-replication-cert",
                "hippo-pgbackrest"
            ]
        );
        m.server = None;
        m.replication = None;
        assert_eq!(names(&m), ["hippo-pgbackrest"]);
        let s = &tls_secrets(&v, &m)[0];
        assert_eq!(text(s, "ca.crt"), m.root_ca.cert);
        // The root CA is shared by the namespace: never owned by one cluster.
        let root = root_ca(&v, &m);
        assert!(root.metadata.owner_references.is_none());
        assert_eq!(text(&root, ROOT_KEY_KEY), m.root_ca.key);
    }
}
