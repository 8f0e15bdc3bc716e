//! The agent's own rules, `pgo_api::validate`, run on the manifest before anything is sent, with
//! each spec field they name mapped back to the flag that set it. No I/O.

use pgo_api::validate::{Defaults, FieldError};
use pgo_api::PostgresCluster;

/// What the agent validates with, as far as the CLI can know it: an image for every version it
/// runs (the image itself is the agent's choice, so any name does).
pub fn defaults() -> Defaults {
    Defaults {
        postgres_images: pgo_api::versions::built_versions()
            .into_iter()
            .map(|v| (v, format!("pgo-postgres:{v}")))
            .collect(),
        ..Default::default()
    }
}

/// The flag (or argument) of `create` that sets the spec field `field`.
pub fn flag_for(field: &str, message: &str) -> String {
    let f = field;
    let flag = if f == "metadata.name" {
        "NAME"
    } else if f == "spec.postgresVersion" || f == "spec.image" {
        "--pg-version"
    } else if f.starts_with("spec.instances") && f.ends_with(".replicas") {
        "--replicas"
    } else if f.starts_with("spec.instances") && f.ends_with(".name") {
        // The set name is fine on its own but too long with the cluster's.
        if message.contains("exceed") {
            "NAME or --instance-set"
        } else {
            "--instance-set"
        }
    } else if f.ends_with("storageClassName") {
        "--storage-class"
    } else if f.contains("olumeClaimSpec") {
        "--storage-size"
    } else if f.contains(".resources") {
        "--cpu/--memory"
    } else if f.starts_with("spec.users") && f.contains(".databases") {
        "--database"
    } else if f.starts_with("spec.users") {
        "--user"
    } else if f.starts_with("spec.proxy") {
        "--pgbouncer"
    } else if f.starts_with("spec.backups") {
        "--backups/--no-backups"
    } else {
        return format!("the manifest ({field})");
    };
    flag.to_string()
}

/// The agent's verdict on `pc`: one line per problem, naming the flag, the fix and the field.
pub fn agent_rules(pc: &PostgresCluster) -> Result<(), Vec<String>> {
    pgo_api::validate::validate(pc, &defaults())
        .map(drop)
        .map_err(|errors| errors.iter().map(line).collect())
}

fn line(e: &FieldError) -> String {
    format!(
        "invalid {}: {} ({})",
        flag_for(&e.field, &e.message),
        e.message,
        e.field
    )
}

#[cfg(test)]
mod tests {
    use super::super::args::{validate, ClusterArgs};
    use super::super::manifest::build;
    use super::*;
    use pgo_api::PostgresUserSpec;

    type Cli = fn(&mut ClusterArgs);
    type Spec = fn(&mut PostgresCluster);

    fn user(pc: &mut PostgresCluster, name: &str, db: Option<&str>) {
        pc.spec.users = Some(vec![PostgresUserSpec {
            name: name.into(),
            databases: db.map(|d| vec![d.to_string()]),
            ..Default::default()
        }]);
    }

