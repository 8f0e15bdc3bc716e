//! Redaction of everything that goes into a support export: whatever looks like a password, a
//! password verifier, a token or a private key is replaced by `<redacted>`. No I/O.
//!
//! It errs on the side of removing too much: a bug report does not need the values.

use std::sync::LazyLock;

use regex::{Captures, NoExpand, Regex};
use serde_json::Value;

pub const REDACTED: &str = "<redacted>";

static PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?s)-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)",
    )
    .unwrap()
});
static SCRAM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"SCRAM-SHA-256\$[^\s"',;]+"#).unwrap());
static MD5: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bmd5[0-9a-f]{32}\b").unwrap());
/// `scheme://user:password@`: the password is everything up to the `@`.
static URI_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s"'<>]*):[^@\s"'<>]+@"#).unwrap()
});
static BEARER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(bearer)[ \t]+[A-Za-z0-9._~+/=-]+").unwrap());
/// `KEY: value`, `KEY=value`, `"KEY": "value"` where KEY names a secret; the value stays on
/// its line.
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)([A-Za-z0-9_.-]*(?:password|passwd|passphrase|verifier|secret|token|private[_-]?key|cipher[_-]pass|s3[_-]key|azure[_-]key)[A-Za-z0-9_.-]*)(["']?[ \t]*[:=][ \t]*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s,;&"'{}\[\]]+)"#,
    )
    .unwrap()
});

/// Keys that mention a secret but hold a name or a setting, not a secret.
fn harmless_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "name",
        "ref",
        "names",
        "seconds",
        "path",
        "file",
        "mode",
        "type",
        "encryption",
    ]
    .iter()
    .any(|end| k.ends_with(end))
        || k.starts_with("automount")
}

fn harmless_value(value: &str) -> bool {
    let v = value.trim_matches(['"', '\'']);
    v.is_empty() || v == REDACTED || matches!(v, "true" | "false" | "null" | "~")
}

/// `text` with every secret-looking value replaced by [`REDACTED`].
pub fn redact(text: &str) -> String {
    let text = PRIVATE_KEY.replace_all(text, |c: &Captures| {
        format!(
            "-----BEGIN {0}PRIVATE KEY-----{REDACTED}-----END {0}PRIVATE KEY-----",
            &c[1]
        )
    });
    let scram = format!("SCRAM-SHA-256${REDACTED}");
    let text = SCRAM.replace_all(&text, NoExpand(&scram));
    let md5 = format!("md5{REDACTED}");
    let text = MD5.replace_all(&text, NoExpand(&md5));
    let text = URI_PASSWORD.replace_all(&text, format!("${{1}}:{REDACTED}@"));
    let text = BEARER.replace_all(&text, format!("${{1}} {REDACTED}"));
    let text = KEY_VALUE.replace_all(&text, |c: &Captures| {
        let (key, sep, value) = (&c[1], &c[2], &c[3]);
        if harmless_key(key) || harmless_value(value) {
            return c[0].to_string();
        }
        let quote = if value.starts_with('"') { "\"" } else { "" };
        format!("{key}{sep}{quote}{REDACTED}{quote}")
    });
    text.into_owned()
}

/// An environment variable (or any `name`/`value` pair) whose name says it holds a secret.
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "VERIFIER",
        "PRIVATE_KEY",
        "_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|s| n.contains(s))
        && !n.ends_with("_FILE")
        && !n.ends_with("_PATH")
}

