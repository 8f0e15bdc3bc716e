//! Desired objects: the backup and restore Jobs of pgBackRest, and the ServiceAccount that lets
//! backup Jobs exec into the repository host (and nothing else).

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, PodSpec, PodTemplateSpec, ServiceAccount, Volume,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use pgo_api::names::{self, labels};
use pgo_api::validate::{option_value, InstanceSet, RepoRun, ValidatedCluster};

use super::meta;
use super::pgbackrest::{config_mount, config_volume, env_vars};
use super::pod::{
    claim_volume, data_directory, env, env_field, mount, pod_security, restricted, PGDATA_MOUNT,
    PGWAL_MOUNT,
};

/// The ServiceAccount of backup Jobs, allowed to exec into the repository host pod only.
pub fn job_rbac(v: &ValidatedCluster) -> (ServiceAccount, Role, RoleBinding) {
    let name = names::pgbackrest(&v.name);
    let l = [(labels::PGBACKREST, "")];
    let pod = names::repo_host_pod(&v.name);
    let rule = |resource: &str, verbs: &[&str]| PolicyRule {
        api_groups: Some(vec![String::new()]),
        resources: Some(vec![resource.into()]),
        resource_names: Some(vec![pod.clone()]),
        verbs: verbs.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    (
        ServiceAccount {
            metadata: meta(v, name.clone(), &l),
            automount_service_account_token: Some(false),
            ..Default::default()
        },
        Role {
            metadata: meta(v, name.clone(), &l),
            rules: Some(vec![
                rule("pods", &["get"]),
                rule("pods/exec", &["create", "get"]),
            ]),
        },
        super::rbac::binding(meta(v, name.clone(), &l), name, &v.namespace),
    )
}

fn job(
    v: &ValidatedCluster,
    name: String,
    job_labels: &[(&str, &str)],
    annotations: BTreeMap<String, String>,
    pod: PodSpec,
) -> Job {
    let mut m = meta(v, name, job_labels);
    m.annotations
        .get_or_insert_with(Default::default)
        .extend(annotations);
    let mut pod_labels = super::cluster_labels(v);
    for (k, val) in job_labels {
        pod_labels.insert((*k).into(), (*val).into());
    }
    Job {
        metadata: m,
        spec: Some(JobSpec {
            backoff_limit: Some(0),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    restart_policy: Some("Never".into()),
                    enable_service_links: Some(false),
                    image_pull_secrets: (!v.image_pull_secrets.is_empty())
                        .then(|| v.image_pull_secrets.clone()),
                    ..pod
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

/// A backup Job: the agent's image execs `pgbackrest backup` in the repository host, where the
/// repositories are, and exits with its status.
/// Why a backup runs: PGO's `pgbackrest-backup` label value, and what identifies the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupKind<'a> {
    /// `spec.backups.pgbackrest.manual`, for one value of the `pgbackrest-backup` annotation.
    Manual { trigger: &'a str },
    /// A repository's schedule, by its name (`<cluster>-<repo>-<type>`).
    Scheduled { schedule: &'a str },
}

pub fn backup_job(
    v: &ValidatedCluster,
    name: String,
    kind: BackupKind,
    run: &RepoRun,
    type_: Option<&str>,
    agent_image: &str,
) -> Job {
    let mut command = vec![
        "pgo-agent".to_string(),
        "exec".into(),
        "--pod".into(),
        names::repo_host_pod(&v.name),
        "--container".into(),
        names::CONTAINER_PGBACKREST.into(),
        "--".into(),
        "pgbackrest".into(),
        "backup".into(),
        format!("--stanza={}", names::PGBACKREST_STANZA),
        format!("--repo={}", run.index),
    ];
    if let Some(t) = type_ {
        command.push(format!("--type={t}"));
    }
    command.extend(run.options.iter().cloned());
    let container = Container {
        name: names::CONTAINER_PGBACKREST_JOB.into(),
        image: Some(agent_image.into()),
        command: Some(command),
        env: Some(vec![env_field("POD_NAMESPACE", "metadata.namespace")]),
        security_context: Some(restricted()),
        termination_message_policy: Some("FallbackToLogsOnError".into()),
        ..Default::default()
    };
    // The annotation carries the run's identity, so the status can find this Job again.
    let (kind_label, extra_label, id) = match kind {
        BackupKind::Manual { trigger } => (labels::BACKUP_MANUAL, None, trigger.to_string()),
        BackupKind::Scheduled { schedule } => (
            labels::BACKUP_SCHEDULED,
            Some((labels::PGBACKREST_CRONJOB, schedule)),
            name.clone(),
        ),
    };
    let mut job_labels = vec![
        (labels::PGBACKREST, ""),
        (labels::PGBACKREST_BACKUP, kind_label),
        (labels::PGBACKREST_REPO, run.repo.as_str()),
    ];
    job_labels.extend(extra_label);
    job(
        v,
        name,
        &job_labels,
        [(names::annotations::PGBACKREST_BACKUP.to_string(), id)].into(),
        PodSpec {
            containers: vec![container],
            service_account_name: Some(names::pgbackrest(&v.name)),
            automount_service_account_token: Some(true),
            security_context: Some(pod_security(65532)),
            ..Default::default()
        },
    )
}

/// The script of a restore Job: restore into the instance's data directory, let Postgres
/// recover to the target and promote, stop it cleanly, and leave a data directory Patroni
/// starts as the new primary.
fn restore_script(v: &ValidatedCluster, run: &RepoRun, wal_link: bool) -> String {
    let pgdata = data_directory(v.postgres_version);
    let bin = format!("/usr/lib/postgresql/{}/bin", v.postgres_version);
    let mut options: Vec<String> = run.options.clone();
    let typed = !matches!(option_value(&options, "--type"), None | Some("default"));
    if typed && option_value(&options, "--target-action").is_none() {
        options.push("--target-action=promote".into());
    }
    if wal_link {
        options.push("--link-all".into());
    }
    let quoted: Vec<String> = options.iter().map(|o| shell_quote(o)).collect();
    format!(
        r#"set -eu
PGDATA={pgdata}
export PGDATA
install -d -m 0700 "$PGDATA"
echo "restoring repo{repo} into $PGDATA"
pgbackrest restore --stanza={stanza} --repo={repo} --pg1-path="$PGDATA" --delta {opts}
# Recover to the target with archiving off, then stop: Patroni starts from a promoted,
# cleanly stopped data directory.
rm -f "$PGDATA/postmaster.pid"
{bin}/pg_ctl start -w -t 31536000 -D "$PGDATA" -l /tmp/recovery.log -o "-c listen_addresses='' -c unix_socket_directories=/tmp -c ssl=off -c archive_mode=off -c hot_standby=on -c port={port}" || {{ tail -n 50 /tmp/recovery.log; exit 1; }}
until [ "$({bin}/psql -X -h /tmp -p {port} -d postgres -Atc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
  if ! {bin}/pg_ctl status -D "$PGDATA" >/dev/null; then
    echo "Postgres stopped before recovery completed:"; tail -n 50 /tmp/recovery.log; exit 1
  fi
  sleep 1
done
{bin}/psql -X -h /tmp -p {port} -d postgres -Atc "SELECT 'recovered to ' || now() || ', timeline ' || timeline_id FROM pg_control_checkpoint()" || true
{bin}/pg_ctl stop -w -m fast -D "$PGDATA"
# The recovery settings pgBackRest wrote must not apply to later restarts or replicas.
sed -i -e '/^restore_command/d' -e '/^recovery_target/d' "$PGDATA/postgresql.auto.conf"
# Archive the new timeline's history when Patroni starts Postgres with archiving on.
latest=$(ls "$PGDATA/pg_wal" | grep '\.history$' | sort | tail -n 1 || true)
if [ -n "$latest" ]; then touch "$PGDATA/pg_wal/archive_status/$latest.ready"; fi
echo "restore complete"
"#,
        repo = run.index,
        stanza = names::PGBACKREST_STANZA,
        opts = quoted.join(" "),
        port = v.port,
    )
}

fn shell_quote(s: &str) -> String {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_=./:+,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The restore Job of an instance: in place (`conf_key` is the instance configuration) or for a
/// clone (`conf_key` is [`RESTORE_CONF`], the source's repository).
pub fn restore_job(
    v: &ValidatedCluster,
    set: &InstanceSet,
    instance: &str,
    run: &RepoRun,
    conf_key: &str,
    configuration: &[serde_json::Value],
    id: &str,
) -> Job {
    let has_wal = set.spec.wal_volume_claim_spec.is_some();
    let mut volumes = vec![
        claim_volume("postgres-data", names::data_pvc(instance)),
        // A clone reads the source's repository with the source's certificate.
        config_volume(
            &v.name,
            v.clone_source
                .as_ref()
                .filter(|_| conf_key == super::pgbackrest::RESTORE_CONF)
                .map_or(&v.name, |c| &c.cluster),
            conf_key,
            configuration,
        ),
        Volume {
            name: "tmp".into(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Default::default()
        },
    ];
    let mut mounts = vec![
        mount("postgres-data", PGDATA_MOUNT, false),
        config_mount(),
        mount("tmp", "/tmp", false),
    ];
    if has_wal {
        volumes.push(claim_volume("postgres-wal", names::wal_pvc(instance)));
        mounts.push(mount("postgres-wal", PGWAL_MOUNT, false));
    }
    let mut envs = env_vars();
    envs.push(env("HOME", "/tmp"));
    let container = Container {
        name: names::CONTAINER_PGBACKREST_JOB.into(),
        image: Some(v.image.clone()),
        image_pull_policy: v.image_pull_policy.clone(),
        command: Some(vec![
            "bash".into(),
            "-ceu".into(),
            restore_script(v, run, has_wal),
        ]),
        env: Some(envs),
        resources: set.spec.resources.clone(),
        security_context: Some(restricted()),
        volume_mounts: Some(mounts),
        termination_message_policy: Some("FallbackToLogsOnError".into()),
        ..Default::default()
    };
    job(
        v,
        names::restore_job(&v.name),
        &[
            (labels::PGBACKREST, ""),
            (labels::PGBACKREST_RESTORE, ""),
            (labels::INSTANCE, instance),
        ],
        [(
            names::annotations::PGBACKREST_RESTORE.to_string(),
            id.to_string(),
        )]
        .into(),
        PodSpec {
            containers: vec![container],
            volumes: Some(volumes),
            automount_service_account_token: Some(false),
            security_context: Some(pod_security(names::POSTGRES_UID)),
            affinity: set.spec.affinity.clone(),
            tolerations: set.spec.tolerations.clone(),
            ..Default::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::pgbackrest::tests::HIPPO_BACKUPS;
    use crate::desired::tests::validated;

    #[test]
    fn restore_script_promotes_at_the_target_and_quotes_options() {
        let v = validated(HIPPO_BACKUPS);
        let run = RepoRun {
            repo: "repo1".into(),
            index: 1,
            options: vec![
                "--type=time".into(),
                "--target=2026-11-24 14:00:00+00".into(),
            ],
        };
        let s = restore_script(&v, &run, false);
        assert!(
            s.contains(
                "--delta --type=time '--target=2026-11-24 14:00:00+00' --target-action=promote"
            ),
            "{s}"
        );
        let job = backup_job(
            &v,
            "hippo-backup-x".into(),
            BackupKind::Manual { trigger: "t1" },
            &run,
            Some("full"),
            "agent:1",
        );
        assert_eq!(
            job.metadata.annotations.as_ref().unwrap()[names::annotations::PGBACKREST_BACKUP],
            "t1"
        );
        assert_eq!(
            job.metadata.labels.as_ref().unwrap()[labels::PGBACKREST_BACKUP],
            "manual"
        );
        let c = &job.spec.unwrap().template.spec.unwrap().containers[0];
        assert!(c
            .command
            .as_ref()
            .unwrap()
            .contains(&"--repo=1".to_string()));
    }
}
