//! Volume sizes after creation: which spec field a claim comes from, what the API server said
//! when a size change was refused, and the `PersistentVolumeResizing` condition, as PGO reports
//! it. Pure: decided from the claims observed and the refusals of this pass.
//!
//! A claim can grow only where its StorageClass allows expansion, and never shrink; the API
//! server refuses both (Forbidden, Invalid). Such a refusal keeps the volume as it is and the
//! rest of the cluster reconciling: the condition and a `PersistentVolumeError` Event name the
//! field and the fix. A volume that grew but whose file system waits for a remount
//! (`FileSystemResizePending`) gets its pod restarted by the rolling update (`crate::rolling`).

use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kube::ResourceExt;
use pgo_api::names::labels;
use pgo_api::validate::ValidatedCluster;

use crate::observe::ReadState;

pub const RESIZING: &str = "PersistentVolumeResizing";
const FS_PENDING: &str = "FileSystemResizePending";

/// A size change the API server refused for one claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub claim: String,
    /// The spec field its size comes from.
    pub field: String,
    /// The API's reason (`Forbidden`, `Invalid`).
    pub reason: String,
    /// What was asked, what the API server said, and the fix.
    pub message: String,
}

/// The `PersistentVolumeResizing` condition, when there is one to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resizing {
    pub ok: bool,
    pub reason: String,
    pub message: String,
}

/// The spec field a claim's size comes from, from its labels.
pub fn field_of(v: &ValidatedCluster, claim: &PersistentVolumeClaim) -> String {
    let l = claim.labels();
    if let Some(repo) = l.get(labels::PGBACKREST_REPO) {
        let i = v
            .backups
            .as_ref()
            .and_then(|b| b.repos.iter().position(|r| r.name == *repo))
            .unwrap_or_default();
        return format!(
            "spec.backups.pgbackrest.repos[{i}].volume.volumeClaimSpec.resources.requests.storage"
        );
    }
    let set = l
        .get(labels::INSTANCE_SET)
        .map(String::as_str)
        .unwrap_or_default();
    let i = v
        .instance_sets
        .iter()
        .position(|s| s.name == set)
        .unwrap_or_default();
    let spec = if is_wal_claim(claim) {
        "walVolumeClaimSpec"
    } else {
        "dataVolumeClaimSpec"
    };
    format!("spec.instances[{i}].{spec}.resources.requests.storage")
}

/// Whether a claim holds WAL: PGO's `role: pgwal`, or `data: pgwal` on claims made before.
pub fn is_wal_claim(claim: &PersistentVolumeClaim) -> bool {
    let l = claim.labels();
    l.get(labels::ROLE).map(String::as_str) == Some(labels::ROLE_PGWAL)
        || l.get(labels::DATA).map(String::as_str) == Some(labels::DATA_PGWAL)
}

fn storage(claim: &PersistentVolumeClaim) -> Option<String> {
    let q = claim
        .spec
        .as_ref()?
        .resources
        .as_ref()?
        .requests
        .as_ref()?
        .get("storage")?;
    Some(q.0.clone())
}

/// A refusal, worded for the user: the sizes, the API server's words, the fix.
pub fn refused(
    v: &ValidatedCluster,
    wanted: &PersistentVolumeClaim,
    current: &PersistentVolumeClaim,
    reason: &str,
    api_message: &str,
) -> Refused {
    let from = storage(current).unwrap_or_else(|| "?".into());
    let to = storage(wanted).unwrap_or_else(|| "?".into());
    let class = current
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .unwrap_or_else(|| "(default)".into());
    Refused {
        claim: wanted.name_any(),
        field: field_of(v, wanted),
        reason: reason.to_string(),
        message: format!(
            "cannot change from {from} to {to}: {api_message}; fix: set it back to {from}, or to more on a StorageClass that allows volume expansion (StorageClass {class} has allowVolumeExpansion unset or false); volumes never shrink"
        ),
    }
}

