//! Desired objects: the pieces every pod of a cluster is built from (paths, environment,
//! mounts, volumes, security contexts). A leaf: it imports no other builder.

use k8s_openapi::api::core::v1::{
    Capabilities, EnvVar, EnvVarSource, ObjectFieldSelector, PersistentVolumeClaimVolumeSource,
    PodSecurityContext, SeccompProfile, SecretVolumeSource, SecurityContext, Volume, VolumeMount,
};

pub const PGDATA_MOUNT: &str = "/pgdata";
pub const PGWAL_MOUNT: &str = "/pgwal";
pub const PATRONI_MOUNT: &str = "/etc/patroni";
pub const TLS_MOUNT: &str = "/pgconf/tls";
pub const REPLICATION_TLS_MOUNT: &str = "/pgconf/replication";
/// Writable copies of the certificates, with the modes libpq and Postgres require.
pub const TLS_COPY: &str = "/tmp/tls";
pub const REPLICATION_TLS_COPY: &str = "/tmp/replication";
pub const SOCKET_DIR: &str = "/tmp/postgres";

pub fn data_directory(version: i32) -> String {
    format!("{PGDATA_MOUNT}/pg{version}")
}
pub fn wal_directory(version: i32) -> String {
    format!("{PGWAL_MOUNT}/pg{version}_wal")
}

/// Shell lines that settle an in-place restore that did not finish, run before anything else
/// touches the data directory (by the restore Job and by every instance's database container).
///
/// A restore moves the data directory (and the WAL directory) aside to `*.pre-restore` before it
/// writes anything, and commits by renaming them to `*.discard`. So: a `*.pre-restore` data
/// directory means the restore did not finish, and its data comes back; a `*.discard` is
/// removed. Every step is a rename or a removal that can be repeated, so a pod killed anywhere in
/// here leaves a state the next run settles the same way.
pub fn settle_restore_script(version: i32) -> String {
    let (p, w) = (data_directory(version), wal_directory(version));
    format!(
        r#"if [ -e {p}.pre-restore ]; then
  rm -rf --one-file-system {p}
  if [ -e {w}.pre-restore ]; then rm -rf --one-file-system {w}; mv {w}.pre-restore {w}; fi
  mv {p}.pre-restore {p}
  echo "an unfinished restore was undone: the data from before it is back in {p}"
elif [ -e {w}.pre-restore ]; then
  mv {w}.pre-restore {w}.discard
fi
rm -rf --one-file-system {p}.discard {w}.discard
"#
    )
}

pub fn env_field(name: &str, path: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                field_path: path.into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub fn env(name: &str, value: impl Into<String>) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: Some(value.into()),
        ..Default::default()
    }
}

pub fn mount(name: &str, path: &str, read_only: bool) -> VolumeMount {
    VolumeMount {
        name: name.into(),
        mount_path: path.into(),
        read_only: read_only.then_some(true),
        ..Default::default()
    }
}

/// A volume of a PersistentVolumeClaim.
pub fn claim_volume(name: &str, claim: String) -> Volume {
    Volume {
        name: name.into(),
        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
            claim_name: claim,
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub fn secret_volume(name: &str, secret: &str) -> Volume {
    Volume {
        name: name.into(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(secret.into()),
            // Group-readable: the files belong to root and the pod's fsGroup.
            default_mode: Some(0o440),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Every container of the project: non-root, no privilege escalation, no capabilities, a
/// read-only root filesystem.
pub fn restricted() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        privileged: Some(false),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".into()]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Every pod of the project meets the `restricted` Pod Security Standard: non-root, with the
/// runtime's default seccomp profile (and [`restricted`] containers).
pub fn pod_security(uid: i64) -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: Some(uid),
        run_as_group: Some(uid),
        fs_group: Some(uid),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".into(),
            localhost_profile: None,
        }),
        ..Default::default()
    }
}
