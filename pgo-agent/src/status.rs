//! Pipeline step 5 of 5 (observe -> validate -> plan -> apply -> **status**): the status is
//! computed here, in pure code, from what was applied and what Patroni reports. Its input is
//! its own types, so it depends on no other step. A condition's
//! `lastTransitionTime` changes only when its status does.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use pgo_api::names::{self, labels};
use pgo_api::validate::FieldError;
use pgo_api::{
    PatroniStatus, PgBackRestStatus, PgBouncerPodStatus, PostgresClusterStatus,
    PostgresInstanceSetStatus, PostgresProxyStatus,
};

pub const VALID: &str = "Valid";
pub const SUPPORTED: &str = "Supported";
pub const READY: &str = "Ready";
pub const PROGRESSING: &str = "Progressing";
/// PGO's message while `spec.paused` is true.
pub const PAUSED_MESSAGE: &str =
    "No spec changes will be applied and no other statuses will be updated.";
/// PGO's condition of a restore (in place or a clone).
pub const RESTORE: &str = "PGBackRestRestoreProgressing";
/// PGO's condition of the connection pooler: its Deployment's `Available`.
pub const PROXY_AVAILABLE: &str = "ProxyAvailable";

/// The pooler's Deployment as applied, and what the in-database step did.
#[derive(Debug, Clone, Default)]
pub struct Proxy {
    /// `None` when the spec has no pooler.
    pub deployment: Option<PoolerPods>,
    /// `Some(Some(r))`: PgBouncer's objects in Postgres were set up at revision `r`;
    /// `Some(None)`: they were removed; `None`: nothing ran, the previous revision stays.
    pub revision: Option<Option<String>>,
}

/// The pooler Deployment's counts and its `Available` condition (status, reason, message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolerPods {
    pub replicas: i32,
    pub ready_replicas: i32,
    pub available: Option<(bool, String, String)>,
}

/// What became of the spec in this reconcile.
#[derive(Debug, Clone, Copy)]
pub enum Spec<'a> {
    /// Invalid: nothing was applied.
    Invalid(&'a [FieldError]),
    /// `spec.paused`: nothing was applied.
    Paused,
    /// `spec.backups` was removed without PGO's `authorizeBackupRemoval` annotation: nothing
    /// was applied (the message is PGO's).
    BackupRemovalPaused(&'a str),
    /// Valid and applied.
    Applied { postgres_version: i32 },
}

/// The primary as Patroni labelled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Primary {
    pub pod: String,
    pub ready: bool,
}

/// Instance counts by set, from the StatefulSets that were applied (or, when nothing was
/// applied, those that exist).
#[derive(Debug, Clone, Default)]
pub struct Instances {
    pub sets: Vec<PostgresInstanceSetStatus>,
    /// Instances wanted and ready, over every set.
    pub want: i32,
    pub ready: i32,
}

/// What the in-database actions achieved; `None` keeps the previous value.
#[derive(Debug, Clone, Default)]
pub struct Actions {
    pub users_revision: Option<String>,
    pub database_init_sql: Option<String>,
    pub switchover: Option<String>,
}

/// What the backup step reported.
// One per reconcile: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Default)]
pub enum Backups {
    /// It did not run: the previous `status.pgbackrest` stays.
    #[default]
    NotRun,
    /// Its status (if backups or a restore exist), the last `stanza-create` error, and why a
    /// restore was just rejected or failed.
    Ran {
        status: Option<PgBackRestStatus>,
        stanza_error: Option<String>,
        restore_error: Option<String>,
    },
}

/// The pooler Deployment's counts and `Available` condition, as PGO reports them.
pub fn pooler_pods(d: &k8s_openapi::api::apps::v1::Deployment) -> PoolerPods {
    let st = d.status.clone().unwrap_or_default();
    let available = st
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "Available")
        .map(|c| {
            (
                c.status == "True",
                c.reason.clone().unwrap_or_else(|| "Unknown".into()),
                c.message.clone().unwrap_or_default(),
            )
        });
    PoolerPods {
        replicas: st.replicas.unwrap_or(0),
        ready_replicas: st.ready_replicas.unwrap_or(0),
        available,
    }
}

