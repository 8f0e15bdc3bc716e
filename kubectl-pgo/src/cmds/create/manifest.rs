//! The PostgresCluster for validated inputs. No I/O.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    PersistentVolumeClaimSpec, ResourceRequirements, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use pgo_api::{
    Backups, PgBackRestArchive, PgBackRestRepo, PostgresCluster, PostgresClusterSpec,
    PostgresInstanceSetSpec, PostgresUserSpec, RepoPvc,
};

use super::args::ValidatedCluster;

fn volume_claim(size: &str, class: &Option<String>) -> PersistentVolumeClaimSpec {
    PersistentVolumeClaimSpec {
        access_modes: Some(vec!["ReadWriteOnce".into()]),
        storage_class_name: class.clone(),
        resources: Some(VolumeResourceRequirements {
            requests: Some(BTreeMap::from([(
                "storage".to_string(),
                Quantity(size.to_string()),
            )])),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The PostgresCluster for validated inputs. No I/O.
pub fn build(v: &ValidatedCluster) -> PostgresCluster {
    let mut resources = BTreeMap::new();
    if let Some(cpu) = &v.cpu {
        resources.insert("cpu".to_string(), Quantity(cpu.clone()));
    }
    if let Some(mem) = &v.memory {
        resources.insert("memory".to_string(), Quantity(mem.clone()));
    }
    let resources = (!resources.is_empty()).then(|| ResourceRequirements {
        requests: Some(resources.clone()),
        limits: Some(resources),
        ..Default::default()
    });
    let users = (!v.users.is_empty()).then(|| {
        v.users
            .iter()
            .map(|u| PostgresUserSpec {
                name: u.clone(),
                databases: (!v.databases.is_empty()).then(|| v.databases.clone()),
                ..Default::default()
            })
            .collect()
    });
    let backups = v.backups.then(|| Backups {
        pgbackrest: Some(PgBackRestArchive {
            repos: vec![PgBackRestRepo {
                name: "repo1".into(),
                volume: Some(RepoPvc {
                    volume_claim_spec: volume_claim(&v.storage_size, &v.storage_class),
                }),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    });
    let mut pc = PostgresCluster::new(
        &v.name,
        PostgresClusterSpec {
            postgres_version: v.pg_version,
            instances: vec![PostgresInstanceSetSpec {
                name: Some(v.instance_set.clone()),
                replicas: Some(v.replicas),
                data_volume_claim_spec: volume_claim(&v.storage_size, &v.storage_class),
                resources,
                ..Default::default()
            }],
            users,
            backups,
            ..Default::default()
        },
    );
    pc.metadata.namespace = None;
    pc
}

#[cfg(test)]
mod tests {
    use super::super::args::{validate, ClusterArgs};
    use super::*;

    /// The defaults make PGO's hippo example, with the replicas it leaves to the default.
    #[test]
    fn defaults_build_the_pgo_hippo_manifest() {
        let mut expected: serde_json::Value =
            serde_yaml::from_str(include_str!("../../../../examples/hippo.yaml")).unwrap();
        expected["spec"]["instances"][0]["replicas"] = 1.into();
        let pc = build(&validate(&ClusterArgs::named("hippo")).unwrap());
        assert_eq!(serde_json::to_value(&pc).unwrap(), expected);
    }

    #[test]
    fn flags_set_resources_users_class_and_no_backups() {
        let a = ClusterArgs {
            replicas: "3".into(),
            instance_set: "fast".into(),
            storage_size: "10Gi".into(),
            storage_class: Some("ssd".into()),
            cpu: Some("500m".into()),
            memory: Some("1Gi".into()),
            users: vec!["app".into(), "report".into()],
            databases: vec!["app".into(), "stats".into()],
            no_backups: true,
            ..ClusterArgs::named("hippo")
        };
        let pc = build(&validate(&a).unwrap());
        let set = &pc.spec.instances[0];
        assert_eq!(set.name.as_deref(), Some("fast"));
        assert_eq!(set.replicas, Some(3));
        assert_eq!(
            set.data_volume_claim_spec.storage_class_name.as_deref(),
            Some("ssd")
        );
        let res = set.resources.as_ref().unwrap();
        assert_eq!(res.requests, res.limits);
        assert_eq!(res.limits.as_ref().unwrap()["cpu"], Quantity("500m".into()));
        let users = pc.spec.users.unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(users[1].name, "report");
        assert_eq!(
            users[1].databases.as_deref(),
            Some(&["app".to_string(), "stats".to_string()][..])
        );
        assert!(pc.spec.backups.is_none());
    }
}
