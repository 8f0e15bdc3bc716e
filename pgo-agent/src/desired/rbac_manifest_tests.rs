//! The shipped RBAC (manifests/agent/) against the code: the agent's ClusterRole holds exactly
//! the verbs the agent uses plus those it grants (Kubernetes lets it grant only what it holds),
//! never `*`, never a watch on Secrets; the roles for people exist and aggregate as PGO's
//! users expect.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule};
use serde::Deserialize;

use super::tests::{validated, HIPPO};

const MANIFESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../manifests");
const GROUP: &str = "postgres-operator.crunchydata.com";

/// (API group, resource) -> verbs.
type Grants = BTreeMap<(String, String), BTreeSet<String>>;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{MANIFESTS}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cluster_roles(path: &str) -> BTreeMap<String, ClusterRole> {
    let text = read(path);
    let mut out = BTreeMap::new();
    for doc in serde_yaml::Deserializer::from_str(&text) {
        let value = serde_yaml::Value::deserialize(doc).unwrap();
        if value.get("kind").and_then(|k| k.as_str()) == Some("ClusterRole") {
            let role: ClusterRole = serde_yaml::from_value(value).unwrap();
            out.insert(role.metadata.name.clone().unwrap(), role);
        }
    }
    out
}

fn grants(rules: &[PolicyRule]) -> Grants {
    let mut out = Grants::new();
    for r in rules {
        assert!(
            r.resource_names.is_none() && r.non_resource_urls.is_none(),
            "{r:?}"
        );
        for g in r.api_groups.iter().flatten() {
            for res in r.resources.iter().flatten() {
                out.entry((g.clone(), res.clone()))
                    .or_default()
                    .extend(r.verbs.iter().cloned());
            }
        }
    }
    out
}

fn add(g: &mut Grants, group: &str, resources: &[&str], verbs: &[&str]) {
    for res in resources {
        g.entry((group.into(), (*res).into()))
            .or_default()
            .extend(verbs.iter().map(|v| v.to_string()));
    }
}

/// What the agent's code does with the API, by where it does it.
fn used_by_the_agent() -> Grants {
    let mut g = Grants::new();
    // controller.rs: watchers of PostgresClusters and of the metadata of StatefulSets, Deployments, Jobs,
    // Services and Postgres pods; the finalizer is a JSON patch; pgbackrest/act.rs reads a
    // clone's source cluster.
    add(
        &mut g,
        GROUP,
        &["postgresclusters"],
        &["get", "list", "watch", "patch"],
    );
    // apply::patch_status: server-side apply of the status subresource.
    add(&mut g, GROUP, &["postgresclusters/status"], &["patch"]);
    // Owner references with blockOwnerDeletion (OwnerReferencesPermissionEnforcement).
    add(&mut g, GROUP, &["postgresclusters/finalizers"], &["update"]);
    // observe.rs lists what the cluster owns; apply.rs applies (create or patch) and prunes;
    // pgbackrest/act.rs creates and deletes Jobs and deletes the volumes a restore recreates.
    for (group, res) in [
        ("apps", "statefulsets"),
        ("apps", "deployments"),
        ("", "services"),
        ("", "configmaps"),
        ("", "secrets"),
        ("", "serviceaccounts"),
        ("", "persistentvolumeclaims"),
        ("rbac.authorization.k8s.io", "roles"),
        ("rbac.authorization.k8s.io", "rolebindings"),
        ("policy", "poddisruptionbudgets"),
    ] {
        add(
            &mut g,
            group,
            &[res],
            &["list", "create", "patch", "delete"],
        );
    }
    add(&mut g, "batch", &["jobs"], &["list", "create", "delete"]);
    // observe.rs reads the root CA and users' Secrets by name; database.rs the databaseInitSQL
    // ConfigMap; main.rs its own pod (for its image).
    add(&mut g, "", &["secrets", "configmaps", "pods"], &["get"]);
    // controller.rs watches these (metadata only).
    for (group, res) in [
        ("apps", "statefulsets"),
        ("apps", "deployments"),
        ("", "services"),
        ("batch", "jobs"),
        ("", "pods"),
    ] {
        add(&mut g, group, &[res], &["list", "watch"]);
    }
    // controller.rs: the finalizer stops the instances and removes Patroni's Endpoints.
    add(&mut g, "apps", &["statefulsets"], &["deletecollection"]);
    add(
        &mut g,
        "",
        &["endpoints"],
        &["get", "delete", "deletecollection"],
    );
    // rolling.rs and database.rs restart pods; exec.rs runs psql, patronictl and pgBackRest.
    add(&mut g, "", &["pods"], &["delete"]);
    add(&mut g, "", &["pods/exec"], &["create", "get"]);
    // events.rs creates events.k8s.io/v1 Events.
    add(&mut g, "events.k8s.io", &["events"], &["create"]);
    g
}

/// What the agent grants in the Roles it creates: it must hold all of it.
fn granted_by_the_agent() -> Grants {
    let v = validated(HIPPO);
    let mut rules = super::rbac::role(&v).rules.unwrap_or_default();
    rules.extend(super::jobs::job_rbac(&v).1.rules.unwrap_or_default());
    let mut g = Grants::new();
    for r in rules {
        // A rule limited to resource names is covered by the same verbs on every name.
        for group in r.api_groups.iter().flatten() {
            for res in r.resources.iter().flatten() {
                g.entry((group.clone(), res.clone()))
                    .or_default()
                    .extend(r.verbs.iter().cloned());
            }
        }
    }
    g
}

