//! The one place results are rendered: tables (comfy-table), JSON or YAML, for stdout.

use comfy_table::{presets, ContentArrangement, Table};
use pgo_api::PostgresCluster;
use serde::Serialize;

use crate::cmds::show::{BackupView, ClusterView, HaView, UserView, View};
use crate::cmds::{create, delete, version};
use crate::common::edit::Change;
use crate::global::OutputFormat;

/// Everything a command can return.
pub enum Data {
    Created(create::Outcome),
    Changed(Change),
    Show(View),
    Deleted(delete::Deleted),
    Versions(version::Versions),
    /// Printed as is, whatever the format (completion scripts).
    Text(String),
}

pub fn render(data: &Data, format: OutputFormat) -> String {
    match data {
        Data::Text(t) => t.clone(),
        Data::Created(o) => created(o, format),
        Data::Changed(c) => match format {
            OutputFormat::Table => format!("{}\n", c.message),
            _ => object(&c.object, format),
        },
        Data::Show(v) => match format {
            OutputFormat::Table => match v {
                View::Cluster(c) => cluster_table(c),
                View::Ha(h) => ha_table(h),
                View::User(u) => user_table(u),
                View::Backups(b) => backup_table(b),
            },
            _ => structured(v, format),
        },
        Data::Deleted(d) => match format {
            OutputFormat::Table => format!(
                "postgrescluster.{}/{} deleted\n",
                pgo_api::names::GROUP,
                d.name
            ),
            _ => structured(d, format),
        },
        Data::Versions(v) => match format {
            OutputFormat::Table => versions_table(v),
            _ => structured(v, format),
        },
    }
}

