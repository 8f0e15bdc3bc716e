//! Between read and build: the secret material a cluster needs (root CA, server and replication
//! certificates, user passwords). Existing material is kept; only what is missing or no longer
//! matches is generated. Nothing here is ever logged.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Secret;
use rand::Rng;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

use pgo_api::names;
use pgo_api::validate::{User, ValidatedCluster};

pub use crate::observe::Existing;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to generate {what}: {source}")]
    Generate {
        what: &'static str,
        source: rcgen::Error,
    },
    #[error("secret {secret} has an unreadable {key}: {source}")]
    Unreadable {
        secret: String,
        key: &'static str,
        source: rcgen::Error,
    },
}

/// A certificate and its key, PEM encoded.
#[derive(Clone, PartialEq, Eq)]
pub struct CertKey {
    pub cert: String,
    pub key: String,
}

impl std::fmt::Debug for CertKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CertKey(..)")
    }
}

/// A user's password and its SCRAM verifier.
#[derive(Clone, PartialEq, Eq)]
pub struct Password {
    pub password: String,
    pub verifier: String,
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

/// Everything secret a cluster's objects are built from.
#[derive(Debug, Clone)]
pub struct Material {
    pub root_ca: CertKey,
    /// `None` when spec.customTLSSecret is used.
    pub server: Option<CertKey>,
    pub replication: Option<CertKey>,
    /// pgBackRest's TLS server and client certificate, when backups or a clone are configured.
    pub pgbackrest: Option<CertKey>,
    pub passwords: BTreeMap<String, Password>,
    /// The password of Patroni's REST API, for unsafe requests.
    pub patroni_api: String,
    /// PgBouncer's login and client certificate, when `spec.proxy.pgBouncer` is given.
    pub pgbouncer: Option<PgBouncerMaterial>,
    /// The password of `ccp_monitoring`, when the exporter is configured.
    pub monitoring: Option<Password>,
}

/// What PgBouncer needs: the password of `_crunchypgbouncer` (in its auth file) with its
/// verifier (set in Postgres), and the certificate it presents to clients (`None` with
/// `customTLSSecret`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgBouncerMaterial {
    pub login: Password,
    pub frontend: Option<CertKey>,
}

/// Keys of the `<cluster>-pgbouncer` Secret, as PGO names them.
pub const PGBOUNCER_PASSWORD_KEY: &str = "pgbouncer-password";
pub const PGBOUNCER_VERIFIER_KEY: &str = "pgbouncer-verifier";
pub const PGBOUNCER_USERS_KEY: &str = "pgbouncer-users.txt";
pub const PGBOUNCER_FRONTEND_CERT_KEY: &str = "pgbouncer-frontend.crt";
pub const PGBOUNCER_FRONTEND_KEY_KEY: &str = "pgbouncer-frontend.key";
pub const PGBOUNCER_FRONTEND_CA_KEY: &str = "pgbouncer-frontend.ca-roots";

/// The names PgBouncer's client certificate covers: its Service's.
pub fn pgbouncer_dns_names(cluster: &str, namespace: &str) -> Vec<String> {
    let svc = names::pgbouncer(cluster);
    vec![
        format!("{svc}.{namespace}.svc.cluster.local"),
        svc.clone(),
        format!("{svc}.{namespace}"),
        format!("{svc}.{namespace}.svc"),
    ]
}

fn pgbouncer_material(
    v: &ValidatedCluster,
    existing: Option<&Secret>,
    ca: &CertKey,
) -> Result<PgBouncerMaterial, Error> {
    let login = match existing
        .and_then(|s| get(s, PGBOUNCER_PASSWORD_KEY))
        .filter(|p| !p.is_empty())
    {
        Some(password) => {
            let verifier = existing
                .and_then(|s| get(s, PGBOUNCER_VERIFIER_KEY))
                .filter(|v| v.starts_with("SCRAM-SHA-256$"))
                .unwrap_or_else(|| scram_verifier(&password));
            Password { password, verifier }
        }
        None => {
            let password = generate_password(true);
            let verifier = scram_verifier(&password);
            Password { password, verifier }
        }
    };
    let custom = v
        .pgbouncer
        .as_ref()
        .is_some_and(|p| p.spec.custom_tls_secret.is_some());
    let frontend = if custom {
        None
    } else {
        let kept = existing.and_then(|s| {
            (get(s, PGBOUNCER_FRONTEND_CA_KEY)? == ca.cert).then_some(())?;
            Some(CertKey {
                cert: get(s, PGBOUNCER_FRONTEND_CERT_KEY)?,
                key: get(s, PGBOUNCER_FRONTEND_KEY_KEY)?,
            })
        });
        Some(match kept {
            Some(c) => c,
            None => issue(
                ca,
                &names::pgbouncer(&v.name),
                pgbouncer_dns_names(&v.name, &v.namespace),
                vec![ExtendedKeyUsagePurpose::ServerAuth],
            )?,
        })
    };
    Ok(PgBouncerMaterial { login, frontend })
}

