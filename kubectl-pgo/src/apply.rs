//! Server-side apply of small partial PostgresClusters, under the field manager `kubectl-pgo`.
//!
//! Every command applies under the same manager, and an apply drops the fields its manager owned
//! but left out. So each apply carries the fields `kubectl-pgo` already owns (read back from
//! `managedFields`, with their live values) plus the fields the command sets. Nothing else is
//! sent, so the agent and GitOps tools keep their fields.

use kube::api::{Patch, PatchParams};
use kube::ResourceExt;
use pgo_api::names::CLI_MANAGER;
use pgo_api::PostgresCluster;
use serde_json::{json, Map, Value};

use crate::client::{ApiError, Ctx};

/// A partial PostgresCluster: apiVersion, kind, metadata.name and `fields` merged in.
pub fn partial(name: &str, fields: Value) -> Value {
    let mut obj = json!({
        "apiVersion": format!("{}/v1beta1", pgo_api::names::GROUP),
        "kind": "PostgresCluster",
        "metadata": { "name": name },
    });
    merge(&mut obj, fields);
    obj
}

/// Merge `patch` into `base`: objects key by key, anything else replaced.
pub fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, p) => *b = p,
    }
}

/// The fields of `live` listed in a managedFields `fieldsV1` set, with their live values.
///
/// `f:name` is a field, `k:{...}` a list item by key, `v:...` a set item, `.` the node itself.
/// A field with no children is a leaf: its whole value is owned.
pub fn owned_subset(live: &Value, fields: &Value) -> Option<Value> {
    let set = fields.as_object()?;
    let children: Vec<(&String, &Value)> = set.iter().filter(|(k, _)| k.as_str() != ".").collect();
    if children.is_empty() {
        return Some(live.clone());
    }
    match live {
        Value::Object(obj) => {
            let mut out = Map::new();
            for (key, sub) in children {
                let Some(field) = key.strip_prefix("f:") else {
                    continue;
                };
                if let Some(value) = obj.get(field) {
                    if let Some(v) = owned_subset(value, sub) {
                        out.insert(field.to_string(), v);
                    }
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(items) => {
            let mut out = Vec::new();
            for (key, sub) in children {
                if let Some(k) = key.strip_prefix("k:") {
                    let Ok(Value::Object(wanted)) = serde_json::from_str::<Value>(k) else {
                        continue;
                    };
                    let found = items
                        .iter()
                        .find(|item| wanted.iter().all(|(wk, wv)| item.get(wk) == Some(wv)));
                    if let Some(item) = found {
                        let mut v = owned_subset(item, sub).unwrap_or(Value::Null);
                        // The key fields identify the item, so they always go along.
                        if let Value::Object(o) = &mut v {
                            for (wk, wv) in &wanted {
                                o.insert(wk.clone(), wv.clone());
                            }
                        }
                        out.push(v);
                    }
                } else if let Some(v) = key.strip_prefix("v:") {
                    if let Ok(value) = serde_json::from_str::<Value>(v) {
                        out.push(value);
                    }
                } else if let Some(i) = key.strip_prefix("i:") {
                    if let Some(item) = i.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        out.extend(owned_subset(item, sub));
                    }
                }
            }
            Some(Value::Array(out))
        }
        other => Some(other.clone()),
    }
}

/// What `kubectl-pgo` applied before, from the live object's managedFields.
pub fn previously_applied(live: &PostgresCluster) -> Value {
    let live_json = serde_json::to_value(live).unwrap_or(Value::Null);
    let mut out = Value::Object(Map::new());
    for entry in live.managed_fields() {
        let ours = entry.manager.as_deref() == Some(CLI_MANAGER)
            && entry.operation.as_deref() == Some("Apply")
            && entry.subresource.as_deref().unwrap_or("").is_empty();
        if !ours {
            continue;
        }
        if let Some(fields) = &entry.fields_v1 {
            if let Some(v) = owned_subset(&live_json, &fields.0) {
                merge(&mut out, v);
            }
        }
    }
    if let Value::Object(o) = &mut out {
        // Identity comes from `partial`; never carry server-set metadata along.
        if let Some(Value::Object(meta)) = o.get_mut("metadata") {
            meta.retain(|k, _| k == "labels" || k == "annotations");
        }
        o.remove("status");
    }
    out
}

/// The object to apply: what `kubectl-pgo` owns already, less the subtrees at the JSON
/// pointers in `replaces` (which the command defines whole), then the command's `fields`.
pub fn desired(
    live: Option<&PostgresCluster>,
    name: &str,
    fields: Value,
    replaces: &[&str],
) -> Value {
    let mut before = live.map(previously_applied).unwrap_or(json!({}));
    for pointer in replaces {
        remove_pointer(&mut before, pointer);
    }
    let mut obj = partial(name, before);
    merge(&mut obj, fields);
    obj
}

fn remove_pointer(value: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    if let Some(Value::Object(o)) = value.pointer_mut(parent) {
        o.remove(last);
    }
}

/// Apply `fields` to the cluster `name`, keeping what `kubectl-pgo` set before.
pub async fn apply(
    ctx: &Ctx,
    live: &PostgresCluster,
    fields: Value,
    replaces: &[&str],
    force: bool,
) -> Result<PostgresCluster, ApiError> {
    let name = live.name_any();
    let obj = desired(Some(live), &name, fields, replaces);
    let mut params = PatchParams::apply(CLI_MANAGER);
    params.force = force;
    ctx.clusters()
        .patch(&name, &params, &Patch::Apply(&obj))
        .await
        .map_err(|e| ctx.api_error(e, &name))
}

/// RFC 3339 "now" with milliseconds, the value written into trigger annotations: two requests
/// within one second must still differ, or the second would be taken as already done.
pub fn timestamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_subset_keeps_only_listed_fields_with_live_values() {
        let live = json!({
            "metadata": {"name": "hippo", "annotations": {"a": "1", "b": "2"}},
            "spec": {"shutdown": true, "postgresVersion": 15, "instances": [{"name": "i1"}]}
        });
        let fields = json!({
            "f:metadata": {"f:annotations": {".": {}, "f:a": {}}},
            "f:spec": {"f:shutdown": {}}
        });
        assert_eq!(
            owned_subset(&live, &fields).unwrap(),
            json!({"metadata": {"annotations": {"a": "1"}}, "spec": {"shutdown": true}})
        );
    }

    #[test]
    fn owned_subset_finds_list_items_by_key() {
        let live = json!({"repos": [{"name": "repo1", "s3": {"bucket": "b"}}, {"name": "repo2"}]});
        let fields = json!({"f:repos": {"k:{\"name\":\"repo1\"}": {".": {}, "f:s3": {}}}});
        assert_eq!(
            owned_subset(&live, &fields).unwrap(),
            json!({"repos": [{"name": "repo1", "s3": {"bucket": "b"}}]})
        );
    }

    #[test]
    fn desired_keeps_earlier_fields_and_overlays_the_command() {
        let mut pc: PostgresCluster = serde_json::from_value(json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": "hippo", "resourceVersion": "7", "managedFields": [
                {"manager": "kubectl-pgo", "operation": "Apply",
                 "apiVersion": "postgres-operator.crunchydata.com/v1beta1", "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:spec": {"f:shutdown": {}}}},
                {"manager": "gitops", "operation": "Apply",
                 "apiVersion": "postgres-operator.crunchydata.com/v1beta1", "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:spec": {"f:postgresVersion": {}}}}
            ]},
            "spec": {"postgresVersion": 15, "instances": [], "shutdown": true}
        }))
        .unwrap();
        pc.metadata.uid = Some("u".into());
        let obj = desired(
            Some(&pc),
            "hippo",
            json!({"spec": {"backups": {"pgbackrest": {"manual": {"repoName": "repo1"}}}}}),
            &[],
        );
        assert_eq!(
            obj,
            json!({
                "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
                "kind": "PostgresCluster",
                "metadata": {"name": "hippo"},
                "spec": {"shutdown": true, "backups": {"pgbackrest": {"manual": {"repoName": "repo1"}}}}
            })
        );
    }
}

#[cfg(test)]
mod replace_tests {
    use super::*;

    #[test]
    fn a_replaced_subtree_drops_fields_the_command_no_longer_sets() {
        let pc: PostgresCluster = serde_json::from_value(json!({
            "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
            "kind": "PostgresCluster",
            "metadata": {"name": "hippo", "managedFields": [
                {"manager": "kubectl-pgo", "operation": "Apply", "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:spec": {"f:patroni": {"f:switchover": {
                     "f:enabled": {}, "f:targetInstance": {}, "f:type": {}}}}}}
            ]},
            "spec": {"postgresVersion": 15, "instances": [], "patroni": {"switchover": {
                "enabled": true, "targetInstance": "hippo-a-1", "type": "Failover"}}}
        }))
        .unwrap();
        let obj = desired(
            Some(&pc),
            "hippo",
            json!({"spec": {"patroni": {"switchover": {"enabled": true, "type": "Switchover"}}}}),
            &["/spec/patroni/switchover"],
        );
        assert_eq!(
            obj["spec"]["patroni"]["switchover"],
            json!({"enabled": true, "type": "Switchover"})
        );
    }
}
