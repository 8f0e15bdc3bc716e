use super::*;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

fn defaults() -> Defaults {
    Defaults {
        postgres_images: [(15, "localhost/pgo-postgres:15".to_string())].into(),
        ..Default::default()
    }
}

pub(crate) fn cluster(yaml: &str) -> PostgresCluster {
    serde_yaml::from_str(yaml).unwrap()
}

const BASE: &str = r#"
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata: {name: hippo, namespace: db, uid: u1, generation: 3}
spec:
  postgresVersion: 15
  instances:
    - name: instance1
      dataVolumeClaimSpec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
"#;

#[test]
fn minimal_spec_gets_pgo_defaults() {
    let v = validate(&cluster(BASE), &defaults()).unwrap();
    assert_eq!(v.port, 5432);
    assert_eq!(v.image, "localhost/pgo-postgres:15");
    assert_eq!(v.instance_sets[0].replicas, 1);
    assert_eq!(v.users[0].name, "hippo");
    assert_eq!(v.users[0].databases, vec!["hippo"]);
    assert_eq!(v.leader_lease_seconds, 30);
    assert!(v.unsupported.is_empty());
}

#[test]
fn negative_replicas_names_the_field() {
    let mut pc = cluster(BASE);
    pc.spec.instances[0].replicas = Some(-1);
    let errors = validate(&pc, &defaults()).unwrap_err();
    assert_eq!(errors[0].field, "spec.instances[0].replicas");
    assert!(errors[0].message.contains("at least 1"));
}

#[test]
fn duplicate_instance_set_names_are_rejected() {
    let mut pc = cluster(BASE);
    pc.spec.instances.push(pc.spec.instances[0].clone());
    let errors = validate(&pc, &defaults()).unwrap_err();
    assert_eq!(errors[0].field, "spec.instances[1].name");
    assert!(errors[0].message.contains("more than once"));
}

#[test]
fn switchover_to_unknown_instance_set_is_rejected() {
    let mut pc = cluster(BASE);
    pc.spec.patroni = Some(crate::PatroniSpec {
        switchover: Some(crate::PatroniSwitchover {
            enabled: true,
            target_instance: Some("hippo-nope-abcd".into()),
            type_: None,
        }),
        ..Default::default()
    });
    let errors = validate(&pc, &defaults()).unwrap_err();
    assert_eq!(errors[0].field, "spec.patroni.switchover.targetInstance");
    pc.spec
        .patroni
        .as_mut()
        .unwrap()
        .switchover
        .as_mut()
        .unwrap()
        .target_instance = Some("hippo-instance1-abcd".into());
    assert!(validate(&pc, &defaults()).is_ok());
}

#[test]
fn unbuilt_pgo_fields_are_named_not_ignored() {
    let mut pc = cluster(BASE);
    pc.spec.user_interface = Some(serde_json::json!({"pgAdmin": {}}));
    pc.spec.instances[0].sidecars = Some(vec![]);
    let v = validate(&pc, &defaults()).unwrap();
    assert_eq!(
        v.unsupported,
        vec!["spec.userInterface", "spec.instances[0].sidecars"]
    );
}

#[test]
fn a_standby_is_refused_unless_disabled() {
    let mut pc = cluster(BASE);
    pc.spec.standby = Some(serde_json::json!({"repoName": "repo1"}));
    let errs = validate(&pc, &defaults()).unwrap_err();
    assert_eq!(errs[0].field, "spec.standby.enabled");
    assert!(errs[0].message.contains("never come up writable"));
    pc.spec.standby = Some(serde_json::json!({"enabled": false, "repoName": "repo1"}));
    let v = validate(&pc, &defaults()).unwrap();
    assert_eq!(v.unsupported, vec!["spec.standby"]);
}

#[test]
fn managed_parameters_are_rejected_and_others_merge() {
    let mut pc = cluster(BASE);
    pc.spec.patroni = Some(crate::PatroniSpec {
        dynamic_configuration: Some(serde_json::json!({
            "postgresql": {"parameters": {"max_connections": 200, "work_mem": "8MB"}},
            "synchronous_mode": true
        })),
        ..Default::default()
    });
    let v = validate(&pc, &defaults()).unwrap();
    assert_eq!(v.parameters["max_connections"], "200");
    assert_eq!(v.parameters["work_mem"], "8MB");
    assert_eq!(v.dynamic_configuration["synchronous_mode"], true);

    pc.spec.config = Some(crate::PostgresConfig {
        parameters: Some([("ssl".to_string(), IntOrString::String("off".into()))].into()),
        files: None,
    });
    let errors = validate(&pc, &defaults()).unwrap_err();
    assert_eq!(errors[0].field, "spec.config.parameters.ssl");
}

#[test]
fn long_names_are_rejected_before_kubernetes_does() {
    let mut pc = cluster(BASE);
    pc.metadata.name = Some("a".repeat(40));
    let errors = validate(&pc, &defaults()).unwrap_err();
    assert_eq!(errors[0].field, "spec.instances[0].name");
}

