//! End to end: the built `kubectl-pgo` binary against the test bed's real API server.
//!
//! Needs PGO_BED_KUBECONFIG (e.g. /var/lib/pgo-bed/admin.kubeconfig); without it every test
//! prints "skipped" and passes, so `cargo test` works anywhere. Each test works in its own
//! namespace and deletes it at the end. The agent may or may not be running: tests only check
//! what the CLI itself does (and tolerate what the agent adds).

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Namespace, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{DeleteParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config, CustomResourceExt};
use pgo_api::names::annotations;
use pgo_api::PostgresCluster;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-pgo");

struct Bed {
    kubeconfig: PathBuf,
    namespace: String,
    rt: tokio::runtime::Runtime,
    client: Client,
}

/// The bed, a fresh namespace named after the test, and the CRD; `None` (skip) without a bed.
fn bed(test: &str) -> Option<Bed> {
    let Some(path) = std::env::var_os("PGO_BED_KUBECONFIG") else {
        eprintln!("skipped: PGO_BED_KUBECONFIG not set ({test})");
        return None;
    };
    let kubeconfig = PathBuf::from(path);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = rt.block_on(async {
        let kc = Kubeconfig::read_from(&kubeconfig).expect("read PGO_BED_KUBECONFIG");
        let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
            .await
            .unwrap();
        Client::try_from(config).unwrap()
    });
    let suffix = std::process::id() % 100_000;
    let namespace = format!("kpgo-{}-{suffix}", test.replace('_', "-"))
        .chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string();
    let bed = Bed {
        kubeconfig,
        namespace,
        rt,
        client,
    };
    bed.install_crd();
    bed.rt.block_on(async {
        let api: Api<Namespace> = Api::all(bed.client.clone());
        let ns: Namespace =
            serde_json::from_value(json!({"metadata": {"name": bed.namespace}})).unwrap();
        match api.create(&PostParams::default(), &ns).await {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.is_already_exists() => {}
            Err(e) => panic!("create namespace: {e}"),
        }
    });
    Some(bed)
}

/// [`bed`] with a cluster "hippo" made by `create cluster hippo FLAGS...`.
fn bed_with_hippo(test: &str, flags: &[&str]) -> Option<Bed> {
    let bed = bed(test)?;
    bed.create("hippo", flags);
    Some(bed)
}

static CRD: OnceLock<()> = OnceLock::new();

impl Bed {
    fn install_crd(&self) {
        CRD.get_or_init(|| {
            self.rt.block_on(async {
                let api: Api<CustomResourceDefinition> = Api::all(self.client.clone());
                let crd = PostgresCluster::crd();
                let name = crd.metadata.name.clone().unwrap();
                api.patch(
                    &name,
                    &PatchParams::apply("kubectl-pgo-e2e").force(),
                    &Patch::Apply(&crd),
                )
                .await
                .expect("apply the PostgresCluster CRD");
                let deadline = Instant::now() + Duration::from_secs(30);
                loop {
                    let crd = api.get(&name).await.unwrap();
                    let established = crd
                        .status
                        .and_then(|s| s.conditions)
                        .unwrap_or_default()
                        .iter()
                        .any(|c| c.type_ == "Established" && c.status == "True");
                    if established {
                        break;
                    }
                    assert!(Instant::now() < deadline, "CRD not established");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            })
        });
    }

    /// Run kubectl-pgo with the bed's kubeconfig and namespace, without a terminal.
    fn pgo(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(BIN);
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["-n", &self.namespace])
            .args(args)
            .env_remove("KUBECONFIG")
            .stdin(Stdio::null());
        Run::from(cmd.output().expect("run kubectl-pgo"), args)
    }

    /// Run kubectl-pgo with the space-separated `args` and check that it exits `code` saying
    /// `text` on stderr.
    fn fails(&self, code: i32, args: &str, text: &str) {
        let args: Vec<&str> = args.split(' ').collect();
        self.pgo(&args).expect(code).stderr_has(text);
    }

    fn clusters(&self) -> Api<PostgresCluster> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    fn get(&self, name: &str) -> Option<PostgresCluster> {
        self.rt.block_on(self.clusters().get_opt(name)).unwrap()
    }

    fn get_json(&self, name: &str) -> Value {
        serde_json::to_value(self.get(name).expect("cluster exists")).unwrap()
    }

    /// A cluster made by the CLI itself.
    fn create(&self, name: &str, extra: &[&str]) {
        let mut args = vec!["create", "cluster", name];
        args.extend_from_slice(extra);
        self.pgo(&args).ok();
    }
}

impl Drop for Bed {
    fn drop(&mut self) {
        let api: Api<Namespace> = Api::all(self.client.clone());
        let _ = self
            .rt
            .block_on(api.delete(&self.namespace, &DeleteParams::background()));
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    args: String,
}

impl Run {
    fn from(o: Output, args: &[&str]) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into(),
            stderr: String::from_utf8_lossy(&o.stderr).into(),
            args: args.join(" "),
        }
    }

    fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "`kubectl-pgo {}` exited {} (wanted {code})\nstdout:\n{}\nstderr:\n{}",
            self.args, self.code, self.stdout, self.stderr
        );
        self
    }

    fn ok(&self) -> &Self {
        self.expect(0)
    }

    fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "`kubectl-pgo {}`: stderr lacks {text:?}:\n{}",
            self.args,
            self.stderr
        );
        self
    }

    fn stdout_has(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "`kubectl-pgo {}`: stdout lacks {text:?}:\n{}",
            self.args,
            self.stdout
        );
        self
    }
}

