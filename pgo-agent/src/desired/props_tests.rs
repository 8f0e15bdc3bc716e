//! Properties of building: whatever validation accepts builds without panicking, every object
//! name and label fits Kubernetes' limits, and every pod the agent builds (instances, the
//! repository host, backup and restore Jobs) meets the `restricted` Pod Security Standard.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use proptest::prelude::*;
use serde_json::{json, Value};

use super::jobs::{backup_job, restore_job, BackupKind};
use super::pgbackrest::INSTANCE_CONF;
use super::tests::material;
use super::*;
use pgo_api::validate::{
    is_dns_label, is_dns_subdomain, is_label_key, is_label_value, validate, Defaults, RepoRun,
};

fn defaults() -> Defaults {
    Defaults {
        postgres_images: [(15, "localhost/pgo-postgres:15".to_string())].into(),
        agent_image: "localhost/pgo-agent:dev".into(),
        pgbouncer_image: None,
        exporter_image: None,
    }
}

/// Why a pod does not meet the `restricted` Pod Security Standard, if it does not.
pub fn restricted_violations(name: &str, pod: &PodSpec) -> Vec<String> {
    let mut out = Vec::new();
    let mut bad = |why: String| out.push(format!("{name}: {why}"));
    if pod.host_network == Some(true) || pod.host_pid == Some(true) || pod.host_ipc == Some(true) {
        bad("shares a host namespace".into());
    }
    for vol in pod.volumes.iter().flatten() {
        let allowed = vol.config_map.is_some()
            || vol.csi.is_some()
            || vol.downward_api.is_some()
            || vol.empty_dir.is_some()
            || vol.ephemeral.is_some()
            || vol.persistent_volume_claim.is_some()
            || vol.projected.is_some()
            || vol.secret.is_some();
        if !allowed || vol.host_path.is_some() {
            bad(format!(
                "volume {} is of a kind restricted pods may not use",
                vol.name
            ));
        }
    }
    let psc = pod.security_context.clone().unwrap_or_default();
    if psc.run_as_user == Some(0) || psc.run_as_group == Some(0) {
        bad("runs as root".into());
    }
    if psc.sysctls.as_ref().is_some_and(|s| !s.is_empty()) {
        bad("sets sysctls".into());
    }
    let pod_seccomp = psc.seccomp_profile.as_ref().map(|s| s.type_.as_str());
    if pod_seccomp.is_some_and(|t| t != "RuntimeDefault" && t != "Localhost") {
        bad(format!("seccomp profile {pod_seccomp:?}"));
    }
    let containers: Vec<&Container> = pod
        .init_containers
        .iter()
        .flatten()
        .chain(pod.containers.iter())
        .collect();
    if pod
        .ephemeral_containers
        .as_ref()
        .is_some_and(|e| !e.is_empty())
    {
        bad("has ephemeral containers".into());
    }
    for c in containers {
        let sc = c.security_context.clone().unwrap_or_default();
        let who = &c.name;
        if sc.privileged == Some(true) {
            bad(format!("container {who} is privileged"));
        }
        if sc.allow_privilege_escalation != Some(false) {
            bad(format!("container {who} may escalate privileges"));
        }
        if sc.run_as_non_root != Some(true) && psc.run_as_non_root != Some(true) {
            bad(format!(
                "container {who} is not required to run as non-root"
            ));
        }
        if sc.run_as_user == Some(0) {
            bad(format!("container {who} runs as root"));
        }
        let seccomp = sc
            .seccomp_profile
            .as_ref()
            .map(|s| s.type_.as_str())
            .or(pod_seccomp);
        if !matches!(seccomp, Some("RuntimeDefault") | Some("Localhost")) {
            bad(format!("container {who} has seccomp profile {seccomp:?}"));
        }
        let caps = sc.capabilities.clone().unwrap_or_default();
        if !caps.drop.iter().flatten().any(|d| d == "ALL") {
            bad(format!("container {who} does not drop ALL capabilities"));
        }
        if caps.add.iter().flatten().any(|a| a != "NET_BIND_SERVICE") {
            bad(format!("container {who} adds capabilities {:?}", caps.add));
        }
        if sc.proc_mount.as_deref().is_some_and(|p| p != "Default") {
            bad(format!("container {who} has procMount {:?}", sc.proc_mount));
        }
        if c.ports.iter().flatten().any(|p| p.host_port.is_some()) {
            bad(format!("container {who} uses a host port"));
        }
    }
    out
}