/// Structural redaction of an object before it is printed: `{name: SECRETISH, value: ...}`
/// pairs (environment variables) lose their value, and managedFields and kubectl's
/// last-applied annotation are dropped (noise that may repeat values).
pub fn redact_object(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("managedFields");
                if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
                    a.remove("kubectl.kubernetes.io/last-applied-configuration");
                }
            }
            let secret = map
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(secret_name);
            if secret {
                if let Some(value) = map.get_mut("value").filter(|v| v.is_string()) {
                    *value = Value::String(REDACTED.into());
                }
            }
            map.values_mut().for_each(redact_object);
        }
        Value::Array(items) => items.iter_mut().for_each(redact_object),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gone(text: &str, secret: &str) {
        let out = redact(text);
        assert!(!out.contains(secret), "{secret:?} survived in:\n{out}");
        assert!(out.contains(REDACTED), "nothing redacted in:\n{out}");
    }

    #[test]
    fn scram_verifiers() {
        let v = "SCRAM-SHA-256$4096:c2FsdHNhbHQ=$c3RvcmVka2V5c3RvcmVka2V5:c2VydmVya2V5c2VydmVya2V5";
        gone(&format!("ALTER ROLE app PASSWORD '{v}';"), "c3RvcmVka2V5");
        gone(&format!("rolpassword | {v}\n"), "c2FsdHNhbHQ");
        assert_eq!(redact(v), "SCRAM-SHA-256$<redacted>");
        gone("md5d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204");
    }

    #[test]
    fn private_keys_even_escaped_in_json_or_cut_short() {
        let pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBase64Stuff\nmore==\n-----END EC PRIVATE KEY-----";
        let out = redact(&format!("tls.key: |\n{pem}\nafter"));
        assert!(!out.contains("MHcCAQEE"), "{out}");
        assert!(
            out.contains("-----BEGIN EC PRIVATE KEY-----<redacted>-----END EC PRIVATE KEY-----")
        );
        assert!(out.ends_with("\nafter"), "{out}");
        gone(
            r#"{"key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY-----\n"}"#,
            "MIIEvQ",
        );
        gone(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA",
            "MIIEow",
        );
        // Certificates are public: kept.
        let cert = "-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----";
        assert_eq!(redact(cert), cert);
    }

    #[test]
    fn passwords_in_uris() {
        let out = redact("uri: postgresql://app:S3cr%3Et@hippo-primary.ns.svc:5432/app");
        assert_eq!(
            out,
            "uri: postgresql://app:<redacted>@hippo-primary.ns.svc:5432/app"
        );
        gone("connecting to postgres://postgres:hunter2@db/x", "hunter2");
        gone(
            "jdbc:postgresql://hippo:5432/app?password=abc%24def&user=app",
            "abc%24def",
        );
        // No password, nothing to hide.
        let plain = "https://hippo-primary:5432/app and postgresql://app@host/db";
        assert_eq!(redact(plain), plain);
    }

    #[test]
    fn password_lines_and_variables() {
        gone("  password: hunter2\n", "hunter2");
        gone("PGPASSWORD=hunter2 psql", "hunter2");
        gone("export PGPASSWORD='hunter 2'", "hunter 2");
        gone(r#"{"password":"hu\"nter2","user":"app"}"#, "nter2");
        gone("host=h user=app password=hunter2 dbname=app", "hunter2");
        gone("pgbouncer-password: hunter2", "hunter2");
        gone("verifier: abc", "abc");
        gone("repo1-cipher-pass=abc123\nrepo1-s3-key=AKIA1", "abc123");
        gone("repo1-s3-key=AKIA1", "AKIA1");
        gone("Authorization: Bearer eyJhbGciOi.abc.def", "eyJhbGciOi");
        assert_eq!(
            redact(r#"{"password":"x","user":"app"}"#),
            r#"{"password":"<redacted>","user":"app"}"#
        );
        assert_eq!(
            redact("password: hunter2\nuser: app\n"),
            "password: <redacted>\nuser: app\n"
        );
    }

    #[test]
    fn names_and_settings_are_kept() {
        for keep in [
            "secretName: hippo-pguser-hippo",
            "secretKeyRef:\n  name: hippo-pguser-hippo\n  key: password",
            "automountServiceAccountToken: false",
            "password_encryption: scram-sha-256",
            "FATAL:  password authentication failed for user \"app\"",
            "serviceAccountToken:\n  expirationSeconds: 3607",
            "password: \n",
            "- password\n- verifier\n",
        ] {
            assert_eq!(redact(keep), keep);
        }
    }

    #[test]
    fn env_values_with_secret_names_are_redacted() {
        let mut pod = json!({
            "metadata": {"name": "p", "managedFields": [{"manager": "x"}],
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "keep": "1"}},
            "spec": {"containers": [{"env": [
                {"name": "PGPASSWORD", "value": "hunter2"},
                {"name": "PATRONI_REPLICATION_PASSWORD", "value": "x"},
                {"name": "PGHOST", "value": "/tmp"},
                {"name": "PASSWORD_FILE", "value": "/etc/secret"},
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "s", "key": "password"}}}
            ]}]}
        });
        redact_object(&mut pod);
        let env = &pod["spec"]["containers"][0]["env"];
        assert_eq!(env[0]["value"], REDACTED);
        assert_eq!(env[1]["value"], REDACTED);
        assert_eq!(env[2]["value"], "/tmp");
        assert_eq!(env[3]["value"], "/etc/secret");
        assert_eq!(env[4]["valueFrom"]["secretKeyRef"]["name"], "s");
        assert!(pod["metadata"].get("managedFields").is_none());
        assert_eq!(pod["metadata"]["annotations"], json!({"keep": "1"}));
    }
}
