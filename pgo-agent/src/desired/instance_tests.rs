use super::*;
use crate::desired::tests::{validated, HIPPO};

#[test]
fn instance_names_are_stable_and_pgo_shaped() {
    let a = instance_name("hippo", "instance1", 0);
    assert_eq!(a, instance_name("hippo", "instance1", 0));
    assert_ne!(a, instance_name("hippo", "instance1", 1));
    assert!(a.starts_with("hippo-instance1-"));
    assert_eq!(a.len(), "hippo-instance1-".len() + 4);
}

#[test]
fn scaling_down_keeps_the_primary() {
    let mut v = validated(HIPPO);
    v.instance_sets[0].replicas = 3;
    let three = plan_instances(&v, &Observed::default())["instance1"].clone();
    assert_eq!(three.len(), 3);
    let observed = Observed {
        instances: [("instance1".to_string(), three.clone())].into(),
        primary_instance: Some(three[2].clone()),
    };
    v.instance_sets[0].replicas = 1;
    assert_eq!(
        plan_instances(&v, &observed)["instance1"],
        vec![three[2].clone()]
    );
    // Scaling up again reuses the lowest free names.
    v.instance_sets[0].replicas = 3;
    assert_eq!(plan_instances(&v, &observed)["instance1"], three);
}

#[test]
fn shutdown_scales_every_instance_to_zero_and_keeps_claims() {
    let mut v = validated(HIPPO);
    v.shutdown = true;
    let set = &v.instance_sets[0];
    let sts = stateful_set(&v, set, "hippo-instance1-abcd", "h");
    assert_eq!(sts.spec.unwrap().replicas, Some(0));
    assert_eq!(pvcs(&v, set, "hippo-instance1-abcd").len(), 2);
}

#[test]
fn pods_run_patroni_as_non_root_in_the_database_container() {
    let v = validated(HIPPO);
    let sts = stateful_set(&v, &v.instance_sets[0], "hippo-instance1-abcd", "h");
    let pod = sts.spec.unwrap().template.spec.unwrap();
    let c = &pod.containers[0];
    assert_eq!(c.name, "database");
    assert!(c.command.as_ref().unwrap()[2].contains("exec patroni"));
    let sc = pod.security_context.unwrap();
    assert_eq!(sc.run_as_user, Some(26));
    assert_eq!(sc.run_as_non_root, Some(true));
    assert_eq!(
        c.security_context
            .as_ref()
            .unwrap()
            .allow_privilege_escalation,
        Some(false)
    );
}

/// The pod of the first instance of the first set.
fn first_pod(v: &ValidatedCluster) -> PodSpec {
    pod_spec(stateful_set(
        v,
        &v.instance_sets[0],
        "hippo-instance1-abcd",
        "h",
    ))
}

fn pod_spec(sts: StatefulSet) -> PodSpec {
    sts.spec.unwrap().template.spec.unwrap()
}

#[test]
fn instance_names_are_dns_labels_distinct_for_every_index() {
    let names: std::collections::BTreeSet<String> = (0..100)
        .map(|i| instance_name("hippo", "instance1", i))
        .collect();
    assert_eq!(names.len(), 100);
    for n in &names {
        assert!(n.len() <= 63, "{n}");
        assert!(
            n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{n}"
        );
        assert!(!n.ends_with('-'));
    }
}

#[test]
fn instance_names_differ_between_clusters_and_sets() {
    let a = instance_name("hippo", "instance1", 0);
    assert_ne!(a, instance_name("hippo", "instance2", 0));
    assert_ne!(a, instance_name("rhino", "instance1", 0));
    // The separator keeps ("ab", "c") and ("a", "bc") apart even where the prefixes meet.
    let (x, y) = (instance_name("ab", "c", 0), instance_name("a", "bc", 0));
    assert_ne!(x[x.len() - 4..], y[y.len() - 4..]);
}

