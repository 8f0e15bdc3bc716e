//! Facts about a PostgresCluster that several verbs check: name limits, replicas, repositories.

use pgo_api::PostgresCluster;

use crate::validate;

/// The longest cluster name, and the longest instance set name (PGO's limits).
pub const LIMIT_NAME: usize = 63;
pub const LIMIT_SET: usize = 15;

pub fn check_name(v: &str) -> Result<(), String> {
    validate::dns_label(v, LIMIT_NAME)
}

pub fn check_set(v: &str) -> Result<(), String> {
    validate::dns_label(v, LIMIT_SET)
}

/// A `NAME` argument: the cluster to act on.
pub fn check_cluster_name(name: &str) -> Result<(), String> {
    check_name(name).map_err(|e| format!("invalid NAME {name:?}: {e}"))
}

/// A number of instances: a whole number, at least 1.
pub fn check_replicas(v: &str) -> Result<i32, String> {
    match v.trim().parse::<i64>() {
        Ok(n) if (1..=i32::MAX as i64).contains(&n) => Ok(n as i32),
        Ok(_) => Err("must be at least 1".into()),
        Err(_) => Err("must be a whole number, at least 1".into()),
    }
}

/// The repositories in the cluster's spec.
pub fn repos(pc: &PostgresCluster) -> Vec<String> {
    pc.spec
        .backups
        .as_ref()
        .and_then(|b| b.pgbackrest.as_ref())
        .map(|p| p.repos.iter().map(|r| r.name.clone()).collect())
        .unwrap_or_default()
}

/// The repository to use: the one asked for, if the spec has it, or the only one.
pub fn pick_repo(pc: &PostgresCluster, wanted: Option<&str>) -> Result<String, String> {
    let name = kube::ResourceExt::name_any(pc);
    let repos = repos(pc);
    if repos.is_empty() {
        return Err(format!(
            "PostgresCluster {name:?} has no pgBackRest repository: backups are not configured\n  \
             hint: add one under spec.backups.pgbackrest.repos (e.g. create it with --backups)"
        ));
    }
    match wanted {
        Some(r) if repos.iter().any(|x| x == r) => Ok(r.to_string()),
        Some(r) => Err(format!(
            "PostgresCluster {name:?} has no repository {r:?} in spec.backups.pgbackrest.repos; it has: {}\n  \
             hint: pass --repoName with one of them",
            repos.join(", ")
        )),
        None if repos.len() == 1 => Ok(repos[0].clone()),
        None => Err(format!(
            "PostgresCluster {name:?} has several repositories ({}): pass --repoName",
            repos.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn cluster_with_repos(repos: &[&str]) -> PostgresCluster {
        let mut spec = json!({"postgresVersion": 15, "instances": []});
        if !repos.is_empty() {
            let list: Vec<Value> = repos.iter().map(|r| json!({"name": r})).collect();
            spec["backups"] = json!({"pgbackrest": {"repos": list}});
        }
        serde_json::from_value(json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": "hippo"},
            "spec": spec
        }))
        .unwrap()
    }

    #[test]
    fn repo_must_be_in_the_spec() {
        let pc = cluster_with_repos(&["repo1", "repo2"]);
        assert_eq!(pick_repo(&pc, Some("repo2")).unwrap(), "repo2");
        let err = pick_repo(&pc, Some("repo3")).unwrap_err();
        assert!(err.contains("has no repository \"repo3\""), "{err}");
        assert!(err.contains("it has: repo1, repo2"), "{err}");
        assert!(pick_repo(&pc, None)
            .unwrap_err()
            .contains("pass --repoName"));
        assert_eq!(
            pick_repo(&cluster_with_repos(&["repo1"]), None).unwrap(),
            "repo1"
        );
        let none = pick_repo(&cluster_with_repos(&[]), Some("repo1")).unwrap_err();
        assert!(none.contains("backups are not configured"), "{none}");
    }
}
