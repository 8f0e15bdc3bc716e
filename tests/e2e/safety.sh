#!/usr/bin/env bash
# End-to-end tests of edits that could delete data: each one tries to make the agent delete
# the wrong volume, under writes, and counts the rows afterwards.
#   KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig tests/e2e/safety.sh
set -uo pipefail
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

NS=${E2E_NAMESPACE:-e2e-safety}
CLUSTER=rename

# (kc, pc, primary_pod, is_ready, app_psql, hippo_manifest, ...: tests/lib/postgrescluster.sh)
primary_instance() { kc get pod -l "$L/cluster=$CLUSTER,$L/role=master" -o jsonpath="{.items[0].metadata.labels.postgres-operator\.crunchydata\.com/instance}" 2>/dev/null; }
postgres_pods_field() { kc get pod -l "$L/cluster=$CLUSTER,$L/data=postgres" -o jsonpath="$1"; }

# start_writing / stop_writing: the write-under-change harness (tests/lib/writer.py): a write
# every 0.1 s through the primary Service; stop_writing fails the test if an acknowledged write
# is missing from the table (reading it back for up to 120 s).
start_writing() { WRITER_DIR=$(mktemp -d "${E2E_RESULTS:-/tmp}/writer.XXXX") && test_writer_start "$WRITER_DIR"; }
stop_writing() { test_writer_verify "$WRITER_DIR" --timeout 120; }