/// What the status is computed from.
pub struct Input<'a> {
    pub previous: Option<&'a PostgresClusterStatus>,
    pub generation: i64,
    pub spec: Spec<'a>,
    pub unsupported: &'a [String],
    pub shutdown: bool,
    pub instances: Instances,
    pub primary: Option<Primary>,
    /// From Patroni's DCS, once it initialized the cluster.
    pub system_identifier: Option<String>,
    pub actions: Actions,
    /// Why instances that left the spec are still kept (see `crate::retire`).
    pub retiring: Option<String>,
    /// The rolling update's step or why it waits (see `crate::rolling`).
    pub rolling: Option<String>,
    /// Pods whose Postgres waits for a restart (see `crate::rolling::pending_restarts`).
    pub pending_restart: Vec<String>,
    /// Volumes changing size, or refused a size change (see `crate::volumes`).
    pub volumes: Option<crate::volumes::Resizing>,
    /// WAL volumes kept although their field left the spec (see `crate::volumes`).
    pub wal_kept: Option<String>,
    pub backups: Backups,
    /// `None`: the pooler step did not run (invalid or paused spec): its status stays.
    pub proxy: Option<Proxy>,
    pub now: Time,
}

/// Counts instances by set. `sets` are the sets to report (each appears, even with none).
pub fn instances<'a>(
    sets: impl IntoIterator<Item = String>,
    stateful_sets: impl IntoIterator<Item = &'a StatefulSet>,
) -> Instances {
    let mut by_set: BTreeMap<String, PostgresInstanceSetStatus> = sets
        .into_iter()
        .map(|name| {
            (
                name.clone(),
                PostgresInstanceSetStatus {
                    name,
                    ..Default::default()
                },
            )
        })
        .collect();
    let (mut want, mut ready) = (0, 0);
    for sts in stateful_sets {
        let Some(entry) = set_of(sts).and_then(|set| by_set.get_mut(set)) else {
            continue;
        };
        let st = sts.status.clone().unwrap_or_default();
        entry.replicas += st.replicas;
        entry.ready_replicas += st.ready_replicas.unwrap_or(0);
        entry.updated_replicas += st.updated_replicas.unwrap_or(0);
        want += sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        ready += st.ready_replicas.unwrap_or(0);
    }
    Instances {
        sets: by_set.into_values().collect(),
        want,
        ready,
    }
}

fn condition(
    previous: &[Condition],
    type_: &str,
    ok: bool,
    reason: &str,
    message: String,
    generation: i64,
    now: &Time,
) -> Condition {
    let status = if ok { "True" } else { "False" };
    let last_transition_time = previous
        .iter()
        .find(|c| c.type_ == type_ && c.status == status)
        .map(|c| c.last_transition_time.clone())
        .unwrap_or_else(|| now.clone());
    Condition {
        type_: type_.into(),
        status: status.into(),
        reason: reason.into(),
        message,
        observed_generation: Some(generation),
        last_transition_time,
    }
}

/// The instance set a StatefulSet belongs to.
pub fn set_of(sts: &StatefulSet) -> Option<&str> {
    sts.metadata
        .labels
        .as_ref()?
        .get(labels::INSTANCE_SET)
        .map(String::as_str)
}