/// JSON or YAML of `value`, fields in their declared order.
pub fn structured<T: Serialize>(value: &T, format: OutputFormat) -> String {
    match format {
        OutputFormat::Yaml => serde_yaml::to_string(value).unwrap_or_default(),
        _ => {
            let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// A cluster as kubectl prints it: without managedFields.
fn object(pc: &PostgresCluster, format: OutputFormat) -> String {
    let mut pc = pc.clone();
    pc.metadata.managed_fields = None;
    structured(&pc, format)
}

fn created(o: &create::Outcome, format: OutputFormat) -> String {
    if o.dry_run {
        // A dry run's result is the manifest: YAML unless JSON was asked for.
        let f = if format == OutputFormat::Json {
            OutputFormat::Json
        } else {
            OutputFormat::Yaml
        };
        return object(&o.cluster, f);
    }
    match format {
        OutputFormat::Table => {
            let name = kube::ResourceExt::name_any(&o.cluster);
            let ready = if o.ready { " and Ready" } else { "" };
            format!(
                "postgrescluster.{}/{name} created{ready} in namespace {}\n",
                pgo_api::names::GROUP,
                o.namespace.as_deref().unwrap_or("default")
            )
        }
        _ => object(&o.cluster, format),
    }
}

/// A kubectl-like table: upper-case headers, no borders, no wrapping.
fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headers.to_vec());
    for col in t.column_iter_mut() {
        col.set_padding((0, 3));
    }
    t
}

fn block(t: &Table) -> String {
    // comfy-table pads the last column; kubectl does not.
    let mut s: String = t
        .to_string()
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    if s.is_empty() {
        s.push('\n');
    }
    s
}

fn dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

fn notes(out: &mut String, notes: &[String]) {
    for n in notes {
        out.push_str(&format!("note: {n}\n"));
    }
}

pub fn cluster_table(c: &ClusterView) -> String {
    let mut out = format!(
        "PostgresCluster {} in namespace {}: PostgreSQL {}, primary {}{}\n\n",
        c.name,
        c.namespace,
        c.postgres_version,
        c.primary.as_deref().unwrap_or("unknown"),
        if c.shutdown { ", stopped" } else { "" }
    );
    let mut t = table(&["INSTANCE", "SET", "ROLE", "READY", "LAG", "TL", "STATE"]);
    for i in &c.instances {
        t.add_row(vec![
            i.pod.clone(),
            dash(&i.instance_set).to_string(),
            i.role.clone(),
            i.ready.clone(),
            i.lag.clone().unwrap_or_else(|| "-".into()),
            i.timeline
                .map(|t| t.to_string())
                .unwrap_or_else(|| "-".into()),
            i.state.clone(),
        ]);
    }
    out.push_str(&block(&t));
    out.push('\n');
    if c.conditions.is_empty() {
        out.push_str("No conditions reported yet.\n");
    } else {
        let mut t = table(&["CONDITION", "STATUS", "REASON", "SINCE", "MESSAGE"]);
        for cond in &c.conditions {
            t.add_row(vec![
                cond.type_.as_str(),
                cond.status.as_str(),
                dash(&cond.reason),
                dash(&cond.last_transition_time),
                dash(&cond.message),
            ]);
        }
        out.push_str(&block(&t));
    }
    if !c.notes.is_empty() {
        out.push('\n');
        notes(&mut out, &c.notes);
    }
    out
}

pub fn ha_table(h: &HaView) -> String {
    let mut t = table(&["MEMBER", "ROLE", "STATE", "TL", "LAG"]);
    for m in &h.members {
        t.add_row(vec![
            m.member.clone(),
            m.role.clone(),
            m.state.clone(),
            m.timeline()
                .map(|t| t.to_string())
                .unwrap_or_else(|| "-".into()),
            m.lag().unwrap_or_else(|| "-".into()),
        ]);
    }
    let mut out = block(&t);
    if !h.notes.is_empty() {
        out.push('\n');
        notes(&mut out, &h.notes);
    }
    out
}

pub fn user_table(u: &UserView) -> String {
    let mut t = table(&["KEY", "VALUE"]);
    for key in &u.order {
        t.add_row(vec![key.as_str(), u.connection[key].as_str()]);
    }
    let mut out = format!(
        "Connection info of Secret {} (cluster {}, namespace {})\n\n",
        u.secret, u.cluster, u.namespace
    );
    out.push_str(&block(&t));
    if u.masked {
        out.push_str("\nnote: secrets are masked; add --show-connection-info to print them\n");
    }
    out
}

pub fn backup_table(b: &BackupView) -> String {
    let mut out = String::new();
    if !b.configured || b.backups.is_empty() {
        notes(&mut out, &b.notes);
        return out;
    }
    let mut t = table(&[
        "LABEL",
        "TYPE",
        "REPO",
        "START",
        "STOP",
        "SIZE",
        "REPO SIZE",
        "WAL START",
        "WAL STOP",
    ]);
    for r in &b.backups {
        t.add_row(vec![
            r.label.as_str(),
            r.type_.as_str(),
            dash(&r.repo),
            r.start.as_str(),
            r.stop.as_str(),
            dash(&r.size),
            dash(&r.repo_size),
            dash(&r.wal_start),
            dash(&r.wal_stop),
        ]);
    }
    out.push_str(&block(&t));
    if !b.notes.is_empty() {
        out.push('\n');
        notes(&mut out, &b.notes);
    }
    out
}

pub fn versions_table(v: &version::Versions) -> String {
    let mut out = format!("Client Version: {}\n", v.client_version);
    match &v.agents {
        None => {}
        Some(a) if a.is_empty() => out.push_str(
            "Agent Version: no pgo-agent Deployment found (label app.kubernetes.io/name=pgo-agent)\n",
        ),
        Some(agents) => {
            for a in agents {
                out.push_str(&format!(
                    "Agent Version: {} ({}/{}, image {})\n",
                    a.version, a.namespace, a.name, a.image
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmds::show::{self, tests as fixtures};

    #[test]
    fn cluster_table_lists_instances_then_conditions() {
        let members = show::parse_patroni(fixtures::PATRONI_JSON).unwrap();
        let v = show::cluster_view(
            &fixtures::hippo_with_status(),
            "ns",
            &[],
            Some(&members),
            vec![],
        );
        let out = cluster_table(&v);
        let expected = "\
PostgresCluster hippo in namespace ns: PostgreSQL 15, primary hippo-instance1-4xbc-0

INSTANCE                 SET   ROLE           READY   LAG       TL   STATE
hippo-instance1-4xbc-0   -     primary        -       -         2    running
hippo-instance1-9kzt-0   -     sync replica   -       0 MB      2    streaming
hippo-instance1-qq7m-0   -     replica        -       unknown   -    stopped

CONDITION   STATUS   REASON              SINCE                  MESSAGE
Ready       False    InstancesNotReady   2024-01-01T12:00:00Z   1 of 3 instances ready
";
        assert_eq!(out, expected);
    }

    #[test]
    fn status_only_view_carries_its_note() {
        let v = show::cluster_view(
            &fixtures::hippo_with_status(),
            "ns",
            &[],
            None,
            vec!["no running Postgres pod".into()],
        );
        let out = cluster_table(&v);
        assert!(out.contains("-          instance1   -      1/3"), "{out}");
        assert!(out.ends_with("note: no running Postgres pod\n"), "{out}");
    }

    #[test]
    fn backups_render_as_rows() {
        let (rows, _) = show::parse_backups(fixtures::PGBACKREST_JSON).unwrap();
        let v = BackupView {
            cluster: "hippo".into(),
            namespace: "ns".into(),
            configured: true,
            repos: vec!["repo1".into()],
            backups: rows,
            notes: vec![],
        };
        let out = backup_table(&v);
        assert!(out.starts_with("LABEL"), "{out}");
        let first = out.lines().nth(1).unwrap();
        assert!(first.starts_with("20240101-120000F "), "{out}");
        assert!(
            first.contains(
                " full   repo1   2024-01-01T12:00:00Z   2024-01-01T12:00:12Z   30.1 MiB   3.8 MiB "
            ),
            "{out}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&structured(&v, OutputFormat::Json)).unwrap();
        assert_eq!(json["backups"][1]["type"], "incr");
    }

    #[test]
    fn objects_are_printed_without_managed_fields() {
        let mut pc = fixtures::hippo_with_status();
        pc.metadata.managed_fields = Some(vec![Default::default()]);
        let yaml = object(&pc, OutputFormat::Yaml);
        assert!(!yaml.contains("managedFields"), "{yaml}");
        assert!(
            yaml.starts_with(
                "apiVersion: postgres-operator.crunchydata.com/v1beta1\nkind: PostgresCluster\n"
            ),
            "{yaml}"
        );
    }
}
