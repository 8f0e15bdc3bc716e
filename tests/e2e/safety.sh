#!/usr/bin/env bash
# End-to-end tests of edits that could delete data: each one tries to make the agent delete
# the wrong volume, under writes, and counts the rows afterwards.
#   KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig tests/e2e/safety.sh
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

NS=${E2E_NAMESPACE:-e2e-safety}
L=postgres-operator.crunchydata.com
CLUSTER=rename

kc() { kubectl -n "$NS" "$@"; }
pc() { kc get postgrescluster "$CLUSTER" -o jsonpath="$1"; }
primary_pod() { kc get pod -l "$L/cluster=$CLUSTER,$L/role=master" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null; }
primary_instance() { kc get pod -l "$L/cluster=$CLUSTER,$L/role=master" -o jsonpath="{.items[0].metadata.labels.postgres-operator\.crunchydata\.com/instance}" 2>/dev/null; }
secret_key() { kc get secret "$CLUSTER-pguser-$CLUSTER" -o jsonpath="{.data.$1}" | base64 -d; }
is_ready() { [[ $(pc '{.status.conditions[?(@.type=="Ready")].status}') == True ]]; }
psql_primary() { kc exec "$(primary_pod)" -c database -- psql -X -Atq -d "$CLUSTER" -c "$1"; }

# SQL as the cluster's user through the primary Service, with TLS, as an application does.
app_psql() {
    local ip
    ip=$(kc get svc "$CLUSTER-primary" -o jsonpath='{.spec.clusterIP}')
    PGPASSWORD=$(secret_key password) PGCONNECT_TIMEOUT=2 PGSSLMODE=require \
        psql -X -Atq -h "$ip" -p 5432 -U "$CLUSTER" -d "$CLUSTER" -c "$1"
}

# writer_start / writer_stop: insert a sequence number every 0.2 s through the primary
# Service; writer_stop checks that every acknowledged number is in the table.
WRITER_DIR=""
writer_start() {
    WRITER_DIR=$(mktemp -d /tmp/e2e-writer.XXXX)
    app_psql "create table if not exists acked (seq int primary key)" >/dev/null
    (
        n=0
        while [[ ! -e $WRITER_DIR/stop ]]; do
            n=$((n + 1))
            app_psql "insert into acked values ($n)" >/dev/null 2>&1 && echo "$n" >>"$WRITER_DIR/acked"
            sleep 0.2
        done
    ) &
    echo $! >"$WRITER_DIR/pid"
}
writer_stop() {
    touch "$WRITER_DIR/stop"
    wait "$(cat "$WRITER_DIR/pid")" 2>/dev/null || true
    local acked present missing
    acked=$(wc -l <"$WRITER_DIR/acked")
    wait_until 120 "the primary answers" app_psql "select 1"
    present=$(app_psql "select seq from acked order by seq")
    missing=$(comm -23 <(sort "$WRITER_DIR/acked") <(sort <<<"$present"))
    log "writer: $acked acknowledged writes, $(wc -w <<<"$missing") missing"
    [[ $acked -gt 0 ]] || fail "no write was acknowledged"
    [[ -z $missing ]] || fail "acknowledged writes lost: $(tr '\n' ' ' <<<"$missing")"
}

cluster_yaml() { # NAME SET REPLICAS
    cat <<EOF
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata: {name: $1}
spec:
  postgresVersion: 15
  instances:
    - name: $2
      replicas: $3
      dataVolumeClaimSpec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
EOF
}

rows_are() { [[ $(app_psql "select count(*) from rows") == "$1" ]]; }

# ---------------------------------------------------------------- tests

test_renaming_the_only_instance_set_keeps_every_row() {
    CLUSTER=rename
    cluster_yaml rename a 1 | kc apply -f - >/dev/null
    wait_until 300 "cluster Ready" is_ready
    wait_until 60 "the user can write" app_psql "create table if not exists rows as select g from generate_series(1, 1000) g"
    local old
    old=$(primary_instance)
    writer_start
    sleep 1
    # One word in the spec: the set that holds the only copy of the data gets a new name.
    kc patch postgrescluster rename --type=json -p '[{"op":"replace","path":"/spec/instances/0/name","value":"b"}]' >/dev/null
    moved() { [[ $(primary_instance) == rename-b-* ]] && is_ready; }
    wait_until 300 "the primary moved to set b" moved
    gone() { ! kc get sts "$old" >/dev/null 2>&1 && ! kc get pvc "$old-pgdata" >/dev/null 2>&1; }
    wait_until 120 "the old instance and its volume are removed" gone
    sleep 1
    writer_stop
    expect_eq "rows after the rename" "$(app_psql "select count(*) from rows")" 1000
    kc get events --field-selector involvedObject.name=rename -o jsonpath='{.items[*].reason}' | grep -q Switchover ||
        fail "no Switchover Event"
}