fn managers_of(pc: &Value) -> Vec<String> {
    pc["metadata"]["managedFields"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["manager"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn create_dry_run_prints_the_manifest_and_creates_nothing() {
    let Some(bed) = bed("dry-run") else { return };
    let run = bed.pgo(&[
        "create",
        "cluster",
        "hippo",
        "--replicas",
        "2",
        "--dry-run",
        "-o",
        "yaml",
    ]);
    run.ok();
    let manifest: Value = serde_yaml::from_str(&run.stdout).unwrap();
    assert_eq!(manifest["kind"], "PostgresCluster");
    assert_eq!(manifest["metadata"]["name"], "hippo");
    assert_eq!(manifest["spec"]["instances"][0]["replicas"], 2);
    // -n is in the manifest, so `kubectl apply -f` puts it where it was meant to go.
    assert_eq!(manifest["metadata"]["namespace"], bed.namespace.as_str());
    assert!(
        bed.get("hippo").is_none(),
        "a dry run must not create anything"
    );
}

#[test]
fn create_applies_every_flag_with_the_cli_field_manager() {
    let Some(bed) = bed("create") else { return };
    bed.pgo(&[
        "create",
        "postgrescluster",
        "hippo",
        "--replicas",
        "2",
        "--instance-set",
        "fast",
        "--storage-size",
        "2Gi",
        "--cpu",
        "500m",
        "--memory",
        "512Mi",
        "--user",
        "app",
        "--database",
        "appdb",
        "--no-backups",
    ])
    .ok()
    .stdout_has("postgrescluster.postgres-operator.crunchydata.com/hippo created");
    let pc = bed.get_json("hippo");
    let set = &pc["spec"]["instances"][0];
    assert_eq!(set["name"], "fast");
    assert_eq!(set["replicas"], 2);
    assert_eq!(
        set["dataVolumeClaimSpec"]["resources"]["requests"]["storage"],
        "2Gi"
    );
    assert_eq!(set["resources"]["limits"]["cpu"], "500m");
    assert_eq!(
        pc["spec"]["users"][0],
        json!({"name": "app", "databases": ["appdb"]})
    );
    assert!(pc["spec"].get("backups").is_none());
    assert!(managers_of(&pc).contains(&"kubectl-pgo".to_string()));

    // The default has backups, and a second create of the same name fails without touching it.
    bed.create("zebra", &[]);
    assert_eq!(
        bed.get_json("zebra")["spec"]["backups"]["pgbackrest"]["repos"][0]["name"],
        "repo1"
    );
    // --wait: without a reconciled Ready condition it gives up after --timeout, saying so.
    let run = bed.pgo(&["create", "cluster", "waiter", "--wait", "--timeout", "3s"]);
    if run.code != 0 {
        run.expect(1).stderr_has("is not Ready after 3s");
    }
    assert!(
        bed.get("waiter").is_some(),
        "created even when not Ready in time"
    );
    bed.fails(
        1,
        "create cluster hippo --replicas 5",
        "already exists in namespace",
    );
    assert_eq!(bed.get_json("hippo")["spec"]["instances"][0]["replicas"], 2);
}

#[test]
fn create_rejects_bad_input_with_exit_2_and_creates_nothing() {
    let Some(bed) = bed("bad-input") else { return };
    let cases: &[(&[&str], &str)] = &[
        (
            &["create", "cluster", "Bad_Name"],
            "invalid NAME \"Bad_Name\"",
        ),
        (
            &["create", "cluster", "ok", "--replicas", "0"],
            "invalid --replicas \"0\": must be at least 1",
        ),
        (
            &[
                "create",
                "cluster",
                "ok",
                "--instance-set",
                "sixteen-chars-xx",
            ],
            "the limit is 15",
        ),
        (
            &["create", "cluster", "ok", "--storage-size", "10GB"],
            "invalid --storage-size \"10GB\"",
        ),
        (
            &["create", "cluster", "ok", "--memory", "lots"],
            "invalid --memory \"lots\"",
        ),
        (
            &["create", "cluster", "ok", "--database", "db"],
            "--database needs an owner: add --user NAME",
        ),
        (
            &["create", "cluster", "ok", "--pg-version", "9"],
            "invalid --pg-version \"9\"",
        ),
        (
            &["create", "cluster", "1db"],
            "invalid NAME \"1db\": must start with a letter",
        ),
        (
            &["create", "cluster", "ok", "--storage-size", "1"],
            "must be at least 1Mi",
        ),
        (
            &["create", "cluster", "ok", "--replicas", "2147483647"],
            "must be at most 16",
        ),
        (
            &["create", "cluster", "ok", "--user", "1app"],
            "invalid --user: \"1app\" must start with a letter",
        ),
        (
            &["create"],
            "NAME is required when not running interactively: kubectl pgo create cluster NAME",
        ),
        (
            &["create", "cluster", "--yes"],
            "NAME is required when not running interactively",
        ),
    ];
    for (args, message) in cases {
        bed.pgo(args).expect(2).stderr_has(message);
    }
    let list = bed
        .rt
        .block_on(bed.clusters().list(&Default::default()))
        .unwrap();
    assert!(list.items.is_empty(), "nothing may be created");
}

#[test]
fn scale_sets_replicas_and_names_the_sets_when_ambiguous() {
    let Some(bed) = bed_with_hippo("scale", &[]) else {
        return;
    };
    bed.pgo(&["scale", "hippo", "--replicas", "3"])
        .ok()
        .stdout_has("instance set instance1 from 1 to 3 replicas");
    let pc = bed.get_json("hippo");
    assert_eq!(pc["spec"]["instances"][0]["replicas"], 3);
    assert_eq!(
        pc["spec"]["instances"][0]["dataVolumeClaimSpec"]["resources"]["requests"]["storage"],
        "1Gi",
        "the rest of the set is kept"
    );
    bed.fails(2, "scale hippo --replicas 0", "invalid --replicas \"0\"");
    bed.pgo(&[
        "scale",
        "hippo",
        "--replicas",
        "2",
        "--instance-set",
        "nope",
    ])
    .expect(2)
    .stderr_has("has no instance set \"nope\"; its sets are: instance1");

    // A second set, added by someone else: now --instance-set is needed.
    let mut instances = pc["spec"]["instances"].clone();
    let mut second = instances[0].clone();
    second["name"] = json!("analytics");
    instances.as_array_mut().unwrap().push(second);
    bed.rt
        .block_on(bed.clusters().patch(
            "hippo",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"instances": instances}})),
        ))
        .unwrap();
    bed.fails(
        2,
        "scale hippo --replicas 2",
        "several instance sets (instance1, analytics): pass --instance-set",
    );
    // spec.instances is an atomic list in this CRD, and the merge patch above made its writer
    // an owner of it: scaling then conflicts with that owner until forced.
    let scale = [
        "scale",
        "hippo",
        "--replicas",
        "2",
        "--instance-set",
        "analytics",
    ];
    let run = bed.pgo(&scale);
    if run.code != 0 {
        run.expect(1).stderr_has("--force-conflicts");
        bed.pgo(&[&scale[..], &["--force-conflicts"]].concat()).ok();
    }
    let pc = bed.get_json("hippo");
    assert_eq!(pc["spec"]["instances"][0]["replicas"], 3);
    assert_eq!(pc["spec"]["instances"][1]["replicas"], 2);
}

