//! The committed CRD in manifests/ must be exactly what the Rust types generate.

use kube::CustomResourceExt;

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../manifests/crd/postgres-operator.crunchydata.com_postgresclusters.yaml"
);

#[test]
fn committed_crd_matches_the_rust_types() {
    let generated = serde_yaml::to_string(&pgo_api::PostgresCluster::crd()).unwrap();
    if std::env::var_os("UPDATE_CRD").is_some() {
        std::fs::write(PATH, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        committed == generated,
        "manifests/crd is stale; regenerate it with: UPDATE_CRD=1 cargo test -p pgo-api --test crd_snapshot"
    );
}

#[test]
fn every_crd_field_has_a_description() {
    let crd = serde_json::to_value(pgo_api::PostgresCluster::crd()).unwrap();
    let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"];
    let mut missing = Vec::new();
    fn walk(path: &str, node: &serde_json::Value, missing: &mut Vec<String>) {
        if let Some(props) = node.get("properties").and_then(|p| p.as_object()) {
            for (k, v) in props {
                let p = format!("{path}.{k}");
                if v.get("description").is_none() {
                    missing.push(p.clone());
                }
                walk(&p, v, missing);
            }
        }
        if let Some(items) = node.get("items") {
            walk(&format!("{path}[]"), items, missing);
        }
    }
    for top in ["spec", "status"] {
        walk(top, &schema[top], &mut missing);
    }
    assert!(
        missing.is_empty(),
        "fields without a description: {missing:?}"
    );
}
