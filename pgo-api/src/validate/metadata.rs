//! User labels and annotations (`spec.metadata`, `spec.instances[].metadata`, the Services'
//! `metadata`): valid Kubernetes keys and values, and none of the keys the agent itself sets.
//! A pod labelled `postgres-operator.crunchydata.com/cluster: <another cluster>` would join
//! that cluster's Services, so the agent's label domain is refused.

use super::error::{err, is_label_key, is_label_value, FieldError};
use crate::{names, Metadata};

/// What Kubernetes allows for all annotations of one object together.
const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;

/// Keys in the agent's domain. (`app.kubernetes.io/managed-by`, which charts often set, is
/// allowed: the agent's value wins on every object.)
fn is_reserved(key: &str) -> bool {
    let prefix = key.split_once('/').map_or("", |(p, _)| p);
    prefix == names::GROUP || prefix.ends_with(&format!(".{}", names::GROUP))
}

pub fn check(field: &str, meta: Option<&Metadata>, errors: &mut Vec<FieldError>) {
    let Some(meta) = meta else { return };
    for (k, v) in meta.labels.iter().flatten() {
        let f = format!("{field}.labels[{k:?}]");
        if !is_label_key(k) {
            errors.push(err(f, "is not a label key: [prefix/]name, the name at most 63 letters, digits, '-', '_' or '.'"));
        } else if is_reserved(k) {
            errors.push(err(
                f,
                format!(
                    "is set by the agent (keys under {}/ and {} are reserved); remove it",
                    names::GROUP,
                    names::labels::MANAGED_BY
                ),
            ));
        } else if !is_label_value(v) {
            errors.push(err(
                f,
                format!("{v:?} is not a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
            ));
        }
    }
    let mut size = 0usize;
    for (k, v) in meta.annotations.iter().flatten() {
        size = size.saturating_add(k.len()).saturating_add(v.len());
        let f = format!("{field}.annotations[{k:?}]");
        if !is_label_key(k) {
            errors.push(err(f, "is not an annotation key: [prefix/]name, the name at most 63 letters, digits, '-', '_' or '.'"));
        } else if is_reserved(k) {
            errors.push(err(
                f,
                format!(
                    "is set by the agent (keys under {}/ are reserved); remove it",
                    names::GROUP
                ),
            ));
        }
    }
    if size > MAX_ANNOTATIONS_BYTES {
        errors.push(err(
            format!("{field}.annotations"),
            format!("{size} bytes; Kubernetes allows at most {MAX_ANNOTATIONS_BYTES} for an object's annotations"),
        ));
    }
}