#[test]
fn show_renders_the_status_when_no_pod_answers() {
    let Some(bed) = bed_with_hippo("show", &["--no-backups"]) else {
        return;
    };
    // A hand-written status, under a manager of its own so the agent's conditions (if it runs)
    // do not replace it.
    let status = json!({
        "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
        "kind": "PostgresCluster",
        "metadata": {"name": "hippo"},
        "status": {
            "conditions": [{"type": "E2eProbe", "status": "True", "reason": "HandWritten",
                            "message": "written by the e2e test", "lastTransitionTime": "2024-01-01T12:00:00Z"}],
            "instances": [{"name": "instance1", "replicas": 1, "readyReplicas": 0, "updatedReplicas": 1}],
            "patroni": {"primary": "hippo-instance1-abcd-0"}
        }
    });
    bed.rt
        .block_on(bed.clusters().patch_status(
            "hippo",
            &PatchParams::apply("e2e-status").force(),
            &Patch::Apply(&status),
        ))
        .unwrap();
    // A running agent rewrites the conditions (on the 1.20 bed its status apply drops other
    // managers' conditions), so accept the hand-written one or the agent's.
    let run = bed.pgo(&["show", "hippo"]);
    run.ok()
        .stdout_has("PostgresCluster hippo in namespace")
        .stdout_has("INSTANCE");
    assert!(
        run.stdout.contains("E2eProbe") || run.stdout.contains("Valid"),
        "no condition shown:\n{}",
        run.stdout
    );
    if !run.stdout.contains("running") {
        // No Postgres pod: the status is what is shown, with a note saying so.
        run.stdout_has("note:").stdout_has("instance1");
    }
    let run = bed.pgo(&["show", "hippo", "-o", "json"]);
    run.ok();
    let view: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(view["name"], "hippo");
    assert!(view["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["type"] == "E2eProbe" || c["type"] == "Valid"));

    bed.pgo(&["show", "backup", "hippo"])
        .ok()
        .stdout_has("backups are not configured");
}

#[test]
fn show_user_masks_secrets_unless_asked() {
    // No `--user app`: the agent would race this test to write the Secret it reads.
    let Some(bed) = bed_with_hippo("show-user", &[]) else {
        return;
    };
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "hippo-pguser-app"},
        "stringData": {
            "user": "app", "password": "s3cret-pw", "host": "hippo-primary.ns.svc", "port": "5432",
            "dbname": "app", "uri": "postgresql://app:s3cret-pw@hippo-primary.ns.svc:5432/app"
        }
    }))
    .unwrap();
    let secrets: Api<Secret> = Api::namespaced(bed.client.clone(), &bed.namespace);
    bed.rt
        .block_on(secrets.create(&PostParams::default(), &secret))
        .expect("create the Secret");
    let masked = bed.pgo(&["show", "user", "app", "-c", "hippo"]);
    masked
        .ok()
        .stdout_has("hippo-primary.ns.svc")
        .stdout_has("********");
    assert!(!masked.stdout.contains("s3cret-pw"), "{}", masked.stdout);
    bed.pgo(&[
        "show",
        "user",
        "app",
        "-c",
        "hippo",
        "--show-connection-info",
    ])
    .ok()
    .stdout_has("s3cret-pw");
    bed.fails(
        1,
        "show user nobody -c hippo",
        "Secret \"hippo-pguser-nobody\" not found",
    );
}

#[test]
fn switchover_sets_spec_and_trigger_annotation() {
    let Some(bed) = bed_with_hippo("switchover", &[]) else {
        return;
    };
    bed.pgo(&["switchover", "hippo", "--to", "hippo-instance1-abcd"])
        .ok();
    let pc = bed.get_json("hippo");
    assert_eq!(
        pc["spec"]["patroni"]["switchover"],
        json!({"enabled": true, "targetInstance": "hippo-instance1-abcd", "type": "Switchover"})
    );
    let first = pc["metadata"]["annotations"][annotations::TRIGGER_SWITCHOVER]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        chrono::DateTime::parse_from_rfc3339(&first).is_ok(),
        "{first}"
    );

    // A later switchover without --to drops the old target.
    std::thread::sleep(Duration::from_millis(1100));
    bed.pgo(&["switchover", "hippo"]).ok();
    let pc = bed.get_json("hippo");
    assert_eq!(
        pc["spec"]["patroni"]["switchover"],
        json!({"enabled": true, "type": "Switchover"})
    );
    assert_ne!(
        pc["metadata"]["annotations"][annotations::TRIGGER_SWITCHOVER],
        first
    );

    bed.fails(
        2,
        "switchover hippo --type Failover",
        "--type Failover needs a target",
    );
    // The pod name (what `kubectl get pods` shows) means its instance; others are refused.
    bed.pgo(&["switchover", "hippo", "--to", "hippo-instance1-wxyz-0"])
        .ok();
    let pc = bed.get_json("hippo");
    assert_eq!(
        pc["spec"]["patroni"]["switchover"]["targetInstance"],
        "hippo-instance1-wxyz"
    );
    bed.fails(
        2,
        "switchover hippo --to rhino-instance1-wxyz-0",
        "not an instance of PostgresCluster \"hippo\"",
    );
    bed.pgo(&[
        "switchover",
        "hippo",
        "--type",
        "Failover",
        "--to",
        "hippo-instance1-wxyz",
    ])
    .ok();
    assert_eq!(
        bed.get_json("hippo")["spec"]["patroni"]["switchover"]["type"],
        "Failover"
    );
}

