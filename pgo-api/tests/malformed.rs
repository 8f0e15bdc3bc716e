//! Hostile and broken PostgresCluster specs (`tests/malformed/corpus.yaml`): validation must
//! never panic, must refuse every one, and must name the field that is wrong.
//!
//! Each case patches a valid cluster: `set` maps JSON pointers (`/spec/instances/0/replicas`)
//! to values, creating objects on the way; `remove` lists pointers to delete; `backups: true`
//! starts from a cluster with a pgBackRest volume repository. `expect` is a fragment of the
//! field path the error must name.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pgo_api::validate::{validate, Defaults};
use pgo_api::PostgresCluster;
use serde::Deserialize;
use serde_json::Value;

const CORPUS: &str = include_str!("malformed/corpus.yaml");

const BASE: &str = r#"
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata: {name: hippo, namespace: db, uid: u1, generation: 1}
spec:
  postgresVersion: 15
  instances:
    - name: instance1
      replicas: 2
      dataVolumeClaimSpec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
"#;

const BACKUPS: &str = r#"
pgbackrest:
  repos:
    - name: repo1
      volume:
        volumeClaimSpec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
"#;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    case: String,
    #[serde(default)]
    backups: bool,
    #[serde(default)]
    set: serde_json::Map<String, Value>,
    #[serde(default)]
    remove: Vec<String>,
    expect: String,
}

fn defaults() -> Defaults {
    Defaults {
        postgres_images: [(15, "localhost/pgo-postgres:15".to_string())].into(),
        agent_image: "localhost/pgo-agent:dev".into(),
        pgbouncer_image: None,
        exporter_image: None,
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Sets `value` at `pointer`, creating objects on the way; `-` appends to a list.
fn set(doc: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    let tokens: Vec<String> = pointer
        .strip_prefix('/')
        .ok_or_else(|| format!("{pointer:?} is not a JSON pointer"))?
        .split('/')
        .map(unescape)
        .collect();
    let (last, parents) = tokens.split_last().ok_or("empty pointer")?;
    let mut node = doc;
    for t in parents {
        if node.is_null() {
            *node = Value::Object(Default::default());
        }
        node = match node {
            Value::Object(m) => m.entry(t.clone()).or_insert(Value::Null),
            Value::Array(a) => {
                let i: usize = t.parse().map_err(|_| format!("{t:?} is not an index"))?;
                a.get_mut(i)
                    .ok_or_else(|| format!("no element {i} in {pointer}"))?
            }
            _ => return Err(format!("{pointer}: {t:?} is inside a scalar")),
        };
    }
    if node.is_null() {
        *node = Value::Object(Default::default());
    }
    match node {
        Value::Object(m) => {
            m.insert(last.clone(), value);
        }
        Value::Array(a) if last == "-" => a.push(value),
        Value::Array(a) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("{last:?} is not an index"))?;
            *a.get_mut(i)
                .ok_or_else(|| format!("no element {i} in {pointer}"))? = value;
        }
        _ => return Err(format!("{pointer} is inside a scalar")),
    }
    Ok(())
}

fn build(case: &Case) -> Result<PostgresCluster, String> {
    let mut doc: Value = serde_yaml::from_str(BASE).map_err(|e| e.to_string())?;
    if case.backups {
        doc["spec"]["backups"] = serde_yaml::from_str(BACKUPS).map_err(|e| e.to_string())?;
    }
    for (pointer, value) in &case.set {
        set(&mut doc, pointer, value.clone())?;
    }
    for pointer in &case.remove {
        let (parent, key) = pointer.rsplit_once('/').ok_or("bad pointer")?;
        let parent = doc
            .pointer_mut(parent)
            .ok_or_else(|| format!("{parent} does not exist"))?;
        match parent {
            Value::Object(m) => {
                m.remove(&unescape(key));
            }
            _ => return Err(format!("{pointer}: not in an object")),
        }
    }
    serde_json::from_value(doc).map_err(|e| format!("does not deserialize: {e}"))
}

fn corpus() -> Vec<Case> {
    serde_yaml::from_str(CORPUS).expect("corpus.yaml parses")
}

#[test]
fn the_base_clusters_are_valid() {
    for backups in [false, true] {
        let case = Case {
            case: "base".into(),
            backups,
            set: Default::default(),
            remove: vec![],
            expect: String::new(),
        };
        let pc = build(&case).unwrap();
        if let Err(e) = validate(&pc, &defaults()) {
            panic!("the base (backups: {backups}) is invalid: {e:?}");
        }
    }
}

#[test]
fn every_malformed_spec_is_refused_and_the_error_names_the_field() {
    let cases = corpus();
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    let mut failures = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for case in &cases {
        if !names.insert(case.case.clone()) {
            failures.push(format!("{}: the case name is used twice", case.case));
        }
        let pc = match build(case) {
            Ok(pc) => pc,
            Err(e) => {
                failures.push(format!("{}: {e}", case.case));
                continue;
            }
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| validate(&pc, &defaults())));
        match outcome {
            Err(_) => failures.push(format!("{}: validation panicked", case.case)),
            Ok(Ok(_)) => failures.push(format!("{}: accepted", case.case)),
            Ok(Err(errors)) => {
                if !errors.iter().any(|e| e.field.contains(&case.expect)) {
                    failures.push(format!(
                        "{}: no error names {:?}: {:?}",
                        case.case,
                        case.expect,
                        errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
                    ));
                }
                for e in &errors {
                    if e.field.is_empty() || e.message.is_empty() {
                        failures.push(format!(
                            "{}: an error without a field or message: {e:?}",
                            case.case
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