/// Every pod template of the objects and Jobs.
fn pods(d: &Desired, jobs: &[Job]) -> Vec<(String, PodSpec)> {
    let mut out = Vec::new();
    for s in &d.stateful_sets {
        if let Some(p) = s.spec.as_ref().and_then(|s| s.template.spec.clone()) {
            out.push((format!("StatefulSet {}", s.name_any()), p));
        }
    }
    for j in jobs {
        if let Some(p) = j.spec.as_ref().and_then(|s| s.template.spec.clone()) {
            out.push((format!("Job {}", j.name_any()), p));
        }
    }
    out
}

use kube::ResourceExt;

/// Every object's metadata with the longest name its kind allows, and its pod templates'.
fn metas(d: &Desired, jobs: &[Job]) -> Vec<(String, usize, ObjectMeta)> {
    // A StatefulSet's pods carry `controller-revision-hash: <name>-<10 characters>`; Jobs
    // label their pods `job-name: <name>`; Services are DNS labels.
    let mut out = Vec::new();
    for s in &d.stateful_sets {
        out.push(("StatefulSet".into(), 52, s.metadata.clone()));
        if let Some(m) = s.spec.as_ref().and_then(|s| s.template.metadata.clone()) {
            out.push(("pod template".into(), 253, m));
        }
    }
    for s in &d.services {
        out.push(("Service".into(), 63, s.metadata.clone()));
    }
    for j in jobs {
        out.push(("Job".into(), 63, j.metadata.clone()));
        if let Some(m) = j.spec.as_ref().and_then(|s| s.template.metadata.clone()) {
            out.push(("Job pod template".into(), 253, m));
        }
    }
    let subdomain = |kind: &str, m: &ObjectMeta| (kind.to_string(), 253, m.clone());
    out.extend(d.pvcs.iter().map(|o| subdomain("PVC", &o.metadata)));
    out.extend(
        d.config_maps
            .iter()
            .map(|o| subdomain("ConfigMap", &o.metadata)),
    );
    out.extend(d.secrets.iter().map(|o| subdomain("Secret", &o.metadata)));
    out.extend(
        d.service_accounts
            .iter()
            .map(|o| subdomain("ServiceAccount", &o.metadata)),
    );
    out.extend(d.roles.iter().map(|o| subdomain("Role", &o.metadata)));
    out.extend(
        d.role_bindings
            .iter()
            .map(|o| subdomain("RoleBinding", &o.metadata)),
    );
    out.extend(d.pdbs.iter().map(|o| subdomain("PDB", &o.metadata)));
    out
}

fn name_violations(d: &Desired, jobs: &[Job]) -> Vec<String> {
    let mut out = Vec::new();
    for (kind, max, m) in metas(d, jobs) {
        if let Some(name) = &m.name {
            let ok = if max > 63 {
                is_dns_subdomain(name)
            } else {
                is_dns_label(name, max)
            };
            if !ok {
                out.push(format!(
                    "{kind} {name:?} is not a name of at most {max} characters"
                ));
            }
        }
        for (k, v) in m.labels.iter().flatten() {
            if !is_label_key(k) || !is_label_value(v) {
                out.push(format!("{kind} {:?}: label {k}={v:?}", m.name));
            }
        }
    }
    for s in &d.stateful_sets {
        // Instance pods are `<StatefulSet>-0`: a hostname.
        if s.name_any().len() + 2 > 63 {
            out.push(format!("pod {}-0 is not a hostname", s.name_any()));
        }
    }
    out
}

/// The Jobs that a cluster with backups may run: a manual and a scheduled backup, an in-place
/// restore and a clone.
fn jobs_of(v: &ValidatedCluster) -> Vec<Job> {
    let Some(b) = &v.backups else { return vec![] };
    let Some(repo) = b.repos.first() else {
        return vec![];
    };
    let run = b.restore.clone().unwrap_or(RepoRun {
        repo: repo.name.clone(),
        index: repo.index,
        options: vec![],
    });
    let schedule = pgo_api::names::backup_schedule(&v.name, &repo.name, "incr");
    let mut jobs = vec![
        backup_job(
            v,
            format!("{}-backup-abcdef12", v.name),
            BackupKind::Manual { trigger: "now" },
            b.manual.as_ref().unwrap_or(&run),
            None,
            "localhost/pgo-agent:dev",
        ),
        backup_job(
            v,
            format!("{schedule}-29999999"),
            BackupKind::Scheduled {
                schedule: &schedule,
            },
            &run,
            Some("incr"),
            "localhost/pgo-agent:dev",
        ),
    ];
    if let Some(set) = v.instance_sets.first() {
        let instance = instance::instance_name(&v.name, &set.name, 0);
        jobs.push(restore_job(
            v,
            set,
            &instance,
            &run,
            INSTANCE_CONF,
            &b.configuration,
            "r1",
        ));
    }
    jobs
}