#[test]
fn stop_and_start_set_shutdown_and_keep_earlier_edits() {
    let Some(bed) = bed_with_hippo("stop-start", &[]) else {
        return;
    };
    bed.pgo(&["stop", "hippo"]).ok().stdout_has("stopping");
    assert_eq!(bed.get_json("hippo")["spec"]["shutdown"], true);
    // Another command's apply must not drop the shutdown set before (same field manager).
    bed.pgo(&["backup", "hippo"]).ok();
    let pc = bed.get_json("hippo");
    assert_eq!(pc["spec"]["shutdown"], true);
    assert_eq!(
        pc["spec"]["instances"][0]["replicas"], 1,
        "create's fields stay too"
    );
    bed.pgo(&["start", "hippo", "-o", "json"]).ok();
    assert_eq!(bed.get_json("hippo")["spec"]["shutdown"], false);
}

#[test]
fn backup_sets_manual_and_annotation_and_checks_the_repo() {
    let Some(bed) = bed_with_hippo("backup", &[]) else {
        return;
    };
    bed.pgo(&[
        "backup",
        "hippo",
        "--repoName",
        "repo1",
        "--options",
        "--type=full",
    ])
    .ok()
    .stdout_has("backup to repo1 requested");
    let pc = bed.get_json("hippo");
    assert_eq!(
        pc["spec"]["backups"]["pgbackrest"]["manual"],
        json!({"repoName": "repo1", "options": ["--type=full"]})
    );
    assert!(pc["metadata"]["annotations"][annotations::PGBACKREST_BACKUP].is_string());
    assert_eq!(
        pc["spec"]["backups"]["pgbackrest"]["repos"][0]["name"],
        "repo1"
    );
    bed.fails(
        2,
        "backup hippo --repoName repo9",
        "has no repository \"repo9\"",
    );
    bed.create("nobackups", &["--no-backups"]);
    bed.fails(2, "backup nobackups", "backups are not configured");
}

#[test]
fn restore_needs_yes_without_a_terminal_then_sets_spec_and_annotation() {
    let Some(bed) = bed_with_hippo("restore", &[]) else {
        return;
    };
    bed.fails(2, "restore hippo --repoName repo1", "--yes");
    assert!(bed.get_json("hippo")["spec"]["backups"]["pgbackrest"]
        .get("restore")
        .is_none());
    bed.pgo(&[
        "restore",
        "hippo",
        "--repoName",
        "repo1",
        "--options",
        "--type=time",
        "--options",
        "--target=\"2024-01-01 12:00:00+00\"",
        "--yes",
    ])
    .ok();
    let pc = bed.get_json("hippo");
    assert_eq!(
        pc["spec"]["backups"]["pgbackrest"]["restore"],
        json!({"enabled": true, "repoName": "repo1",
               "options": ["--type=time", "--target=\"2024-01-01 12:00:00+00\""]})
    );
    assert!(pc["metadata"]["annotations"][annotations::PGBACKREST_RESTORE].is_string());
    bed.pgo(&["restore", "hippo", "--disable"]).ok();
    assert_eq!(
        bed.get_json("hippo")["spec"]["backups"]["pgbackrest"]["restore"]["enabled"],
        false
    );
    // Crunchy's spelling does the same.
    bed.pgo(&["restore", "hippo", "--repoName", "repo1", "--yes"])
        .ok();
    bed.pgo(&["restore", "disable", "hippo"])
        .ok()
        .stdout_has("restores disabled");
    assert_eq!(
        bed.get_json("hippo")["spec"]["backups"]["pgbackrest"]["restore"]["enabled"],
        false
    );
    bed.fails(
        2,
        "restore hippo --repoName repo7 --yes",
        "has no repository \"repo7\"",
    );
}

#[test]
fn delete_needs_yes_without_a_terminal() {
    let Some(bed) = bed_with_hippo("delete", &[]) else {
        return;
    };
    bed.pgo(&["delete", "hippo"]).expect(2).stderr_has("--yes");
    assert!(bed.get("hippo").is_some(), "must still exist");
    bed.pgo(&["delete", "hippo", "--yes"])
        .ok()
        .stdout_has("hippo deleted");
    let gone = bed
        .get("hippo")
        .is_none_or(|pc| pc.metadata.deletion_timestamp.is_some());
    assert!(gone);
}

#[test]
fn unknown_cluster_is_exit_1_naming_cluster_and_namespace() {
    let Some(bed) = bed("unknown") else { return };
    let expected = format!(
        "PostgresCluster \"ghost\" not found in namespace \"{}\"",
        bed.namespace
    );
    for args in [
        &["show", "ghost"][..],
        &["scale", "ghost", "--replicas", "2"],
        &["stop", "ghost"],
        &["switchover", "ghost"],
        &["backup", "ghost"],
        &["delete", "ghost", "--yes"],
    ] {
        bed.pgo(args).expect(1).stderr_has(&expected);
    }
}