#[test]
fn scaling_up_keeps_existing_instances_and_adds_generated_ones() {
    let mut v = validated(HIPPO);
    let observed = Observed {
        instances: [("instance1".to_string(), vec!["hippo-instance1-old1".into()])].into(),
        primary_instance: Some("hippo-instance1-old1".into()),
    };
    v.instance_sets[0].replicas = 3;
    let plan = &plan_instances(&v, &observed)["instance1"];
    assert_eq!(plan.len(), 3);
    assert!(plan.contains(&"hippo-instance1-old1".to_string()));
    assert!(plan.contains(&instance_name("hippo", "instance1", 0)));
    assert!(plan.contains(&instance_name("hippo", "instance1", 1)));
    let mut sorted = plan.clone();
    sorted.sort();
    assert_eq!(&sorted, plan, "plans are sorted");
}

#[test]
fn scaling_down_drops_replicas_of_that_set_only_and_zero_drops_all() {
    let mut v = validated(HIPPO);
    let existing = vec![
        "hippo-instance1-aaaa".to_string(),
        "hippo-instance1-bbbb".to_string(),
    ];
    // The primary of another set is no reason to keep anything here.
    let observed = Observed {
        instances: [("instance1".to_string(), existing.clone())].into(),
        primary_instance: Some("hippo-other-cccc".into()),
    };
    v.instance_sets[0].replicas = 1;
    assert_eq!(
        plan_instances(&v, &observed)["instance1"],
        vec![existing[0].clone()]
    );
    v.instance_sets[0].replicas = 0;
    assert!(plan_instances(&v, &observed)["instance1"].is_empty());
}

#[test]
fn wal_volume_is_mounted_only_with_a_wal_claim_spec() {
    let mut v = validated(HIPPO);
    let pod = first_pod(&v);
    let wal = pod
        .volumes
        .as_ref()
        .unwrap()
        .iter()
        .find(|vol| vol.name == "postgres-wal")
        .expect("wal volume");
    assert_eq!(
        wal.persistent_volume_claim.as_ref().unwrap().claim_name,
        "hippo-instance1-abcd-pgwal"
    );
    let mounts = pod.containers[0].volume_mounts.as_ref().unwrap();
    assert!(mounts.iter().any(|m| m.mount_path == PGWAL_MOUNT));

    v.instance_sets[0].spec.wal_volume_claim_spec = None;
    let set = &v.instance_sets[0];
    let pod = pod_spec(stateful_set(&v, set, "hippo-instance1-abcd", "h"));
    assert!(pod
        .volumes
        .unwrap()
        .iter()
        .all(|vol| vol.name != "postgres-wal"));
    assert!(pod.containers[0]
        .volume_mounts
        .as_ref()
        .unwrap()
        .iter()
        .all(|m| m.mount_path != PGWAL_MOUNT));
    let claims = pvcs(&v, set, "hippo-instance1-abcd");
    assert_eq!(claims.len(), 1);
    assert_eq!(
        claims[0].metadata.name.as_deref(),
        Some("hippo-instance1-abcd-pgdata")
    );
}

#[test]
fn pod_template_carries_the_config_hash_and_instance_labels() {
    let v = validated(HIPPO);
    let sts = stateful_set(&v, &v.instance_sets[0], "hippo-instance1-abcd", "cafe");
    let spec = sts.spec.unwrap();
    let tmpl = spec.template.metadata.unwrap();
    assert_eq!(
        tmpl.annotations.unwrap()[names::annotations::CONFIG_HASH],
        "cafe"
    );
    let l = tmpl.labels.unwrap();
    assert_eq!(l[labels::INSTANCE], "hippo-instance1-abcd");
    assert_eq!(l[labels::INSTANCE_SET], "instance1");
    assert_eq!(l[labels::PATRONI], "hippo-ha");
    assert_eq!(l[labels::DATA], labels::DATA_POSTGRES);
    // The selector matches the template, and only this instance.
    let sel = spec.selector.match_labels.unwrap();
    assert!(sel.iter().all(|(k, val)| l.get(k) == Some(val)));
    assert_eq!(sel[labels::INSTANCE], "hippo-instance1-abcd");
    assert_eq!(spec.replicas, Some(1));
    assert_eq!(spec.service_name.as_deref(), Some("hippo-pods"));
}

