//! What goes into a support export, from objects already fetched: the file list, each file
//! redacted. No I/O, so it is tested with fixture objects.

use serde::Serialize;
use serde_json::Value;

use super::redact::{redact, redact_object};

/// The object kinds listed by the cluster's label, in the order they are written, with the
/// folder each goes to.
pub const KINDS: &[&str] = &[
    "pods",
    "statefulsets",
    "persistentvolumeclaims",
    "services",
    "configmaps",
];

/// A Secret as exported: its name, type and key names; never a value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretKeys {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub keys: Vec<String>,
}

/// The Secret's name, type and key names (of `data` and `stringData`); the values are dropped
/// here, before anything else sees the object.
pub fn secret_keys(secret: &Value) -> SecretKeys {
    let mut keys: Vec<String> = ["data", "stringData"]
        .iter()
        .filter_map(|f| secret[f].as_object())
        .flat_map(|m| m.keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    SecretKeys {
        name: secret["metadata"]["name"].as_str().unwrap_or("").into(),
        type_: secret["type"].as_str().unwrap_or("").into(),
        keys,
    }
}

/// A container's log, or why it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Log {
    pub pod: String,
    pub container: String,
    /// The log of the previous (restarted) container.
    pub previous: bool,
    pub text: Result<String, String>,
}

/// Everything fetched for one export.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub cluster: String,
    pub namespace: String,
    /// The PostgresCluster, as read.
    pub postgrescluster: Value,
    /// Every Event of the namespace; [`cluster_events`] keeps the cluster's.
    pub events: Vec<Value>,
    /// For each of [`KINDS`] that could be listed: its objects.
    pub objects: Vec<(&'static str, Vec<Value>)>,
    pub secrets: Vec<SecretKeys>,
    pub logs: Vec<Log>,
    /// `patronictl list` in the primary, or why it could not run.
    pub patroni: Result<String, String>,
    /// The agent's Deployments and their pods' logs, from its namespace.
    pub agent_deployments: Vec<Value>,
    pub agent_logs: Vec<Log>,
    /// What could not be read, one line each.
    pub failures: Vec<String>,
}

impl Default for Fetched {
    fn default() -> Self {
        Fetched {
            cluster: String::new(),
            namespace: String::new(),
            postgrescluster: Value::Null,
            events: vec![],
            objects: vec![],
            secrets: vec![],
            logs: vec![],
            patroni: Err("not run".into()),
            agent_deployments: vec![],
            agent_logs: vec![],
            failures: vec![],
        }
    }
}

/// A file of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub path: String,
    pub data: Vec<u8>,
}

/// Whether an Event is about the cluster or one of its objects (all named after it).
fn about_cluster(event: &Value, cluster: &str) -> bool {
    let name = event["involvedObject"]["name"]
        .as_str()
        .or_else(|| event["regarding"]["name"].as_str())
        .unwrap_or("");
    name == cluster || name.starts_with(&format!("{cluster}-"))
}

fn event_time(e: &Value) -> String {
    ["lastTimestamp", "eventTime", "firstTimestamp"]
        .iter()
        .find_map(|f| e[f].as_str())
        .or_else(|| e["metadata"]["creationTimestamp"].as_str())
        .unwrap_or("")
        .to_string()
}

/// The cluster's Events, oldest first.
pub fn cluster_events(events: &[Value], cluster: &str) -> Vec<Value> {
    let mut out: Vec<Value> = events
        .iter()
        .filter(|e| about_cluster(e, cluster))
        .cloned()
        .collect();
    out.sort_by_key(event_time);
    out
}

fn yaml(mut v: Value) -> Vec<u8> {
    redact_object(&mut v);
    redact(&serde_yaml::to_string(&v).unwrap_or_default()).into_bytes()
}

fn text(s: &str) -> Vec<u8> {
    redact(s).into_bytes()
}

fn name_of(v: &Value) -> &str {
    v["metadata"]["name"].as_str().unwrap_or("unnamed")
}

/// A path segment from a name: no `/`, no `..`.
fn segment(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c == '/' || c == '\\' { '_' } else { c })
        .collect();
    if s.is_empty() || s == "." || s == ".." {
        "_".into()
    } else {
        s
    }
}

fn log_files(dir: &str, logs: &[Log], out: &mut Vec<File>) {
    for l in logs {
        let suffix = if l.previous { ".previous.log" } else { ".log" };
        let path = format!(
            "{dir}/{}/{}{suffix}",
            segment(&l.pod),
            segment(&l.container)
        );
        let data = match &l.text {
            Ok(t) => text(t),
            Err(why) => text(&format!("could not read this log: {why}\n")),
        };
        out.push(File { path, data });
    }
}