/// The condition from the claims' own resize conditions and this pass's refusals. None when no
/// volume is changing size (the condition is then removed, as PGO does).
pub fn condition(read: &ReadState, refusals: &[Refused]) -> Option<Resizing> {
    if let Some(first) = refusals.first() {
        // One line per field (its claims are refused for the same reason).
        let mut by_field: Vec<(&str, Vec<&str>, &str)> = Vec::new();
        for r in refusals {
            match by_field.iter_mut().find(|(f, _, _)| *f == r.field) {
                Some((_, claims, _)) => claims.push(&r.claim),
                None => by_field.push((&r.field, vec![&r.claim], &r.message)),
            }
        }
        let lines: Vec<String> = by_field
            .iter()
            .map(|(field, claims, message)| {
                format!("{field}: volumes {} {message}", claims.join(", "))
            })
            .collect();
        return Some(Resizing {
            ok: false,
            reason: first.reason.clone(),
            message: format!(
                "One or more volumes cannot be resized; they keep their size and data: {}",
                lines.join("; ")
            ),
        });
    }
    let mut changing: Vec<String> = Vec::new();
    let mut reason = None;
    for claim in read.pvcs.values() {
        for c in claim
            .status
            .iter()
            .flat_map(|s| s.conditions.iter().flatten())
        {
            if (c.type_ == "Resizing" || c.type_ == FS_PENDING) && c.status == "True" {
                changing.push(format!("{} ({})", claim.name_any(), c.type_));
                reason.get_or_insert_with(|| c.reason.clone().unwrap_or_else(|| c.type_.clone()));
            }
        }
    }
    reason.map(|reason| Resizing {
        ok: true,
        reason,
        message: format!(
            "One or more volumes are changing size: {}",
            changing.join(", ")
        ),
    })
}

/// An instance set whose `walVolumeClaimSpec` was removed while its instances have WAL volumes:
/// the volumes hold the WAL Postgres needs (`pg_wal` links there), so they stay, as if the field
/// were still there (moving WAL back to the data volume is not built). Returns what to tell the
/// user, naming the field and the fix.
pub fn keep_wal_volumes(v: &mut ValidatedCluster, read: &ReadState) -> Option<String> {
    let mut kept = Vec::new();
    for (i, set) in v.instance_sets.iter_mut().enumerate() {
        if set.spec.wal_volume_claim_spec.is_some() {
            continue;
        }
        let existing = read.pvcs.values().find(|c| {
            let l = c.labels();
            is_wal_claim(c)
                && l.get(labels::INSTANCE_SET) == Some(&set.name)
                && c.metadata.deletion_timestamp.is_none()
        });
        let Some(spec) = existing.and_then(|c| c.spec.clone()) else {
            continue;
        };
        set.spec.wal_volume_claim_spec =
            Some(k8s_openapi::api::core::v1::PersistentVolumeClaimSpec {
                volume_name: None,
                data_source: None,
                data_source_ref: None,
                ..spec
            });
        kept.push(format!("spec.instances[{i}].walVolumeClaimSpec"));
    }
    (!kept.is_empty()).then(|| {
        format!(
            "{} removed while the instances keep their WAL on those volumes: the volumes are kept and still mounted (moving WAL back to the data volume is not supported); put the field back to make this message go",
            kept.join(", ")
        )
    })
}