# cluster_yaml NAME SET REPLICAS: PGO's hippo example named NAME, one instance set SET of
# REPLICAS instances, no backups.
cluster_yaml() {
    hippo_manifest "$1" "[{\"op\": \"replace\", \"path\": \"/spec/instances/0/name\", \"value\": \"$2\"},
        {\"op\": \"add\", \"path\": \"/spec/instances/0/replicas\", \"value\": $3},
        {\"op\": \"remove\", \"path\": \"/spec/backups\"}]"
}

# cluster_with_rows NAME SET REPLICAS: makes CLUSTER=NAME (cluster_yaml), waits until its REPLICAS
# instances are ready, and gives it a table "rows" of 1000 rows, written as its user.
cluster_with_rows() {
    CLUSTER=$1
    cluster_yaml "$@" | kc apply -f - >/dev/null
    wait_until 300 "cluster Ready" is_ready "$CLUSTER"
    wait_until 300 "$3 ready instances" output_is "$3" pc '{.status.instances[0].readyReplicas}'
    wait_until 60 "the user can write" app_psql "create table if not exists rows as select g from generate_series(1, 1000) g"
}

rows_are() { [[ $(app_psql "select count(*) from rows") == "$1" ]]; }
# primary_in_set SET: the primary is an instance of SET, and the cluster is ready.
primary_in_set() { [[ $(primary_instance) == "$CLUSTER-$1-"* ]] && is_ready "$CLUSTER"; }
# instance_gone INSTANCE: its StatefulSet and its data volume are removed.
instance_gone() { ! kc get sts "$1" >/dev/null 2>&1 && ! kc get pvc "$1-pgdata" >/dev/null 2>&1; }
instance_sets() { kc get sts -l "$L/cluster=$CLUSTER,$L/instance-set" -o name | wc -l; }
two_ready() { [[ $(pc '{.status.instances[0].readyReplicas}') == 2 ]] && is_ready "$CLUSTER"; }
# rolled CPU: both instances run with the new cpu request.
rolled() {
    local pods
    pods=$(postgres_pods_field '{range .items[*]}{.metadata.uid} {.spec.containers[0].resources.requests.cpu}{"\n"}{end}')
    [[ $(grep -c " $1\$" <<<"$pods") == 2 ]]
}

# ---------------------------------------------------------------- tests

test_renaming_the_only_instance_set_keeps_every_row() {
    cluster_with_rows rename a 1
    local old
    old=$(primary_instance)
    start_writing
    sleep 1
    # One word in the spec: the set that holds the only copy of the data gets a new name.
    kc patch postgrescluster rename --type=json -p '[{"op":"replace","path":"/spec/instances/0/name","value":"b"}]' >/dev/null
    wait_until 300 "the primary moved to set b" primary_in_set b
    wait_until 120 "the old instance and its volume are removed" instance_gone "$old"
    sleep 1
    stop_writing
    expect_eq "rows after the rename" "$(app_psql "select count(*) from rows")" 1000
    output_contains Switchover kc get events --field-selector involvedObject.name=rename -o jsonpath='{.items[*].reason}' ||
        fail "no Switchover Event"
}

test_scale_down_while_shut_down_keeps_every_instances_volume() {
    cluster_with_rows shutdown a 2
    local pvcs
    pvcs=$(kc get pvc -l "$L/cluster=shutdown,$L/data=postgres" -o name | sort)
    kc patch postgrescluster shutdown --type=merge -p '{"spec":{"shutdown":true}}' >/dev/null
    wait_until 120 "every instance stopped" output_is "" postgres_pods_field '{.items[*].metadata.name}'
    # Scale down while nothing runs: the agent cannot know which volume holds the newest data.
    kc patch postgrescluster shutdown --type=json -p '[{"op":"replace","path":"/spec/instances/0/replicas","value":1}]' >/dev/null
    sleep 5
    expect_eq "volumes while shut down" "$(kc get pvc -l "$L/cluster=shutdown,$L/data=postgres" -o name | sort)" "$pvcs"
    kc patch postgrescluster shutdown --type=merge -p '{"spec":{"shutdown":false}}' >/dev/null
    wait_until 300 "cluster Ready again" is_ready
    wait_until 120 "scaled down to one instance" output_is 1 instance_sets
    wait_until 60 "rows readable" rows_are 1000
}

test_a_resources_change_rolls_one_instance_at_a_time() {
    cluster_with_rows rolling a 2
    local before
    before=$(kc get pod -l "$L/cluster=rolling,$L/data=postgres" -o jsonpath='{.items[*].metadata.uid}')
    start_writing
    sleep 1
    # The change users make most: resources on the only instance set.
    kc patch postgrescluster rolling --type=json -p '[{"op":"add","path":"/spec/instances/0/resources","value":{"requests":{"cpu":"10m","memory":"64Mi"}}}]' >/dev/null
    local min=2 ready deadline=$(($(date +%s) + 300))
    until rolled 10m && two_ready; do
        ready=$(ready_pods)
        ((ready < min)) && min=$ready
        (($(date +%s) < deadline)) || fail "the rolling update did not finish in 300 s"
        sleep 0.5
    done
    stop_writing
    expect_eq "fewest ready instances during the roll" "$min" 1
    [[ $(kc get pod -l "$L/cluster=rolling,$L/data=postgres" -o jsonpath='{.items[*].metadata.uid}') != "$before" ]] || fail "no pod was restarted"
    expect_eq "rows after the roll" "$(app_psql "select count(*) from rows")" 1000
    output_contains "rolling 2/2" kc get events --field-selector involvedObject.name=rolling -o jsonpath='{.items[*].message}' ||
        fail "no Event for the second step"
}

# setting_everywhere NAME VALUE: every instance runs with NAME = VALUE, and none waits for a restart.
setting_everywhere() {
    local pod
    for pod in $(postgres_pods_field '{.items[*].metadata.name}'); do
        [[ $(kc exec "$pod" -c database -- psql -X -Atq -c "show $1") == "$2" ]] || return 1
    done
    [[ -z $(pc '{.status.patroni.pendingRestart}') ]] && two_ready
}

test_a_parameter_that_needs_a_restart_rolls_in_place() {
    CLUSTER=rolling
    wait_until 120 "two ready instances" two_ready
    local before seen=no deadline=$(($(date +%s) + 300))
    before=$(kc get pod -l "$L/cluster=rolling,$L/data=postgres" -o jsonpath='{.items[*].metadata.uid}')
    start_writing
    sleep 1
    # max_connections can change only with a restart: Patroni marks it pending on each member.
    kc patch postgrescluster rolling --type=merge -p '{"spec":{"patroni":{"dynamicConfiguration":{"postgresql":{"parameters":{"max_connections":"123"}}}}}}' >/dev/null
    until setting_everywhere max_connections 123; do
        [[ -n $(pc '{.status.patroni.pendingRestart}') ]] && seen=yes
        (($(date +%s) < deadline)) || fail "the restart did not finish in 300 s"
        sleep 0.5
    done
    stop_writing
    expect_eq "status.patroni.pendingRestart named the instances" "$seen" yes
    expect_eq "pods kept (restarted in place)" "$(kc get pod -l "$L/cluster=rolling,$L/data=postgres" -o jsonpath='{.items[*].metadata.uid}')" "$before"
    expect_eq "rows after the restart" "$(app_psql "select count(*) from rows")" 1000
    output_contains "needs a restart" kc get events --field-selector involvedObject.name=rolling -o jsonpath='{.items[*].message}' ||
        fail "no Event for the restart"
}

test_patroni_api_refuses_unauthenticated_changes() {
    CLUSTER=rolling
    wait_until 120 "cluster Ready" is_ready
    local ip work_mem code
    ip=$(kc get pod "$(primary_pod)" -o jsonpath='{.status.podIP}')
    work_mem=$(sql "show work_mem")
    # What anyone on the pod network could try: plain HTTP, then HTTPS without credentials.
    if output_contains work_mem curl -s -m 5 -X PATCH "http://$ip:8008/config" -d '{"postgresql":{"parameters":{"work_mem":"77MB"}}}'; then
        fail "plain HTTP changed the configuration"
    fi
    code=$(curl -sk -m 5 -o /dev/null -w '%{http_code}' -X PATCH "https://$ip:8008/config" -d '{"postgresql":{"parameters":{"work_mem":"77MB"}}}')
    expect_eq "unauthenticated PATCH over HTTPS" "$code" 401
    code=$(curl -sk -m 5 -o /dev/null -w '%{http_code}' -X POST "https://$ip:8008/switchover" -d '{"leader":"x"}')
    expect_eq "unauthenticated switchover" "$code" 401
    # Reads (probes, Patroni's own health checks) stay open.
    expect_eq "GET /patroni" "$(curl -sk -m 5 -o /dev/null -w '%{http_code}' "https://$ip:8008/patroni")" 200
    sleep 2
    expect_eq "work_mem unchanged" "$(sql "show work_mem")" "$work_mem"
    # The password is in a Secret, never in the pod spec.
    local password
    password=$(kc get secret rolling-patroni-api -o jsonpath='{.data.password}' | base64 -d)
    [[ -n $password ]] || fail "the Secret rolling-patroni-api has no password"
    ! output_contains "$password" kc get pod "$(primary_pod)" -o yaml || fail "the Patroni API password is in the pod spec"
}

# resizing_is STATUS REASON: the PersistentVolumeResizing condition.
resizing_is() {
    [[ $(pc '{.status.conditions[?(@.type=="PersistentVolumeResizing")].status}/{.status.conditions[?(@.type=="PersistentVolumeResizing")].reason}') == "$1/$2" ]]
}
no_resizing_condition() { [[ -z $(pc '{.status.conditions[?(@.type=="PersistentVolumeResizing")].type}') ]]; }
data_sizes() { kc get pvc -l "$L/cluster=$CLUSTER,$L/data=postgres" -o jsonpath='{range .items[*]}{.spec.resources.requests.storage} {end}'; }
storage_patch() { echo "[{\"op\":\"replace\",\"path\":\"/spec/instances/0/dataVolumeClaimSpec/resources/requests/storage\",\"value\":\"$1\"}]"; }

test_a_refused_volume_size_change_keeps_the_volume_and_the_rest_reconciling() {
    CLUSTER=rolling
    wait_until 120 "cluster Ready" two_ready
    local sizes
    sizes=$(data_sizes)
    # The bed's StorageClass does not allow expansion: the API server refuses to grow the claims.
    kc patch postgrescluster rolling --type=json -p "$(storage_patch 2Gi)" >/dev/null
    wait_until 60 "PersistentVolumeResizing=False (Forbidden)" resizing_is False Forbidden
    output_contains "spec.instances[0].dataVolumeClaimSpec.resources.requests.storage" \
        pc '{.status.conditions[?(@.type=="PersistentVolumeResizing")].message}' || fail "the condition does not name the field"
    output_contains PersistentVolumeError kc get events --field-selector involvedObject.name=rolling -o jsonpath='{.items[*].reason}' ||
        fail "no PersistentVolumeError Event"
    # The rest of the spec still reconciles: a reloadable parameter reaches Postgres.
    kc patch postgrescluster rolling --type=merge -p '{"spec":{"patroni":{"dynamicConfiguration":{"postgresql":{"parameters":{"work_mem":"5MB"}}}}}}' >/dev/null
    wait_until 90 "work_mem reaches Postgres despite the refused volume" output_is 5MB sql "show work_mem"
    # A shrink is refused as well (Invalid); the volumes keep their size.
    kc patch postgrescluster rolling --type=json -p "$(storage_patch 500Mi)" >/dev/null
    wait_until 60 "PersistentVolumeResizing=False (Invalid)" resizing_is False Invalid
    expect_eq "volume sizes" "$(data_sizes)" "$sizes"
    # Back to the size the volumes have: the condition goes away.
    kc patch postgrescluster rolling --type=json -p "$(storage_patch 1Gi)" >/dev/null
    wait_until 60 "no PersistentVolumeResizing condition" no_resizing_condition
    expect_eq "rows" "$(app_psql "select count(*) from rows")" 1000
    is_ready || fail "the cluster is not Ready"
}

progressing_reason() { pc '{.status.conditions[?(@.type=="Progressing")].reason}'; }

test_removing_walvolumeclaimspec_keeps_the_wal_volume_and_every_row() {
    CLUSTER=wal
    cluster_yaml wal a 1 | kubectl patch --local -f - --type=json -o yaml \
        -p '[{"op":"add","path":"/spec/instances/0/walVolumeClaimSpec","value":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]' |
        kc apply -f - >/dev/null
    wait_until 300 "cluster Ready" is_ready
    wait_until 60 "the user can write" app_psql "create table if not exists rows as select g from generate_series(1, 1000) g"
    local wal pod
    wal=$(kc get pvc -l "$L/cluster=wal,$L/role=pgwal" -o name)
    [[ -n $wal ]] || fail "no WAL volume"
    pod=$(postgres_pods_field '{.items[0].metadata.uid}')
    start_writing
    sleep 1
    # pg_wal links to this volume: deleting it would take every write since the last checkpoint.
    kc patch postgrescluster wal --type=json -p '[{"op":"remove","path":"/spec/instances/0/walVolumeClaimSpec"}]' >/dev/null
    wait_until 60 "Progressing: WALVolumeKept" output_is WALVolumeKept progressing_reason
    sleep 5
    stop_writing
    expect_eq "WAL volume" "$(kc get pvc -l "$L/cluster=wal,$L/role=pgwal" -o name)" "$wal"
    expect_eq "pod kept" "$(postgres_pods_field '{.items[0].metadata.uid}')" "$pod"
    expect_eq "rows" "$(app_psql "select count(*) from rows")" 1000
    output_contains WALVolumeKept kc get events --field-selector involvedObject.name=wal -o jsonpath='{.items[*].reason}' ||
        fail "no WALVolumeKept Event"
    kc delete postgrescluster wal --wait=false >/dev/null
}

e2e_namespace || exit 1
run_test "renaming the only instance set keeps every row" test_renaming_the_only_instance_set_keeps_every_row
run_test "a scale-down while shut down keeps every volume" test_scale_down_while_shut_down_keeps_every_instances_volume
run_test "a resources change rolls one instance at a time" test_a_resources_change_rolls_one_instance_at_a_time
run_test "a parameter that needs a restart rolls in place" test_a_parameter_that_needs_a_restart_rolls_in_place
run_test "Patroni's API refuses unauthenticated changes" test_patroni_api_refuses_unauthenticated_changes
run_test "a refused volume size change keeps the volume and the rest reconciling" test_a_refused_volume_size_change_keeps_the_volume_and_the_rest_reconciling
run_test "removing walVolumeClaimSpec keeps the WAL volume and every row" test_removing_walvolumeclaimspec_keeps_the_wal_volume_and_every_row
e2e_namespace_done
summary "safety e2e"