fn claim(storage: &str) -> Value {
    json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}})
}

prop_compose! {
    fn spec()(
        name in "[a-z][a-z0-9-]{0,40}[a-z0-9]",
        sets in proptest::collection::vec(
            ("[a-z][a-z0-9]{0,14}", 1i32..=16, any::<bool>(), prop::option::of(0u32..=100)),
            1..4,
        ),
        users in prop::option::of(proptest::collection::vec(
            ("[a-z][a-z0-9-]{0,62}", proptest::collection::vec("[a-zA-Z0-9 _'\"-]{1,20}", 0..3),
             prop_oneof![Just(""), Just("SUPERUSER"), Just("NOLOGIN CREATEDB"), Just("CONNECTION LIMIT 5 VALID UNTIL '2030-01-01'")]),
            0..4,
        )),
        port in 1024i32..=65535,
        ttl in 3i32..=3600,
        loop_wait in 1i32..=3600,
        params in proptest::collection::btree_map("[a-z][a-z_]{0,20}", "[a-zA-Z0-9 ._'-]{0,20}", 0..4),
        backups in prop::option::of((
            prop_oneof![Just("repo1"), Just("repo4")],
            any::<bool>(),
            prop::option::of(prop_oneof![Just("0 1 * * 0"), Just("*/5 * * * *")]),
            prop::option::of(prop_oneof![
                Just(vec!["--type=time", "--target=\"2026-11-24 14:00:00+00\""]),
                Just(vec!["--type=immediate"]),
            ]),
        )),
        shutdown in any::<bool>(),
        label in prop::option::of(("[a-z]{1,10}", "[a-z0-9]{0,10}")),
    ) -> Value {
        let instances: Vec<Value> = sets
            .into_iter()
            .map(|(n, replicas, wal, pct)| {
                let mut s = json!({"name": n, "replicas": replicas, "dataVolumeClaimSpec": claim("1Gi")});
                if wal { s["walVolumeClaimSpec"] = claim("512Mi"); }
                if let Some(p) = pct { s["minAvailable"] = json!(format!("{p}%")); }
                s
            })
            .collect();
        let mut spec = json!({
            "postgresVersion": 15,
            "port": port,
            "instances": instances,
            "shutdown": shutdown,
            "patroni": {"leaderLeaseDurationSeconds": ttl, "syncPeriodSeconds": loop_wait,
                "dynamicConfiguration": {"postgresql": {"parameters": params,
                    "pg_hba": ["hostssl app app 10.0.0.0/8 scram-sha-256"]}}},
        });
        if let Some(users) = users {
            spec["users"] = users
                .into_iter()
                .map(|(n, dbs, o)| json!({"name": n, "databases": dbs, "options": o}))
                .collect();
        }
        if let Some((k, v)) = label {
            spec["metadata"] = json!({"labels": {k: v}});
        }
        if let Some((repo, s3, schedule, restore)) = backups {
            let mut r = if s3 {
                json!({"name": repo, "s3": {"bucket": "b", "endpoint": "s3.example.com", "region": "r"}})
            } else {
                json!({"name": repo, "volume": {"volumeClaimSpec": claim("1Gi")}})
            };
            if let Some(s) = schedule { r["schedules"] = json!({"incremental": s}); }
            let mut p = json!({"repos": [r], "manual": {"repoName": repo, "options": ["--type=full"]}});
            if let Some(o) = restore { p["restore"] = json!({"enabled": true, "repoName": repo, "options": o}); }
            spec["backups"] = json!({"pgbackrest": p});
        }
        json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": name, "namespace": "db", "uid": "u1",
                "annotations": {"postgres-operator.crunchydata.com/pgbackrest-backup": "now"}},
            "spec": spec,
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn whatever_validation_accepts_builds_within_limits_and_restricted(doc in spec(), existing in 0usize..4, primary in any::<bool>()) {
        let pc: pgo_api::PostgresCluster = serde_json::from_value(doc).unwrap();
        let Ok(v) = validate(&pc, &defaults()) else { return Ok(()) };
        let m = material(&v);
        // Some instances exist already, one of them perhaps the primary.
        let set = &v.instance_sets[0];
        let names: Vec<String> = (0..existing as u32).map(|i| instance::instance_name(&v.name, &set.name, i + 7)).collect();
        let observed = Observed {
            primary_instance: names.first().filter(|_| primary).cloned(),
            instances: BTreeMap::from([(set.name.clone(), names.clone())]),
        };
        for restoring in [
            Restoring::default(),
            Restoring { hold: Hold::All, clone_conf: Some("[global]\n".into()) },
            Restoring { hold: Hold::AllBut(names.first().cloned().unwrap_or_default()), clone_conf: None },
        ] {
            for pdb in [true, false] {
                let d = build(&v, &observed, &restoring, &m, pdb);
                let jobs = jobs_of(&v);
                let names = name_violations(&d, &jobs);
                prop_assert!(names.is_empty(), "{names:#?}");
                let mut pss = Vec::new();
                for (name, pod) in pods(&d, &jobs) {
                    pss.extend(restricted_violations(&name, &pod));
                }
                prop_assert!(pss.is_empty(), "{pss:#?}");
                for (set, instances) in &d.plan {
                    let want = v.instance_sets.iter().find(|s| &s.name == set).unwrap().replicas;
                    prop_assert!(instances.len() >= want as usize);
                }
            }
        }
        let sql = patroni::users_sql(&v, &m);
        prop_assert!(sql.starts_with("\\set ON_ERROR_STOP on\n"));
        let dcs = patroni::dcs_config(&v);
        let (t, l, r) = (dcs["ttl"].as_i64().unwrap(), dcs["loop_wait"].as_i64().unwrap(), dcs["retry_timeout"].as_i64().unwrap());
        prop_assert!(r >= 1 && l + 2 * r <= t, "ttl {t}, loop_wait {l}, retry_timeout {r}");
        prop_assert_eq!(patroni::patroni_files(&v).len(), v.instance_sets.len());
    }
}