/// The files of the export, most useful first (the size limit drops the last ones). README.txt
/// is not among them: it is written from the outcome.
pub fn files(f: &Fetched) -> Vec<File> {
    let c = segment(&f.cluster);
    let mut out = vec![File {
        path: format!("{c}/postgrescluster.yaml"),
        data: yaml(f.postgrescluster.clone()),
    }];
    out.push(File {
        path: format!("{c}/events.yaml"),
        data: yaml(Value::Array(cluster_events(&f.events, &f.cluster))),
    });
    out.push(File {
        path: format!("{c}/patronictl-list.txt"),
        data: match &f.patroni {
            Ok(t) => text(t),
            Err(why) => text(&format!("could not run `patronictl list`: {why}\n")),
        },
    });
    out.push(File {
        path: format!("{c}/secrets.yaml"),
        data: text(&serde_yaml::to_string(&f.secrets).unwrap_or_default()),
    });
    for kind in KINDS {
        let Some((_, objects)) = f.objects.iter().find(|(k, _)| k == kind) else {
            continue;
        };
        for o in objects {
            out.push(File {
                path: format!("{c}/{kind}/{}.yaml", segment(name_of(o))),
                data: yaml(o.clone()),
            });
        }
    }
    log_files(&format!("{c}/logs"), &f.logs, &mut out);
    for d in &f.agent_deployments {
        out.push(File {
            path: format!("agent/deployments/{}.yaml", segment(name_of(d))),
            data: yaml(d.clone()),
        });
    }
    log_files("agent/logs", &f.agent_logs, &mut out);
    out
}

/// The files that fit in `max` bytes, in order; adding stops at the first that does not fit.
/// Returns the files kept and the paths (and sizes) left out.
pub fn within(files: Vec<File>, max: u64) -> (Vec<File>, Vec<(String, u64)>) {
    let mut total = 0u64;
    let mut kept = Vec::new();
    let mut left = Vec::new();
    for f in files {
        let size = f.data.len() as u64;
        if left.is_empty() && total + size <= max {
            total += size;
            kept.push(f);
        } else {
            left.push((f.path, size));
        }
    }
    (kept, left)
}

