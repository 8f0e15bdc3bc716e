//! `logs NAME [--instance I] [-c CONTAINER] [-f] [--since D] [--tail N] [--timestamps]`: the logs
//! of every instance pod at once, each line prefixed with `pod/container`. Without `-f` the lines
//! are merged by the kubelet's timestamps; with `-f` they are printed as they come, and a
//! container that restarts (or a pod that is recreated under its name) is followed on from the
//! last line seen.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use futures::AsyncBufReadExt;
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::LogParams;
use kube::{Api, ResourceExt};
use pgo_api::names::{labels, CONTAINER_DATABASE};

use crate::client::Ctx;
use crate::common::cluster::check_cluster_name;
use crate::common::error::Error;
use crate::exec::cluster_pods;
use crate::global::{parse_request_timeout, GlobalArgs};

const ACTION: &str = "read the logs of";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,

    /// Only this instance (`<cluster>-<set>-<suffix>`, or its pod `…-0`).
    #[arg(long, value_name = "INSTANCE")]
    pub instance: Option<String>,

    /// The container: database (Postgres and Patroni), exporter, ...
    #[arg(long, short = 'c', value_name = "CONTAINER", default_value = CONTAINER_DATABASE)]
    pub container: String,

    /// Keep printing new lines, following restarts.
    #[arg(long, short = 'f')]
    pub follow: bool,

    /// Only lines newer than this: 30s, 10m, 2h.
    #[arg(long, value_name = "DURATION", value_parser = parse_since)]
    pub since: Option<Duration>,

    /// Only the last N lines of each pod.
    #[arg(long, value_name = "N")]
    pub tail: Option<i64>,

    /// Keep the kubelet's timestamp at the start of each line.
    #[arg(long)]
    pub timestamps: bool,
}

fn parse_since(v: &str) -> Result<Duration, String> {
    match parse_request_timeout(v) {
        Ok(d) if d.as_secs() >= 1 => Ok(d),
        Ok(_) => Err("must be at least 1s".into()),
        Err(e) => Err(e.replace("0 (no limit), ", "")),
    }
}

/// One line of a pod's log, as the kubelet wrote it with `timestamps=true`.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub at: Option<DateTime<FixedOffset>>,
    pub stamp: String,
    pub text: String,
}

pub fn parse_line(raw: &str) -> Line {
    match raw.split_once(' ') {
        Some((stamp, text)) => match DateTime::parse_from_rfc3339(stamp) {
            Ok(at) => Line {
                at: Some(at),
                stamp: stamp.into(),
                text: text.into(),
            },
            Err(_) => Line {
                at: None,
                stamp: String::new(),
                text: raw.into(),
            },
        },
        None => Line {
            at: None,
            stamp: String::new(),
            text: raw.into(),
        },
    }
}

pub fn format_line(prefix: &str, line: &Line, timestamps: bool) -> String {
    if timestamps && !line.stamp.is_empty() {
        format!("{prefix} {} {}", line.stamp, line.text)
    } else {
        format!("{prefix} {}", line.text)
    }
}

/// Every pod's lines in one list, by time; a pod's own order is kept for equal times (the
/// kubelet's stamps vary in length, so they are compared as times, not as text).
pub fn merge(per_pod: Vec<(String, Vec<Line>)>, timestamps: bool) -> Vec<String> {
    let mut all: Vec<(Option<DateTime<FixedOffset>>, String)> = Vec::new();
    for (prefix, lines) in per_pod {
        let mut last = None;
        for l in lines {
            // A line without a stamp (a wrapped one) goes with the line before it.
            let at = l.at.or(last);
            last = at;
            all.push((at, format_line(&prefix, &l, timestamps)));
        }
    }
    all.sort_by_key(|(at, _)| *at);
    all.into_iter().map(|(_, s)| s).collect()
}

fn params(args: &Args, follow: bool) -> LogParams {
    LogParams {
        container: Some(args.container.clone()),
        follow,
        since_seconds: args.since.map(|d| d.as_secs() as i64),
        tail_lines: args.tail,
        timestamps: true,
        ..Default::default()
    }
}

/// The containers of the pods, for --container: refused before any request if no pod has it.
fn check_container(pods: &[Pod], container: &str) -> Result<(), String> {
    let mut names: Vec<String> = (pods.iter())
        .filter_map(|p| p.spec.as_ref())
        .flat_map(|s| {
            s.containers
                .iter()
                .chain(s.init_containers.iter().flatten())
        })
        .map(|c| c.name.clone())
        .collect();
    names.sort();
    names.dedup();
    if pods.is_empty() || names.iter().any(|n| n == container) {
        Ok(())
    } else {
        Err(format!(
            "invalid --container {container:?}: the instance pods have {}",
            names.join(", ")
        ))
    }
}