pub const ROOT_CERT_KEY: &str = "root.crt";
pub const ROOT_KEY_KEY: &str = "root.key";

fn get(secret: &Secret, key: &str) -> Option<String> {
    secret
        .data
        .as_ref()?
        .get(key)
        .and_then(|b| String::from_utf8(b.0.clone()).ok())
}

/// The common name of a cluster's pgBackRest certificate, which its pgBackRest servers'
/// `tls-server-auth` admit: the cluster's own, so that another cluster's certificate from the
/// same namespace CA is refused.
pub fn pgbackrest_client_name(cluster: &str) -> String {
    format!("{cluster}-pgbackrest")
}

/// On the `<cluster>-pgbackrest` Secret: the common name its certificate was issued for (a
/// certificate for another name, such as the namespace-wide one of earlier versions, is
/// issued again).
pub const PGBACKREST_CLIENT_ANNOTATION: &str =
    "postgres-operator.crunchydata.com/pgbackrest-client";

const CA_COMMON_NAME: &str = "postgres-operator-ca";

fn ca_params() -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, CA_COMMON_NAME);
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    params.not_after = rcgen::date_time_ymd(2034, 1, 1);
    Ok(params)
}

fn new_root_ca() -> Result<CertKey, Error> {
    let gen = |source| Error::Generate {
        what: "root CA",
        source,
    };
    let key = KeyPair::generate().map_err(gen)?;
    let cert = ca_params().map_err(gen)?.self_signed(&key).map_err(gen)?;
    Ok(CertKey {
        cert: cert.pem(),
        key: key.serialize_pem(),
    })
}

fn issue(
    ca: &CertKey,
    common_name: &str,
    dns_names: Vec<String>,
    usage: Vec<ExtendedKeyUsagePurpose>,
) -> Result<CertKey, Error> {
    let gen = |source| Error::Generate {
        what: "certificate",
        source,
    };
    let ca_key = KeyPair::from_pem(&ca.key).map_err(|source| Error::Unreadable {
        secret: names::ROOT_CA_SECRET.into(),
        key: ROOT_KEY_KEY,
        source,
    })?;
    // The issuer is the same CA: same name and key, so the chain verifies.
    let issuer = Issuer::new(ca_params().map_err(gen)?, ca_key);
    let key = KeyPair::generate().map_err(gen)?;
    let mut params = CertificateParams::new(dns_names).map_err(gen)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    params.distinguished_name = dn;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = usage;
    params.use_authority_key_identifier_extension = true;
    let now = time_now();
    params.not_before = now - std::time::Duration::from_secs(3600);
    params.not_after = now + std::time::Duration::from_secs(365 * 24 * 3600);
    let cert = params.signed_by(&key, &issuer).map_err(gen)?;
    Ok(CertKey {
        cert: cert.pem(),
        key: key.serialize_pem(),
    })
}

fn time_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// The DNS names the server certificate covers: the Services and every pod's headless name.
pub fn server_dns_names(cluster: &str, namespace: &str) -> Vec<String> {
    let mut out = Vec::new();
    for svc in [
        names::primary_service(cluster),
        names::replicas_service(cluster),
    ] {
        out.push(svc.clone());
        out.push(format!("{svc}.{namespace}"));
        out.push(format!("{svc}.{namespace}.svc"));
        out.push(format!("{svc}.{namespace}.svc.cluster.local"));
    }
    let pods = names::pods_service(cluster);
    out.push(format!("*.{pods}.{namespace}.svc"));
    out.push(format!("*.{pods}.{namespace}.svc.cluster.local"));
    out
}