test_scale_down_while_shut_down_keeps_every_instances_volume() {
    CLUSTER=shutdown
    cluster_yaml shutdown a 2 | kc apply -f - >/dev/null
    wait_until 300 "cluster Ready" is_ready
    two_ready() { [[ $(pc '{.status.instances[0].readyReplicas}') == 2 ]]; }
    wait_until 300 "2 ready instances" two_ready
    wait_until 60 "the user can write" app_psql "create table if not exists rows as select g from generate_series(1, 1000) g"
    local pvcs
    pvcs=$(kc get pvc -l "$L/cluster=shutdown,$L/data=postgres" -o name | sort)
    kc patch postgrescluster shutdown --type=merge -p '{"spec":{"shutdown":true}}' >/dev/null
    stopped() { [[ -z $(kc get pod -l "$L/cluster=shutdown,$L/data=postgres" -o name) ]]; }
    wait_until 120 "every instance stopped" stopped
    # Scale down while nothing runs: the agent cannot know which volume holds the newest data.
    kc patch postgrescluster shutdown --type=json -p '[{"op":"replace","path":"/spec/instances/0/replicas","value":1}]' >/dev/null
    sleep 5
    expect_eq "volumes while shut down" "$(kc get pvc -l "$L/cluster=shutdown,$L/data=postgres" -o name | sort)" "$pvcs"
    kc patch postgrescluster shutdown --type=merge -p '{"spec":{"shutdown":false}}' >/dev/null
    wait_until 300 "cluster Ready again" is_ready
    one_left() { [[ $(kc get sts -l "$L/cluster=shutdown,$L/instance-set" -o name | wc -l) == 1 ]]; }
    wait_until 120 "scaled down to one instance" one_left
    wait_until 60 "rows readable" rows_are 1000
}

test_a_resources_change_rolls_one_instance_at_a_time() {
    CLUSTER=rolling
    cluster_yaml rolling a 2 | kc apply -f - >/dev/null
    two_ready() { [[ $(pc '{.status.instances[0].readyReplicas}') == 2 ]] && is_ready; }
    wait_until 300 "2 ready instances" two_ready
    wait_until 60 "the user can write" app_psql "create table if not exists rows as select g from generate_series(1, 1000) g"
    local before
    before=$(kc get pod -l "$L/cluster=rolling,$L/data=postgres" -o jsonpath='{.items[*].metadata.uid}')
    writer_start
    sleep 1
    # The change users make most: resources on the only instance set.
    kc patch postgrescluster rolling --type=json -p '[{"op":"add","path":"/spec/instances/0/resources","value":{"requests":{"cpu":"10m","memory":"64Mi"}}}]' >/dev/null
    local min=2 ready deadline=$(($(date +%s) + 300))
    rolled() {
        local uids
        uids=$(kc get pod -l "$L/cluster=rolling,$L/data=postgres" -o jsonpath='{range .items[*]}{.metadata.uid} {.spec.containers[0].resources.requests.cpu}{"\n"}{end}')
        [[ $(grep -c ' 10m$' <<<"$uids") == 2 ]]
    }
    until rolled && two_ready; do
        ready=$(kc get pod -l "$L/cluster=rolling,$L/data=postgres" -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)
        ((ready < min)) && min=$ready
        (($(date +%s) < deadline)) || fail "the rolling update did not finish in 300 s"
        sleep 0.5
    done
    writer_stop
    expect_eq "fewest ready instances during the roll" "$min" 1
    [[ $(kc get pod -l "$L/cluster=rolling,$L/data=postgres" -o jsonpath='{.items[*].metadata.uid}') != "$before" ]] || fail "no pod was restarted"
    expect_eq "rows after the roll" "$(app_psql "select count(*) from rows")" 1000
    kc get events --field-selector involvedObject.name=rolling -o jsonpath='{.items[*].message}' | grep -q "rolling 2/2" ||
        fail "no Event for the second step"
}

test_patroni_api_refuses_unauthenticated_changes() {
    CLUSTER=rolling
    wait_until 120 "cluster Ready" is_ready
    local ip work_mem code
    ip=$(kc get pod "$(primary_pod)" -o jsonpath='{.status.podIP}')
    work_mem=$(psql_primary "show work_mem")
    # What anyone on the pod network could try: plain HTTP, then HTTPS without credentials.
    if curl -s -m 5 -X PATCH "http://$ip:8008/config" -d '{"postgresql":{"parameters":{"work_mem":"77MB"}}}' | grep -q work_mem; then
        fail "plain HTTP changed the configuration"
    fi
    code=$(curl -sk -m 5 -o /dev/null -w '%{http_code}' -X PATCH "https://$ip:8008/config" -d '{"postgresql":{"parameters":{"work_mem":"77MB"}}}')
    expect_eq "unauthenticated PATCH over HTTPS" "$code" 401
    code=$(curl -sk -m 5 -o /dev/null -w '%{http_code}' -X POST "https://$ip:8008/switchover" -d '{"leader":"x"}')
    expect_eq "unauthenticated switchover" "$code" 401
    # Reads (probes, Patroni's own health checks) stay open.
    expect_eq "GET /patroni" "$(curl -sk -m 5 -o /dev/null -w '%{http_code}' "https://$ip:8008/patroni")" 200
    sleep 2
    expect_eq "work_mem unchanged" "$(psql_primary "show work_mem")" "$work_mem"
    # The password is in a Secret, never in the pod spec.
    ! kc get pod "$(primary_pod)" -o yaml | grep -q "$(kc get secret rolling-patroni-api -o jsonpath='{.data.password}' | base64 -d)" ||
        fail "the Patroni API password is in the pod spec"
}

kubectl create namespace "$NS" >/dev/null 2>&1 || true
run_test "renaming the only instance set keeps every row" test_renaming_the_only_instance_set_keeps_every_row
run_test "a scale-down while shut down keeps every volume" test_scale_down_while_shut_down_keeps_every_instances_volume
run_test "a resources change rolls one instance at a time" test_a_resources_change_rolls_one_instance_at_a_time
run_test "Patroni's API refuses unauthenticated changes" test_patroni_api_refuses_unauthenticated_changes
kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1
summary "safety e2e"