pub fn compute(input: &Input) -> PostgresClusterStatus {
    let prev = input.previous.cloned().unwrap_or_default();
    let c = |type_: &str, ok: bool, reason: &str, message: String| {
        condition(
            &prev.conditions,
            type_,
            ok,
            reason,
            message,
            input.generation,
            &input.now,
        )
    };
    let mut conditions = Vec::new();
    let errors = match input.spec {
        Spec::Invalid(e) => e,
        _ => &[],
    };
    // Paused or not, Ready tells whether what runs is ready.
    let running = !matches!(input.spec, Spec::Invalid(_));

    conditions.push(if errors.is_empty() {
        c(VALID, true, "SpecValid", "the spec is valid".into())
    } else {
        let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        c(
            VALID,
            false,
            "InvalidSpec",
            format!("nothing was changed; fix these fields: {}", list.join("; ")),
        )
    });
    conditions.push(if input.unsupported.is_empty() {
        c(
            SUPPORTED,
            true,
            "AllFieldsSupported",
            "every field in the spec is implemented".into(),
        )
    } else {
        c(
            SUPPORTED,
            false,
            "UnsupportedFields",
            format!(
                "these fields are not implemented yet and have no effect: {}",
                input.unsupported.join(", ")
            ),
        )
    });

    let (want, ready) = (input.instances.want, input.instances.ready);
    let primary = input.primary.as_ref();
    if matches!(input.spec, Spec::Paused) {
        conditions.push(c(PROGRESSING, false, "Paused", PAUSED_MESSAGE.into()));
    } else if let Spec::BackupRemovalPaused(message) = input.spec {
        conditions.push(c(PROGRESSING, false, "Paused", message.into()));
    } else if let Some(why) = &input.retiring {
        conditions.push(c(PROGRESSING, true, "InstancesRetiring", why.clone()));
    } else if let Some(step) = &input.rolling {
        conditions.push(c(PROGRESSING, true, "RollingUpdate", step.clone()));
    } else if let Some(why) = &input.wal_kept {
        conditions.push(c(PROGRESSING, false, "WALVolumeKept", why.clone()));
    }
    if let Some(r) = &input.volumes {
        conditions.push(c(
            crate::volumes::RESIZING,
            r.ok,
            &r.reason,
            r.message.clone(),
        ));
    }
    conditions.push(if !errors.is_empty() && prev.instances.is_empty() {
        c(
            READY,
            false,
            "InvalidSpec",
            "the spec is invalid; see the Valid condition".into(),
        )
    } else if input.shutdown {
        c(
            READY,
            false,
            "Shutdown",
            "spec.shutdown is true: every instance is stopped".into(),
        )
    } else if running && want > 0 && ready >= want && primary.is_some_and(|p| p.ready) {
        c(
            READY,
            true,
            "AllInstancesReady",
            format!(
                "{ready} of {want} instances are ready; the primary is {}",
                primary.map(|p| p.pod.as_str()).unwrap_or_default()
            ),
        )
    } else if primary.is_none() {
        c(
            READY,
            false,
            "NoPrimary",
            format!("{ready} of {want} instances are ready; no primary yet"),
        )
    } else {
        c(
            READY,
            false,
            "InstancesNotReady",
            format!("{ready} of {want} instances are ready"),
        )
    });

    let (pgbackrest, stanza_error, restore_error) = match &input.backups {
        Backups::Ran {
            status,
            stanza_error,
            restore_error,
        } => (
            status.clone(),
            stanza_error.as_deref(),
            restore_error.as_deref(),
        ),
        Backups::NotRun => (prev.pgbackrest.clone(), None, None),
    };
    if let Some(p) = &pgbackrest {
        let errors = Errors {
            stanza: stanza_error,
            restore: restore_error,
            previous: &prev.conditions,
        };
        backup_conditions(p, &errors, &mut conditions, &c);
    }

    let proxy = match &input.proxy {
        None => {
            conditions.extend(
                prev.conditions
                    .iter()
                    .filter(|c| c.type_ == PROXY_AVAILABLE)
                    .cloned(),
            );
            prev.proxy.clone()
        }
        Some(p) => {
            if let Some((ok, reason, message)) =
                p.deployment.as_ref().and_then(|d| d.available.clone())
            {
                conditions.push(c(PROXY_AVAILABLE, ok, &reason, message));
            }
            let revision = match &p.revision {
                Some(r) => r.clone(),
                None => prev
                    .proxy
                    .as_ref()
                    .and_then(|x| x.pg_bouncer.postgres_revision.clone()),
            };
            let pods = p.deployment.clone().unwrap_or_default();
            (p.deployment.is_some() || revision.is_some()).then_some(PostgresProxyStatus {
                pg_bouncer: PgBouncerPodStatus {
                    postgres_revision: revision,
                    ready_replicas: pods.ready_replicas,
                    replicas: pods.replicas,
                },
            })
        }
    };

    let prev_patroni = prev.patroni.clone().unwrap_or_default();
    let actions = input.actions.clone();
    let postgres_version = match input.spec {
        Spec::Applied { postgres_version } => Some(postgres_version),
        _ => None,
    };
    PostgresClusterStatus {
        observed_generation: Some(input.generation),
        conditions,
        instances: input.instances.sets.clone(),
        patroni: Some(PatroniStatus {
            system_identifier: input
                .system_identifier
                .clone()
                .or(prev_patroni.system_identifier),
            primary: primary.map(|p| p.pod.clone()),
            switchover: actions.switchover.or(prev_patroni.switchover),
            switchover_timeline: prev_patroni.switchover_timeline,
            pending_restart: input.pending_restart.clone(),
        }),
        postgres_version: postgres_version.or(prev.postgres_version),
        users_revision: actions.users_revision.or(prev.users_revision),
        database_init_sql: actions.database_init_sql.or(prev.database_init_sql),
        pgbackrest,
        proxy,
    }
}

