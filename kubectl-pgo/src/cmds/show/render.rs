//! `show`'s views as tables; JSON and YAML are the views serialized.

use super::{BackupView, ClusterView, HaView, UserView, View};
use crate::global::OutputFormat;
use crate::output::{block, dash, notes, table, table_or, with_notes, Render};

impl Render for View {
    fn render(&self, format: OutputFormat) -> String {
        table_or(self, format, || match self {
            View::Cluster(c) => cluster_table(c),
            View::Ha(h) => ha_table(h),
            View::User(u) => user_table(u),
            View::Backups(b) => backup_table(b),
        })
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
    if let Some(p) = &c.pooler {
        out.push_str(&format!(
            "PgBouncer: {} of {} pods ready, Service {}:{}\n\n",
            p.ready_replicas, p.replicas, p.service, p.port
        ));
    }
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
    with_notes(out, &c.notes)
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
    with_notes(block(&t), &h.notes)
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
    with_notes(out, &b.notes)
}

#[cfg(test)]
mod tests {
    use super::super::backup::parse_backups;
    use super::super::cluster::cluster_view;
    use super::super::fixtures::{hippo_with_status, PATRONI_JSON, PGBACKREST_JSON};
    use super::super::patroni::parse_patroni;
    use super::*;
    use crate::output::structured;

    #[test]
    fn cluster_table_lists_instances_then_conditions() {
        let members = parse_patroni(PATRONI_JSON).unwrap();
        let v = cluster_view(&hippo_with_status(), "ns", &[], Some(&members), vec![]);
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
        let v = cluster_view(
            &hippo_with_status(),
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
        let (rows, _) = parse_backups(PGBACKREST_JSON).unwrap();
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
}
