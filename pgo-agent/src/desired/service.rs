//! Build: the Services, with PGO's names and PGO's shape. Patroni's leader writes its own address
//! into the Endpoints of the selectorless `<cluster>-ha` Service when it takes the leader lock;
//! `<cluster>-primary` is headless and its Endpoints hold `<cluster>-ha`'s ClusterIP, so the
//! primary's name resolves to a Service that reaches exactly the lock holder: never a frozen or
//! cut-off old primary whose role label nobody could change, and with the agent down too.
//! `spec.service` shapes `<cluster>-ha` (its type, node port, metadata), as in PGO.
//! `<cluster>-replicas` selects pods by the role label Patroni writes.

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Service, ServicePort, ServiceSpec,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use pgo_api::names::{self, labels};

use super::meta;
use pgo_api::validate::ValidatedCluster;

fn postgres_port(v: &ValidatedCluster, node_port: Option<i32>) -> ServicePort {
    ServicePort {
        name: Some("postgres".into()),
        port: v.port,
        target_port: Some(IntOrString::String("postgres".into())),
        protocol: Some("TCP".into()),
        node_port,
        ..Default::default()
    }
}

/// A Service shaped by the user's `spec.service` / `spec.replicaService`; it selects pods of
/// `role`, or none (Patroni writes the leader's Endpoints).
pub(super) fn exposed(
    v: &ValidatedCluster,
    name: String,
    role: Option<&str>,
    user: &pgo_api::ServiceSpec,
) -> Service {
    let mut m = meta(v, name, &[]);
    if let Some(extra) = &user.metadata {
        if let Some(l) = &extra.labels {
            // The agent's labels win: they decide which cluster owns (and prunes) the Service.
            let mut labels = l.clone();
            labels.extend(m.labels.take().unwrap_or_default());
            m.labels = Some(labels);
        }
        if let Some(a) = &extra.annotations {
            m.annotations
                .get_or_insert_with(Default::default)
                .extend(a.clone());
        }
    }
    let type_ = user.type_.clone().unwrap_or_else(|| "ClusterIP".into());
    let node_port = if type_ == "ClusterIP" {
        None
    } else {
        user.node_port
    };
    Service {
        metadata: m,
        spec: Some(ServiceSpec {
            type_: Some(type_.clone()),
            selector: role.map(|role| {
                [
                    (labels::CLUSTER.to_string(), v.name.clone()),
                    (labels::ROLE.to_string(), role.to_string()),
                ]
                .into()
            }),
            ports: Some(vec![postgres_port(v, node_port)]),
            external_traffic_policy: (type_ != "ClusterIP")
                .then(|| user.external_traffic_policy.clone())
                .flatten(),
            ..Default::default()
        }),
        status: None,
    }
}

pub fn services(v: &ValidatedCluster) -> Vec<Service> {
    let headless = |name: String, selector: bool| Service {
        metadata: meta(v, name, &[]),
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".into()),
            selector: selector.then(|| [(labels::CLUSTER.to_string(), v.name.clone())].into()),
            publish_not_ready_addresses: selector.then_some(true),
            ports: Some(vec![postgres_port(v, None)]),
            ..Default::default()
        }),
        status: None,
    };
    vec![
        // Resolves to `<cluster>-ha`'s ClusterIP (see `primary_endpoints`).
        headless(names::primary_service(&v.name), false),
        exposed(
            v,
            names::replicas_service(&v.name),
            Some(labels::ROLE_REPLICA),
            &v.replica_service,
        ),
        {
            // Per-pod DNS names, for the instances and the pgBackRest repository host (whose
            // pod has only the pgBackRest port: without it, it would have no address here).
            let mut pods = headless(names::pods_service(&v.name), true);
            if v.backups.is_some() || v.clone_source.is_some() {
                if let Some(ports) = pods.spec.as_mut().and_then(|s| s.ports.as_mut()) {
                    ports.push(ServicePort {
                        name: Some("pgbackrest".into()),
                        port: names::PGBACKREST_TLS_PORT,
                        target_port: Some(IntOrString::String("pgbackrest".into())),
                        protocol: Some("TCP".into()),
                        ..Default::default()
                    });
                }
            }
            pods
        },
        // Patroni keeps the leader lock, and the leader's address, in this selectorless
        // Service's Endpoints.
        exposed(v, names::patroni_scope(&v.name), None, &v.primary_service),
        // ...and its dynamic configuration in this one's.
        headless(names::patroni_config_service(&v.name), false),
    ]
}

