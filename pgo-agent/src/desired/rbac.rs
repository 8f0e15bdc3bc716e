//! Build: the ServiceAccount, Role and RoleBinding that Patroni needs for the Kubernetes DCS.

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use pgo_api::names;

use super::meta;
use pgo_api::validate::ValidatedCluster;

pub fn service_account(v: &ValidatedCluster) -> ServiceAccount {
    ServiceAccount {
        metadata: meta(v, names::instance_service_account(&v.name), &[]),
        ..Default::default()
    }
}

fn rule(resources: &[&str], verbs: &[&str]) -> PolicyRule {
    PolicyRule {
        api_groups: Some(vec![String::new()]),
        resources: Some(resources.iter().map(|s| s.to_string()).collect()),
        verbs: verbs.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

/// What Patroni does with the API: leader and config Endpoints, role labels on its pods, and
/// the config Service it creates if missing. Nothing else; in this namespace only.
pub fn role(v: &ValidatedCluster) -> Role {
    Role {
        metadata: meta(v, names::instance_service_account(&v.name), &[]),
        rules: Some(vec![
            rule(
                &["endpoints"],
                &[
                    "create",
                    "deletecollection",
                    "get",
                    "list",
                    "patch",
                    "update",
                    "watch",
                ],
            ),
            rule(&["pods"], &["get", "list", "patch", "update", "watch"]),
            rule(&["services"], &["create"]),
        ]),
    }
}

pub fn role_binding(v: &ValidatedCluster) -> RoleBinding {
    let name = names::instance_service_account(&v.name);
    binding(meta(v, name.clone(), &[]), name, &v.namespace)
}

/// Binds the Role `name` to the ServiceAccount of the same name.
pub fn binding(metadata: ObjectMeta, name: String, namespace: &str) -> RoleBinding {
    RoleBinding {
        metadata,
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: "Role".into(),
            name: name.clone(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name,
            namespace: Some(namespace.into()),
            ..Default::default()
        }]),
    }
}