#[test]
fn patroni_timing_leaves_room_for_a_retry() {
    let mut pc = cluster(BASE);
    pc.spec.patroni = Some(crate::PatroniSpec {
        leader_lease_duration_seconds: Some(11),
        sync_period_seconds: Some(10),
        ..Default::default()
    });
    let errors = validate(&pc, &defaults()).unwrap_err();
    assert_eq!(errors[0].field, "spec.patroni.leaderLeaseDurationSeconds");
    assert!(errors[0].message.contains("+ 2"), "{}", errors[0].message);
    pc.spec
        .patroni
        .as_mut()
        .unwrap()
        .leader_lease_duration_seconds = Some(12);
    assert!(validate(&pc, &defaults()).is_ok());
    pc.spec.patroni.as_mut().unwrap().dynamic_configuration =
        Some(serde_json::json!({"retry_timeout": 2}));
    let errors = validate(&pc, &defaults()).unwrap_err();
    assert_eq!(
        errors[0].field,
        "spec.patroni.dynamicConfiguration.retry_timeout"
    );
}

#[test]
fn user_hba_rules_may_not_reach_around_tls_or_the_mandatory_users() {
    let mut pc = cluster(BASE);
    let rules = [
        ("hostssl all all 10.0.0.0/8 scram-sha-256", true),
        ("host all all 0.0.0.0/0 scram-sha-256", true),
        ("hostnossl all all 0.0.0.0/0 trust", false),
        ("hostssl replication all all trust", false),
        ("hostssl all postgres all trust", false),
        ("hostssl all \"_crunchyrepl\" all trust", false),
        ("", false),
    ];
    for (rule, ok) in rules {
        pc.spec.patroni = Some(crate::PatroniSpec {
            dynamic_configuration: Some(serde_json::json!({"postgresql": {"pg_hba": [rule]}})),
            ..Default::default()
        });
        let r = validate(&pc, &defaults());
        assert_eq!(r.is_ok(), ok, "{rule}: {r:?}");
        if let Err(e) = r {
            assert_eq!(
                e[0].field,
                "spec.patroni.dynamicConfiguration.postgresql.pg_hba[0]"
            );
        }
    }
}

#[test]
fn cluster_names_and_volume_sizes_kubernetes_would_refuse_later_are_refused_now() {
    let mut pc = cluster(BASE);
    pc.metadata.name = Some("1db".into());
    let errors = validate(&pc, &defaults()).unwrap_err();
    assert_eq!(errors[0].field, "metadata.name");
    let mut pc = cluster(BASE);
    pc.spec.instances[0]
        .data_volume_claim_spec
        .resources
        .as_mut()
        .unwrap()
        .requests
        .as_mut()
        .unwrap()
        .insert(
            "storage".into(),
            k8s_openapi::apimachinery::pkg::api::resource::Quantity("1".into()),
        );
    let errors = validate(&pc, &defaults()).unwrap_err();
    assert_eq!(
        errors[0].field,
        "spec.instances[0].dataVolumeClaimSpec.resources.requests.storage"
    );
    assert!(errors[0].message.contains("at least 1Mi"));
    for (q, bytes) in [
        ("1Gi", 1073741824.0),
        ("500M", 5e8),
        ("1e9", 1e9),
        ("1.5Ki", 1536.0),
    ] {
        assert_eq!(instances::quantity_bytes(q), Some(bytes), "{q}");
    }
    assert_eq!(instances::quantity_bytes("lots"), None);
}

fn defaults_15_17() -> Defaults {
    Defaults {
        postgres_images: [
            (15, "localhost/pgo-postgres:15".to_string()),
            (17, "localhost/pgo-postgres:17".to_string()),
        ]
        .into(),
        ..Default::default()
    }
}

#[test]
fn a_version_with_an_image_of_the_agent_runs_it() {
    let mut pc = cluster(BASE);
    pc.spec.postgres_version = 17;
    let v = validate(&pc, &defaults_15_17()).unwrap();
    assert_eq!(v.image, "localhost/pgo-postgres:17");
    assert_eq!(v.postgres_version, 17);
}

#[test]
fn version_16_is_refused_saying_no_image_is_built_for_it() {
    let mut pc = cluster(BASE);
    pc.spec.postgres_version = 16;
    let errors = validate(&pc, &defaults_15_17()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "spec.postgresVersion");
    let m = &errors[0].message;
    assert!(
        m.contains("no image is built for PostgreSQL 16 here"),
        "{m}"
    );
    assert!(m.contains("this agent runs PostgreSQL 15, 17"), "{m}");
    assert!(m.contains("spec.image"), "{m}");
}

#[test]
fn a_built_version_the_agent_has_no_image_for_names_its_variable() {
    let mut pc = cluster(BASE);
    pc.spec.postgres_version = 18;
    let errors = validate(&pc, &defaults_15_17()).unwrap_err();
    assert_eq!(errors[0].field, "spec.postgresVersion");
    assert!(
        errors[0].message.contains("RELATED_IMAGE_POSTGRES_18"),
        "{}",
        errors[0].message
    );
}

#[test]
fn spec_image_still_overrides_for_any_major() {
    let mut pc = cluster(BASE);
    pc.spec.postgres_version = 16;
    pc.spec.image = Some("registry.example.com/postgres:16".into());
    let v = validate(&pc, &defaults_15_17()).unwrap();
    assert_eq!(v.image, "registry.example.com/postgres:16");
    pc.spec.postgres_version = 9;
    let errors = validate(&pc, &defaults_15_17()).unwrap_err();
    assert_eq!(errors[0].field, "spec.postgresVersion");
}
