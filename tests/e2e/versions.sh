#!/usr/bin/env bash
# End-to-end tests of PostgreSQL majors besides 15 (issue 16): a 2-instance postgresVersion 17
# cluster (Patroni 4.0) keeps PGO's role label values (master/replica), its -replicas Service and
# the switchover; its exporter (that suite's postgres_exporter) reports the roles; a version
# without an image (16) is refused naming spec.postgresVersion.
# Needs: a bed that is up, localhost/pgo-postgres:17 in its containerd (images/build.sh postgres 17
# && images/build.sh import), the agent installed by tests/install-agent.sh (which then gives it
# RELATED_IMAGE_POSTGRES_17), kubectl-pgo built (target/debug/kubectl-pgo), psql and jq on the host.
#   KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig tests/e2e/versions.sh
# E2E_VERSION=18 runs the same tests on 18 (Patroni 4.1).
set -uo pipefail
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

NS=${E2E_NAMESPACE:-e2e-versions}
PGO=${KUBECTL_PGO:-$PGO_REPO/target/debug/kubectl-pgo}
VERSION=${E2E_VERSION:-17}
CLUSTER=hippo$VERSION

# (kc, pc, condition, primary_pod, ready_count_is, streaming_replicas_are, app_psql, apply_hippo, ...:
# tests/lib/postgrescluster.sh)
role_of() { kc get pod "$1" -o jsonpath="{.metadata.labels.postgres-operator\.crunchydata\.com/role}"; }
replica_pod() { kc get pod -l "$L/cluster=$CLUSTER,$L/role=replica" -o jsonpath='{.items[0].metadata.name}'; }
replica_endpoint_ips() { kc get endpoints "$CLUSTER-replicas" -o jsonpath='{.subsets[*].addresses[*].ip}'; }
# Every pod of the cluster carries master or replica, never Patroni 4's own "primary".
roles_are_pgos() {
    local roles
    roles=$(kc get pod -l "$L/cluster=$CLUSTER,$L/data=postgres" -o jsonpath='{range .items[*]}{.metadata.labels.postgres-operator\.crunchydata\.com/role}{"\n"}{end}' | sort | tr '\n' ' ')
    [[ $roles == "master replica " ]]
}
# The -replicas Service reaches exactly the replica's pod.
replicas_service_is() { [[ $(replica_endpoint_ips) == "$(pod_ip "$1")" ]]; }

# ---------------------------------------------------------------- tests