#[test]
fn every_pod_of_a_cluster_with_backups_is_restricted() {
    let v = super::tests::validated(super::pgbackrest::tests::HIPPO_BACKUPS);
    let d = build(
        &v,
        &Observed::default(),
        &Restoring::default(),
        &material(&v),
        true,
    );
    let jobs = jobs_of(&v);
    assert_eq!(jobs.len(), 3, "a manual and a scheduled backup, a restore");
    let pods = pods(&d, &jobs);
    assert!(
        pods.iter().any(|(n, _)| n.contains("repo-host")),
        "the repository host is checked"
    );
    assert!(
        pods.len() >= 5,
        "{:?}",
        pods.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    let mut violations = Vec::new();
    for (name, pod) in &pods {
        violations.extend(restricted_violations(name, pod));
    }
    assert!(violations.is_empty(), "{violations:#?}");
    assert!(name_violations(&d, &jobs).is_empty());
}

#[test]
fn the_restricted_check_catches_what_it_is_for() {
    use k8s_openapi::api::core::v1::{HostPathVolumeSource, Volume};
    let v = super::tests::validated(super::tests::HIPPO);
    let d = build(
        &v,
        &Observed::default(),
        &Restoring::default(),
        &material(&v),
        true,
    );
    let (name, pod) = pods(&d, &[]).remove(0);
    assert!(restricted_violations(&name, &pod).is_empty());
    let mut p = pod.clone();
    p.host_network = Some(true);
    assert!(!restricted_violations(&name, &p).is_empty());
    let mut p = pod.clone();
    p.volumes.get_or_insert_with(Vec::new).push(Volume {
        name: "root".into(),
        host_path: Some(HostPathVolumeSource {
            path: "/".into(),
            type_: None,
        }),
        ..Default::default()
    });
    assert!(!restricted_violations(&name, &p).is_empty());
    let mut p = pod.clone();
    p.security_context = None;
    p.containers[0]
        .security_context
        .as_mut()
        .unwrap()
        .seccomp_profile = None;
    assert!(!restricted_violations(&name, &p).is_empty());
    let mut p = pod;
    p.containers[0]
        .security_context
        .as_mut()
        .unwrap()
        .allow_privilege_escalation = None;
    assert!(!restricted_violations(&name, &p).is_empty());
}

/// The generator reaches accepted specs often enough for the property to mean something.
#[test]
fn the_spec_generator_produces_accepted_specs() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = spec();
    let accepted = (0..200)
        .filter(|_| {
            let doc = strategy.new_tree(&mut runner).unwrap().current();
            let pc: pgo_api::PostgresCluster = serde_json::from_value(doc).unwrap();
            validate(&pc, &defaults()).is_ok()
        })
        .count();
    assert!(
        accepted >= 60,
        "only {accepted} of 200 generated specs are accepted"
    );
}