/// A cert is kept while it exists and was issued with the current root CA.
fn existing_cert(secret: Option<&Secret>, ca: &CertKey) -> Option<CertKey> {
    let s = secret?;
    if get(s, "ca.crt").as_deref() != Some(ca.cert.as_str()) {
        return None;
    }
    Some(CertKey {
        cert: get(s, "tls.crt")?,
        key: get(s, "tls.key")?,
    })
}

const ASCII_PASSWORD_CHARS: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,-.:<=>?@[]^_{|}~";
const ALNUM_PASSWORD_CHARS: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A random password, 24 characters long as in PGO.
pub fn generate_password(alphanumeric: bool) -> String {
    let chars = if alphanumeric {
        ALNUM_PASSWORD_CHARS
    } else {
        ASCII_PASSWORD_CHARS
    };
    let mut rng = rand::rng();
    (0..24)
        .map(|_| chars[rng.random_range(0..chars.len())] as char)
        .collect()
}

/// The SCRAM-SHA-256 verifier Postgres stores for a password.
pub fn scram_verifier(password: &str) -> String {
    postgres_protocol::password::scram_sha_256(password.as_bytes())
}

fn user_password(user: &User, existing: Option<&Secret>) -> Password {
    // A password a user put in the Secret is kept; without a verifier (PGO's way to change a
    // password: set `password`, delete `verifier`) a new verifier is computed from it.
    if let Some(password) = existing
        .and_then(|s| get(s, "password"))
        .filter(|p| !p.is_empty())
    {
        let verifier = existing
            .and_then(|s| get(s, "verifier"))
            .filter(|v| v.starts_with("SCRAM-SHA-256$"))
            .unwrap_or_else(|| scram_verifier(&password));
        return Password { password, verifier };
    }
    let password = generate_password(user.alphanumeric);
    let verifier = scram_verifier(&password);
    Password { password, verifier }
}

