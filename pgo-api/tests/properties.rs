//! Properties of validation over generated specs: it never panics, whatever it accepts
//! survives a round trip through JSON and YAML unchanged, and every object name derived from
//! an accepted spec fits Kubernetes' limits.

use pgo_api::validate::{validate, Defaults, ValidatedCluster};
use pgo_api::{names, PostgresCluster};
use proptest::prelude::*;
use serde_json::{json, Value};

fn defaults() -> Defaults {
    Defaults {
        postgres_images: [(15, "localhost/pgo-postgres:15".to_string())].into(),
        agent_image: "localhost/pgo-agent:dev".into(),
        pgbouncer_image: None,
        exporter_image: None,
    }
}

/// Any text: mostly short, with unicode, control characters and SQL and shell punctuation.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,80}",
        "[a-z0-9-]{0,70}",
        "[ -~]{0,40}",
        proptest::collection::vec(
            prop_oneof![
                Just("\0".to_string()),
                Just("\n".to_string()),
                Just("\r".to_string()),
                Just("\\".to_string()),
                Just("'".to_string()),
                Just("\"".to_string()),
                Just(";".to_string()),
                Just("--".to_string()),
                Just("/*".to_string()),
                Just("$(".to_string()),
                Just(" ".to_string()),
                Just("é".to_string()),
                Just("\u{202e}".to_string()),
                "[a-zA-Z0-9]{1,8}",
            ],
            0..12
        )
        .prop_map(|parts| parts.concat()),
    ]
}

/// Either of two strategies: the tame one (`hostile` false) or the tame one mixed with another.
fn pick<T: std::fmt::Debug + Clone + 'static>(
    hostile: bool,
    tame: impl Strategy<Value = T> + 'static,
    wild: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<T> {
    if hostile {
        prop_oneof![2 => tame, 1 => wild].boxed()
    } else {
        tame.boxed()
    }
}

/// Names that are valid DNS labels, or anything.
fn name(hostile: bool) -> BoxedStrategy<String> {
    pick(hostile, "[a-z][a-z0-9-]{0,30}[a-z0-9]", text())
}

fn quantity(hostile: bool) -> BoxedStrategy<String> {
    let tame = (
        1u32..2048,
        prop_oneof![Just("Mi"), Just("Gi"), Just("Ti"), Just("M"), Just("G")],
    )
        .prop_map(|(n, s)| format!("{n}{s}"));
    let wild = prop_oneof![
        (any::<i64>(), "[a-zA-Z]{0,3}").prop_map(|(n, s)| format!("{n}{s}")),
        (
            any::<f64>(),
            prop_oneof![Just(""), Just("e"), Just("E"), Just("Gi")]
        )
            .prop_map(|(n, s)| format!("{n}{s}")),
        (0u32..10, -500i32..500).prop_map(|(n, e)| format!("{n}e{e}")),
        text(),
    ];
    pick(hostile, tame, wild)
}

/// Role options: words of the grammar, mixed with noise.
fn role_options(hostile: bool) -> BoxedStrategy<String> {
    let tame = prop_oneof![
        Just("SUPERUSER".to_string()),
        Just("CREATEDB".to_string()),
        Just("nocreaterole".to_string()),
        Just("REPLICATION".to_string()),
        Just("BYPASSRLS".to_string()),
        (-1i64..1000).prop_map(|n| format!("CONNECTION LIMIT {n}")),
        Just("VALID UNTIL '2030-01-01 00:00:00+00'".to_string()),
    ];
    let wild = prop_oneof![
        Just("NOLOGIN".to_string()),
        Just("nosuperuser".to_string()),
        (-3i64..100000000000).prop_map(|n| format!("CONNECTION LIMIT {n}")),
        Just("VALID UNTIL 'infinity'".to_string()),
        Just("IN ROLE app".to_string()),
        Just("PASSWORD 'x'".to_string()),
        text(),
    ];
    let max = if hostile { 5 } else { 2 };
    proptest::collection::vec(pick(hostile, tame, wild), 0..max)
        .prop_map(|w| w.join(" "))
        .boxed()
}

fn claim(storage: String) -> Value {
    json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}})
}

