//! Pipeline step 5 of 5 (read -> validate -> build -> apply -> **status**): the status is
//! computed here, in pure code, from what was applied and what Patroni reports. A condition's
//! `lastTransitionTime` changes only when its status does.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use pgo_api::names::labels;
use pgo_api::{PatroniStatus, PgBackRestStatus, PostgresClusterStatus, PostgresInstanceSetStatus};

use k8s_openapi::api::apps::v1::StatefulSet;

use crate::apply::Applied;
use crate::build::InstancePlan;
use crate::observe::{pod_is_ready, ReadState};
use crate::validate::FieldError;

pub const VALID: &str = "Valid";
pub const SUPPORTED: &str = "Supported";
pub const READY: &str = "Ready";
pub const PROGRESSING: &str = "Progressing";

/// What the status is computed from.
pub struct Input<'a> {
    pub previous: Option<&'a PostgresClusterStatus>,
    pub generation: i64,
    pub errors: &'a [FieldError],
    pub unsupported: &'a [String],
    pub shutdown: bool,
    pub paused: bool,
    pub read: &'a ReadState,
    /// `None` when nothing was applied (invalid or paused spec).
    pub applied: Option<(&'a Applied, &'a InstancePlan)>,
    pub postgres_version: Option<i32>,
    pub users_revision: Option<String>,
    pub database_init_sql: Option<String>,
    pub switchover: Option<String>,
    /// `Some` when the backup step ran (its status, if backups or a restore exist); `None`
    /// keeps the previous one.
    pub pgbackrest: Option<Option<PgBackRestStatus>>,
    /// The last `stanza-create` error, shown in the condition.
    pub stanza_error: Option<String>,
    pub now: Time,
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

