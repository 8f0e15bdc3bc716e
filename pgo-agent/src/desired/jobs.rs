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
    claim_volume, data_directory, env, env_field, mount, pod_security, restricted,
    settle_restore_script, wal_directory, PGDATA_MOUNT, PGWAL_MOUNT,
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
    /// PGO's `replica-create` backup: full, to the first repository, once its stanza exists
    /// and again after an in-place restore.
    ReplicaCreate,
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
        BackupKind::ReplicaCreate => (labels::BACKUP_REPLICA_CREATE, None, name.clone()),
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

/// How long recovery may go without writing a line to its log (each WAL file it restores
/// writes one) before the restore gives up, rather than wait with no deadline.
pub const RECOVERY_STALL_SECONDS: u32 = 600;

/// The script of a restore Job. The data from before the restore is moved aside first
/// ([`settle_restore_script`]), so a restore that fails, anywhere, gives it back. pgBackRest
/// restores into an empty data directory; Postgres recovers to the target with hot standby off
/// (so no setting of the source, such as a raised `max_connections`, can pause recovery), is
/// promoted and stopped cleanly; then the old data is discarded, and Patroni starts the
/// restored data as the new primary. A failure ends with a line `reason: ...`, which the agent
/// shows in the cluster's condition and Event.
fn restore_script(v: &ValidatedCluster, run: &RepoRun, wal_link: bool) -> String {
    let pgdata = data_directory(v.postgres_version);
    let wal = wal_directory(v.postgres_version);
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
    let wal_aside = if wal_link {
        format!(
            "if [ -e {wal} ]; then mv {wal} {wal}.pre-restore; else install -d -m 0700 {wal}.pre-restore; fi\ninstall -d -m 0700 {wal}\n"
        )
    } else {
        String::new()
    };
    format!(
        r#"set -eu
PGDATA={pgdata}
export PGDATA
settle() {{
{settle}}}
# Whatever happens from here, a restore that did not commit gives the old data back.
trap settle EXIT
fail() {{ echo "reason: $*"; exit 1; }}
settle
# Aside, or an empty one in its place (a clone's new volume), so that a failure always leaves
# what was there before and never a partly restored directory.
if [ -e "$PGDATA" ]; then mv "$PGDATA" "$PGDATA.pre-restore"; else install -d -m 0700 "$PGDATA.pre-restore"; fi
{wal_aside}install -d -m 0700 "$PGDATA"
echo "restoring repo{repo} into $PGDATA"
if ! pgbackrest restore --stanza={stanza} --repo={repo} --pg1-path="$PGDATA" {opts} >/tmp/restore.log 2>&1; then
  cat /tmp/restore.log
  fail "pgbackrest restore: $(grep -E 'ERROR|error' /tmp/restore.log | tail -n 1)"
fi
cat /tmp/restore.log
# Recover to the target with archiving and hot standby off, then stop: Patroni starts from a
# promoted, cleanly stopped data directory.
rm -f "$PGDATA/postmaster.pid"
: >/tmp/recovery.log
{bin}/postgres -D "$PGDATA" -c listen_addresses='' -c unix_socket_directories=/tmp -c ssl=off -c archive_mode=off -c hot_standby=off -c port={port} >>/tmp/recovery.log 2>&1 &
pid=$!
last=$(date +%s)
size=0
until [ "$({bin}/psql -X -h /tmp -p {port} -d postgres -Atc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 50 /tmp/recovery.log
    fail "Postgres stopped before recovery completed: $(grep -E 'FATAL|PANIC' /tmp/recovery.log | tail -n 1)"
  fi
  now=$(date +%s)
  grown=$(wc -c </tmp/recovery.log)
  if [ "$grown" != "$size" ]; then size=$grown; last=$now; fi
  if [ $((now - last)) -ge {stall} ]; then
    tail -n 50 /tmp/recovery.log
    kill -INT "$pid" || true
    wait "$pid" || true
    fail "recovery made no progress for {stall} s: $(tail -n 1 /tmp/recovery.log)"
  fi
  sleep 1
done
tail -n 20 /tmp/recovery.log
{bin}/psql -X -h /tmp -p {port} -d postgres -Atc "SELECT 'recovered to ' || now() || ', timeline ' || timeline_id FROM pg_control_checkpoint()" || true
{bin}/pg_ctl stop -w -m fast -D "$PGDATA"
# The recovery settings pgBackRest wrote must not apply to later restarts or replicas.
sed -i -e '/^restore_command/d' -e '/^recovery_target/d' "$PGDATA/postgresql.auto.conf"
# Archive the new timeline's history when Patroni starts Postgres with archiving on.
latest=$(ls "$PGDATA/pg_wal" | grep '\.history$' | sort | tail -n 1 || true)
if [ -n "$latest" ]; then touch "$PGDATA/pg_wal/archive_status/$latest.ready"; fi
# Commit: the data from before the restore is discarded (settle removes it).
if [ -e "$PGDATA.pre-restore" ]; then mv "$PGDATA.pre-restore" "$PGDATA.discard"; fi
settle
echo "restore complete"
"#,
        settle = settle_restore_script(v.postgres_version),
        repo = run.index,
        stanza = names::PGBACKREST_STANZA,
        opts = quoted.join(" "),
        port = v.port,
        stall = RECOVERY_STALL_SECONDS,
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
                "--pg1-path=\"$PGDATA\" --type=time '--target=2026-11-24 14:00:00+00' --target-action=promote"
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

    /// Runs the restore script in a scratch directory, with stand-ins for pgBackRest and
    /// Postgres that act out `scenario`; returns the exit code, the output, and the root.
    fn run_restore(name: &str, wal: bool, scenario: &str) -> (i32, String, std::path::PathBuf) {
        use std::os::unix::fs::PermissionsExt;
        let root = std::env::temp_dir().join(format!("pgo-restore-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let r = root.to_str().unwrap().to_string();
        for d in ["pgdata/pg15", "pgwal", "bin", "tmp"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("pgdata/pg15/old"), "old data").unwrap();
        if wal {
            std::fs::create_dir_all(root.join("pgwal/pg15_wal")).unwrap();
            std::fs::write(root.join("pgwal/pg15_wal/old"), "old wal").unwrap();
        }
        let tools = [
            // pgBackRest writes a file into the data directory (and the WAL directory).
            ("pgbackrest", format!(
                "#!/bin/bash\necho new > \"$PGDATA/new\"\n: > \"$PGDATA/postgresql.auto.conf\"\nmkdir \"$PGDATA/pg_wal\"\n[ -d {r}/pgwal/pg15_wal ] && echo new > {r}/pgwal/pg15_wal/new\n{}",
                if scenario == "pgbackrest fails" { "echo 'ERROR: [075]: no backup set found to restore'; exit 75" } else { "exit 0" }
            )),
            ("postgres", if scenario == "recovery fails" {
                "#!/bin/bash\necho 'FATAL:  recovery ended before configured recovery target was reached'\nexit 1".into()
            } else {
                format!("#!/bin/bash\necho 'LOG:  database system is ready'\necho $$ > {r}/tmp/up\nexec sleep 30")
            }),
            ("psql", format!("#!/bin/bash\n[ -e {r}/tmp/up ] && echo f")),
            ("pg_ctl", format!("#!/bin/bash\n[ \"$1\" = stop ] && kill \"$(cat {r}/tmp/up)\"; exit 0")),
        ];
        for (tool, body) in tools {
            let f = root.join("bin").join(tool);
            std::fs::write(&f, body).unwrap();
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let v = validated(HIPPO_BACKUPS);
        let run = RepoRun {
            repo: "repo1".into(),
            index: 1,
            options: vec![],
        };
        let script = restore_script(&v, &run, wal)
            .replace("/usr/lib/postgresql/15/bin", "@/bin")
            .replace("/pgdata", "@/pgdata")
            .replace("/pgwal", "@/pgwal")
            .replace("/tmp", "@/tmp")
            .replace('@', &r);
        let out = std::process::Command::new("bash")
            .args(["-ceu", &script])
            .env("PATH", format!("{r}/bin:/usr/bin:/bin"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code().unwrap_or(-1), text, root)
    }

    fn ls(root: &std::path::Path, dir: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(root.join(dir))
            .map(|d| {
                d.map(|e| e.unwrap().file_name().into_string().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    #[test]
    fn a_failed_restore_gives_the_old_data_back_and_says_why() {
        for (scenario, reason) in [
            ("pgbackrest fails", "reason: pgbackrest restore: ERROR: [075]: no backup set found to restore"),
            ("recovery fails", "reason: Postgres stopped before recovery completed: FATAL:  recovery ended before configured recovery target was reached"),
        ] {
            for wal in [false, true] {
                let name = format!("{}-{wal}", scenario.replace(' ', "-"));
                let (code, out, root) = run_restore(&name, wal, scenario);
                assert_eq!(code, 1, "{out}");
                assert!(out.contains(reason), "{out}");
                assert_eq!(ls(&root, "pgdata"), ["pg15"], "{out}");
                assert_eq!(std::fs::read_to_string(root.join("pgdata/pg15/old")).unwrap(), "old data");
                assert!(!root.join("pgdata/pg15/new").exists(), "{out}");
                if wal {
                    assert_eq!(ls(&root, "pgwal"), ["pg15_wal"], "{out}");
                    assert_eq!(ls(&root, "pgwal/pg15_wal"), ["old"], "{out}");
                }
                std::fs::remove_dir_all(root).unwrap();
            }
        }
    }

    #[test]
    fn a_restore_that_succeeds_discards_the_old_data() {
        for wal in [false, true] {
            let (code, out, root) = run_restore(&format!("ok-{wal}"), wal, "ok");
            assert_eq!(code, 0, "{out}");
            assert!(out.contains("restore complete"), "{out}");
            assert_eq!(ls(&root, "pgdata"), ["pg15"], "{out}");
            assert_eq!(
                ls(&root, "pgdata/pg15"),
                ["new", "pg_wal", "postgresql.auto.conf"],
                "{out}"
            );
            if wal {
                assert_eq!(ls(&root, "pgwal"), ["pg15_wal"], "{out}");
                assert_eq!(ls(&root, "pgwal/pg15_wal"), ["new"], "{out}");
            }
            std::fs::remove_dir_all(root).unwrap();
        }
    }

    /// Each state a pod killed during a restore can leave, and what the next start makes of it
    /// (the settle lines run by the restore Job and by every database container).
    #[test]
    fn an_interrupted_restore_settles_to_the_old_or_the_new_data_never_a_mix() {
        // (what is on the volumes: path=content, ...) -> (data, wal) after settling
        let cases: &[(&[&str], &str, &str)] = &[
            // Nothing happened.
            (&["pg15/a=old", "pg15_wal/a=oldwal"], "old", "oldwal"),
            // Killed after the data directory went aside, before the WAL directory did.
            (
                &["pg15.pre-restore/a=old", "pg15_wal/a=oldwal"],
                "old",
                "oldwal",
            ),
            // Killed while pgBackRest restored.
            (
                &[
                    "pg15.pre-restore/a=old",
                    "pg15/a=half",
                    "pg15_wal.pre-restore/a=oldwal",
                    "pg15_wal/a=halfwal",
                ],
                "old",
                "oldwal",
            ),
            // A clone killed while restoring into its new volume: empty, never half restored.
            (
                &[
                    "pg15.pre-restore/",
                    "pg15/a=half",
                    "pg15_wal.pre-restore/",
                    "pg15_wal/a=halfwal",
                ],
                "",
                "",
            ),
            // Killed after the commit's first rename.
            (
                &[
                    "pg15.discard/a=old",
                    "pg15/a=new",
                    "pg15_wal.pre-restore/a=oldwal",
                    "pg15_wal/a=newwal",
                ],
                "new",
                "newwal",
            ),
            // Killed while removing the old data.
            (
                &[
                    "pg15.discard/b=old",
                    "pg15/a=new",
                    "pg15_wal.discard/",
                    "pg15_wal/a=newwal",
                ],
                "new",
                "newwal",
            ),
        ];
        for (i, (files, data, wal)) in cases.iter().enumerate() {
            let root = std::env::temp_dir().join(format!("pgo-settle-{}-{i}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            for f in *files {
                let (path, content) = f.split_once('=').unwrap_or((f, ""));
                let base = if path.starts_with("pg15_wal") {
                    "pgwal"
                } else {
                    "pgdata"
                };
                let p = root.join(base).join(path);
                if path.ends_with('/') {
                    std::fs::create_dir_all(&p).unwrap();
                } else {
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(&p, content).unwrap();
                }
            }
            let r = root.to_str().unwrap();
            let script = settle_restore_script(15)
                .replace("/pgdata", &format!("{r}/pgdata"))
                .replace("/pgwal", &format!("{r}/pgwal"));
            for _ in 0..2 {
                // Settling twice changes nothing more.
                let ok = std::process::Command::new("bash")
                    .args(["-ceu", &script])
                    .status()
                    .unwrap();
                assert!(ok.success(), "case {i}");
                let read =
                    |d: &str| std::fs::read_to_string(root.join(d).join("a")).unwrap_or_default();
                assert_eq!(ls(&root, "pgdata"), ["pg15"], "case {i}");
                assert_eq!(ls(&root, "pgwal"), ["pg15_wal"], "case {i}");
                assert_eq!(read("pgdata/pg15"), *data, "case {i}");
                assert_eq!(read("pgwal/pg15_wal"), *wal, "case {i}");
            }
            std::fs::remove_dir_all(root).unwrap();
        }
    }
}