fn instance_set(hostile: bool) -> BoxedStrategy<Value> {
    (
        prop::option::of(pick(hostile, "[a-z][a-z0-9]{0,6}", text())),
        prop::option::of(pick(hostile, 1i32..=16, any::<i32>())),
        quantity(hostile),
        prop::option::of(quantity(hostile)),
        prop::option::of(pick(
            hostile,
            (0u32..=100).prop_map(|n| json!(format!("{n}%"))),
            prop_oneof![
                any::<i32>().prop_map(|n| json!(n)),
                (0u32..200).prop_map(|n| json!(format!("{n}%"))),
                text().prop_map(|s| json!(s)),
            ],
        )),
        prop::option::of((
            pick(hostile, "[a-z]{1,10}", text()),
            pick(hostile, "[a-z0-9]{0,10}", text()),
        )),
    )
        .prop_map(|(name, replicas, storage, wal, min_available, label)| {
            let mut set = json!({"dataVolumeClaimSpec": claim(storage)});
            if let Some(n) = name {
                set["name"] = json!(n);
            }
            if let Some(r) = replicas {
                set["replicas"] = json!(r);
            }
            if let Some(w) = wal {
                set["walVolumeClaimSpec"] = claim(w);
            }
            if let Some(m) = min_available {
                set["minAvailable"] = m;
            }
            if let Some((k, v)) = label {
                set["metadata"] = json!({"labels": {k: v}});
            }
            set
        })
        .boxed()
}

fn user(hostile: bool) -> BoxedStrategy<Value> {
    (
        name(hostile),
        prop::option::of(proptest::collection::vec(
            pick(hostile, "[a-z][a-z0-9_]{0,20}", text()),
            0..3,
        )),
        prop::option::of(role_options(hostile)),
    )
        .prop_map(|(name, databases, options)| {
            let mut u = json!({"name": name});
            if let Some(d) = databases {
                u["databases"] = json!(d);
            }
            if let Some(o) = options {
                u["options"] = json!(o);
            }
            u
        })
        .boxed()
}

fn parameter_value(hostile: bool) -> BoxedStrategy<Value> {
    pick(
        hostile,
        prop_oneof![
            "[a-zA-Z0-9 ._-]{0,20}".prop_map(|s| json!(s)),
            (0i64..100000).prop_map(|n| json!(n)),
            any::<bool>().prop_map(|b| json!(b)),
        ],
        prop_oneof![
            text().prop_map(|s| json!(s)),
            any::<i64>().prop_map(|n| json!(n)),
            Just(Value::Null),
            Just(json!({"a": 1})),
            Just(json!([1])),
        ],
    )
}

/// A PostgresCluster as the API server would hand it over: `hostile` mixes hostile values
/// into every field; otherwise most generated specs are valid.
fn cluster_with(hostile: bool) -> BoxedStrategy<Value> {
    let timing = (
        prop::option::of(pick(hostile, 3i32..=120, any::<i32>())),
        prop::option::of(pick(hostile, 1i32..=2, any::<i32>())),
        prop::option::of(pick(hostile, 1i64..=1, any::<i64>())),
    );
    let params = proptest::collection::btree_map(
        pick(hostile, "[a-z][a-z_]{0,20}", text()),
        parameter_value(hostile),
        0..4,
    );
    let hba = proptest::collection::vec(
        pick(
            hostile,
            Just("hostssl app app 10.0.0.0/8 scram-sha-256".to_string()),
            prop_oneof![Just("host all all all trust".to_string()), text()],
        ),
        0..3,
    );
    let backups = prop::option::of((
        pick(
            hostile,
            prop_oneof![Just("repo1"), Just("repo2")],
            Just("repo9"),
        ),
        quantity(hostile),
        prop::option::of(pick(
            hostile,
            prop_oneof![
                Just("0 1 * * 0".to_string()),
                Just("*/5 * * * *".to_string())
            ],
            text(),
        )),
        proptest::collection::btree_map(
            pick(
                hostile,
                Just("repo1-retention-full".to_string()),
                "[a-z0-9-]{1,20}",
            ),
            pick(hostile, "[0-9]{1,2}", text()),
            0..2,
        ),
        prop::option::of(proptest::collection::vec(
            pick(hostile, Just("--type=full".to_string()), text()),
            0..3,
        )),
    ));
    (
        pick(hostile, "[a-z][a-z0-9-]{0,20}[a-z0-9]", text()),
        proptest::collection::vec(instance_set(hostile), 1..4),
        prop::option::of(proptest::collection::vec(user(hostile), 0..4)),
        prop::option::of(pick(hostile, 1024i32..=8000, any::<i32>())),
        timing,
        params,
        hba,
        backups,
    )
        .prop_map(
            |(name, sets, users, port, (ttl, loop_wait, retry), params, hba, backups)| {
                let mut spec = json!({"postgresVersion": 15, "instances": sets});
                if let Some(u) = users {
                    spec["users"] = json!(u);
                }
                if let Some(p) = port {
                    spec["port"] = json!(p);
                }
                let mut patroni = json!({});
                if let Some(t) = ttl {
                    patroni["leaderLeaseDurationSeconds"] = json!(t);
                }
                if let Some(l) = loop_wait {
                    patroni["syncPeriodSeconds"] = json!(l);
                }
                let mut dcs = json!({"postgresql": {"parameters": params, "pg_hba": hba}});
                if let Some(r) = retry {
                    dcs["retry_timeout"] = json!(r);
                }
                patroni["dynamicConfiguration"] = dcs;
                spec["patroni"] = patroni;
                if let Some((repo, size, schedule, global, manual)) = backups {
                    let mut r = json!({"name": repo, "volume": {"volumeClaimSpec": claim(size)}});
                    if let Some(s) = schedule {
                        r["schedules"] = json!({"full": s});
                    }
                    let mut pgbackrest = json!({"repos": [r], "global": global});
                    if let Some(m) = manual {
                        pgbackrest["manual"] = json!({"repoName": repo, "options": m});
                    }
                    spec["backups"] = json!({"pgbackrest": pgbackrest});
                }
                json!({
                    "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
                    "kind": "PostgresCluster",
                    "metadata": {"name": name, "namespace": "db", "uid": "u1"},
                    "spec": spec,
                })
            },
        )
        .boxed()
}