fn set_of(sts: &StatefulSet) -> Option<&str> {
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

    conditions.push(if input.errors.is_empty() {
        c(VALID, true, "SpecValid", "the spec is valid".into())
    } else {
        let list: Vec<String> = input.errors.iter().map(|e| e.to_string()).collect();
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

    // Instance sets: from the StatefulSets that were applied or, when nothing was applied
    // (invalid or paused spec), from those that exist.
    let (sets, stateful_sets): (Vec<String>, Vec<&StatefulSet>) = match input.applied {
        Some((applied, plan)) => (
            plan.keys().cloned().collect(),
            applied.stateful_sets.iter().collect(),
        ),
        None => {
            let existing: Vec<&StatefulSet> = input.read.stateful_sets.values().collect();
            let sets: Vec<String> = existing
                .iter()
                .filter_map(|s| set_of(s).map(String::from))
                .collect();
            (sets, existing)
        }
    };
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
    let instances: Vec<PostgresInstanceSetStatus> = by_set.into_values().collect();

    let primary = input.read.primary_pod();
    let primary_name = primary.and_then(|p| p.metadata.name.clone());
    if input.paused {
        conditions.push(c(
            PROGRESSING,
            false,
            "Paused",
            "spec.paused is true: changes are not rolled out".into(),
        ));
    }
    conditions.push(
        if !input.errors.is_empty() && input.applied.is_none() && prev.instances.is_empty() {
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
        } else if input.applied.is_some()
            && want > 0
            && ready >= want
            && primary.is_some_and(pod_is_ready)
        {
            c(
                READY,
                true,
                "AllInstancesReady",
                format!(
                    "{ready} of {want} instances are ready; the primary is {}",
                    primary_name.clone().unwrap_or_default()
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
        },
    );

    let pgbackrest = match &input.pgbackrest {
        Some(now) => now.clone(),
        None => prev.pgbackrest.clone(),
    };
    if let Some(p) = &pgbackrest {
        backup_conditions(p, input.stanza_error.as_deref(), &mut conditions, &c);
    }

    let system_identifier = input
        .read
        .patroni_annotation("initialize")
        .map(String::from)
        .or_else(|| {
            prev.patroni
                .as_ref()
                .and_then(|p| p.system_identifier.clone())
        });
    PostgresClusterStatus {
        observed_generation: Some(input.generation),
        conditions,
        instances,
        patroni: Some(PatroniStatus {
            system_identifier,
            primary: primary_name,
            switchover: input
                .switchover
                .clone()
                .or_else(|| prev.patroni.as_ref().and_then(|p| p.switchover.clone())),
            switchover_timeline: prev.patroni.as_ref().and_then(|p| p.switchover_timeline),
        }),
        postgres_version: input.postgres_version.or(prev.postgres_version),
        users_revision: input.users_revision.clone().or(prev.users_revision),
        database_init_sql: input.database_init_sql.clone().or(prev.database_init_sql),
        pgbackrest,
    }
}

/// PGO's pgBackRest conditions.
fn backup_conditions(
    p: &PgBackRestStatus,
    stanza_error: Option<&str>,
    conditions: &mut Vec<Condition>,
    c: &dyn Fn(&str, bool, &str, String) -> Condition,
) {
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
        let (ok, reason, message) = match (r.finished, r.failed.unwrap_or(0) > 0) {
            (false, false) => (true, "RestoreInProgress", format!("restore {} is in progress; the cluster is stopped until it completes", r.id)),
            (false, true) => (false, "RestoreFailed", format!("restore {} failed; the cluster stays stopped until the restore is requested again", r.id)),
            (true, true) => (false, "RestoreFailed", format!("restore {} did not run; see the cluster's Events", r.id)),
            (true, false) => (false, "RestoreComplete", format!("restore {} completed", r.id)),
        };
        conditions.push(c("PGBackRestRestoreProgressing", ok, reason, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(s: &str) -> Time {
        Time(s.parse().unwrap())
    }

    fn input<'a>(
        read: &'a ReadState,
        errors: &'a [FieldError],
        prev: Option<&'a PostgresClusterStatus>,
        now: &str,
    ) -> Input<'a> {
        Input {
            previous: prev,
            generation: 2,
            errors,
            unsupported: &[],
            shutdown: false,
            paused: false,
            read,
            applied: None,
            postgres_version: Some(15),
            users_revision: None,
            database_init_sql: None,
            switchover: None,
            pgbackrest: None,
            stanza_error: None,
            now: time(now),
        }
    }

    #[test]
    fn last_transition_time_is_kept_until_the_status_changes() {
        let read = ReadState::default();
        let s1 = compute(&input(&read, &[], None, "2026-01-01T00:00:00Z"));
        let s2 = compute(&input(&read, &[], Some(&s1), "2026-01-01T00:05:00Z"));
        let valid = |s: &PostgresClusterStatus| {
            s.conditions
                .iter()
                .find(|c| c.type_ == VALID)
                .unwrap()
                .clone()
        };
        assert_eq!(
            valid(&s2).last_transition_time,
            time("2026-01-01T00:00:00Z")
        );
        let errors = [FieldError {
            field: "spec.instances[0].replicas".into(),
            message: "bad".into(),
        }];
        let s3 = compute(&input(&read, &errors, Some(&s2), "2026-01-01T00:10:00Z"));
        assert_eq!(valid(&s3).status, "False");
        assert_eq!(
            valid(&s3).last_transition_time,
            time("2026-01-01T00:10:00Z")
        );
        assert!(valid(&s3)
            .message
            .contains("spec.instances[0].replicas: bad"));
        assert_eq!(s3.observed_generation, Some(2));
    }

    #[test]
    fn unsupported_fields_are_named_in_a_condition() {
        let read = ReadState::default();
        let unsupported = vec!["spec.backups".to_string()];
        let mut i = input(&read, &[], None, "2026-01-01T00:00:00Z");
        i.unsupported = &unsupported;
        let s = compute(&i);
        let c = s.conditions.iter().find(|c| c.type_ == SUPPORTED).unwrap();
        assert_eq!(c.status, "False");
        assert!(c.message.contains("spec.backups"));
    }
}