#[test]
fn unreachable_api_server_is_a_clear_exit_1() {
    let Some(bed) = bed("unreachable") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("kpgo-unreachable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let kubeconfig = dir.join("config");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n    insecure-skip-tls-verify: true\n\
         users:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["show", "hippo", "-n", &bed.namespace])
        .env("KUBECONFIG", &kubeconfig)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let run = Run::from(out, &["show", "hippo (unreachable)"]);
    run.expect(1)
        .stderr_has("cannot reach the Kubernetes API server at https://127.0.0.1:1/")
        .stderr_has("hint:");
}

#[test]
fn apply_conflicts_name_the_owner_and_force_takes_over() {
    let Some(bed) = bed_with_hippo("conflict", &[]) else {
        return;
    };
    bed.pgo(&["stop", "hippo"]).ok();
    // GitOps takes spec.shutdown by force.
    let gitops = json!({
        "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
        "kind": "PostgresCluster",
        "metadata": {"name": "hippo"},
        "spec": {"shutdown": false}
    });
    bed.rt
        .block_on(bed.clusters().patch(
            "hippo",
            &PatchParams::apply("gitops").force(),
            &Patch::Apply(&gitops),
        ))
        .unwrap();
    bed.pgo(&["stop", "hippo"])
        .expect(1)
        .stderr_has(".spec.shutdown")
        .stderr_has("\"gitops\"")
        .stderr_has("re-run with --force-conflicts to take ownership");
    assert_eq!(bed.get_json("hippo")["spec"]["shutdown"], false);
    bed.pgo(&["stop", "hippo", "--force-conflicts"]).ok();
    assert_eq!(bed.get_json("hippo")["spec"]["shutdown"], true);
}

#[test]
fn partial_applies_work_on_a_cluster_made_elsewhere_and_own_only_their_fields() {
    let Some(bed) = bed("partial") else { return };
    // Made by another tool: kubectl-pgo owns nothing of it.
    let pc: PostgresCluster = serde_json::from_value(json!({
        "apiVersion": "postgres-operator.crunchydata.com/v1beta1",
        "kind": "PostgresCluster",
        "metadata": {"name": "hippo"},
        "spec": {"postgresVersion": 15, "instances": [{"name": "instance1",
            "dataVolumeClaimSpec": {"accessModes": ["ReadWriteOnce"],
                                    "resources": {"requests": {"storage": "1Gi"}}}}],
                 "backups": {"pgbackrest": {"repos": [{"name": "repo1"}]}}}
    }))
    .unwrap();
    let pp = PostParams {
        field_manager: Some("gitops".into()),
        ..Default::default()
    };
    bed.rt.block_on(bed.clusters().create(&pp, &pc)).unwrap();
    // The apply patches carry neither postgresVersion nor instances, which the schema requires:
    // the API server validates the merged object, so they are accepted.
    bed.pgo(&["stop", "hippo"]).ok();
    bed.pgo(&["backup", "hippo", "--options=--type=incr"]).ok();
    let live = bed.get("hippo").unwrap();
    let ours = live
        .metadata
        .managed_fields
        .unwrap_or_default()
        .into_iter()
        .find(|m| m.manager.as_deref() == Some("kubectl-pgo"))
        .expect("a kubectl-pgo entry");
    assert_eq!(ours.operation.as_deref(), Some("Apply"));
    let mut fields = serde_json::to_value(ours.fields_v1.unwrap()).unwrap();
    drop_self_markers(&mut fields);
    assert_eq!(
        fields["f:spec"],
        json!({"f:shutdown": {}, "f:backups": {"f:pgbackrest": {"f:manual": {
            "f:options": {}, "f:repoName": {}}}}}),
        "kubectl-pgo owns exactly what it set"
    );
    assert!(fields["f:metadata"]["f:annotations"]
        .get(format!("f:{}", annotations::PGBACKREST_BACKUP))
        .is_some());
    assert_eq!(bed.get_json("hippo")["spec"]["postgresVersion"], 15);
}

/// Remove fieldsV1's "." entries (the node itself), which servers write for some maps only.
fn drop_self_markers(v: &mut Value) {
    if let Value::Object(o) = v {
        o.remove(".");
        o.values_mut().for_each(drop_self_markers);
    }
}

#[test]
fn rbac_denials_say_forbidden() {
    let Some(bed) = bed_with_hippo("rbac", &[]) else {
        return;
    };
    // The same credentials, impersonating a user no role is bound to.
    let text = std::fs::read_to_string(&bed.kubeconfig).unwrap();
    let mut kc: Value = serde_yaml::from_str(&text).unwrap();
    for user in kc["users"].as_array_mut().unwrap() {
        user["user"]["as"] = json!("e2e-nobody");
    }
    let path = std::env::temp_dir().join(format!("kpgo-rbac-{}.kubeconfig", std::process::id()));
    std::fs::write(&path, serde_yaml::to_string(&kc).unwrap()).unwrap();
    let out = Command::new(BIN)
        .arg("--kubeconfig")
        .arg(&path)
        .args(["-n", &bed.namespace, "stop", "hippo"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run::from(out, &["stop hippo (as e2e-nobody)"])
        .expect(1)
        .stderr_has("forbidden")
        .stderr_has("RBAC");
    let _ = std::fs::remove_file(path);
    // --as impersonates the same way; with a group that may do everything, it works again.
    bed.pgo(&["stop", "hippo", "--as", "e2e-nobody"])
        .expect(1)
        .stderr_has("User \"e2e-nobody\" cannot");
    bed.pgo(&[
        "stop",
        "hippo",
        "--as",
        "e2e-nobody",
        "--as-group",
        "system:masters",
        "--request-timeout",
        "30s",
    ])
    .ok();
    assert_eq!(bed.get_json("hippo")["spec"]["shutdown"], true);
}

#[test]
fn version_client_needs_no_cluster_and_version_reads_agents() {
    let Some(bed) = bed("version") else { return };
    let out = Command::new(BIN)
        .args(["version", "--client"])
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .output()
        .unwrap();
    let run = Run::from(out, &["version", "--client"]);
    run.ok()
        .stdout_has(&format!("Client Version: {}", env!("CARGO_PKG_VERSION")));
    let run = bed.pgo(&["version", "-o", "json"]);
    run.ok();
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["clientVersion"], env!("CARGO_PKG_VERSION"));
    assert!(v["agents"].is_array());
}

#[test]
fn completion_scripts_and_cluster_names() {
    let Some(bed) = bed("complete") else { return };
    for shell in ["bash", "zsh", "fish", "powershell", "kubectl"] {
        bed.pgo(&["completion", shell]).ok();
    }
    bed.create("hippo", &[]);
    bed.create("hydra", &[]);
    let kc = bed.kubeconfig.to_str().unwrap();
    let out = Command::new(BIN)
        .args([
            "__complete",
            "--kubeconfig",
            kc,
            "-n",
            &bed.namespace,
            "show",
            "h",
        ])
        .output()
        .unwrap();
    let run = Run::from(out, &["__complete ... show h"]);
    run.ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines.contains(&"hippo") && lines.contains(&"hydra"),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.starts_with("ha\t")), "{lines:?}");
    assert_eq!(lines.last(), Some(&":4"));
    // Through kubectl's plugin mechanism: kubectl_complete-pgo on PATH.
    let helper = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../completions");
    let bin_dir = PathBuf::from(BIN).parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}:{}",
        helper.display(),
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(helper.join("kubectl_complete-pgo"))
        .args(["--kubeconfig", kc, "-n", &bed.namespace, "scale", ""])
        .env("PATH", &path)
        .output()
        .unwrap();
    let run = Run::from(out, &["kubectl_complete-pgo scale"]);
    run.ok().stdout_has("hippo\n").stdout_has("hydra\n");
}