/// The pods to read: every instance pod, or the one asked for.
fn chosen(pods: Vec<Pod>, cluster: &str, instance: Option<&str>) -> Result<Vec<String>, String> {
    let names: Vec<(String, String)> = pods
        .iter()
        .map(|p| {
            let i = p
                .labels()
                .get(labels::INSTANCE)
                .cloned()
                .unwrap_or_default();
            (p.name_any(), i)
        })
        .collect();
    match instance {
        None if names.is_empty() => Err(format!(
            "cluster {cluster:?} has no instance pods (stopped? `kubectl pgo show {cluster}`)"
        )),
        None => Ok(names.into_iter().map(|(p, _)| p).collect()),
        Some(want) => {
            let want = want.strip_suffix("-0").unwrap_or(want);
            let found: Vec<String> = (names.iter())
                .filter(|(_, i)| i == want)
                .map(|(p, _)| p.clone())
                .collect();
            if found.is_empty() {
                let list: Vec<&str> = names.iter().map(|(_, i)| i.as_str()).collect();
                Err(format!(
                    "invalid --instance {want:?}: cluster {cluster:?} has no such instance; it has: {}",
                    if list.is_empty() { "none".to_string() } else { list.join(", ") }
                ))
            } else {
                Ok(found)
            }
        }
    }
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<String, Error> {
    let name = &args.name;
    check_cluster_name(name).map_err(Error::Invalid)?;
    let api = Error::api(ACTION, name);
    let ctx = Ctx::connect(global, None).await.map_err(&api)?;
    ctx.get_cluster(name).await.map_err(&api)?;
    let pods = cluster_pods(&ctx, name).await.map_err(&api)?;
    check_container(&pods, &args.container).map_err(Error::Invalid)?;
    let chosen = chosen(pods, name, args.instance.as_deref()).map_err(Error::Invalid)?;
    let api: Api<Pod> = Api::namespaced(ctx.client.clone(), &ctx.namespace);
    if args.follow {
        follow(&api, &chosen, &args).await;
        return Ok(String::new());
    }
    let mut per_pod = Vec::new();
    for pod in &chosen {
        let prefix = format!("{pod}/{}", args.container);
        match api.logs(pod, &params(&args, false)).await {
            Ok(text) => per_pod.push((prefix, text.lines().map(parse_line).collect())),
            Err(kube::Error::Api(e)) => eprintln!("warning: {prefix}: {}", e.message),
            Err(e) => eprintln!("warning: {prefix}: {}", crate::client::error_chain(&e)),
        }
    }
    let mut out = merge(per_pod, args.timestamps).join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

/// Prints every pod's new lines as they come, until interrupted. A stream that ends (the
/// container restarted, the pod was recreated) is opened again from the last line printed.
async fn follow(api: &Api<Pod>, pods: &[String], args: &Args) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    for pod in pods {
        let (api, pod, tx) = (api.clone(), pod.clone(), tx.clone());
        let mut lp = params(args, true);
        let (prefix, timestamps) = (format!("{pod}/{}", args.container), args.timestamps);
        tokio::spawn(async move {
            let mut last: Option<DateTime<FixedOffset>> = None;
            loop {
                if let Ok(stream) = api.log_stream(&pod, &lp).await {
                    let mut lines = stream.lines();
                    while let Some(Ok(raw)) = lines.next().await {
                        let line = parse_line(&raw);
                        // Opened again since `last`: skip what was printed already.
                        if matches!((line.at, last), (Some(at), Some(l)) if at <= l) {
                            continue;
                        }
                        last = line.at.or(last);
                        if tx.send(format_line(&prefix, &line, timestamps)).is_err() {
                            return;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
                if let Some(at) = last {
                    lp.since_seconds = None;
                    lp.tail_lines = None;
                    lp.since_time = k8s_openapi::jiff::Timestamp::from_second(at.timestamp()).ok();
                }
            }
        });
    }
    drop(tx);
    while let Some(line) = rx.recv().await {
        println!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_merge_by_time_not_by_text() {
        let a = vec![
            parse_line("2026-12-03T13:00:05.1Z a first"),
            parse_line("2026-12-03T13:00:07Z a second"),
            parse_line("continued"),
        ];
        let b = vec![parse_line("2026-12-03T13:00:05.12Z b first")];
        let merged = merge(
            vec![("p-a/database".into(), a), ("p-b/database".into(), b)],
            false,
        );
        assert_eq!(
            merged,
            [
                "p-a/database a first",
                "p-b/database b first",
                "p-a/database a second",
                "p-a/database continued"
            ]
        );
        let stamped = merge(
            vec![(
                "p/database".into(),
                vec![parse_line("2026-12-03T13:00:05Z x")],
            )],
            true,
        );
        assert_eq!(stamped, ["p/database 2026-12-03T13:00:05Z x"]);
    }

    #[test]
    fn an_instance_by_name_or_pod_and_a_clear_error_otherwise() {
        let pod = |name: &str| Pod {
            metadata: kube::api::ObjectMeta {
                name: Some(format!("{name}-0")),
                labels: Some([(labels::INSTANCE.to_string(), name.to_string())].into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let pods = || vec![pod("hippo-i-aaaa"), pod("hippo-i-bbbb")];
        assert_eq!(chosen(pods(), "hippo", None).unwrap().len(), 2);
        assert_eq!(
            chosen(pods(), "hippo", Some("hippo-i-bbbb-0")).unwrap(),
            ["hippo-i-bbbb-0"]
        );
        let e = chosen(pods(), "hippo", Some("nope")).unwrap_err();
        assert!(
            e.contains("invalid --instance") && e.contains("hippo-i-aaaa"),
            "{e}"
        );
        assert!(chosen(vec![], "hippo", None)
            .unwrap_err()
            .contains("no instance pods"));
    }

    #[test]
    fn an_unknown_container_is_refused_naming_the_ones_there() {
        let pod = Pod {
            spec: Some(k8s_openapi::api::core::v1::PodSpec {
                containers: vec![k8s_openapi::api::core::v1::Container {
                    name: "database".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(check_container(std::slice::from_ref(&pod), "database").is_ok());
        let e = check_container(&[pod], "exporter").unwrap_err();
        assert_eq!(
            e,
            "invalid --container \"exporter\": the instance pods have database"
        );
    }

    #[test]
    fn since_takes_a_duration_of_a_second_or_more() {
        assert_eq!(parse_since("10m").unwrap(), Duration::from_secs(600));
        assert!(parse_since("0").is_err());
        assert!(parse_since("soon").is_err());
    }
}
