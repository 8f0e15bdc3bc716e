//! `show user USER -c NAME`: connection info from Secret <cluster>-pguser-<user>, secrets
//! masked unless asked.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use pgo_api::names;
use serde::Serialize;

use super::Error;
use crate::client::Ctx;

/// The keys of a pguser Secret, in the order shown.
pub const USER_KEYS: &[&str] = &[
    "user", "password", "verifier", "host", "port", "dbname", "uri", "jdbc-uri",
];
/// Keys that hold or embed a secret.
const SECRET_KEYS: &[&str] = &["password", "verifier", "uri", "jdbc-uri"];
pub const MASK: &str = "********";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserView {
    pub cluster: String,
    pub namespace: String,
    pub secret: String,
    /// Key and value, masked unless asked otherwise.
    pub connection: BTreeMap<String, String>,
    #[serde(skip)]
    pub order: Vec<String>,
    pub masked: bool,
}

/// The user view from the Secret's data. No I/O.
pub fn user_view(
    cluster: &str,
    namespace: &str,
    secret_name: &str,
    data: &BTreeMap<String, Vec<u8>>,
    reveal: bool,
) -> UserView {
    let mut connection = BTreeMap::new();
    let mut order = Vec::new();
    for key in USER_KEYS {
        if let Some(bytes) = data.get(*key) {
            let value = String::from_utf8_lossy(bytes).to_string();
            let shown = if !reveal && SECRET_KEYS.contains(key) {
                MASK.to_string()
            } else {
                value
            };
            connection.insert(key.to_string(), shown);
            order.push(key.to_string());
        }
    }
    UserView {
        cluster: cluster.into(),
        namespace: namespace.into(),
        secret: secret_name.into(),
        connection,
        order,
        masked: !reveal,
    }
}

pub async fn show(ctx: &Ctx, user: &str, cluster: &str, reveal: bool) -> Result<UserView, Error> {
    let api = super::api(cluster);
    ctx.get_cluster(cluster).await.map_err(&api)?;
    let secret_name = names::user_secret(cluster, user);
    let secrets: Api<Secret> = Api::namespaced(ctx.client.clone(), &ctx.namespace);
    let secret = secrets.get(&secret_name).await.map_err(|e| {
        api(crate::client::classify(
            e,
            &ctx.server,
            "Secret",
            &secret_name,
            &ctx.namespace,
        ))
    })?;
    let data: BTreeMap<String, Vec<u8>> = secret
        .data
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
    Ok(user_view(
        cluster,
        &ctx.namespace,
        &secret_name,
        &data,
        reveal,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_secrets_are_masked_unless_asked() {
        let data: BTreeMap<String, Vec<u8>> = [
            ("user", "app"),
            ("password", "s3cret"),
            ("host", "hippo-primary.ns.svc"),
            (
                "uri",
                "postgresql://app:s3cret@hippo-primary.ns.svc:5432/app",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
        let v = user_view("hippo", "ns", "hippo-pguser-app", &data, false);
        assert_eq!(v.connection["password"], MASK);
        assert_eq!(v.connection["uri"], MASK);
        assert_eq!(v.connection["host"], "hippo-primary.ns.svc");
        assert_eq!(v.order, vec!["user", "password", "host", "uri"]);
        let v = user_view("hippo", "ns", "hippo-pguser-app", &data, true);
        assert_eq!(v.connection["password"], "s3cret");
    }
}