/// When the claim's file system started waiting for a remount, if it does.
pub fn fs_resize_pending_since(
    claim: &PersistentVolumeClaim,
) -> Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time> {
    claim
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == FS_PENDING && c.status == "True")?
        .last_transition_time
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        PersistentVolumeClaimCondition, PersistentVolumeClaimSpec, PersistentVolumeClaimStatus,
        VolumeResourceRequirements,
    };
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

    fn claim(name: &str, l: &[(&str, &str)], size: &str) -> PersistentVolumeClaim {
        let mut c = PersistentVolumeClaim::default();
        c.metadata.name = Some(name.into());
        c.metadata.labels = Some(
            l.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        c.spec = Some(PersistentVolumeClaimSpec {
            resources: Some(VolumeResourceRequirements {
                requests: Some([("storage".to_string(), Quantity(size.into()))].into()),
                ..Default::default()
            }),
            storage_class_name: Some("local".into()),
            ..Default::default()
        });
        c
    }

    #[test]
    fn a_refusal_names_the_field_the_sizes_and_the_fix() {
        let v = crate::desired::tests::validated(crate::desired::tests::HIPPO);
        let l = [
            (labels::INSTANCE_SET, "instance1"),
            (labels::DATA, labels::DATA_POSTGRES),
        ];
        let r = refused(
            &v,
            &claim("hippo-instance1-abcd-pgdata", &l, "500Mi"),
            &claim("hippo-instance1-abcd-pgdata", &l, "1Gi"),
            "Invalid",
            "field can not be less than previous value",
        );
        assert_eq!(
            r.field,
            "spec.instances[0].dataVolumeClaimSpec.resources.requests.storage"
        );
        assert!(
            r.message
                .starts_with("cannot change from 1Gi to 500Mi: field can not"),
            "{}",
            r.message
        );
        assert!(r.message.contains("set it back to 1Gi"));
        assert!(r.message.contains("StorageClass local"));
        let wal = [
            (labels::INSTANCE_SET, "instance1"),
            (labels::DATA, labels::DATA_PGWAL),
        ];
        assert!(field_of(&v, &claim("x", &wal, "1Gi"))
            .starts_with("spec.instances[0].walVolumeClaimSpec"));
        let repo = [(labels::PGBACKREST_REPO, "repo1")];
        assert!(field_of(&v, &claim("x", &repo, "1Gi"))
            .starts_with("spec.backups.pgbackrest.repos[0].volume"));
    }

    #[test]
    fn the_condition_follows_refusals_then_the_claims() {
        let mut read = ReadState::default();
        assert_eq!(
            condition(&read, &[]),
            None,
            "nothing changing: no condition"
        );
        let mut c = claim("a", &[], "1Gi");
        c.status = Some(PersistentVolumeClaimStatus {
            conditions: Some(vec![PersistentVolumeClaimCondition {
                type_: FS_PENDING.into(),
                status: "True".into(),
                ..Default::default()
            }]),
            ..Default::default()
        });
        read.pvcs.insert("a".into(), c);
        let r = condition(&read, &[]).unwrap();
        assert!(
            r.ok && r.reason == FS_PENDING && r.message.contains("a (FileSystemResizePending)")
        );
        let refusal = |claim: &str| Refused {
            claim: claim.into(),
            field: "spec.x".into(),
            reason: "Forbidden".into(),
            message: "cannot change: no".into(),
        };
        let r = condition(&read, &[refusal("a"), refusal("b")]).unwrap();
        assert!(!r.ok && r.reason == "Forbidden");
        assert!(
            r.message
                .ends_with("spec.x: volumes a, b cannot change: no"),
            "{}",
            r.message
        );
    }

    #[test]
    fn a_removed_wal_volume_claim_spec_keeps_the_wal_volumes() {
        let mut v = crate::desired::tests::validated(crate::desired::tests::HIPPO);
        let mut read = ReadState::default();
        v.instance_sets[0].spec.wal_volume_claim_spec = None;
        assert_eq!(
            keep_wal_volumes(&mut v, &read),
            None,
            "no WAL volume: nothing kept"
        );
        let mut c = claim(
            "hippo-instance1-abcd-pgwal",
            &[
                (labels::INSTANCE_SET, "instance1"),
                (labels::DATA, labels::DATA_PGWAL),
            ],
            "2Gi",
        );
        c.spec.as_mut().unwrap().volume_name = Some("pv-1".into());
        read.pvcs.insert("hippo-instance1-abcd-pgwal".into(), c);
        let msg = keep_wal_volumes(&mut v, &read).unwrap();
        assert!(
            msg.starts_with("spec.instances[0].walVolumeClaimSpec removed"),
            "{msg}"
        );
        let wal = v.instance_sets[0]
            .spec
            .wal_volume_claim_spec
            .clone()
            .unwrap();
        assert_eq!(
            wal.volume_name, None,
            "the binding is the claim's, not the template's"
        );
        assert_eq!(wal.resources.unwrap().requests.unwrap()["storage"].0, "2Gi");
        // Still in the spec: nothing to say.
        assert_eq!(keep_wal_volumes(&mut v, &read), None);
    }
}