    /// The same bad value given to the CLI (as a flag) and to the agent (in the spec): the CLI
    /// must refuse it naming the flag, and the agent must refuse it naming the field.
    #[test]
    fn cli_and_agent_reject_the_same_values() {
        let long = "a".repeat(40);
        let both: &[(&str, Cli, Spec, &str, &str)] = &[
            (
                "name 1db",
                |a| a.name = Some("1db".into()),
                |p| p.metadata.name = Some("1db".into()),
                "NAME",
                "metadata.name",
            ),
            (
                "storage 1",
                |a| a.storage_size = "1".into(),
                |p| {
                    let q = k8s_openapi::apimachinery::pkg::api::resource::Quantity("1".into());
                    let claim = &mut p.spec.instances[0].data_volume_claim_spec;
                    claim
                        .resources
                        .as_mut()
                        .unwrap()
                        .requests
                        .as_mut()
                        .unwrap()
                        .insert("storage".into(), q);
                },
                "--storage-size",
                "spec.instances[0].dataVolumeClaimSpec.resources.requests.storage",
            ),
            (
                "replicas 0",
                |a| a.replicas = "0".into(),
                |p| p.spec.instances[0].replicas = Some(0),
                "--replicas",
                "spec.instances[0].replicas",
            ),
            (
                "replicas 17",
                |a| a.replicas = "17".into(),
                |p| p.spec.instances[0].replicas = Some(17),
                "--replicas",
                "spec.instances[0].replicas",
            ),
            (
                "replicas i32::MAX",
                |a| a.replicas = "2147483647".into(),
                |p| p.spec.instances[0].replicas = Some(i32::MAX),
                "--replicas",
                "spec.instances[0].replicas",
            ),
            (
                "pg 14",
                |a| a.pg_version = "14".into(),
                |p| p.spec.postgres_version = 14,
                "--pg-version",
                "spec.postgresVersion",
            ),
            (
                "pg 9",
                |a| a.pg_version = "9".into(),
                |p| p.spec.postgres_version = 9,
                "--pg-version",
                "spec.postgresVersion",
            ),
            (
                "long set",
                |a| a.instance_set = "sixteen-chars-xx".into(),
                |p| p.spec.instances[0].name = Some("sixteen-chars-xx".into()),
                "--instance-set",
                "spec.instances[0].name",
            ),
            (
                "upper set",
                |a| a.instance_set = "Inst".into(),
                |p| p.spec.instances[0].name = Some("Inst".into()),
                "--instance-set",
                "spec.instances[0].name",
            ),
            (
                "user 1app",
                |a| a.users = vec!["1app".into()],
                |p| user(p, "1app", None),
                "--user",
                "spec.users[0].name",
            ),
            (
                "user _crunchyrepl",
                |a| a.users = vec!["_crunchyrepl".into()],
                |p| user(p, "_crunchyrepl", None),
                "--user",
                "spec.users[0].name",
            ),
            (
                "empty database",
                |a| {
                    a.users = vec!["app".into()];
                    a.databases = vec![String::new()]
                },
                |p| user(p, "app", Some("")),
                "--database",
                "spec.users[0].databases[0]",
            ),
        ];
        for (case, cli, spec, flag, field) in both {
            let mut args = ClusterArgs::named("hippo");
            cli(&mut args);
            let msg = validate(&args).expect_err(case).to_string();
            assert!(
                msg.contains(&format!("invalid {flag}")),
                "{case}: CLI says {msg}"
            );
            let mut pc = build(&validate(&ClusterArgs::named("hippo")).unwrap());
            spec(&mut pc);
            let errors = pgo_api::validate::validate(&pc, &defaults()).expect_err(case);
            assert!(
                errors.iter().any(|e| e.field == *field),
                "{case}: agent says {errors:?}"
            );
        }
        // A name too long for the instance names: the CLI gets it from the agent's rule.
        let msg = validate(&ClusterArgs::named(&long))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("invalid NAME or --instance-set: instance names"),
            "{msg}"
        );
        let mut pc = build(&validate(&ClusterArgs::named("hippo")).unwrap());
        pc.metadata.name = Some(long);
        assert!(pgo_api::validate::validate(&pc, &defaults()).is_err());
    }

    #[test]
    fn spec_fields_map_to_flags() {
        for (field, flag) in [
            ("spec.instances[0].replicas", "--replicas"),
            ("spec.postgresVersion", "--pg-version"),
            ("metadata.name", "NAME"),
            (
                "spec.instances[0].dataVolumeClaimSpec.resources.requests.storage",
                "--storage-size",
            ),
            ("spec.instances[0].name", "--instance-set"),
            ("spec.users[1].name", "--user"),
            ("spec.users[0].databases[2]", "--database"),
            ("spec.instances[0].resources.limits.cpu", "--cpu/--memory"),
        ] {
            assert_eq!(flag_for(field, ""), flag, "{field}");
        }
        assert_eq!(
            flag_for("spec.instances[0].name", "would exceed 52 characters"),
            "NAME or --instance-set"
        );
        assert_eq!(flag_for("spec.port", ""), "the manifest (spec.port)");
    }
}