#[test]
fn probes_ask_patroni_for_readiness_and_liveness() {
    let v = validated(HIPPO);
    let pod = first_pod(&v);
    let c = &pod.containers[0];
    let get = |p: &Option<Probe>| p.as_ref().unwrap().http_get.clone().unwrap();
    let ready = get(&c.readiness_probe);
    assert_eq!(ready.path.as_deref(), Some("/readiness"));
    assert_eq!(ready.port, IntOrString::Int(v.patroni_port));
    let live = get(&c.liveness_probe);
    assert_eq!(live.path.as_deref(), Some("/liveness"));
    assert_eq!(live.port, IntOrString::Int(v.patroni_port));
    let ports: Vec<i32> = c
        .ports
        .as_ref()
        .unwrap()
        .iter()
        .map(|p| p.container_port)
        .collect();
    assert_eq!(ports, [v.port, v.patroni_port]);
}

#[test]
fn every_container_drops_all_capabilities_and_cannot_escalate() {
    let v = validated(crate::desired::pgbackrest::tests::HIPPO_BACKUPS);
    let pod = first_pod(&v);
    assert_eq!(
        pod.containers.len(),
        2,
        "database and the pgbackrest sidecar"
    );
    assert_eq!(pod.containers[0].name, "database");
    for c in &pod.containers {
        let sc = c.security_context.as_ref().unwrap();
        assert_eq!(sc.run_as_non_root, Some(true), "{}", c.name);
        assert_eq!(sc.privileged, Some(false), "{}", c.name);
        assert_eq!(sc.allow_privilege_escalation, Some(false), "{}", c.name);
        assert_eq!(sc.read_only_root_filesystem, Some(true), "{}", c.name);
        let caps = sc.capabilities.as_ref().unwrap();
        assert_eq!(caps.drop.as_deref(), Some(&["ALL".to_string()][..]));
        assert!(caps.add.is_none());
    }
    let psc = pod.security_context.unwrap();
    assert_eq!(psc.fs_group, Some(names::POSTGRES_UID));
    assert_eq!(psc.run_as_group, Some(names::POSTGRES_UID));
}

#[test]
fn user_scheduling_and_resources_are_carried_over() {
    let mut v = validated(HIPPO);
    let spec: pgo_api::PostgresInstanceSetSpec = serde_yaml::from_str(
        r#"
dataVolumeClaimSpec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
resources: {limits: {cpu: "2", memory: 1Gi}}
tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]
priorityClassName: high
affinity:
  nodeAffinity:
requiredDuringSchedulingIgnoredDuringExecution:
  nodeSelectorTerms: [{matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]
metadata: {labels: {team: zoo}, annotations: {note: hi}}
"#,
    )
    .unwrap();
    v.instance_sets[0].spec = spec.clone();
    let sts = stateful_set(&v, &v.instance_sets[0], "hippo-instance1-abcd", "h");
    let tmpl = sts.spec.unwrap().template;
    let meta = tmpl.metadata.unwrap();
    assert_eq!(meta.labels.unwrap()["team"], "zoo");
    assert_eq!(meta.annotations.unwrap()["note"], "hi");
    let pod = tmpl.spec.unwrap();
    assert_eq!(
        pod.affinity, spec.affinity,
        "the user's affinity replaces ours"
    );
    assert_eq!(pod.tolerations, spec.tolerations);
    assert_eq!(pod.priority_class_name.as_deref(), Some("high"));
    assert_eq!(pod.containers[0].resources, spec.resources);
}

#[test]
fn instances_of_a_set_are_spread_over_nodes_unless_disabled() {
    let mut v = validated(HIPPO);
    let pod = first_pod(&v);
    let terms = pod
        .affinity
        .unwrap()
        .pod_anti_affinity
        .unwrap()
        .preferred_during_scheduling_ignored_during_execution
        .unwrap();
    assert_eq!(terms.len(), 1);
    let term = &terms[0].pod_affinity_term;
    assert_eq!(term.topology_key, "kubernetes.io/hostname");
    let sel = term.label_selector.clone().unwrap().match_labels.unwrap();
    assert_eq!(sel[labels::CLUSTER], "hippo");
    assert_eq!(sel[labels::INSTANCE_SET], "instance1");

    v.default_pod_scheduling = false;
    let pod = first_pod(&v);
    assert!(pod.affinity.is_none());
}