/// Tame and hostile specs, half and half.
fn cluster() -> BoxedStrategy<Value> {
    prop_oneof![cluster_with(false), cluster_with(true)].boxed()
}

/// Every name derived from an accepted cluster, with the limit Kubernetes puts on it.
fn derived_names(v: &ValidatedCluster) -> Vec<(String, usize)> {
    const LABEL: usize = 63;
    const SUBDOMAIN: usize = 253;
    // A StatefulSet's pods carry `controller-revision-hash: <name>-<10 characters>`.
    const STATEFUL_SET: usize = LABEL - 11;
    let c = v.name.as_str();
    let mut out = vec![
        (c.to_string(), LABEL), // the cluster label's value
        (names::primary_service(c), LABEL),
        (names::replicas_service(c), LABEL),
        (names::pods_service(c), LABEL),
        (names::patroni_scope(c), LABEL),
        (names::patroni_config_service(c), LABEL),
        (names::cluster_config_map(c), SUBDOMAIN),
        (names::instance_service_account(c), SUBDOMAIN),
        (names::cluster_cert_secret(c), SUBDOMAIN),
        (names::replication_cert_secret(c), SUBDOMAIN),
        (names::patroni_api_secret(c), SUBDOMAIN),
    ];
    for set in &v.instance_sets {
        out.push((set.name.clone(), LABEL));
        out.push((names::pdb(c, &set.name), SUBDOMAIN));
        // `<cluster>-<set>-<4 characters>`, as the agent names instances.
        let instance = format!("{c}-{}-abcd", set.name);
        out.push((instance.clone(), STATEFUL_SET));
        out.push((names::instance_pod(&instance), LABEL)); // the pod's hostname
        out.push((names::data_pvc(&instance), SUBDOMAIN));
        out.push((names::wal_pvc(&instance), SUBDOMAIN));
        out.push((names::instance_config_secret(&instance), SUBDOMAIN));
    }
    for u in &v.users {
        out.push((u.name.clone(), LABEL)); // the pguser label's value
        out.push((names::user_secret(c, &u.name), SUBDOMAIN));
    }
    if let Some(b) = &v.backups {
        out.push((names::repo_host(c), STATEFUL_SET));
        out.push((names::repo_host_pod(c), LABEL));
        out.push((names::pgbackrest_config(c), SUBDOMAIN));
        out.push((names::pgbackrest(c), SUBDOMAIN));
        // Jobs label their pods `job-name: <name>`.
        out.push((names::restore_job(c), LABEL));
        out.push((format!("{c}-backup-abcdef12"), LABEL));
        for r in &b.repos {
            out.push((names::repo_pvc(c, &r.name), SUBDOMAIN));
            for (type_, _) in &r.schedules {
                let schedule = names::backup_schedule(c, &r.name, type_);
                out.push((schedule.clone(), LABEL));
                // The minute since the epoch: eight digits until the year 2160.
                out.push((format!("{schedule}-99999999"), LABEL));
            }
        }
    }
    out
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn validation_never_panics(doc in cluster()) {
        let pc: PostgresCluster = serde_json::from_value(doc).unwrap();
        let _ = validate(&pc, &defaults());
    }

    #[test]
    fn validation_never_panics_on_single_hostile_fields(
        replicas in any::<i32>(),
        min_available in any::<i32>(),
        name in text(),
        set_name in text(),
        storage in quantity(true),
        options in role_options(true),
        user in text(),
        database in text(),
        ttl in any::<i32>(),
        loop_wait in any::<i32>(),
        port in any::<i32>(),
    ) {
        let doc = json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": name, "namespace": "db"},
            "spec": {
                "postgresVersion": 15,
                "port": port,
                "instances": [{"name": set_name, "replicas": replicas, "minAvailable": min_available,
                    "dataVolumeClaimSpec": claim(storage)}],
                "users": [{"name": user, "databases": [database], "options": options}],
                "patroni": {"leaderLeaseDurationSeconds": ttl, "syncPeriodSeconds": loop_wait},
            },
        });
        let pc: PostgresCluster = serde_json::from_value(doc).unwrap();
        let _ = validate(&pc, &defaults());
    }

    #[test]
    fn accepted_specs_survive_json_and_yaml_unchanged(doc in cluster()) {
        let pc: PostgresCluster = serde_json::from_value(doc).unwrap();
        let Ok(v) = validate(&pc, &defaults()) else { return Ok(()) };
        let json = serde_json::to_string(&pc).unwrap();
        let from_json: PostgresCluster = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&from_json.spec, &pc.spec);
        prop_assert_eq!(&from_json.metadata, &pc.metadata);
        prop_assert_eq!(validate(&from_json, &defaults()).unwrap(), v.clone());
        let yaml = serde_yaml::to_string(&pc).unwrap();
        let from_yaml: PostgresCluster = serde_yaml::from_str(&yaml).unwrap();
        prop_assert_eq!(validate(&from_yaml, &defaults()).unwrap(), v);
    }

    #[test]
    fn accepted_specs_derive_names_within_kubernetes_limits(doc in cluster()) {
        let pc: PostgresCluster = serde_json::from_value(doc).unwrap();
        let Ok(v) = validate(&pc, &defaults()) else { return Ok(()) };
        for (name, max) in derived_names(&v) {
            prop_assert!(name.len() <= max, "{name:?} is {} characters, more than {max}", name.len());
            prop_assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name:?} is not a DNS label"
            );
        }
    }
}

