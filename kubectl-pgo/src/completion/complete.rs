//! `__complete WORDS... PARTIAL`: cobra's completion protocol, which kubectl uses for plugins and
//! which the bash, zsh and fish scripts call. `main` catches `__complete` before clap parses, so
//! it stays out of help. Here: walk the clap command tree over the words (pure) and say what to
//! offer; [`super::fetch`] asks the API server for the names that need it.

use clap::{Arg, Command};

use crate::global::GlobalArgs;

/// The first argument that selects dynamic completion.
pub const COMPLETE: &str = "__complete";

/// Cobra's directives.
pub const DIRECTIVE_DEFAULT: u32 = 0;
pub const DIRECTIVE_NO_FILE: u32 = 4;

/// Candidates that need the API server; the string is the cluster they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dynamic {
    Clusters,
    Namespaces,
    /// Instance names (`switchover --to`).
    Instances(String),
    /// Instance set names in the spec (`scale --instance-set`).
    Sets(String),
    /// Repository names in the spec (`--repoName`).
    Repos(String),
    /// pgBackRest backup labels (`restore --options=--set=`).
    BackupLabels(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Candidate and description.
    pub items: Vec<(String, String)>,
    pub dynamic: Option<Dynamic>,
    pub directive: u32,
    /// The part of the word being completed that candidates must start with.
    pub prefix: String,
    /// Put before every candidate: the `--flag=` of a word like `--flag=val`.
    pub insert: String,
}

fn find_long<'a>(cmd: &'a Command, name: &str) -> Option<&'a Arg> {
    cmd.get_arguments().find(|a| {
        a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|al| al.contains(&name))
    })
}

fn find_short(cmd: &Command, c: char) -> Option<&Arg> {
    cmd.get_arguments().find(|a| a.get_short() == Some(c))
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_num_args().is_some_and(|n| n.takes_values()) && arg.get_action().takes_values()
}

fn help(arg_or_cmd: Option<&clap::builder::StyledStr>) -> String {
    arg_or_cmd
        .map(|h| h.to_string())
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

fn possible_values(arg: &Arg) -> Vec<(String, String)> {
    arg.get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| (v.get_name().to_string(), help(v.get_help())))
        .collect()
}

/// Where the walk over the words ended.
struct Walk<'a> {
    cmd: &'a Command,
    /// How many positionals of `cmd` are filled.
    positional: usize,
    /// The flag whose value is being typed.
    pending: Option<&'a Arg>,
    /// The cluster the command acts on, once its NAME (or `-c NAME`) is known.
    cluster: Option<String>,
    /// Under `create`, NAME is a new name: nothing to look up.
    creating: bool,
}

fn walk<'a>(root: &'a Command, before: &[String]) -> Walk<'a> {
    let mut w = Walk {
        cmd: root,
        positional: 0,
        pending: None,
        cluster: None,
        creating: false,
    };
    for word in before {
        if let Some(arg) = w.pending.take() {
            if arg.get_id() == "cluster" {
                w.cluster = Some(word.clone());
            }
            continue;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if let Some(arg) = find_long(w.cmd, name) {
                match inline {
                    Some(v) if arg.get_id() == "cluster" => w.cluster = Some(v.to_string()),
                    None if takes_value(arg) => w.pending = Some(arg),
                    _ => {}
                }
            }
        } else if word.len() > 1 && word.starts_with('-') {
            let c = word.chars().nth(1).unwrap_or('-');
            if let Some(arg) = find_short(w.cmd, c) {
                if takes_value(arg) && word.len() == 2 {
                    w.pending = Some(arg);
                } else if arg.get_id() == "cluster" {
                    w.cluster = Some(word[2..].trim_start_matches('=').to_string());
                }
            }
        } else if let Some(sub) = w.cmd.get_subcommands().find(|s| {
            w.positional == 0 && (s.get_name() == word || s.get_all_aliases().any(|a| a == word))
        }) {
            w.creating |= sub.get_name() == "create";
            w.cmd = sub;
            w.positional = 0;
        } else {
            let id = w
                .cmd
                .get_positionals()
                .nth(w.positional)
                .map(|a| a.get_id());
            if id.is_some_and(|id| id == "name") && !w.creating {
                w.cluster = Some(word.clone());
            }
            w.positional += 1;
        }
    }
    w
}

/// Candidates for the value of `arg`, typed as `value`.
fn value_of(arg: &Arg, w: &Walk, value: &str, out: &mut Completion) {
    let cluster = w.cluster.clone();
    let id = arg.get_id().as_str();
    out.dynamic = match (id, cluster) {
        ("namespace", _) => Some(Dynamic::Namespaces),
        ("cluster", _) => Some(Dynamic::Clusters),
        ("to" | "instance", Some(c)) => Some(Dynamic::Instances(c)),
        ("instance_set", Some(c)) if !w.creating => Some(Dynamic::Sets(c)),
        ("repo_name", Some(c)) => Some(Dynamic::Repos(c)),
        ("options", Some(c)) if value.starts_with("--set=") => {
            out.insert.push_str("--set=");
            out.prefix = value["--set=".len()..].to_string();
            Some(Dynamic::BackupLabels(c))
        }
        _ => None,
    };
    match id {
        "kubeconfig" => out.directive = DIRECTIVE_DEFAULT,
        "options" if out.dynamic.is_none() => {
            out.items = vec![("--set=".into(), "a backup label (restore)".into())];
        }
        _ => out.items = possible_values(arg),
    }
}

