//! Facts about a PostgresCluster that several verbs check: name limits, replicas, repositories.

use pgo_api::PostgresCluster;

use crate::validate;

/// The longest cluster name: instance names `<cluster>-<set>-xxxx` must fit in the agent's
/// limit even with a one-letter set (a longer set lowers it; `create` checks the pair).
pub const LIMIT_NAME: usize = pgo_api::validate::MAX_INSTANCE_NAME - "-a-xxxx".len();
/// The longest instance set name (PGO's limit).
pub const LIMIT_SET: usize = 15;

/// A cluster name: a DNS label that starts with a letter, as Service names must.
pub fn check_name(v: &str) -> Result<(), String> {
    validate::dns_label(v, LIMIT_NAME)?;
    if !v.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!(
            "must start with a letter (it names Services such as {v}-primary), e.g. db{v}"
        ));
    }
    Ok(())
}

pub fn check_set(v: &str) -> Result<(), String> {
    validate::dns_label(v, LIMIT_SET)
}

/// A `NAME` argument: the cluster to act on.
pub fn check_cluster_name(name: &str) -> Result<(), String> {
    check_name(name).map_err(|e| format!("invalid NAME {name:?}: {e}"))
}

/// A number of instances: a whole number from 1 to the agent's limit per instance set.
pub fn check_replicas(v: &str) -> Result<i32, String> {
    const MAX: i32 = pgo_api::validate::MAX_REPLICAS;
    match v.trim().parse::<i64>() {
        Ok(n) if (1..=MAX as i64).contains(&n) => Ok(n as i32),
        Ok(n) if n < 1 => Err("must be at least 1".into()),
        _ if v.trim().bytes().all(|b| b.is_ascii_digit()) && !v.trim().is_empty() => Err(format!(
            "must be at most {MAX} instances per set (the agent's limit)"
        )),
        _ => Err(format!("must be a whole number from 1 to {MAX}")),
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