/// The Endpoints of the headless `<cluster>-primary`: the ClusterIP of `<cluster>-ha`, so that
/// DNS answers the primary's name with the Service that follows Patroni's leader.
pub fn primary_endpoints(v: &ValidatedCluster, leader_cluster_ip: &str) -> Endpoints {
    Endpoints {
        metadata: meta(v, names::primary_service(&v.name), &[]),
        subsets: Some(vec![EndpointSubset {
            addresses: Some(vec![EndpointAddress {
                ip: leader_cluster_ip.to_string(),
                ..Default::default()
            }]),
            ports: Some(vec![EndpointPort {
                name: Some("postgres".into()),
                port: v.port,
                protocol: Some("TCP".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::tests::{validated, HIPPO};

    #[test]
    fn primary_and_replica_services_follow_patroni_roles() {
        let v = validated(HIPPO);
        let s = services(&v);
        let names: Vec<_> = s.iter().map(|s| s.metadata.name.clone().unwrap()).collect();
        assert_eq!(
            names,
            [
                "hippo-primary",
                "hippo-replicas",
                "hippo-pods",
                "hippo-ha",
                "hippo-ha-config"
            ]
        );
        // The primary's name resolves to the leader Service, which Patroni points at itself.
        let primary = s[0].spec.as_ref().unwrap();
        assert_eq!(primary.cluster_ip.as_deref(), Some("None"));
        assert!(primary.selector.is_none());
        assert!(s[3].spec.as_ref().unwrap().selector.is_none());
        let e = primary_endpoints(&v, "10.0.0.7");
        assert_eq!(e.metadata.name.as_deref(), Some("hippo-primary"));
        let subset = &e.subsets.unwrap()[0];
        assert_eq!(subset.addresses.as_ref().unwrap()[0].ip, "10.0.0.7");
        // Named as the Service's port: that is how a selectorless Service finds its port.
        assert_eq!(
            subset.ports.as_ref().unwrap()[0].name.as_deref(),
            Some("postgres")
        );
    }

    fn service_yaml(extra: &str) -> String {
        HIPPO.replace(
            "  postgresVersion: 15\n",
            &format!("  postgresVersion: 15\n{extra}"),
        )
    }

    #[test]
    fn the_leader_service_takes_the_users_type_node_port_and_metadata() {
        let v = validated(&service_yaml(
            "  service:\n    type: NodePort\n    nodePort: 32000\n    externalTrafficPolicy: Local\n    metadata: {labels: {exposed: \"yes\"}, annotations: {lb: x}}\n",
        ));
        let s = &services(&v)[3];
        assert_eq!(s.metadata.name.as_deref(), Some("hippo-ha"));
        assert!(s.spec.as_ref().unwrap().selector.is_none());
        let spec = s.spec.as_ref().unwrap();
        assert_eq!(spec.type_.as_deref(), Some("NodePort"));
        assert_eq!(spec.external_traffic_policy.as_deref(), Some("Local"));
        let port = &spec.ports.as_ref().unwrap()[0];
        assert_eq!(port.node_port, Some(32000));
        assert_eq!(port.port, 5432);
        assert_eq!(
            port.target_port,
            Some(IntOrString::String("postgres".into()))
        );
        let l = s.metadata.labels.as_ref().unwrap();
        assert_eq!(l["exposed"], "yes");
        assert_eq!(l[labels::CLUSTER], "hippo");
        assert_eq!(s.metadata.annotations.as_ref().unwrap()["lb"], "x");
        // The replicas Service has its own spec: still ClusterIP.
        let r = services(&v)[1].spec.clone().unwrap();
        assert_eq!(r.type_.as_deref(), Some("ClusterIP"));
        assert_eq!(r.selector.unwrap()[labels::ROLE], "replica");
    }

    #[test]
    fn a_cluster_ip_service_drops_node_port_and_traffic_policy() {
        let v = validated(&service_yaml(
            "  service:\n    type: ClusterIP\n    nodePort: 32000\n    externalTrafficPolicy: Local\n",
        ));
        let spec = services(&v)[3].spec.clone().unwrap();
        assert_eq!(spec.ports.unwrap()[0].node_port, None);
        assert_eq!(spec.external_traffic_policy, None);
    }

    #[test]
    fn pods_service_is_headless_and_gets_the_pgbackrest_port_with_backups() {
        let v = validated(HIPPO);
        let pods = services(&v)[2].spec.clone().unwrap();
        assert_eq!(pods.cluster_ip.as_deref(), Some("None"));
        assert_eq!(pods.publish_not_ready_addresses, Some(true));
        assert_eq!(pods.ports.unwrap().len(), 1);

        let v = validated(crate::desired::pgbackrest::tests::HIPPO_BACKUPS);
        let ports = services(&v)[2].spec.clone().unwrap().ports.unwrap();
        let names: Vec<_> = ports.iter().map(|p| p.name.clone().unwrap()).collect();
        assert_eq!(names, ["postgres", "pgbackrest"]);
        assert_eq!(ports[1].port, names::PGBACKREST_TLS_PORT);
        // The config Service is headless with no selector: Patroni owns its Endpoints.
        let cfg = services(&v)[4].spec.clone().unwrap();
        assert!(cfg.selector.is_none());
        assert_eq!(cfg.cluster_ip.as_deref(), Some("None"));
    }
}