test_a_two_instance_cluster_runs_the_major_and_takes_writes() {
    output_contains "RELATED_IMAGE_POSTGRES_$VERSION" \
        kubectl -n "$AGENT_NS" get deploy pgo-agent -o jsonpath='{.spec.template.spec.containers[0].env[*].name}' || fail "the agent has no RELATED_IMAGE_POSTGRES_$VERSION (tests/install-agent.sh after importing localhost/pgo-postgres:$VERSION)"
    apply_hippo "$CLUSTER" "[{\"op\":\"replace\",\"path\":\"/spec/postgresVersion\",\"value\":$VERSION},
        {\"op\":\"add\",\"path\":\"/spec/instances/0/replicas\",\"value\":2},
        {\"op\":\"add\",\"path\":\"/spec/monitoring\",\"value\":{\"pgmonitor\":{\"exporter\":{}}}}]" >/dev/null
    local t0
    t0=$(now)
    wait_until 420 "cluster Ready" is_ready
    log "$CLUSTER ready in $(elapsed "$t0")s"
    expect_eq "Valid condition" "$(condition Valid)" True
    wait_until 120 "2 ready instances" ready_count_is 2
    wait_until 60 "1 streaming replica" streaming_replicas_are 1
    local version
    version=$(sql "show server_version_num")
    expect_eq "server major" "${version:0:2}" "$VERSION"
    expect_eq "image" "$(kc get pod "$(primary_pod)" -o jsonpath='{.spec.containers[?(@.name=="database")].image}')" "localhost/pgo-postgres:$VERSION"
    expect_eq "data directory" "$(sql "show data_directory")" "/pgdata/pg$VERSION"
    [[ $(kc exec "$(primary_pod)" -c database -- patroni --version) == "patroni 4."* ]] || fail "Patroni in the image is not 4.x"
    wait_until 60 "the application user can write" app_psql "create table if not exists e2e (id serial primary key, t text not null)"
    app_psql "insert into e2e (t) select 'row ' || g from generate_series(1, 100) g" >/dev/null
    expect_eq "rows" "$(app_psql "select count(*) from e2e")" 100
}

test_patroni_4_keeps_pgo_role_labels_and_the_replicas_service() {
    wait_until 60 "roles are master and replica" roles_are_pgos
    local primary replica
    primary=$(primary_pod)
    replica=$(replica_pod)
    [[ -n $primary && -n $replica ]] || fail "no pod labelled role=master and one role=replica"
    # Patroni itself says primary (REST API, DCS); only the label keeps PGO's value.
    [[ $(kc exec "$primary" -c database -- curl -sk "https://localhost:8008/patroni" | jq -r .role) == primary ]] ||
        fail "Patroni 4's REST API does not say primary"
    wait_until 30 "the -replicas Service reaches $replica" replicas_service_is "$replica"
    expect_eq "show names the primary" "$("$PGO" -n "$NS" show "$CLUSTER" -o json | jq -r '.primary')" "$primary"
    expect_eq "status primary" "$(pc '{.status.patroni.primary}')" "$primary"
}

# exporter_restarts: the exporter containers' restart counts, one per pod.
exporter_restarts() {
    kc get pod -l "$L/cluster=$CLUSTER,$L/data=postgres" -o jsonpath='{range .items[*]}{.status.containerStatuses[?(@.name=="exporter")].restartCount}{" "}{end}'
}

test_the_exporter_of_this_major_reports_the_roles() {
    # The Debian exporter differs per suite (bookworm 0.11, trixie 0.17, forky 0.19): its flags
    # and collectors must work on each.
    wait_until 120 "the primary's exporter reports 2" output_is 2 recovery_status "$(primary_pod)"
    wait_until 60 "the replica's exporter reports 1" output_is 1 recovery_status "$(replica_pod)"
    local metrics
    metrics=$(curl -s --max-time 5 "http://$(pod_ip "$(primary_pod)"):9187/metrics")
    [[ $metrics == *ccp_connection_stats_max_connections* ]] || fail "no ccp_connection_stats on $VERSION"
    [[ $metrics != *pg_stat_database_* ]] || fail "a built-in collector of the exporter is still on"
    expect_eq "exporter restarts" "$(exporter_restarts)" "0 0 "
}

test_switchover_moves_the_labels_and_keeps_the_rows() {
    local old new target
    old=$(primary_pod)
    target=$(kc get pod "$(replica_pod)" -o jsonpath='{.metadata.labels.postgres-operator\.crunchydata\.com/instance}')
    kc patch postgrescluster "$CLUSTER" --type=merge -p "{\"spec\":{\"patroni\":{\"switchover\":{\"enabled\":true,\"targetInstance\":\"$target\"}}}}" >/dev/null
    kc annotate postgrescluster "$CLUSTER" --overwrite "$L/trigger-switchover=versions-1" >/dev/null
    wait_until 90 "primary is $target-0" output_is "$target-0" primary_pod
    new=$(primary_pod)
    wait_until 60 "the old primary is role=replica" output_is replica role_of "$old"
    expect_eq "new primary's role" "$(role_of "$new")" master
    wait_until 60 "roles are master and replica" roles_are_pgos
    wait_until 60 "the -replicas Service follows to $old" replicas_service_is "$old"
    wait_until 60 "writable after switchover" app_psql "insert into e2e (t) values ('switched')"
    expect_eq "rows after switchover" "$(app_psql "select count(*) from e2e")" 101
    wait_until 120 "the old primary streams again" streaming_replicas_are 1
    wait_until 60 "the new primary's exporter reports 2" output_is 2 recovery_status "$new"
    wait_until 120 "the old primary's exporter reports 1" output_is 1 recovery_status "$old"
}

test_version_16_is_refused_naming_the_field() {
    local c=hippo16
    apply_hippo "$c" '[{"op":"replace","path":"/spec/postgresVersion","value":16}]' >/dev/null
    wait_until 60 "Valid=False" output_is False condition Valid "$c"
    local message
    message=$(pc '{.status.conditions[?(@.type=="Valid")].message}' "$c")
    log "Valid: $message"
    [[ $message == *spec.postgresVersion* ]] || fail "the Valid condition does not name spec.postgresVersion"
    [[ $message == *"no image is built for PostgreSQL 16"* ]] || fail "the Valid condition does not say no image is built for 16"
    [[ $message == *"$VERSION"* ]] || fail "the Valid condition does not list $VERSION among the versions the agent runs"
    expect_eq "no StatefulSet for $c" "$(kc get sts -l "$L/cluster=$c" -o name | wc -l)" 0
    kc delete postgrescluster "$c" --wait=true --timeout=60s >/dev/null
}

main() {
    e2e_namespace || exit 1
    run_test "a 2-instance PostgreSQL $VERSION cluster runs and takes writes" test_a_two_instance_cluster_runs_the_major_and_takes_writes
    run_test "Patroni 4 keeps role=master/replica and the -replicas Service" test_patroni_4_keeps_pgo_role_labels_and_the_replicas_service
    run_test "the exporter of PostgreSQL $VERSION reports the roles" test_the_exporter_of_this_major_reports_the_roles
    run_test "switchover moves the role labels and the exporters' roles; rows kept" test_switchover_moves_the_labels_and_keeps_the_rows
    run_test "postgresVersion 16 is refused naming spec.postgresVersion" test_version_16_is_refused_naming_the_field
    e2e_namespace_done
    summary "e2e versions ($VERSION)"
}

main "$@"