/// The generators reach accepted specs often enough for the properties above to mean something.
#[test]
fn the_generator_produces_accepted_specs() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = cluster_with(false);
    let mut accepted = 0;
    for _ in 0..400 {
        let doc = strategy.new_tree(&mut runner).unwrap().current();
        let pc: PostgresCluster = serde_json::from_value(doc).unwrap();
        match validate(&pc, &defaults()) {
            Ok(_) => accepted += 1,
            Err(e) if std::env::var_os("SHOW_REFUSED").is_some() => eprintln!("{}", e[0]),
            Err(_) => {}
        }
    }
    assert!(
        accepted >= 100,
        "only {accepted} of 400 tame specs are accepted"
    );
}

/// The longest names validation accepts still fit: a 45-character cluster without backups, a
/// 42-character one with, and the longest set and user names.
#[test]
fn the_longest_accepted_names_fit() {
    for (cluster, set, backups) in [
        ("a".repeat(45), "b".to_string(), false),
        ("a".repeat(42), "b".repeat(4), true),
        ("a".repeat(10), "b".repeat(15), true),
    ] {
        let mut doc = json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": cluster, "namespace": "db"},
            "spec": {"postgresVersion": 15, "instances": [{"name": set, "dataVolumeClaimSpec": claim("1Gi".into())}],
                "users": [{"name": "u".repeat(63)}]},
        });
        if backups {
            doc["spec"]["backups"] = json!({"pgbackrest": {"repos": [{"name": "repo4",
                "schedules": {"full": "0 1 * * 0", "differential": "0 2 * * *", "incremental": "0 * * * *"},
                "volume": {"volumeClaimSpec": claim("1Gi".into())}}]}});
        }
        let pc: PostgresCluster = serde_json::from_value(doc).unwrap();
        let v = validate(&pc, &defaults()).unwrap_or_else(|e| panic!("{cluster}/{set}: {e:?}"));
        for (name, max) in derived_names(&v) {
            assert!(
                name.len() <= max,
                "{name:?} is {} characters, more than {max}",
                name.len()
            );
        }
    }
}