/// What to offer for `words` (the last one is being typed) in the command tree `root`. No I/O.
pub fn complete(mut root: Command, words: &[String]) -> Completion {
    root.build();
    let (current, before) = match words.split_last() {
        Some((c, b)) => (c.clone(), b),
        None => (String::new(), &[][..]),
    };
    let w = walk(&root, before);
    let mut out = Completion {
        items: vec![],
        dynamic: None,
        directive: DIRECTIVE_NO_FILE,
        prefix: current.clone(),
        insert: String::new(),
    };
    let inline = current
        .strip_prefix("--")
        .and_then(|l| l.split_once('='))
        .and_then(|(name, v)| find_long(w.cmd, name).map(|a| (a, name, v)))
        .filter(|(a, _, _)| takes_value(a));
    if let Some(arg) = w.pending {
        value_of(arg, &w, &current, &mut out);
    } else if let Some((arg, name, value)) = inline {
        out.insert = format!("--{name}=");
        out.prefix = value.to_string();
        value_of(arg, &w, value, &mut out);
    } else if current.starts_with('-') {
        for arg in w.cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                out.items.push((format!("--{long}"), help(arg.get_help())));
            }
        }
    } else {
        if w.positional == 0 {
            for sub in w.cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                if sub.get_name() != "help" {
                    out.items
                        .push((sub.get_name().to_string(), help(sub.get_about())));
                }
            }
        }
        if let Some(arg) = w.cmd.get_positionals().nth(w.positional) {
            match arg.get_id().as_str() {
                "name" if w.creating => {}
                "name" | "cluster" => out.dynamic = Some(Dynamic::Clusters),
                _ => out.items.extend(possible_values(arg)),
            }
        }
    }
    out.items.retain(|(c, _)| c.starts_with(&out.prefix));
    out
}

/// The global flags among the words, so dynamic candidates come from the right place.
pub fn globals_from(words: &[String]) -> GlobalArgs {
    let mut g = GlobalArgs::default();
    let mut iter = words.iter().peekable();
    while let Some(w) = iter.next() {
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (w.as_str(), None),
        };
        let slot = match flag {
            "-n" | "--namespace" => &mut g.namespace,
            "--context" => &mut g.context,
            "--as" => &mut g.as_user,
            "--as-uid" => &mut g.as_uid,
            "--as-group" => {
                g.as_group.extend(inline.or_else(|| iter.next().cloned()));
                continue;
            }
            "--request-timeout" => {
                let v = inline.or_else(|| iter.next().cloned());
                g.request_timeout = v.and_then(|v| crate::global::parse_request_timeout(&v).ok());
                continue;
            }
            "--kubeconfig" => {
                let v = inline.or_else(|| iter.next().cloned());
                g.kubeconfig = v.map(Into::into);
                continue;
            }
            _ => continue,
        };
        *slot = inline.or_else(|| iter.next().cloned());
    }
    g
}

/// Cobra's output: candidates (with descriptions after a tab), then `:DIRECTIVE`.
pub fn render(c: &Completion) -> String {
    let mut out = String::new();
    for (cand, desc) in &c.items {
        out.push_str(&c.insert);
        out.push_str(cand);
        if !desc.is_empty() {
            out.push('\t');
            out.push_str(desc);
        }
        out.push('\n');
    }
    out.push_str(&format!(":{}\n", c.directive));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &[&str]) -> Vec<String> {
        s.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn globals_are_read_from_the_words() {
        let g = globals_from(&words(&[
            "-n",
            "team",
            "--context=kind",
            "show",
            "--kubeconfig",
            "/k",
            "--as",
            "jane",
            "--as-group=dev",
            "--as-group",
            "ops",
            "--request-timeout",
            "1s",
            "",
        ]));
        assert_eq!(g.as_user.as_deref(), Some("jane"));
        assert_eq!(g.as_group, ["dev", "ops"]);
        assert_eq!(g.timeout(), Some(std::time::Duration::from_secs(1)));
        assert_eq!(g.namespace.as_deref(), Some("team"));
        assert_eq!(g.context.as_deref(), Some("kind"));
        assert_eq!(g.kubeconfig.unwrap().to_str(), Some("/k"));
    }

    #[test]
    fn render_follows_cobra() {
        let c = Completion {
            items: vec![
                ("hippo".into(), String::new()),
                ("show".into(), "Show a cluster".into()),
            ],
            dynamic: None,
            directive: 4,
            prefix: String::new(),
            insert: String::new(),
        };
        assert_eq!(render(&c), "hippo\nshow\tShow a cluster\n:4\n");
        let c = Completion {
            items: vec![("team-a".into(), String::new())],
            insert: "--namespace=".into(),
            ..c
        };
        assert_eq!(render(&c), "--namespace=team-a\n:4\n");
    }
}
