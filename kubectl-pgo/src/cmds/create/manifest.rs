//! The PostgresCluster for validated inputs. No I/O.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::{
    PersistentVolumeClaimSpec, ResourceRequirements, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use pgo_api::{
    Backups, PgBackRestArchive, PgBackRestRepo, PgBouncerPodSpec, PostgresCluster,
    PostgresClusterSpec, PostgresInstanceSetSpec, PostgresProxySpec, PostgresUserSpec, RepoPvc,
};

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
            proxy: v.pgbouncer.then(|| PostgresProxySpec {
                pg_bouncer: PgBouncerPodSpec {
                    replicas: Some(1),
                    ..Default::default()
                },
            }),
            ..Default::default()
        },
    );
    pc.metadata.namespace = None;
    pc
}

/// Inputs checked and parsed: what `build` needs, and nothing unchecked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedCluster {
    pub name: String,
    pub pg_version: i32,
    pub replicas: i32,
    pub instance_set: String,
    pub storage_size: String,
    pub storage_class: Option<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub users: Vec<String>,
    pub databases: Vec<String>,
    pub backups: bool,
    pub pgbouncer: bool,
    pub timeout: Duration,
}