/// README.txt: what the export holds, what is missing and why.
pub fn readme(
    f: &Fetched,
    created: &str,
    kept: &[File],
    left: &[(String, u64)],
    max: u64,
) -> String {
    let mut s = format!(
        "kubectl pgo support export of PostgresCluster {:?} in namespace {:?}\n\
         created {created} by kubectl-pgo {}\n\n\
         Secrets are listed by name and key names only. Everything that looks like a password, a \
         verifier, a token or a private key was replaced by <redacted>.\n\n",
        f.cluster,
        f.namespace,
        env!("CARGO_PKG_VERSION"),
    );
    let bytes: u64 = kept.iter().map(|k| k.data.len() as u64).sum();
    s.push_str(&format!("Files ({}, {bytes} bytes):\n", kept.len()));
    for k in kept {
        s.push_str(&format!("  {} ({} bytes)\n", k.path, k.data.len()));
    }
    if !left.is_empty() {
        s.push_str(&format!(
            "\nSize limit reached: --max-size is {max} bytes, so these {} files were left out \
             (raise --max-size, or lower --log-lines, to include them):\n",
            left.len()
        ));
        for (path, size) in left {
            s.push_str(&format!("  {path} ({size} bytes)\n"));
        }
    }
    if !f.failures.is_empty() {
        s.push_str("\nCould not be read:\n");
        for why in &f.failures {
            s.push_str(&format!("  {why}\n"));
        }
    }
    redact(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub fn fixture() -> Fetched {
        let pod = |name: &str| {
            json!({"metadata": {"name": name, "labels": {"postgres-operator.crunchydata.com/cluster": "hippo"}},
                   "spec": {"containers": [{"name": "database",
                       "env": [{"name": "PGPASSWORD", "value": "hunter2"}]}]}})
        };
        Fetched {
            cluster: "hippo".into(),
            namespace: "team-a".into(),
            postgrescluster: json!({"apiVersion": "postgres-operator.crunchydata.com/v1beta1",
                "kind": "PostgresCluster", "metadata": {"name": "hippo",
                "managedFields": [{"manager": "kubectl-pgo"}]}, "spec": {"postgresVersion": 15}}),
            events: vec![
                json!({"involvedObject": {"name": "hippo-instance1-abcd-0"}, "reason": "Started",
                       "lastTimestamp": "2024-01-01T00:00:02Z"}),
                json!({"involvedObject": {"name": "other"}, "reason": "Noise"}),
                json!({"involvedObject": {"name": "hippo"}, "reason": "Created",
                       "lastTimestamp": "2024-01-01T00:00:01Z"}),
                json!({"involvedObject": {"name": "hippopotamus"}, "reason": "NotOurs"}),
            ],
            objects: vec![
                ("pods", vec![pod("hippo-instance1-abcd-0")]),
                (
                    "statefulsets",
                    vec![json!({"metadata": {"name": "hippo-instance1-abcd"}})],
                ),
                (
                    "configmaps",
                    vec![json!({"metadata": {"name": "hippo-config"},
                    "data": {"patroni.yaml": "postgresql:\n  authentication:\n    replication:\n      password: hunter2\n"}})],
                ),
            ],
            secrets: vec![secret_keys(&json!({
                "metadata": {"name": "hippo-pguser-hippo"}, "type": "Opaque",
                "data": {"password": "aHVudGVyMg==", "uri": "cG9zdGdyZXNxbDovL2hpcHBvOmh1bnRlcjJAaA==", "user": "aGlwcG8="}
            }))],
            logs: vec![
                Log {
                    pod: "hippo-instance1-abcd-0".into(),
                    container: "database".into(),
                    previous: false,
                    text: Ok(
                        "LOG: connection to postgresql://hippo:hunter2@localhost failed\n".into(),
                    ),
                },
                Log {
                    pod: "hippo-instance1-abcd-0".into(),
                    container: "database".into(),
                    previous: true,
                    text: Err("previous terminated container not found".into()),
                },
            ],
            patroni: Err("no running Postgres pod".into()),
            agent_deployments: vec![json!({"metadata": {"name": "pgo-agent"}})],
            agent_logs: vec![Log {
                pod: "pgo-agent-1".into(),
                container: "agent".into(),
                previous: false,
                text: Ok("reconciled hippo\n".into()),
            }],
            failures: vec!["services: forbidden".into()],
        }
    }

    fn paths(files: &[File]) -> Vec<&str> {
        files.iter().map(|f| f.path.as_str()).collect()
    }

    #[test]
    fn the_file_list_from_fixture_objects() {
        let files = files(&fixture());
        assert_eq!(
            paths(&files),
            [
                "hippo/postgrescluster.yaml",
                "hippo/events.yaml",
                "hippo/patronictl-list.txt",
                "hippo/secrets.yaml",
                "hippo/pods/hippo-instance1-abcd-0.yaml",
                "hippo/statefulsets/hippo-instance1-abcd.yaml",
                "hippo/configmaps/hippo-config.yaml",
                "hippo/logs/hippo-instance1-abcd-0/database.log",
                "hippo/logs/hippo-instance1-abcd-0/database.previous.log",
                "agent/deployments/pgo-agent.yaml",
                "agent/logs/pgo-agent-1/agent.log",
            ]
        );
        let get = |p: &str| {
            String::from_utf8(files.iter().find(|f| f.path == p).unwrap().data.clone()).unwrap()
        };
        let events = get("hippo/events.yaml");
        let created = events.find("Created").unwrap();
        let started = events.find("Started").unwrap();
        assert!(created < started, "oldest first:\n{events}");
        assert!(
            !events.contains("Noise") && !events.contains("NotOurs"),
            "{events}"
        );
        assert!(!get("hippo/postgrescluster.yaml").contains("managedFields"));
        assert!(get("hippo/patronictl-list.txt").contains("could not run `patronictl list`"));
        let secrets = get("hippo/secrets.yaml");
        assert!(
            secrets.contains("hippo-pguser-hippo") && secrets.contains("- uri"),
            "{secrets}"
        );
        assert!(
            get("hippo/logs/hippo-instance1-abcd-0/database.previous.log")
                .contains("could not read this log")
        );
        // No file holds the password, in any form.
        for f in &files {
            let s = String::from_utf8_lossy(&f.data);
            for secret in ["hunter2", "aHVudGVyMg", "cG9zdGdyZXNxbDovL"] {
                assert!(!s.contains(secret), "{secret} in {}:\n{s}", f.path);
            }
        }
    }

    #[test]
    fn the_size_limit_stops_adding_files() {
        let file = |p: &str, n: usize| File {
            path: p.into(),
            data: vec![b'x'; n],
        };
        let (kept, left) = within(
            vec![file("a", 40), file("b", 50), file("c", 20), file("d", 1)],
            100,
        );
        assert_eq!(paths(&kept), ["a", "b"]);
        // Adding stops at the first file that does not fit: later, smaller ones are left too.
        assert_eq!(left, [("c".to_string(), 20), ("d".to_string(), 1)]);
        let (kept, left) = within(vec![file("a", 100)], 100);
        assert_eq!((kept.len(), left.len()), (1, 0));
        let f = fixture();
        let readme = readme(&f, "T", &kept, &[("c".into(), 20)], 100);
        assert!(
            readme.contains("Size limit reached: --max-size is 100 bytes"),
            "{readme}"
        );
        assert!(readme.contains("  c (20 bytes)"), "{readme}");
        assert!(readme.contains("services: forbidden"), "{readme}");
        let readme = super::readme(&f, "T", &kept, &[], 100);
        assert!(!readme.contains("Size limit"), "{readme}");
    }

    #[test]
    fn names_cannot_escape_the_tarball() {
        assert_eq!(segment("../../etc"), ".._.._etc");
        assert_eq!(segment(".."), "_");
        assert_eq!(segment(""), "_");
    }
}
