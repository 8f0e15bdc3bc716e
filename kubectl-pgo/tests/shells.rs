//! Completion through the real shells, with the committed scripts in `completions/`:
//! - bash: the registered completion function, with COMP_LINE/COMP_POINT/COMP_WORDS/COMP_CWORD
//!   set the way readline sets them (it splits words at `=` and `:` too);
//! - zsh: an interactive `zsh -f` in a zpty, compinit loaded, the line typed and TAB pressed;
//!   `compadd` is wrapped to record what the completion system offers;
//! - fish: `complete -C LINE`.
//!
//! For `kubectl pgo`, the same shells run kubectl's own completion, which (kubectl 1.26+) calls
//! `completions/kubectl_complete-pgo`. A test whose shell (or kubectl) is missing says
//! "skipped" and passes. With PGO_BED_KUBECONFIG, cluster names come from the test bed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-pgo");

fn completions() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../completions")
}

/// The built binary and `kubectl_complete-pgo` first on PATH.
fn path() -> String {
    let bin_dir = Path::new(BIN).parent().unwrap();
    format!(
        "{}:{}:{}",
        bin_dir.display(),
        completions().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn installed(program: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: {program} is not installed");
    }
    found
}

/// Runs `program args`, with `kubeconfig` (or none at all) as KUBECONFIG.
fn run(program: &str, args: &[&str], kubeconfig: Option<&str>) -> String {
    let mut cmd = Command::new(program);
    cmd.args(args).env("PATH", path()).env("HOME", tmp("home"));
    match kubeconfig {
        Some(k) => cmd.env("KUBECONFIG", k),
        None => cmd.env("KUBECONFIG", "/nonexistent"),
    };
    let out = cmd.output().expect("run the shell");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kpgo-shells-{}", std::process::id()));
    let p = dir.join(name);
    std::fs::create_dir_all(&p).unwrap();
    p
}

/// readline's words: split at blanks, and `=` and `:` are words of their own.
fn readline_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    for blank in line.split_whitespace() {
        let mut word = String::new();
        for c in blank.chars() {
            if c == '=' || c == ':' {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                words.push(c.to_string());
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    if line.ends_with(' ') {
        words.push(String::new());
    }
    words
}

const BASH_DRIVER: &str = r#"
setup=$1 line=$2; shift 2
eval "$setup"
COMP_LINE=$line COMP_POINT=${#line}
COMP_WORDS=("$@") COMP_CWORD=$(($# - 1))
fn=$(complete -p "${COMP_WORDS[0]}" | sed -E 's/.* -F ([^ ]+) .*/\1/')
prev=""; [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "$prev"
printf '%s\n' "${COMPREPLY[@]}"
"#;

/// What bash offers for `line`, after running `setup` (which registers the completion).
fn bash(setup: &str, line: &str, kubeconfig: Option<&str>) -> Vec<String> {
    let mut args = vec![
        "--norc",
        "--noprofile",
        "-c",
        BASH_DRIVER,
        "bash",
        setup,
        line,
    ];
    let words = readline_words(line);
    args.extend(words.iter().map(String::as_str));
    lines(&run("bash", &args, kubeconfig))
}

const ZSH_DRIVER: &str = r#"
zmodload zsh/zpty
setup=$1 line=$2 out=$3
zpty z zsh -f -i
zpty -w z "PS1='>'; autoload -Uz compinit; compinit -u -D; $setup"
zpty -w z "compadd() { local -a h; builtin compadd -O h \"\$@\"; print -rl -- \$h >> $out; builtin compadd \"\$@\"; }"
zpty -w z "print RE''ADY"
zpty -r z x '*READY*'
zpty -w -n z "$line"$'\t'
# Typing on before the completion has run can make zsh skip it: wait for its first answer.
for i in {1..40}; do [[ -s $out ]] && break; sleep 0.1; done
zpty -w -n z $'\C-u'
zpty -w z "print DO''NE"
zpty -r z x '*DONE*'
zpty -d z
"#;

/// What zsh's completion system offers when TAB is pressed after `line`.
fn zsh(setup: &str, line: &str, kubeconfig: Option<&str>) -> Vec<String> {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let out = tmp("zsh").join(format!("{n}.out"));
    let _ = std::fs::remove_file(&out);
    let out_s = out.to_str().unwrap();
    run(
        "timeout",
        &[
            "20", "zsh", "-f", "-c", ZSH_DRIVER, "zsh", setup, line, out_s,
        ],
        kubeconfig,
    );
    let mut got = lines(&std::fs::read_to_string(&out).unwrap_or_default());
    got.dedup();
    let mut seen = std::collections::BTreeSet::new();
    got.retain(|c| seen.insert(c.clone()));
    got
}

/// What fish offers for `line` (candidates without their descriptions).
fn fish(setup: &str, line: &str, kubeconfig: Option<&str>) -> Vec<String> {
    let script = format!("{setup}; complete -C {}", fish_quote(line));
    let out = run("fish", &["--no-config", "-c", &script], kubeconfig);
    lines(&out)
        .into_iter()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect()
}

fn fish_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

const BASH_COMPLETION: &str = "/usr/share/bash-completion/bash_completion";

/// Whether kubectl's completion can run in `shell` here.
fn kubectl_ready(shell: Shell) -> bool {
    if !installed(shell.name()) {
        return false;
    }
    let ok = !matches!(shell, Shell::Bash) || Path::new(BASH_COMPLETION).exists();
    if !ok {
        eprintln!("skipped: kubectl's bash completion needs bash-completion ({BASH_COMPLETION})");
    }
    ok
}

#[derive(Clone, Copy, Debug)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    const ALL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

    fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }

    /// Loads `completions/` for kubectl-pgo.
    fn plugin_setup(self) -> String {
        let dir = completions();
        match self {
            Shell::Bash => format!("source {}/kubectl-pgo.bash", dir.display()),
            Shell::Zsh => format!("source {}/_kubectl-pgo", dir.display()),
            Shell::Fish => format!("source {}/kubectl-pgo.fish", dir.display()),
        }
    }

    /// Loads kubectl's own completion, which hands `kubectl pgo ...` to kubectl_complete-pgo.
    fn kubectl_setup(self) -> String {
        match self {
            // kubectl's bash script needs bash-completion's _get_comp_words_by_ref.
            Shell::Bash => format!("source {BASH_COMPLETION}; source <(kubectl completion bash)"),
            Shell::Zsh => "source <(kubectl completion zsh)".into(),
            Shell::Fish => "kubectl completion fish | source".into(),
        }
    }

    fn complete(self, setup: &str, line: &str, kubeconfig: Option<&str>) -> Vec<String> {
        match self {
            Shell::Bash => bash(setup, line, kubeconfig),
            Shell::Zsh => zsh(setup, line, kubeconfig),
            Shell::Fish => fish(setup, line, kubeconfig),
        }
    }
}

fn has_all(got: &[String], want: &[&str], what: &str) {
    for w in want {
        assert!(
            got.iter().any(|g| g == w),
            "{what}: {w:?} missing in {got:?}"
        );
    }
}

/// Subcommands, flags and fixed values, below the first word, in each shell.
fn static_cases(shell: Shell, setup: &str, cmd: &str) {
    let what = |line: &str| format!("{} `{line}`", shell.name());
    let c = |rest: &str| {
        let line = format!("{cmd} {rest}");
        (shell.complete(setup, &line, None), what(&line))
    };
    let (got, w) = c("sh");
    has_all(&got, &["show"], &w);
    assert!(!got.iter().any(|g| g == "scale"), "{w}: {got:?}");
    let (got, w) = c("show ");
    has_all(&got, &["ha", "user", "backup"], &w);
    let (got, w) = c("scale hippo --re");
    has_all(&got, &["--replicas"], &w);
    let (got, w) = c("switchover hippo --type ");
    has_all(&got, &["Switchover", "Failover"], &w);
    let (got, w) = c("show hippo -o ");
    has_all(&got, &["table", "json", "yaml"], &w);
    let (got, w) = c("create cluster hippo --pg");
    has_all(&got, &["--pg-version"], &w);
}

#[test]
fn kubectl_pgo_binary_completes_below_the_first_word() {
    for shell in Shell::ALL {
        if installed(shell.name()) {
            static_cases(shell, &shell.plugin_setup(), "kubectl-pgo");
        }
    }
}

#[test]
fn flag_equals_value_completes_in_bash_and_fish() {
    // bash replaces only its last word (`j` after `=`); fish and zsh the whole word.
    if installed("bash") {
        let got = bash(
            &Shell::Bash.plugin_setup(),
            "kubectl-pgo show hippo --output=j",
            None,
        );
        assert_eq!(got, ["json"]);
    }
    if installed("fish") {
        let got = fish(
            &Shell::Fish.plugin_setup(),
            "kubectl-pgo show hippo --output=j",
            None,
        );
        assert_eq!(got, ["--output=json"]);
    }
}

#[test]
fn kubectl_pgo_through_kubectl_completes_below_the_first_word() {
    if !installed("kubectl") {
        return;
    }
    for shell in Shell::ALL {
        if kubectl_ready(shell) {
            static_cases(shell, &shell.kubectl_setup(), "kubectl pgo");
        }
    }
}

const NAMESPACE: &str = "cli-complete";

fn kubectl(kubeconfig: &str, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run kubectl");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

/// Cluster names from the bed: `show <TAB>` offers the cluster in namespace cli-complete, in
/// every shell, for kubectl-pgo and for `kubectl pgo`.
#[test]
fn cluster_names_come_from_the_bed() {
    let Ok(kc) = std::env::var("PGO_BED_KUBECONFIG") else {
        eprintln!("skipped: PGO_BED_KUBECONFIG not set");
        return;
    };
    if !installed("kubectl") {
        return;
    }
    let manifest = format!(
        "apiVersion: postgres-operator.crunchydata.com/v1beta1\nkind: PostgresCluster\n\
         metadata: {{name: tabby, namespace: {NAMESPACE}}}\n\
         spec:\n  postgresVersion: 15\n  instances:\n  - name: instance1\n    \
         dataVolumeClaimSpec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}\n"
    );
    let ns = format!("{{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{{\"name\":\"{NAMESPACE}\"}}}}");
    let applied = kubectl(&kc, &["apply", "-f", "-"], Some(&ns));
    assert!(applied.status.success(), "{applied:?}");
    let applied = kubectl(&kc, &["apply", "-f", "-"], Some(&manifest));
    assert!(applied.status.success(), "{applied:?}");

    let result = std::panic::catch_unwind(|| {
        for shell in Shell::ALL.into_iter().filter(|s| installed(s.name())) {
            let mut setups = vec![(shell.plugin_setup(), "kubectl-pgo")];
            if kubectl_ready(shell) {
                setups.push((shell.kubectl_setup(), "kubectl pgo"));
            }
            for (setup, cmd) in setups {
                let line = format!("{cmd} -n {NAMESPACE} show ");
                let start = Instant::now();
                let got = shell.complete(&setup, &line, Some(&kc));
                let what = format!("{} `{line}` ({:?})", shell.name(), start.elapsed());
                has_all(&got, &["tabby", "ha"], &what);
                let line = format!("{cmd} -n {NAMESPACE} scale ta");
                let got = shell.complete(&setup, &line, Some(&kc));
                has_all(&got, &["tabby"], &format!("{} `{line}`", shell.name()));
                let line = format!("{cmd} -n {NAMESPACE} scale tabby --instance-set ");
                let got = shell.complete(&setup, &line, Some(&kc));
                has_all(&got, &["instance1"], &format!("{} `{line}`", shell.name()));
                let line = format!("{cmd} -n cli-comp");
                let got = shell.complete(&setup, &line, Some(&kc));
                has_all(&got, &[NAMESPACE], &format!("{} `{line}`", shell.name()));
            }
        }
    });
    kubectl(
        &kc,
        &["delete", "namespace", NAMESPACE, "--wait=false"],
        None,
    );
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

/// An unreachable API server: no candidates, nothing on stderr, back within the timeout.
#[test]
fn unreachable_server_is_quiet_and_quick() {
    let dir = tmp("unreachable");
    let kc = dir.join("kubeconfig");
    // 10.255.255.1 drops packets: the connection hangs until the timeout.
    std::fs::write(
        &kc,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://10.255.255.1:6443'}\n\
         contexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: x}\n",
    )
    .unwrap();
    let start = Instant::now();
    let out = Command::new(BIN)
        .args(["__complete", "show", ""])
        .env("KUBECONFIG", &kc)
        .output()
        .unwrap();
    let took = start.elapsed();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.ends_with(":4\n") && stdout.contains("ha\t"),
        "{stdout}"
    );
    assert!(took < Duration::from_millis(2600), "took {took:?}");
}