#[test]
fn works_as_a_kubectl_plugin() {
    let Some(bed) = bed("plugin") else { return };
    if Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_err()
    {
        eprintln!("skipped: kubectl not installed");
        return;
    }
    // kubectl finds plugins as `kubectl-NAME` on PATH.
    let dir = std::env::temp_dir().join(format!("kpgo-plugin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("kubectl-pgo");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(BIN, &link).unwrap();
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("kubectl")
        .args(["pgo", "--help"])
        .env("PATH", &path)
        .output()
        .unwrap();
    Run::from(out, &["kubectl pgo --help"])
        .ok()
        .stdout_has("Create, inspect and operate PostgresClusters");
    bed.create("hippo", &[]);
    let out = Command::new("kubectl")
        .args([
            "pgo",
            "--kubeconfig",
            bed.kubeconfig.to_str().unwrap(),
            "-n",
            &bed.namespace,
            "show",
            "hippo",
        ])
        .env("PATH", &path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run::from(out, &["kubectl pgo show hippo"])
        .ok()
        .stdout_has("PostgresCluster hippo");
}

#[test]
fn show_reads_patroni_from_real_pods_when_an_agent_runs() {
    let Some(bed) = bed("live") else { return };
    let run = bed.pgo(&["version", "-o", "json"]);
    let v: Value = serde_json::from_str(&run.ok().stdout).unwrap();
    if v["agents"].as_array().is_none_or(|a| a.is_empty()) {
        eprintln!("skipped: no pgo-agent Deployment in the bed, so no Postgres pods");
        return;
    }
    let run = bed.pgo(&[
        "create",
        "cluster",
        "hippo",
        "--replicas",
        "2",
        "--no-backups",
        "--wait",
        "--timeout",
        "4m",
    ]);
    run.ok().stdout_has("created and Ready");
    let run = bed.pgo(&["show", "hippo", "-o", "json"]);
    let view: Value = serde_json::from_str(&run.ok().stdout).unwrap();
    assert!(
        view["source"] == "patroni" || view["source"] == "patronictl",
        "Patroni's view expected: {view:#}"
    );
    let instances = view["instances"].as_array().unwrap();
    assert_eq!(instances.len(), 2, "{view:#}");
    let primary = instances
        .iter()
        .find(|i| i["role"] == "primary")
        .expect("a primary");
    assert_eq!(primary["ready"], "true");
    assert!(primary["timeline"].as_i64().is_some(), "{view:#}");
    assert_eq!(view["primary"], primary["pod"]);
    bed.pgo(&["show", "hippo"])
        .ok()
        .stdout_has("primary")
        .stdout_has("AllInstancesReady");
    let ha = bed.pgo(&["show", "ha", "hippo"]);
    ha.ok().stdout_has("Leader").stdout_has("Replica");
    psql_reaches_the_right_pod_as_the_right_role(&bed);

    // A switchover to the replica's instance moves the primary there.
    let replica = instances.iter().find(|i| i["role"] != "primary").unwrap()["pod"]
        .as_str()
        .unwrap()
        .to_string();
    let instance = replica.trim_end_matches("-0");
    bed.pgo(&["switchover", "hippo", "--to", instance]).ok();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let view: Value =
            serde_json::from_str(&bed.pgo(&["show", "hippo", "-o", "json"]).ok().stdout).unwrap();
        if view["primary"] == replica.as_str() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the primary did not move to {replica}: {view:#}"
        );
        std::thread::sleep(Duration::from_secs(2));
    }
    // `logs -f` follows both pods through the restart.
    let log_file = std::env::temp_dir().join(format!("kpgo-logs-{}.txt", std::process::id()));
    let mut follower = Command::new(BIN)
        .arg("--kubeconfig")
        .arg(&bed.kubeconfig)
        .args(["-n", &bed.namespace, "logs", "hippo", "-f", "--timestamps"])
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log_file).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let replaced_at = restart_replaces_every_instance_pod_one_at_a_time(&bed);
    // Patroni logs at least once a loop (10 s).
    std::thread::sleep(Duration::from_secs(12));
    let _ = follower.kill();
    let _ = follower.wait();
    let followed = std::fs::read_to_string(&log_file).unwrap_or_default();
    let _ = std::fs::remove_file(&log_file);
    for (pod, at) in &replaced_at {
        let after = followed.lines().any(|l| {
            let mut words = l.split(' ');
            words.next() == Some(&format!("{pod}/database"))
                && words
                    .next()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .is_some_and(|t| t > *at)
        });
        assert!(
            after,
            "logs -f printed nothing of {pod}'s new container after {at}:\n{followed}"
        );
    }
    // Without -f: both pods, merged, each line prefixed; a missing container is exit 2.
    let tail = bed.pgo(&["logs", "hippo", "--tail", "5"]);
    for pod in replaced_at.keys() {
        tail.ok().stdout_has(&format!("{pod}/database "));
    }
    bed.fails(2, "logs hippo -c nope", "invalid --container");
}

/// `restart` on the live 2-instance hippo: both pods are replaced, never both at once, and
/// the cluster ends Ready with one primary.
fn restart_replaces_every_instance_pod_one_at_a_time(
    bed: &Bed,
) -> std::collections::BTreeMap<String, chrono::DateTime<chrono::Utc>> {
    let mut replaced_at = std::collections::BTreeMap::new();
    use k8s_openapi::api::core::v1::Pod;
    let pods: Api<Pod> = Api::namespaced(bed.client.clone(), &bed.namespace);
    let selector = "postgres-operator.crunchydata.com/cluster=hippo,postgres-operator.crunchydata.com/data=postgres";
    let list = || {
        bed.rt
            .block_on(pods.list(&kube::api::ListParams::default().labels(selector)))
            .unwrap()
            .items
    };
    let ready = |p: &Pod| {
        p.metadata.deletion_timestamp.is_none()
            && p.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
    };
    let before: Vec<String> = list()
        .iter()
        .filter_map(|p| p.metadata.uid.clone())
        .collect();
    assert_eq!(before.len(), 2);
    bed.pgo(&["restart", "hippo"])
        .ok()
        .stdout_has("rolling restart requested");
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let now = list();
        let ready_count = now.iter().filter(|p| ready(p)).count();
        assert!(
            ready_count >= 1 || now.len() < 2,
            "both instances down at once: {now:?}"
        );
        let replaced = now
            .iter()
            .filter(|p| ready(p) && !before.contains(p.metadata.uid.as_ref().unwrap()))
            .inspect(|p| {
                let name = p.metadata.name.clone().unwrap_or_default();
                replaced_at.entry(name).or_insert_with(chrono::Utc::now);
            })
            .count();
        let pc = bed.get_json("hippo");
        let condition = |t: &str| {
            pc["status"]["conditions"]
                .as_array()
                .and_then(|c| c.iter().find(|c| c["type"] == t).cloned())
                .unwrap_or_default()
        };
        let rolling = condition("Progressing")["reason"] == "RollingUpdate";
        if replaced == 2 && condition("Ready")["status"] == "True" && !rolling {
            return replaced_at;
        }
        assert!(
            Instant::now() < deadline,
            "the restart did not replace both pods: {replaced} of 2; {:#}",
            pc["status"]
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// `psql` on the live 2-instance hippo: the primary by default, a replica when asked, a user's
/// role and database, stdin without a terminal, psql's exit code, and a terminal through tmux.
fn psql_reaches_the_right_pod_as_the_right_role(bed: &Bed) {
    let at = |extra: &[&str], sql: &str| {
        let mut args = vec!["psql", "hippo"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", "-At", "-c", sql]);
        bed.pgo(&args).ok().stdout.trim().to_string()
    };
    assert_eq!(
        at(&[], "select pg_is_in_recovery()"),
        "f",
        "the primary by default"
    );
    assert_eq!(at(&["--replica"], "select pg_is_in_recovery()"), "t");
    assert_eq!(
        at(
            &["--user", "hippo"],
            "select current_user || ' ' || current_database()"
        ),
        "hippo hippo",
        "the default user's role and database"
    );
    // Without a terminal, stdin is psql's.
    let mut child = Command::new(BIN)
        .arg("--kubeconfig")
        .arg(&bed.kubeconfig)
        .args(["-n", &bed.namespace, "psql", "hippo", "--", "-At"])
        .env_remove("KUBECONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"select 40 + 2;\n").unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "42");
    // psql's own exit code, and bad input is exit 2 naming the flag.
    bed.pgo(&["psql", "hippo", "--", "-c", "select nonsense"])
        .expect(1);
    bed.fails(
        2,
        "psql hippo --instance hippo-nope-abcd",
        "invalid --instance",
    );
    bed.fails(2, "psql hippo --user Bad;User", "invalid --user");
    // With a terminal: an interactive session.
    let t = Tmux::start(
        "psql",
        &format!(
            "{BIN} --kubeconfig {} -n {} psql hippo; echo PSQL-EXIT=$?; sleep 600",
            bed.kubeconfig.display(),
            bed.namespace
        ),
        20,
    );
    t.wait_for("postgres=#");
    // (A word ending in ";" would be a command separator for tmux.)
    t.keys(&["select 6 * 7 as answer; ", "Enter"]);
    t.wait_for("42");
    t.keys(&["\\q", "Enter"]);
    t.wait_for("PSQL-EXIT=0");
}

#[test]
fn support_export_holds_no_password() {
    let Some(bed) = bed("support") else { return };
    let run = bed.pgo(&["version", "-o", "json"]);
    let v: Value = serde_json::from_str(&run.ok().stdout).unwrap();
    if v["agents"].as_array().is_none_or(|a| a.is_empty()) {
        eprintln!("skipped: no pgo-agent Deployment in the bed, so no user Secret");
        return;
    }
    bed.pgo(&[
        "create",
        "cluster",
        "hippo",
        "--no-backups",
        "--wait",
        "--timeout",
        "4m",
    ])
    .ok();
    let secrets: Api<Secret> = Api::namespaced(bed.client.clone(), &bed.namespace);
    let secret = bed
        .rt
        .block_on(secrets.get("hippo-pguser-hippo"))
        .expect("the agent made the user's Secret");
    let data = secret.data.unwrap_or_default();
    let value =
        |k: &str| String::from_utf8(data.get(k).map(|b| b.0.clone()).unwrap_or_default()).unwrap();
    let password = value("password");
    assert!(password.len() >= 8, "a real password expected");
    let verifier = value("verifier");

    let dir = std::env::temp_dir().join(format!("kpgo-support-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hippo.tar.gz");
    let file_arg = file.display().to_string();
    let run = bed.pgo(&[
        "support", "export", "hippo", "--file", &file_arg, "-o", "json",
    ]);
    let summary: Value = serde_json::from_str(&run.ok().stdout).unwrap();
    assert_eq!(summary["path"], file_arg.as_str());
    assert_eq!(summary["bytes"], std::fs::metadata(&file).unwrap().len());
    // Never over an existing file.
    bed.pgo(&["support", "export", "hippo", "--file", &file_arg])
        .expect(2)
        .stderr_has("already exists");

    let gz = std::fs::read(&file).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&gz[..]));
    let mut names = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
        assert!(!text.contains(&password), "the password is in {name}");
        if let Some((_, secret_part)) = verifier.split_once('$') {
            assert!(!text.contains(secret_part), "the verifier is in {name}");
        }
        if name.ends_with("/hippo/secrets.yaml") {
            assert!(
                text.contains("hippo-pguser-hippo") && text.contains("- password"),
                "{text}"
            );
        }
        names.push(name);
    }
    assert_eq!(summary["files"], names.len());
    for wanted in [
        "hippo/README.txt",
        "/hippo/postgrescluster.yaml",
        "/hippo/events.yaml",
        "/hippo/patronictl-list.txt",
        "/database.log",
        "/hippo/statefulsets/",
    ] {
        assert!(
            names.iter().any(|n| n.contains(wanted)),
            "no {wanted} in {names:#?}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

// ---------------------------------------------------------------------------------------------
// The wizard, through a real terminal (tmux).

struct Tmux {
    session: String,
}

impl Tmux {
    /// A detached 160-column tmux session of `rows` rows running `shell_cmd`.
    fn start(name: &str, shell_cmd: &str, rows: u16) -> Tmux {
        let session = format!("kpgo-{name}-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &session, "-x", "160", "-y"])
            .arg(rows.to_string())
            .arg(shell_cmd)
            .env_remove("TMUX")
            .status()
            .unwrap();
        assert!(status.success());
        Tmux { session }
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args([
                "capture-pane",
                "-p",
                "-J",
                "-S",
                "-100",
                "-t",
                &self.session,
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into()
    }

    /// Whether the pane shows its cursor (programs hide it with `ESC [?25l`).
    fn cursor_visible(&self) -> bool {
        let out = Command::new("tmux")
            .args(["display", "-p", "-t", &self.session, "#{cursor_flag}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {text:?}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
    }
}

#[test]
fn delete_asks_on_a_terminal_and_no_keeps_the_cluster() {
    let Some(bed) = bed_with_hippo("delete-tty", &[]) else {
        return;
    };
    let t = Tmux::start(
        "delete",
        &format!(
            "{BIN} --kubeconfig {} -n {} delete hippo; echo DELETE-EXIT=$?; sleep 600",
            bed.kubeconfig.display(),
            bed.namespace
        ),
        20,
    );
    t.wait_for("Delete PostgresCluster hippo in namespace");
    t.keys(&["n"]);
    let screen = t.wait_for("DELETE-EXIT=");
    assert!(
        screen.contains("cancelled: nothing was deleted"),
        "{screen}"
    );
    assert!(screen.contains("DELETE-EXIT=1"), "{screen}");
    assert!(bed.get("hippo").is_some());
}

#[test]
fn wizard_asks_validates_summarizes_and_creates() {
    let Some(bed) = bed("wizard") else { return };
    if Command::new("tmux").arg("-V").output().is_err() {
        panic!("tmux is needed for the wizard test: apt-get install -y tmux");
    }
    let t = Tmux::start(
        "wizard",
        &format!(
            "{BIN} --kubeconfig {} -n {} create; echo WIZARD-EXIT=$?; sleep 600",
            bed.kubeconfig.display(),
            bed.namespace
        ),
        50,
    );
    t.wait_for("Cluster name");
    // An invalid answer is refused on the spot, with the reason.
    t.keys(&["Bad_Name", "Enter"]);
    t.wait_for("must be lowercase letters");
    t.keys(&["C-u", "wizard-pg", "Enter"]);
    t.wait_for("PostgreSQL major version");
    t.keys(&["Enter"]);
    t.wait_for("Number of instances");
    t.keys(&["C-u", "2", "Enter"]);
    t.wait_for("Storage size");
    t.keys(&["C-u", "2Gi", "Enter"]);
    t.wait_for("StorageClass");
    t.keys(&["Enter"]);
    t.wait_for("Postgres user");
    t.keys(&["app", "Enter"]);
    t.wait_for("Database owned by that user");
    t.keys(&["appdb", "Enter"]);
    t.wait_for("Back up with pgBackRest");
    t.keys(&["n"]);
    t.wait_for("Pool connections with PgBouncer");
    t.keys(&["n"]);
    let screen = t.wait_for("Create this PostgresCluster?");
    for line in [
        "Name       wizard-pg",
        "PostgreSQL 15",
        "Instances  2 in set instance1",
        "Storage    2Gi (default StorageClass)",
        "Users      app",
        "Databases  appdb",
        "Backups    none",
        "Pooler     none",
    ] {
        assert!(screen.contains(line), "summary lacks {line:?}:\n{screen}");
    }
    t.keys(&["y"]);
    let screen = t.wait_for("WIZARD-EXIT=");
    assert!(screen.contains("WIZARD-EXIT=0"), "{screen}");
    assert!(screen.contains("wizard-pg created"), "{screen}");

    // The created cluster is what `create cluster` with the same flags would build.
    let created = bed.get_json("wizard-pg");
    let dry = bed.pgo(&[
        "create",
        "cluster",
        "wizard-pg",
        "--replicas",
        "2",
        "--storage-size",
        "2Gi",
        "--user",
        "app",
        "--database",
        "appdb",
        "--no-backups",
        "--dry-run",
        "-o",
        "json",
    ]);
    dry.ok();
    let manifest: Value = serde_json::from_str(&dry.stdout).unwrap();
    assert_eq!(created["spec"], manifest["spec"]);
}

#[test]
fn wizard_ctrl_c_shows_the_cursor_again_and_creates_nothing() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let t = Tmux::start(
        "wizard-ctrl-c",
        &format!("{BIN} create --dry-run; echo WIZARD-EXIT=$?; sleep 600"),
        30,
    );
    t.wait_for("Cluster name");
    t.keys(&["ctrlc", "Enter"]);
    // A choice: dialoguer hides the cursor while it is open.
    t.wait_for("PostgreSQL major version");
    let deadline = Instant::now() + Duration::from_secs(5);
    while t.cursor_visible() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.cursor_visible(), "the choice should hide the cursor");
    t.keys(&["C-c"]);
    let screen = t.wait_for("WIZARD-EXIT=");
    assert!(
        screen.contains("cancelled: nothing was created"),
        "{screen}"
    );
    assert!(screen.contains("WIZARD-EXIT=1"), "{screen}");
    assert!(t.cursor_visible(), "the cursor is still hidden:\n{screen}");
    assert!(
        !screen.contains("apiVersion"),
        "nothing may be printed:\n{screen}"
    );
}