/// Keeps what exists and generates what is missing.
pub fn ensure(v: &ValidatedCluster, existing: &Existing) -> Result<Material, Error> {
    let root_ca = match existing.root_ca.as_ref().and_then(|s| {
        Some(CertKey {
            cert: get(s, ROOT_CERT_KEY)?,
            key: get(s, ROOT_KEY_KEY)?,
        })
    }) {
        Some(ca) => ca,
        None => new_root_ca()?,
    };
    let (server, replication) = if v.custom_tls_secret.is_some() {
        (None, None)
    } else {
        let server = match existing_cert(existing.server.as_ref(), &root_ca) {
            Some(c) => c,
            None => issue(
                &root_ca,
                &names::primary_service(&v.name),
                server_dns_names(&v.name, &v.namespace),
                vec![ExtendedKeyUsagePurpose::ServerAuth],
            )?,
        };
        let replication = match existing_cert(existing.replication.as_ref(), &root_ca) {
            Some(c) => c,
            None => issue(
                &root_ca,
                names::REPLICATION_USER,
                vec![],
                vec![ExtendedKeyUsagePurpose::ClientAuth],
            )?,
        };
        (Some(server), Some(replication))
    };
    // One certificate for the cluster's pgBackRest TLS servers (instances, repository host) and
    // clients. Servers accept only client certificates of this CA with the cluster's name.
    let pgbackrest = if v.backups.is_some() || v.clone_source.is_some() {
        Some(
            match existing_cert(
                existing.pgbackrest.as_ref().filter(|s| {
                    s.metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get(PGBACKREST_CLIENT_ANNOTATION))
                        == Some(&pgbackrest_client_name(&v.name))
                }),
                &root_ca,
            ) {
                Some(c) => c,
                None => {
                    let pods = names::pods_service(&v.name);
                    issue(
                        &root_ca,
                        &pgbackrest_client_name(&v.name),
                        vec![
                            format!("*.{pods}.{}.svc", v.namespace),
                            format!("*.{pods}.{}.svc.cluster.local", v.namespace),
                        ],
                        vec![
                            ExtendedKeyUsagePurpose::ServerAuth,
                            ExtendedKeyUsagePurpose::ClientAuth,
                        ],
                    )?
                }
            },
        )
    } else {
        None
    };
    let passwords = v
        .users
        .iter()
        .map(|u| {
            (
                u.name.clone(),
                user_password(u, existing.users.get(&u.name)),
            )
        })
        .collect();
    let patroni_api = existing
        .patroni_api
        .as_ref()
        .and_then(|s| get(s, "password"))
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| generate_password(true));
    let pgbouncer = match &v.pgbouncer {
        Some(_) => Some(pgbouncer_material(
            v,
            existing.pgbouncer.as_ref(),
            &root_ca,
        )?),
        None => None,
    };
    let monitoring = v.exporter.as_ref().map(|_| {
        let user = User {
            name: names::MONITORING_USER.into(),
            databases: vec![],
            options: String::new(),
            alphanumeric: true,
        };
        user_password(&user, existing.monitoring.as_ref())
    });
    Ok(Material {
        root_ca,
        server,
        replication,
        pgbackrest,
        passwords,
        patroni_api,
        pgbouncer,
        monitoring,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_follow_the_requested_alphabet() {
        let p = generate_password(true);
        assert_eq!(p.len(), 24);
        assert!(p.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(generate_password(false), generate_password(false));
    }

    #[test]
    fn verifier_is_scram() {
        assert!(scram_verifier("secret").starts_with("SCRAM-SHA-256$4096:"));
    }

    #[test]
    fn issued_certificate_is_pem_and_debug_hides_it() {
        let ca = new_root_ca().unwrap();
        let leaf = issue(
            &ca,
            "hippo-primary",
            server_dns_names("hippo", "db"),
            vec![ExtendedKeyUsagePurpose::ServerAuth],
        )
        .unwrap();
        assert!(leaf.cert.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(leaf.key.contains("PRIVATE KEY"));
        assert_ne!(leaf.cert, ca.cert);
        // Debug output never shows key material.
        assert_eq!(format!("{leaf:?}"), "CertKey(..)");
    }

    use crate::desired::tests::{validated, HIPPO};
    use k8s_openapi::ByteString;

    fn secret(pairs: &[(&str, &str)]) -> Secret {
        Secret {
            data: Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), ByteString(v.as_bytes().to_vec())))
                    .collect(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn ascii_passwords_avoid_quotes_backslashes_and_slashes() {
        for _ in 0..50 {
            let p = generate_password(false);
            assert_eq!(p.len(), 24);
            assert!(p.bytes().all(|b| ASCII_PASSWORD_CHARS.contains(&b)));
            assert!(!p.contains(['\'', '"', '\\', '/', '`', ' ']), "{p}");
        }
    }

    #[test]
    fn verifiers_are_salted_scram_with_4096_iterations() {
        let a = scram_verifier("secret");
        let b = scram_verifier("secret");
        assert_ne!(a, b, "a fresh salt each time");
        // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
        let rest = a.strip_prefix("SCRAM-SHA-256$4096:").unwrap();
        let (salt, keys) = rest.split_once('$').unwrap();
        assert!(!salt.is_empty());
        let (stored, server) = keys.split_once(':').unwrap();
        assert!(!stored.is_empty() && !server.is_empty());
    }

    #[test]
    fn server_certificate_covers_the_services_and_every_pod() {
        let dns = server_dns_names("hippo", "db");
        for want in [
            "hippo-primary",
            "hippo-primary.db",
            "hippo-primary.db.svc",
            "hippo-primary.db.svc.cluster.local",
            "hippo-replicas.db.svc",
            "*.hippo-pods.db.svc",
            "*.hippo-pods.db.svc.cluster.local",
        ] {
            assert!(dns.iter().any(|d| d == want), "missing {want}: {dns:?}");
        }
    }

    #[test]
    fn existing_passwords_are_kept_and_a_missing_verifier_is_recomputed() {
        let v = validated(HIPPO);
        let first = ensure(&v, &Existing::default()).unwrap();
        let kept = &first.passwords["rhino"];
        let existing = Existing {
            users: [(
                "rhino".to_string(),
                secret(&[("password", &kept.password), ("verifier", &kept.verifier)]),
            )]
            .into(),
            ..Default::default()
        };
        assert_eq!(&ensure(&v, &existing).unwrap().passwords["rhino"], kept);

        // PGO's way to change a password: write `password`, delete `verifier`.
        let changed = Existing {
            users: [("rhino".to_string(), secret(&[("password", "n3w")]))].into(),
            ..Default::default()
        };
        let p = &ensure(&v, &changed).unwrap().passwords["rhino"];
        assert_eq!(p.password, "n3w");
        assert!(p.verifier.starts_with("SCRAM-SHA-256$4096:"));
        // An empty password is replaced by a generated one.
        let empty = Existing {
            users: [("rhino".to_string(), secret(&[("password", "")]))].into(),
            ..Default::default()
        };
        assert_eq!(
            ensure(&v, &empty).unwrap().passwords["rhino"]
                .password
                .len(),
            24
        );
    }

    #[test]
    fn certificates_are_kept_only_while_issued_by_the_current_root() {
        let v = validated(HIPPO);
        let first = ensure(&v, &Existing::default()).unwrap();
        let server = first.server.clone().unwrap();
        let root = secret(&[
            (ROOT_CERT_KEY, &first.root_ca.cert),
            (ROOT_KEY_KEY, &first.root_ca.key),
        ]);
        let server_secret = |ca: &str| {
            secret(&[
                ("tls.crt", &server.cert),
                ("tls.key", &server.key),
                ("ca.crt", ca),
            ])
        };
        let same = Existing {
            root_ca: Some(root.clone()),
            server: Some(server_secret(&first.root_ca.cert)),
            ..Default::default()
        };
        let again = ensure(&v, &same).unwrap();
        assert_eq!(again.root_ca, first.root_ca);
        assert_eq!(again.server.as_ref(), Some(&server));
        assert_ne!(again.replication, first.replication, "it was missing");

        let other_ca = Existing {
            root_ca: Some(root),
            server: Some(server_secret("another CA")),
            ..Default::default()
        };
        assert_ne!(
            ensure(&v, &other_ca).unwrap().server.as_ref(),
            Some(&server)
        );
    }

    #[test]
    fn custom_tls_and_no_backups_issue_neither_server_nor_pgbackrest_certificates() {
        let mut v = validated(HIPPO);
        v.custom_tls_secret = Some("mine".into());
        v.custom_replication_tls_secret = Some("mine-repl".into());
        let m = ensure(&v, &Existing::default()).unwrap();
        assert!(m.server.is_none() && m.replication.is_none() && m.pgbackrest.is_none());
        let v = validated(crate::desired::pgbackrest::tests::HIPPO_BACKUPS);
        assert!(ensure(&v, &Existing::default())
            .unwrap()
            .pgbackrest
            .is_some());
    }

    #[test]
    fn a_pgbackrest_certificate_is_issued_again_for_the_clusters_own_name() {
        let v = validated(crate::desired::pgbackrest::tests::HIPPO_BACKUPS);
        let first = ensure(&v, &Existing::default()).unwrap();
        let cert = first.pgbackrest.clone().unwrap();
        let root = secret(&[
            (ROOT_CERT_KEY, &first.root_ca.cert),
            (ROOT_KEY_KEY, &first.root_ca.key),
        ]);
        let stored = |name: Option<&str>| {
            let mut s = secret(&[
                ("tls.crt", &cert.cert),
                ("tls.key", &cert.key),
                ("ca.crt", &first.root_ca.cert),
            ]);
            s.metadata.annotations =
                name.map(|n| [(PGBACKREST_CLIENT_ANNOTATION.to_string(), n.to_string())].into());
            s
        };
        let with = |s: Secret| Existing {
            root_ca: Some(root.clone()),
            pgbackrest: Some(s),
            ..Default::default()
        };
        // Issued for this cluster's name: kept.
        let kept = ensure(&v, &with(stored(Some("hippo-pgbackrest")))).unwrap();
        assert_eq!(kept.pgbackrest.as_ref(), Some(&cert));
        // The namespace-wide name of earlier versions, or no record of the name: issued again,
        // so another cluster's repository host refuses it.
        for old in [None, Some("pgbackrest")] {
            let again = ensure(&v, &with(stored(old))).unwrap();
            assert_ne!(again.pgbackrest.as_ref(), Some(&cert), "{old:?}");
        }
    }
}