fn union(a: &Grants, b: &Grants) -> Grants {
    let mut out = a.clone();
    for (k, v) in b {
        out.entry(k.clone()).or_default().extend(v.iter().cloned());
    }
    out
}

#[test]
fn the_agent_holds_exactly_what_it_uses_and_grants() {
    let roles = cluster_roles("agent/cluster-role.yaml");
    let rules = roles["pgo-agent"].rules.clone().unwrap_or_default();
    for r in &rules {
        for field in [
            &r.verbs,
            r.resources.as_ref().unwrap(),
            r.api_groups.as_ref().unwrap(),
        ] {
            assert!(
                !field.iter().any(|x| x.contains('*')),
                "a wildcard in {r:?}"
            );
        }
    }
    let held = grants(&rules);
    let needed = union(&used_by_the_agent(), &granted_by_the_agent());
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    for (k, verbs) in &needed {
        let have = held.get(k).cloned().unwrap_or_default();
        missing.extend(verbs.difference(&have).map(|v| format!("{k:?} {v}")));
    }
    for (k, verbs) in &held {
        let need = needed.get(k).cloned().unwrap_or_default();
        extra.extend(verbs.difference(&need).map(|v| format!("{k:?} {v}")));
    }
    assert!(
        missing.is_empty(),
        "the ClusterRole lacks what the agent uses: {missing:#?}"
    );
    assert!(
        extra.is_empty(),
        "the ClusterRole grants what the agent does not use: {extra:#?}"
    );
}

#[test]
fn secrets_are_never_watched() {
    let held = grants(
        &cluster_roles("agent/cluster-role.yaml")["pgo-agent"]
            .rules
            .clone()
            .unwrap_or_default(),
    );
    let secrets = &held[&(String::new(), "secrets".to_string())];
    assert!(!secrets.contains("watch"), "{secrets:?}");
    // And the code has no watcher or reflector of Secrets.
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut stack = vec![std::path::PathBuf::from(src)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, line) in text.lines().enumerate() {
                let watches = line.contains("watcher(") || line.contains("reflector(");
                assert!(
                    !(watches && line.contains("Secret")),
                    "{}:{}: {line}",
                    path.display(),
                    i + 1
                );
            }
        }
    }
}

#[test]
fn people_get_pgo_admin_and_pgo_viewer_through_aggregation() {
    let roles = cluster_roles("agent/user-roles.yaml");
    let label = |role: &ClusterRole, key: &str| {
        role.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(&format!("rbac.authorization.k8s.io/{key}")))
            .cloned()
    };
    let admin = &roles["pgo-admin"];
    assert_eq!(label(admin, "aggregate-to-admin").as_deref(), Some("true"));
    assert_eq!(label(admin, "aggregate-to-edit").as_deref(), Some("true"));
    assert_eq!(label(admin, "aggregate-to-view"), None);
    let viewer = &roles["pgo-viewer"];
    assert_eq!(label(viewer, "aggregate-to-view").as_deref(), Some("true"));
    assert_eq!(label(viewer, "aggregate-to-admin"), None);
    assert_eq!(label(viewer, "aggregate-to-edit"), None);

    let full: BTreeSet<String> = [
        "get",
        "list",
        "watch",
        "create",
        "update",
        "patch",
        "delete",
        "deletecollection",
    ]
    .map(String::from)
    .into();
    let read: BTreeSet<String> = ["get", "list", "watch"].map(String::from).into();
    let admin_grants = grants(admin.rules.as_deref().unwrap());
    let viewer_grants = grants(viewer.rules.as_deref().unwrap());
    for kind in [
        "postgresclusters",
        "pgupgrades",
        "pgadmins",
        "crunchybridgeclusters",
    ] {
        let k = (GROUP.to_string(), kind.to_string());
        assert_eq!(admin_grants[&k], full, "{kind}");
        assert_eq!(viewer_grants[&k], read, "{kind}");
        let status = (GROUP.to_string(), format!("{kind}/status"));
        assert!(admin_grants[&status].contains("get"), "{kind}/status");
        assert!(viewer_grants[&status].contains("get"), "{kind}/status");
    }
    // Only the group's kinds, and the viewer only reads.
    for ((group, res), verbs) in admin_grants.iter().chain(&viewer_grants) {
        assert_eq!(group, GROUP, "{res}");
        assert!(!verbs.iter().any(|v| v.contains('*')), "{res}");
    }
    for verbs in viewer_grants.values() {
        assert!(verbs.is_subset(&read), "{verbs:?}");
    }
}

#[test]
fn the_kustomization_applies_every_manifest() {
    let k: serde_yaml::Value = serde_yaml::from_str(&read("kustomization.yaml")).unwrap();
    let listed: BTreeSet<String> = k["resources"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    for dir in ["agent", "crd"] {
        for entry in std::fs::read_dir(format!("{MANIFESTS}/{dir}")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".yaml") {
                let path = format!("{dir}/{name}");
                assert!(
                    listed.contains(&path),
                    "{path} is not in kustomization.yaml"
                );
            }
        }
    }
}