/// What went wrong, for the pgBackRest conditions' messages.
struct Errors<'a> {
    stanza: Option<&'a str>,
    /// A restore rejected or failed in this reconcile.
    restore: Option<&'a str>,
    /// The conditions shown before: a failed restore's message stays until the next restore.
    previous: &'a [Condition],
}

/// PGO's pgBackRest conditions.
fn backup_conditions(
    p: &PgBackRestStatus,
    errors: &Errors,
    conditions: &mut Vec<Condition>,
    c: &dyn Fn(&str, bool, &str, String) -> Condition,
) {
    let stanza_error = errors.stanza;
    if !p.repos.is_empty() {
        let missing: Vec<&str> = p
            .repos
            .iter()
            .filter(|r| !r.stanza_created)
            .map(|r| r.name.as_str())
            .collect();
        conditions.push(if missing.is_empty() {
            c(
                "PGBackRestReplicaRepoReady",
                true,
                "StanzaCreated",
                "the pgBackRest stanza exists in every repository; WAL is archived".into(),
            )
        } else {
            c(
                "PGBackRestReplicaRepoReady",
                false,
                "StanzaNotCreated",
                match stanza_error {
                    Some(e) => format!(
                        "creating the stanza in {} failed, retrying: {e}",
                        missing.join(", ")
                    ),
                    None => format!(
                        "the stanza is not created yet in {}: it is once the repository host and the primary are ready",
                        missing.join(", ")
                    ),
                },
            )
        });
    }
    if let Some(first) = p.repos.first() {
        // PGO's condition and words.
        conditions.push(if first.replica_create_backup_complete == Some(true) {
            c(
                "PGBackRestReplicaCreate",
                true,
                "RepoBackupComplete",
                "pgBackRest replica creation is now possible".into(),
            )
        } else {
            c(
                "PGBackRestReplicaCreate",
                false,
                "RepoBackupNotComplete",
                "pgBackRest replica creation is not currently possible".into(),
            )
        });
    }
    if let Some(m) = p.manual_backup.as_ref().filter(|m| m.finished) {
        let ok = m.succeeded.unwrap_or(0) > 0;
        conditions.push(c(
            "PGBackRestManualBackupSuccessful",
            ok,
            if ok { "BackupComplete" } else { "BackupFailed" },
            format!(
                "manual backup {} {}",
                m.id,
                if ok { "completed" } else { "failed" }
            ),
        ));
    }
    if let Some(r) = &p.restore {
        // The reason a restore failed is known when it fails; later reconciles keep the message.
        let failed_message = || {
            errors.restore.map(str::to_string).or_else(|| {
                errors
                    .previous
                    .iter()
                    .find(|c| c.type_ == RESTORE && c.reason == "RestoreFailed")
                    .filter(|c| {
                        c.message.contains(&format!(" {} ", r.id))
                            || (r.id == names::CLONE_RESTORE_ID
                                && c.message.starts_with("the clone"))
                    })
                    .map(|c| c.message.clone())
            })
        };
        let (ok, reason, message) = match (r.finished, r.failed.unwrap_or(0) > 0) {
            (false, false) => (
                true,
                "RestoreInProgress",
                format!(
                    "restore {} is in progress; the cluster is stopped until it completes",
                    r.id
                ),
            ),
            (false, true) => (
                false,
                "RestoreFailed",
                failed_message().unwrap_or_else(|| {
                    format!("restore {} failed; see the cluster's Events", r.id)
                }),
            ),
            (true, true) => (
                false,
                "RestoreFailed",
                failed_message().unwrap_or_else(|| {
                    format!(
                        "restore {} did not complete; see the cluster's Events",
                        r.id
                    )
                }),
            ),
            (true, false) => (
                false,
                "RestoreComplete",
                format!("restore {} completed", r.id),
            ),
        };
        conditions.push(c(RESTORE, ok, reason, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::{StatefulSetSpec, StatefulSetStatus};
    use pgo_api::{PgBackRestJobStatus, RepoStatus};

    fn time(s: &str) -> Time {
        Time(s.parse().unwrap())
    }

    fn input<'a>(spec: Spec<'a>, prev: Option<&'a PostgresClusterStatus>, now: &str) -> Input<'a> {
        Input {
            previous: prev,
            generation: 2,
            spec,
            unsupported: &[],
            shutdown: false,
            instances: Instances::default(),
            primary: None,
            system_identifier: None,
            actions: Actions::default(),
            retiring: None,
            rolling: None,
            pending_restart: Vec::new(),
            volumes: None,
            wal_kept: None,
            backups: Backups::NotRun,
            proxy: None,
            now: time(now),
        }
    }

    const APPLIED: Spec<'static> = Spec::Applied {
        postgres_version: 15,
    };

    fn condition<'a>(s: &'a PostgresClusterStatus, type_: &str) -> &'a Condition {
        s.conditions.iter().find(|c| c.type_ == type_).unwrap()
    }

    fn sts(set: &str, want: i32, ready: i32) -> StatefulSet {
        StatefulSet {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                labels: Some([(labels::INSTANCE_SET.to_string(), set.to_string())].into()),
                ..Default::default()
            },
            spec: Some(StatefulSetSpec {
                replicas: Some(want),
                ..Default::default()
            }),
            status: Some(StatefulSetStatus {
                replicas: want,
                ready_replicas: Some(ready),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn last_transition_time_is_kept_until_the_status_changes() {
        let s1 = compute(&input(APPLIED, None, "2026-01-01T00:00:00Z"));
        let s2 = compute(&input(APPLIED, Some(&s1), "2026-01-01T00:05:00Z"));
        assert_eq!(
            condition(&s2, VALID).last_transition_time,
            time("2026-01-01T00:00:00Z")
        );
        let errors = [FieldError {
            field: "spec.instances[0].replicas".into(),
            message: "bad".into(),
        }];
        let s3 = compute(&input(
            Spec::Invalid(&errors),
            Some(&s2),
            "2026-01-01T00:10:00Z",
        ));
        let valid = condition(&s3, VALID);
        assert_eq!(valid.status, "False");
        assert_eq!(valid.last_transition_time, time("2026-01-01T00:10:00Z"));
        assert!(valid.message.contains("spec.instances[0].replicas: bad"));
        assert_eq!(s3.observed_generation, Some(2));
        // What earlier reconciles recorded survives an invalid spec.
        assert_eq!(s3.postgres_version, Some(15));
    }

    #[test]
    fn unsupported_fields_are_named_in_a_condition() {
        let unsupported = vec!["spec.backups".to_string()];
        let mut i = input(APPLIED, None, "2026-01-01T00:00:00Z");
        i.unsupported = &unsupported;
        let s = compute(&i);
        let c = condition(&s, SUPPORTED);
        assert_eq!(c.status, "False");
        assert!(c.message.contains("spec.backups"));
    }

    #[test]
    fn ready_needs_every_instance_and_a_ready_primary() {
        let both = [sts("instance1", 1, 1), sts("instance1", 1, 1)];
        let mut i = input(APPLIED, None, "2026-01-01T00:00:00Z");
        i.instances = instances(["instance1".to_string()], &both);
        i.primary = Some(Primary {
            pod: "hippo-instance1-abcd-0".into(),
            ready: true,
        });
        let s = compute(&i);
        let ready = condition(&s, READY);
        assert_eq!(
            (ready.status.as_str(), ready.reason.as_str()),
            ("True", "AllInstancesReady")
        );
        assert!(ready.message.contains("2 of 2"));
        assert_eq!(s.instances[0].ready_replicas, 2);
        assert_eq!(
            s.patroni.unwrap().primary.as_deref(),
            Some("hippo-instance1-abcd-0")
        );

        let one = [sts("instance1", 1, 1), sts("instance1", 1, 0)];
        i.instances = instances(["instance1".to_string()], &one);
        assert_eq!(condition(&compute(&i), READY).reason, "InstancesNotReady");
        i.primary = None;
        assert_eq!(condition(&compute(&i), READY).reason, "NoPrimary");
        i.shutdown = true;
        assert_eq!(condition(&compute(&i), READY).reason, "Shutdown");
    }

    #[test]
    fn a_paused_cluster_says_so_as_pgo_does_and_is_ready_if_what_runs_is() {
        let existing = [sts("instance1", 1, 1)];
        let mut i = input(Spec::Paused, None, "2026-01-01T00:00:00Z");
        i.instances = instances(["instance1".to_string()], &existing);
        i.primary = Some(Primary {
            pod: "p".into(),
            ready: true,
        });
        let s = compute(&i);
        assert_eq!(condition(&s, PROGRESSING).reason, "Paused");
        assert_eq!(condition(&s, PROGRESSING).message, PAUSED_MESSAGE);
        // What runs is ready: Ready says so (it used to say False, "1 of 1 instances are ready").
        assert_eq!(condition(&s, READY).status, "True");
        assert_eq!(s.postgres_version, None);
        let mut j = input(
            Spec::BackupRemovalPaused("Reconciliation is paused: ..."),
            None,
            "2026-01-01T00:00:00Z",
        );
        j.instances = i.instances.clone();
        let s = compute(&j);
        assert_eq!(condition(&s, PROGRESSING).reason, "Paused");
        assert_eq!(
            condition(&s, PROGRESSING).message,
            "Reconciliation is paused: ..."
        );
        assert_eq!(condition(&s, READY).status, "False");
    }

    #[test]
    fn backup_conditions_follow_stanza_manual_backup_and_restore() {
        let status = PgBackRestStatus {
            repos: vec![RepoStatus {
                name: "repo1".into(),
                stanza_created: false,
                ..Default::default()
            }],
            manual_backup: Some(PgBackRestJobStatus {
                id: "m1".into(),
                finished: true,
                failed: Some(1),
                ..Default::default()
            }),
            restore: Some(PgBackRestJobStatus {
                id: "r1".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let mut i = input(APPLIED, None, "2026-01-01T00:00:00Z");
        i.backups = Backups::Ran {
            status: Some(status),
            stanza_error: Some("ERROR: [039]: no route".into()),
            restore_error: None,
        };
        let s = compute(&i);
        let repo = condition(&s, "PGBackRestReplicaRepoReady");
        assert_eq!(repo.status, "False");
        assert!(
            repo.message.contains("ERROR: [039]: no route"),
            "{}",
            repo.message
        );
        assert_eq!(
            condition(&s, "PGBackRestManualBackupSuccessful").reason,
            "BackupFailed"
        );
        assert_eq!(
            condition(&s, "PGBackRestRestoreProgressing").reason,
            "RestoreInProgress"
        );

        // A reconcile whose backup step did not run keeps the previous pgBackRest status.
        let mut j = input(APPLIED, Some(&s), "2026-01-01T00:01:00Z");
        j.backups = Backups::NotRun;
        assert_eq!(compute(&j).pgbackrest, s.pgbackrest);
    }

    #[test]
    fn a_failed_restore_says_why_until_the_next_restore() {
        let failed = |id: &str| PgBackRestStatus {
            restore: Some(PgBackRestJobStatus {
                id: id.into(),
                finished: true,
                failed: Some(1),
                ..Default::default()
            }),
            ..Default::default()
        };
        let why = "restore r1 failed: Postgres stopped before recovery completed: FATAL:  recovery ended before configured recovery target was reached; the cluster starts again on the data it had before the restore";
        let mut i = input(APPLIED, None, "2026-01-01T00:00:00Z");
        i.backups = Backups::Ran {
            status: Some(failed("r1")),
            stanza_error: None,
            restore_error: Some(why.into()),
        };
        let s = compute(&i);
        assert_eq!(condition(&s, RESTORE).message, why);
        // Later reconciles keep the reason.
        let mut j = input(APPLIED, Some(&s), "2026-01-01T00:01:00Z");
        j.backups = Backups::Ran {
            status: Some(failed("r1")),
            stanza_error: None,
            restore_error: None,
        };
        let s2 = compute(&j);
        assert_eq!(condition(&s2, RESTORE).message, why);
        assert_eq!(condition(&s2, RESTORE).reason, "RestoreFailed");
        // Another restore's failure does not borrow it.
        let mut k = input(APPLIED, Some(&s2), "2026-01-01T00:02:00Z");
        k.backups = Backups::Ran {
            status: Some(failed("r2")),
            stanza_error: None,
            restore_error: None,
        };
        assert_eq!(
            condition(&compute(&k), RESTORE).message,
            "restore r2 did not complete; see the cluster's Events"
        );
    }
}