#[test]
fn claims_are_labelled_by_what_they_hold_as_pgo_labels_them() {
    let v = validated(HIPPO);
    let claims = pvcs(&v, &v.instance_sets[0], "hippo-instance1-abcd");
    let by_name: BTreeMap<String, (String, String)> = claims
        .iter()
        .map(|c| {
            let l = c.metadata.labels.as_ref().unwrap();
            (
                c.metadata.name.clone().unwrap(),
                (l[labels::ROLE].clone(), l[labels::DATA].clone()),
            )
        })
        .collect();
    // PGO: role pgdata / pgwal, data postgres on both.
    assert_eq!(
        by_name["hippo-instance1-abcd-pgdata"],
        ("pgdata".to_string(), "postgres".to_string())
    );
    assert_eq!(
        by_name["hippo-instance1-abcd-pgwal"],
        ("pgwal".to_string(), "postgres".to_string())
    );
    assert!(crate::volumes::is_wal_claim(&claims[1]));
    assert!(!crate::volumes::is_wal_claim(&claims[0]));
    for c in &claims {
        let l = c.metadata.labels.as_ref().unwrap();
        assert_eq!(l[labels::INSTANCE], "hippo-instance1-abcd");
        assert_eq!(
            c.spec.as_ref().unwrap().access_modes.as_deref(),
            Some(&["ReadWriteOnce".to_string()][..])
        );
    }
}

#[test]
fn disruption_budget_selects_the_set_with_its_min_available() {
    let mut v = validated(HIPPO);
    v.instance_sets[0].min_available = IntOrString::String("50%".into());
    let p = pdb(&v, &v.instance_sets[0]);
    assert_eq!(p.metadata.name.as_deref(), Some("hippo-set-instance1"));
    let spec = p.spec.unwrap();
    assert_eq!(spec.min_available, Some(IntOrString::String("50%".into())));
    assert!(spec.max_unavailable.is_none());
    let sel = spec.selector.unwrap().match_labels.unwrap();
    assert_eq!(sel[labels::CLUSTER], "hippo");
    assert_eq!(sel[labels::INSTANCE_SET], "instance1");
}

#[test]
fn a_sets_labels_never_move_its_pods_into_another_cluster() {
    // Validation refuses these labels; the builder does not rely on it.
    let mut v = validated(HIPPO);
    let hostile: std::collections::BTreeMap<String, String> = [
        (labels::CLUSTER, "rhino"),
        (labels::INSTANCE, "rhino-instance1-abcd"),
        (labels::PATRONI, "rhino-ha"),
        (labels::MANAGED_BY, "someone"),
        ("team", "zoo"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    v.instance_sets[0].spec.metadata = Some(pgo_api::Metadata {
        labels: Some(hostile.clone()),
        annotations: None,
    });
    v.primary_service.metadata = Some(pgo_api::Metadata {
        labels: Some(hostile),
        annotations: None,
    });
    let sts = stateful_set(&v, &v.instance_sets[0], "hippo-instance1-abcd", "h");
    let l = sts.spec.unwrap().template.metadata.unwrap().labels.unwrap();
    assert_eq!(l[labels::CLUSTER], "hippo");
    assert_eq!(l[labels::INSTANCE], "hippo-instance1-abcd");
    assert_eq!(l[labels::PATRONI], "hippo-ha");
    assert_eq!(l[labels::MANAGED_BY], labels::MANAGED_BY_VALUE);
    assert_eq!(l["team"], "zoo");
    for s in crate::desired::service::services(&v) {
        let l = s.metadata.labels.unwrap();
        assert_eq!(l[labels::CLUSTER], "hippo", "{:?}", s.metadata.name);
        assert_eq!(l[labels::MANAGED_BY], labels::MANAGED_BY_VALUE);
    }
}
