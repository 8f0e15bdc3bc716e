//! PGO fields given in a spec that this project has not built yet: they are named in the
//! `Supported` condition, never silently ignored.

use crate::PostgresCluster;

pub fn fields(pc: &PostgresCluster) -> Vec<String> {
    let spec = &pc.spec;
    let mut out = Vec::new();
    let mut check = |present: bool, path: &str| {
        if present {
            out.push(path.to_string());
        }
    };
    if let Some(p) = &spec.proxy {
        let pgb = &p.pg_bouncer;
        check(pgb.containers.is_some(), "spec.proxy.pgBouncer.containers");
        check(pgb.volumes.is_some(), "spec.proxy.pgBouncer.volumes");
    }
    if let Some(e) = spec
        .monitoring
        .as_ref()
        .and_then(|m| m.pgmonitor.as_ref())
        .and_then(|p| p.exporter.as_ref())
    {
        check(
            e.custom_tls_secret.is_some(),
            "spec.monitoring.pgmonitor.exporter.customTLSSecret",
        );
    }
    check(spec.standby.is_some(), "spec.standby");
    check(spec.user_interface.is_some(), "spec.userInterface");
    check(spec.post_gis_version.is_some(), "spec.postGISVersion");
    check(spec.openshift.is_some(), "spec.openshift");
    if let Some(b) = &spec.backups {
        check(b.snapshots.is_some(), "spec.backups.snapshots");
        check(b.pgbackrest.is_none(), "spec.backups (without pgbackrest)");
        if let Some(p) = &b.pgbackrest {
            check(p.repo_host.is_some(), "spec.backups.pgbackrest.repoHost");
            check(p.jobs.is_some(), "spec.backups.pgbackrest.jobs");
            check(p.sidecars.is_some(), "spec.backups.pgbackrest.sidecars");
            check(p.metadata.is_some(), "spec.backups.pgbackrest.metadata");
            for (i, r) in p.repos.iter().enumerate() {
                check(
                    r.gcs.is_some(),
                    &format!("spec.backups.pgbackrest.repos[{i}].gcs"),
                );
                check(
                    r.azure.is_some(),
                    &format!("spec.backups.pgbackrest.repos[{i}].azure"),
                );
            }
        }
    }
    if let Some(d) = &spec.data_source {
        check(d.pgbackrest.is_some(), "spec.dataSource.pgbackrest");
        check(d.volumes.is_some(), "spec.dataSource.volumes");
    }
    check(
        spec.config.as_ref().is_some_and(|c| c.files.is_some()),
        "spec.config.files",
    );
    check(
        spec.patroni.as_ref().is_some_and(|p| p.logging.is_some()),
        "spec.patroni.logging",
    );
    for (i, set) in spec.instances.iter().enumerate() {
        check(
            set.sidecars.is_some(),
            &format!("spec.instances[{i}].sidecars"),
        );
        check(
            set.containers.is_some(),
            &format!("spec.instances[{i}].containers"),
        );
        check(
            set.tablespace_volumes.is_some(),
            &format!("spec.instances[{i}].tablespaceVolumes"),
        );
    }
    out
}
