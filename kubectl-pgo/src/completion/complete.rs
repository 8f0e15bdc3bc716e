//! `__complete WORDS... PARTIAL`: cobra's completion protocol, which kubectl uses for plugins.
//! `main` catches `__complete` before clap parses, so it stays out of help and of the generated
//! scripts (clap_complete lists hidden subcommands too). Walk the clap command tree over the words (pure), then, for a cluster NAME, list the
//! PostgresClusters of the namespace with a short timeout, silently on error.

use std::time::Duration;

use clap::{Arg, Command};
use kube::api::ListParams;
use kube::ResourceExt;

use crate::client::Ctx;
use crate::global::GlobalArgs;

/// The first argument that selects dynamic completion.
pub const COMPLETE: &str = "__complete";

/// Cobra's directives.
pub const DIRECTIVE_DEFAULT: u32 = 0;
pub const DIRECTIVE_NO_FILE: u32 = 4;

/// Candidates that need the API server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dynamic {
    Clusters,
    Namespaces,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Candidate and description.
    pub items: Vec<(String, String)>,
    pub dynamic: Option<Dynamic>,
    pub directive: u32,
    /// The word being completed; candidates are filtered by it.
    pub prefix: String,
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

/// What to offer for `words` (the last one is being typed) in the command tree `root`. No I/O.
pub fn complete(mut root: Command, words: &[String]) -> Completion {
    root.build();
    let (current, before) = match words.split_last() {
        Some((c, b)) => (c.clone(), b),
        None => (String::new(), &[][..]),
    };
    let mut cmd = &root;
    let mut positional = 0usize;
    let mut pending: Option<&Arg> = None;
    for word in before {
        if pending.take().is_some() {
            continue;
        }
        if let Some(long) = word.strip_prefix("--") {
            if let Some(arg) = find_long(cmd, long.split('=').next().unwrap_or("")) {
                if takes_value(arg) && !long.contains('=') {
                    pending = Some(arg);
                }
            }
        } else if word.len() > 1 && word.starts_with('-') {
            let c = word.chars().nth(1).unwrap_or('-');
            if let Some(arg) = find_short(cmd, c) {
                if takes_value(arg) && word.len() == 2 {
                    pending = Some(arg);
                }
            }
        } else if let Some(sub) = cmd.get_subcommands().find(|s| {
            positional == 0 && (s.get_name() == word || s.get_all_aliases().any(|a| a == word))
        }) {
            cmd = sub;
            positional = 0;
        } else {
            positional += 1;
        }
    }
    let mut out = Completion {
        items: vec![],
        dynamic: None,
        directive: DIRECTIVE_NO_FILE,
        prefix: current.clone(),
    };
    if let Some(arg) = pending {
        match arg.get_id().as_str() {
            "namespace" => out.dynamic = Some(Dynamic::Namespaces),
            "cluster" => out.dynamic = Some(Dynamic::Clusters),
            "kubeconfig" => out.directive = DIRECTIVE_DEFAULT,
            _ => {
                out.items = arg
                    .get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| (v.get_name().to_string(), help(v.get_help())))
                    .collect();
            }
        }
    } else if current.starts_with('-') {
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                out.items.push((format!("--{long}"), help(arg.get_help())));
            }
        }
    } else {
        if positional == 0 {
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                if sub.get_name() != "help" {
                    out.items
                        .push((sub.get_name().to_string(), help(sub.get_about())));
                }
            }
        }
        let positionals: Vec<&Arg> = cmd.get_positionals().collect();
        if let Some(arg) = positionals.get(positional) {
            match arg.get_id().as_str() {
                "name" | "cluster" => out.dynamic = Some(Dynamic::Clusters),
                _ => out.items.extend(
                    arg.get_possible_values()
                        .iter()
                        .map(|v| (v.get_name().to_string(), help(v.get_help()))),
                ),
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
        if desc.is_empty() {
            out.push_str(cand);
        } else {
            out.push_str(&format!("{cand}\t{desc}"));
        }
        out.push('\n');
    }
    out.push_str(&format!(":{}\n", c.directive));
    out
}

/// Fill in dynamic candidates; any failure just means none.
pub async fn fill_dynamic(c: &mut Completion, words: &[String]) {
    let Some(kind) = c.dynamic.clone() else {
        return;
    };
    let global = globals_from(words);
    let names = async {
        let ctx = Ctx::connect(&global, Some(Duration::from_secs(2)))
            .await
            .ok()?;
        match kind {
            Dynamic::Clusters => ctx
                .clusters()
                .list(&ListParams::default())
                .await
                .ok()
                .map(|l| l.items.iter().map(|p| p.name_any()).collect::<Vec<_>>()),
            Dynamic::Namespaces => {
                let api: kube::Api<k8s_openapi::api::core::v1::Namespace> =
                    kube::Api::all(ctx.client.clone());
                api.list(&ListParams::default())
                    .await
                    .ok()
                    .map(|l| l.items.iter().map(|n| n.name_any()).collect())
            }
        }
    };
    let names = tokio::time::timeout(Duration::from_secs(3), names)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    c.items.extend(
        names
            .into_iter()
            .filter(|n| n.starts_with(&c.prefix))
            .map(|n| (n, String::new())),
    );
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
            "",
        ]));
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
        };
        assert_eq!(render(&c), "hippo\nshow\tShow a cluster\n:4\n");
    }
}
