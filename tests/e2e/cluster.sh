#!/usr/bin/env bash
# End-to-end tests of the PostgresCluster API and pgo-agent on the test bed (issue: HA cluster).
# Needs: a bed that is up, the agent installed (kubectl apply -k manifests/), psql on the host.
#   KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig tests/e2e/cluster.sh
set -uo pipefail
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

NS=${E2E_NAMESPACE:-e2e-hippo}
CLUSTER=hippo

# (kc, pc, condition, primary_pod, ready_pods, app_psql, ...: tests/lib/postgrescluster.sh)
# Instance StatefulSets (the pgBackRest repository host has no instance-set label).
sts_count() { kc get sts -l "$L/cluster=$CLUSTER,$L/instance-set" -o name | wc -l; }
data_claims() { kc get pvc -l "$L/cluster=$CLUSTER,$L/data=postgres" -o name | wc -l; }
replica_endpoints() { kc get endpoints "$CLUSTER-replicas" -o jsonpath='{.subsets[0].addresses[*].ip}' | wc -w; }
postgres_pods() { kc get pod -l "$L/cluster=$CLUSTER,$L/data=postgres" -o name; }
agent_pods() { kubectl -n "$AGENT_NS" get pod -l app.kubernetes.io/name=pgo-agent -o name; }
# valid_message_names FIELD / invalid_spec_event_names FIELD: the Valid condition / an
# InvalidSpec event names FIELD.
valid_message_names() { [[ $(pc '{.status.conditions[?(@.type=="Valid")].message}') == *"$1"* ]]; }
invalid_spec_event_names() {
    local events
    events=$(kc get events --field-selector reason=InvalidSpec -o jsonpath='{.items[*].note}{.items[*].message}')
    grep -qF "$1" <<<"$events"
}
owned() { kc get sts,svc,cm,secret,pvc,sa,role,rolebinding,pod -l "$L/cluster=$CLUSTER" -o name 2>/dev/null; }

set_replicas() {
    kc patch postgrescluster "$CLUSTER" --type=json -p "[{\"op\":\"replace\",\"path\":\"/spec/instances/0/replicas\",\"value\":$1}]"
}

# ---------------------------------------------------------------- tests

test_hippo_becomes_a_writable_primary() {
    # PGO's hippo example, unchanged but for postgresVersion and the image lines (no registry).
    kc apply -f "$HIPPO_EXAMPLE"
    local t0
    t0=$(now)
    wait_until 300 "cluster Ready" is_ready
    log "hippo ready in $(elapsed "$t0")s"
    # Every field of PGO's hippo example is implemented, its pgBackRest repository included.
    expect_eq "Supported condition" "$(condition Supported)" True
    wait_until 120 "pgBackRest stanza created" stanza_ready
    expect_eq "primary in status" "$(pc '{.status.patroni.primary}')" "$(primary_pod)"
    [[ -n $(pc '{.status.patroni.systemIdentifier}') ]] || fail "no system identifier in status"
    expect_eq "instances status" "$(pc '{.status.instances[0].readyReplicas}')" 1
    expect_eq "observedGeneration" "$(pc '{.status.observedGeneration}')" "$(kc get postgrescluster $CLUSTER -o jsonpath='{.metadata.generation}')"
    # The user Secret has PGO's keys.
    for key in user password verifier host port dbname uri jdbc-uri; do
        [[ -n $(kc get secret "$CLUSTER-pguser-$CLUSTER" -o jsonpath="{.data.$key}") ]] || fail "secret lacks $key"
    done
    wait_until 60 "the application user can write" app_psql "create table if not exists e2e (id serial primary key, t text not null)"
    expect_eq "insert" "$(app_psql "insert into e2e (t) values ('first') returning t")" first
    # PGO users' selectors: data claims, instance and repository host StatefulSets, and
    # status.pgbackrest as PGO writes it.
    expect_eq "data claims by PGO's labels" "$(kc get pvc -l "$L/cluster=$CLUSTER,$L/role=pgdata,$L/data=postgres" -o name | wc -l)" 1
    expect_eq "instance StatefulSets by PGO's labels" "$(kc get sts -l "$L/cluster=$CLUSTER,$L/data=postgres" -o name | wc -l)" 1
    expect_eq "repository host by PGO's labels" "$(kc get sts -l "$L/cluster=$CLUSTER,$L/data=pgbackrest" -o name)" "statefulset.apps/$CLUSTER-repo-host"
    wait_until 60 "status.pgbackrest.repoHost ready" repo_host_status_ready
    expect_eq "status.pgbackrest.repos[0].bound" "$(pc '{.status.pgbackrest.repos[0].bound}')" true
    expect_eq "status.pgbackrest.repos[0].volume" "$(pc '{.status.pgbackrest.repos[0].volume}')" "$(kc get pvc "$CLUSTER-repo1" -o jsonpath='{.spec.volumeName}')"
}
repo_host_status_ready() { [[ $(pc '{.status.pgbackrest.repoHost.kind}/{.status.pgbackrest.repoHost.apiVersion}/{.status.pgbackrest.repoHost.ready}') == StatefulSet/apps/v1/true ]]; }

test_client_connects_with_tls_using_only_the_secret() {
    # A pod that knows nothing but the Secret's uri (and the CA to verify the server by name).
    kc delete pod tls-client --ignore-not-found --wait=true >/dev/null
    kc apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata: {name: tls-client}
spec:
  restartPolicy: Never
  securityContext: {runAsNonRoot: true, runAsUser: 26}
  containers:
    - name: psql
      image: localhost/pgo-postgres:15
      imagePullPolicy: IfNotPresent
      command: [bash, -c]
      args:
        - |
          psql "\$PGURI" -XAtc "select ssl, version from pg_stat_ssl where pid = pg_backend_pid()"
          PGSSLMODE=verify-full PGSSLROOTCERT=/ca/ca.crt psql "\$PGURI" -XAtc "select 'verified ' || current_user"
          PGSSLMODE=disable psql "\$PGURI" -XAtc "select 1" 2>&1 || echo "plaintext refused"
      env:
        - name: PGURI
          valueFrom: {secretKeyRef: {name: $CLUSTER-pguser-$CLUSTER, key: uri}}
      volumeMounts: [{name: ca, mountPath: /ca}]
  volumes:
    - name: ca
      secret: {secretName: $CLUSTER-cluster-cert, items: [{key: ca.crt, path: ca.crt}]}
EOF
    wait_until 120 "tls-client finished" output_is Succeeded kc get pod tls-client -o jsonpath='{.status.phase}'
    local out
    out=$(kc logs tls-client)
    log "tls-client: $(tr '\n' ' ' <<<"$out")"
    [[ $out == *"t|TLSv1.3"* || $out == *"t|TLSv1.2"* ]] || fail "connection was not TLS"
    [[ $out == *"verified $CLUSTER"* ]] || fail "verify-full against the cluster CA failed"
    [[ $out == *"plaintext refused"* ]] || fail "a plaintext connection was accepted"
    kc delete pod tls-client --wait=false >/dev/null
}

test_scale_to_three_streams_to_two_replicas() {
    set_replicas 3
    wait_until 300 "3 ready instances" ready_count_is 3
    expect_eq "statefulsets" "$(sts_count)" 3
    wait_until 60 "2 streaming replicas" streaming_replicas_are 2
    wait_until 60 "status shows 3 ready" output_is 3 pc '{.status.instances[0].readyReplicas}'
    # The replicas Service selects the two replicas.
    wait_until 30 "replicas Service has 2 endpoints" output_is 2 replica_endpoints
}

# new_primary_accepts_writes OLD_IP: a write through the primary Service lands on another server.
new_primary_accepts_writes() {
    local ip
    ip=$(app_psql "insert into e2e (t) values ('after') returning inet_server_addr()" 2>/dev/null) || return 1
    [[ -n $ip && ${ip%/*} != "$1" ]]
}

# Deletes the primary pod while a client writes; prints the seconds until a new primary accepts
# writes through the primary Service.
failover_seconds() {
    local old old_ip t0 writer
    old=$(primary_pod)
    old_ip=$(pod_ip "$old")
    ( for _ in $(seq 1 300); do app_psql "insert into e2e (t) values ('during')" >/dev/null 2>&1; sleep 0.1; done ) &
    writer=$!
    sleep 1
    t0=$(now)
    kc delete pod "$old" --wait=false >/dev/null
    wait_until 60 "a new primary accepts writes" new_primary_accepts_writes "$old_ip" || { kill "$writer" 2>/dev/null; return 1; }
    elapsed "$t0"
    kill "$writer" 2>/dev/null
    wait "$writer" 2>/dev/null || true
}

test_primary_delete_fails_over_and_status_follows() {
    local before secs new
    before=$(app_psql "select count(*) from e2e")
    secs=$(failover_seconds) || fail "no failover"
    log "failover: new primary accepted writes ${secs}s after the primary pod was deleted"
    echo "$secs" > "${E2E_RESULTS:-/tmp}/failover-seconds"
    new=$(primary_pod)
    wait_until 30 "status.patroni.primary follows" output_is "$new" pc '{.status.patroni.primary}'
    (( $(app_psql "select count(*) from e2e") >= before )) || fail "rows were lost"
    wait_until 180 "3 ready instances again" ready_count_is 3
}

test_no_acknowledged_write_is_lost_when_the_primary_is_deleted() {
    local out old t0 gap
    out=$(mktemp -d "${E2E_RESULTS:-/tmp}/writer.XXXX")
    wait_until 60 "2 streaming replicas" streaming_replicas_are 2
    test_writer_start "$out"
    sleep 2
    old=$(primary_pod)
    t0=$(date +%s.%N)
    kc delete pod "$old" --wait=false >/dev/null
    wait_until 60 "a new primary" primary_moved_from "$old"
    wait_until 60 "10 writes acknowledged after the delete" writer_acked_since "$out" "$t0" 10
    test_writer_verify "$out"
    gap=$(jq .longest_gap.seconds "$out/report.json")
    log "writer: longest gap between acknowledged writes ${gap}s, $(jq .acknowledged "$out/report.json") acknowledged, none lost"
    echo "$gap" >"${E2E_RESULTS:-/tmp}/writer-gap-seconds"
    # As found: the tests after this one switch over to a replica, which must stream.
    wait_until 180 "3 ready instances again" ready_count_is 3
    wait_until 120 "2 streaming replicas again" streaming_replicas_are 2
}

test_switchover_through_spec_and_annotation() {
    local current target
    current=$(primary_pod)
    target=$(kc get pod -l "$L/cluster=$CLUSTER,$L/role=replica" -o jsonpath='{.items[0].metadata.labels.postgres-operator\.crunchydata\.com/instance}')
    [[ -n $target ]] || fail "no replica to switch to"
    kc patch postgrescluster "$CLUSTER" --type=merge -p "{\"spec\":{\"patroni\":{\"switchover\":{\"enabled\":true,\"targetInstance\":\"$target\"}}}}"
    kc annotate postgrescluster "$CLUSTER" --overwrite "$L/trigger-switchover=e2e-1"
    wait_until 90 "primary is $target-0" output_is "$target-0" primary_pod
    wait_until 30 "status records the switchover" output_is e2e-1 pc '{.status.patroni.switchover}'
    [[ $current != "$target-0" ]] || fail "switched to the same pod"
    wait_until 60 "writable after switchover" app_psql "insert into e2e (t) values ('switched')"
}

# pooler_psql SQL: SQL as the cluster's user through PgBouncer, with the Secret's pgbouncer-uri,
# over TLS verified against the pooler's CA (by its Service name, at its ClusterIP).
pooler_psql() {
    local ip
    ip=$(kc get svc "$CLUSTER-pgbouncer" -o jsonpath='{.spec.clusterIP}') || return 1
    PGHOSTADDR=$ip PGCONNECT_TIMEOUT=2 PGSSLMODE=verify-full PGSSLROOTCERT="$POOLER_CA" \
        psql -X -Atq -d "$(secret_key pgbouncer-uri)" -c "$1"
}
pooler_ready() { [[ $(condition ProxyAvailable) == True && $(pc '{.status.proxy.pgBouncer.readyReplicas}') == 1 && -n $(pc '{.status.proxy.pgBouncer.postgresRevision}') ]]; }
pooler_gone() { [[ -z $(kc get deploy,svc,cm,secret,pdb -l "$L/cluster=$CLUSTER,$L/role=pgbouncer" -o name 2>/dev/null) ]]; }
pooler_role_count() { sql "SELECT count(*) FROM pg_roles WHERE rolname = '_crunchypgbouncer'"; }

# every_pod_exports: every Postgres pod runs the exporter container, ready, and no roll is left.
every_pod_exports() {
    local want have
    want=$(kc get pod -l "$L/cluster=$CLUSTER,$L/data=postgres" -o name | wc -l)
    have=$(kc get pod -l "$L/cluster=$CLUSTER,$L/data=postgres" -o jsonpath='{range .items[*]}{.status.containerStatuses[?(@.name=="exporter")].ready}{"\n"}{end}' | grep -c true)
    [[ $have == "$want" && $(ready_pods) == "$want" && $(pc '{.status.conditions[?(@.type=="Progressing")].reason}') != RollingUpdate ]]
}

test_pgbouncer_pools_with_tls_and_follows_a_switchover() {
    # The pooler and the exporter at once: the exporter rolls through the instances.
    kc patch postgrescluster "$CLUSTER" --type=merge -p '{"spec":{"proxy":{"pgBouncer":{"replicas":1}},"monitoring":{"pgmonitor":{"exporter":{}}}}}'
    wait_until 180 "ProxyAvailable and PgBouncer set up in Postgres" pooler_ready
    wait_until 420 "every instance runs the exporter" every_pod_exports
    wait_until 60 "the primary's exporter reports 2" output_is 2 recovery_status "$(primary_pod)"
    for key in pgbouncer-host pgbouncer-port pgbouncer-uri pgbouncer-jdbc-uri; do
        [[ -n $(secret_key "$key") ]] || fail "the user Secret lacks $key"
    done
    expect_eq "pgbouncer-host" "$(secret_key pgbouncer-host)" "$CLUSTER-pgbouncer.$NS.svc"
    POOLER_CA=$(mktemp "${E2E_RESULTS:-/tmp}/pooler-ca.XXXX")
    kc get secret "$CLUSTER-pgbouncer" -o jsonpath='{.data.pgbouncer-frontend\.ca-roots}' | base64 -d >"$POOLER_CA"
    # The user's own password, TLS on both sides: the client's verified, the server's in pg_stat_ssl.
    wait_until 60 "a query through the pooler" pooler_psql "select 1"
    expect_eq "through the pooler" "$(pooler_psql "select current_user || ' ' || (select ssl from pg_stat_ssl where pid = pg_backend_pid())")" "$CLUSTER true"
    local ip out
    ip=$(kc get svc "$CLUSTER-pgbouncer" -o jsonpath='{.spec.clusterIP}')
    out=$(PGHOSTADDR=$ip PGCONNECT_TIMEOUT=2 PGSSLMODE=disable psql -X -Atq -d "$(secret_key pgbouncer-uri)" -c "select 1" 2>&1) && fail "a plaintext client was let in: $out"
    [[ $out == *"SSL required"* ]] || fail "plaintext not refused as expected: $out"
    # A switchover under writes through the pooler: it reaches the new primary, nothing is lost.
    local dir target old t0 gap
    dir=$(mktemp -d "${E2E_RESULTS:-/tmp}/pooler-writer.XXXX")
    writer_pooler_start() {
        python3 "$PGO_REPO/tests/lib/writer.py" start --uri "$(secret_key pgbouncer-uri)" --hostaddr "$ip" \
            --table pooled --sslmode verify-full --sslrootcert "$POOLER_CA" --out "$dir"
    }
    writer_pooler_start || fail "no write through the pooler"
    # shellcheck disable=SC2064 # the directory is known now
    trap "writer_stop '$dir' --timeout 5 --quiet >/dev/null 2>&1" EXIT
    sleep 2
    old=$(primary_pod)
    target=$(kc get pod -l "$L/cluster=$CLUSTER,$L/role=replica" -o jsonpath='{.items[0].metadata.labels.postgres-operator\.crunchydata\.com/instance}')
    kc patch postgrescluster "$CLUSTER" --type=merge -p "{\"spec\":{\"patroni\":{\"switchover\":{\"enabled\":true,\"targetInstance\":\"$target\"}}}}"
    t0=$(date +%s.%N)
    kc annotate postgrescluster "$CLUSTER" --overwrite "$L/trigger-switchover=e2e-pooler-$(date +%s)"
    wait_until 90 "primary is $target-0" output_is "$target-0" primary_pod
    wait_until 60 "10 writes through the pooler after the switchover" writer_acked_since "$dir" "$t0" 10
    test_writer_verify "$dir"
    gap=$(jq .longest_gap.seconds "$dir/report.json")
    log "through PgBouncer: longest gap between acknowledged writes over a switchover ${gap}s, $(jq .acknowledged "$dir/report.json") acknowledged, none lost ($old -> $target-0)"
    echo "$gap" >"${E2E_RESULTS:-/tmp}/pooler-switchover-gap-seconds"
    # The exporters follow the roles.
    wait_until 60 "the new primary's exporter reports 2" output_is 2 recovery_status "$target-0"
    wait_until 120 "the old primary's exporter reports 1" output_is 1 recovery_status "$old"
    # A configuration change is reloaded in place: the same pod, no restart.
    local pod
    pod=$(kc get pod -l "$L/cluster=$CLUSTER,$L/role=pgbouncer" -o jsonpath='{.items[0].metadata.name}')
    kc patch postgrescluster "$CLUSTER" --type=merge -p '{"spec":{"proxy":{"pgBouncer":{"config":{"global":{"default_pool_size":"7"}}}}}}'
    wait_until 180 "PgBouncer reloaded the change" output_contains "PgBouncer reloaded it" kc logs "$pod" -c pgbouncer-config
    expect_eq "restarts of the pooler" "$(kc get pod "$pod" -o jsonpath='{.status.containerStatuses[?(@.name=="pgbouncer")].restartCount}')" 0
    pooler_psql "select 1" >/dev/null || fail "no query through the pooler after the reload"
}

test_removing_the_proxy_removes_the_pooler_and_its_user() {
    kc patch postgrescluster "$CLUSTER" --type=json -p '[{"op":"remove","path":"/spec/proxy"}]'
    wait_until 120 "the pooler's objects are gone" pooler_gone
    wait_until 60 "_crunchypgbouncer is dropped" output_is 0 pooler_role_count
    expect_eq "pgbouncer schema" "$(psql_on "$CLUSTER" "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgbouncer'" "$CLUSTER")" 0
    wait_until 30 "status.proxy is gone" output_is "" pc '{.status.proxy}'
    [[ -z $(secret_key pgbouncer-uri 2>/dev/null) ]] || fail "the user Secret still has pgbouncer-uri"
    expect_eq "ProxyAvailable" "$(condition ProxyAvailable)" ""
    app_psql "select 1" >/dev/null || fail "the cluster does not answer after the pooler left"
}

test_invalid_specs_are_reported_and_nothing_is_deleted() {
    local sts_before pods_before
    sts_before=$(sts_count)
    pods_before=$(ready_pods)
    check_invalid() { # PATCH FIELD
        kc patch postgrescluster "$CLUSTER" --type=json -p "$1" >/dev/null
        wait_until 30 "Valid=False naming $2" valid_message_names "$2"
        expect_eq "Valid" "$(condition Valid)" False
        wait_until 30 "an InvalidSpec event naming $2" invalid_spec_event_names "$2"
        expect_eq "statefulsets kept" "$(sts_count)" "$sts_before"
        expect_eq "pods kept" "$(ready_pods)" "$pods_before"
    }
    # Global, not local: the EXIT trap runs after this function has returned.
    good=$(kc get postgrescluster "$CLUSTER" -o json | jq -c '{spec: .spec}')
    # Whatever happens, leave the valid spec behind for the tests that follow.
    trap 'kubectl -n "$NS" patch postgrescluster "$CLUSTER" --type=merge -p "$good" >/dev/null' EXIT
    check_invalid '[{"op":"replace","path":"/spec/instances/0/replicas","value":-1}]' 'spec.instances[0].replicas'
    kc patch postgrescluster "$CLUSTER" --type=merge -p "$good" >/dev/null
    check_invalid '[{"op":"replace","path":"/spec/patroni/switchover/targetInstance","value":"hippo-nosuchset-abcd"}]' 'spec.patroni.switchover.targetInstance'
    kc patch postgrescluster "$CLUSTER" --type=merge -p "$good" >/dev/null
    local dup
    dup=$(kc get postgrescluster "$CLUSTER" -o json | jq -c '[{op: "add", path: "/spec/instances/-", value: .spec.instances[0]}]')
    check_invalid "$dup" 'spec.instances[1].name'
    kc patch postgrescluster "$CLUSTER" --type=json -p '[{"op":"remove","path":"/spec/instances/1"}]' >/dev/null
    # A standby would come up writable: refused until standby clusters are built.
    check_invalid '[{"op":"add","path":"/spec/standby","value":{"repoName":"repo1"}}]' 'spec.standby.enabled'
    kc patch postgrescluster "$CLUSTER" --type=json -p '[{"op":"remove","path":"/spec/standby"}]' >/dev/null
    wait_until 30 "Valid again" output_is True condition Valid
}

test_scale_down_removes_instances_and_their_claims() {
    local primary
    primary=$(primary_pod)
    set_replicas 1
    wait_until 120 "one StatefulSet" output_is 1 sts_count
    wait_until 120 "one data claim" output_is 1 data_claims
    expect_eq "the primary was kept" "$(primary_pod)" "$primary"
    wait_until 60 "ready" is_ready
}

test_shutdown_stops_pods_and_keeps_data() {
    local rows
    rows=$(app_psql "select count(*) from e2e")
    kc patch postgrescluster "$CLUSTER" --type=merge -p '{"spec":{"shutdown":true}}'
    wait_until 120 "no postgres pods" output_is "" postgres_pods
    expect_eq "Ready reason" "$(pc '{.status.conditions[?(@.type=="Ready")].reason}')" Shutdown
    [[ $(kc get pvc -l "$L/cluster=$CLUSTER" -o name | wc -l) -ge 1 ]] || fail "claims were removed"
    kc patch postgrescluster "$CLUSTER" --type=merge -p '{"spec":{"shutdown":false}}'
    wait_until 300 "ready again" is_ready
    wait_until 60 "writable again" app_psql "select 1"
    expect_eq "rows after restart" "$(app_psql "select count(*) from e2e")" "$rows"
}

test_failover_works_with_the_agent_stopped() {
    set_replicas 2
    wait_until 300 "2 ready instances" ready_count_is 2
    kubectl -n "$AGENT_NS" scale deploy pgo-agent --replicas=0
    # Whatever happens, the agent comes back: every later test and suite needs it.
    trap 'kubectl -n "$AGENT_NS" scale deploy pgo-agent --replicas=1 >/dev/null' EXIT
    wait_until 120 "agent stopped" output_is "" agent_pods
    local secs
    secs=$(failover_seconds) || { kubectl -n "$AGENT_NS" scale deploy pgo-agent --replicas=1; fail "no failover without the agent"; }
    log "failover without agent: ${secs}s"
    kubectl -n "$AGENT_NS" scale deploy pgo-agent --replicas=1
    wait_until 120 "agent back" kubectl -n "$AGENT_NS" rollout status deploy/pgo-agent --timeout=5s
}

test_delete_removes_everything_it_owned() {
    kc delete postgrescluster "$CLUSTER" --wait=true --timeout=120s
    wait_until 180 "owned objects gone" output_is "" owned
    [[ -z $(owned) ]] || fail "left behind: $(owned)"
}

# no_secret_in FILE SECRET...: none of the SECRETs (non-empty) appears in FILE.
no_secret_in() {
    local file=$1 s
    shift
    for s in "$@"; do
        [[ -n $s ]] || continue
        if grep -qF -- "$s" "$file"; then return 1; fi
    done
}

test_no_secret_reaches_argv_logs_events_or_status() {
    local dir pw verifier sampler
    dir=$(mktemp -d "${E2E_RESULTS:-/tmp}/secrets.XXXX")
    # Every process on the bed's one node, 20 times a second, while the agent creates a user:
    # its SQL holds the new SCRAM verifier, and an exec's argv is what `ps` shows.
    ( while [[ ! -f $dir/stop ]]; do ps -eww -o args >>"$dir/ps"; sleep 0.05; done ) &
    sampler=$!
    kc patch postgrescluster "$CLUSTER" --type=json \
        -p '[{"op":"add","path":"/spec/users","value":[{"name":"hippo","databases":["hippo"]},{"name":"rhino","databases":["zoo"]}]}]' >/dev/null
    wait_until 60 "user rhino can log in" rhino_can_log_in
    sleep 2
    touch "$dir/stop"
    wait "$sampler"
    kubectl -n "$AGENT_NS" logs deploy/pgo-agent --tail=-1 >"$dir/agent.log" 2>&1
    kc get events -o yaml >"$dir/events.yaml"
    kc get postgrescluster "$CLUSTER" -o jsonpath='{.status}' >"$dir/status.json"
    local user
    for user in hippo rhino; do
        pw=$(kc get secret "$CLUSTER-pguser-$user" -o jsonpath='{.data.password}' | base64 -d)
        verifier=$(kc get secret "$CLUSTER-pguser-$user" -o jsonpath='{.data.verifier}' | base64 -d)
        [[ -n $pw && -n $verifier ]] || fail "the Secret of $user has no password or verifier"
        no_secret_in "$dir/ps" "$pw" "$verifier" || fail "a process's argv held $user's password or verifier"
        no_secret_in "$dir/agent.log" "$pw" "$verifier" || fail "the agent's log holds $user's password or verifier"
        no_secret_in "$dir/events.yaml" "$pw" "$verifier" || fail "an Event holds $user's password or verifier"
        no_secret_in "$dir/status.json" "$pw" "$verifier" || fail "the status holds $user's password or verifier"
    done
    log "$(wc -l <"$dir/ps") lines of ps, the agent log, Events and status: no password, no verifier"
}
rhino_can_log_in() {
    local ip
    ip=$(primary_address)
    PGPASSWORD=$(kc get secret "$CLUSTER-pguser-rhino" -o jsonpath='{.data.password}' | base64 -d) PGCONNECT_TIMEOUT=2 \
        PGSSLMODE=require psql -X -Atq -h "$ip" -U rhino -d zoo -c "select 1" >/dev/null 2>&1
}

main() {
    e2e_namespace || exit 1
    run_test "hippo becomes a writable primary" test_hippo_becomes_a_writable_primary
    run_test "client connects with TLS using only the Secret" test_client_connects_with_tls_using_only_the_secret
    run_test "scale 1 -> 3 streams to two replicas" test_scale_to_three_streams_to_two_replicas
    run_test "primary delete fails over; Service and status follow" test_primary_delete_fails_over_and_status_follows
    run_test "no acknowledged write is lost when the primary is deleted" test_no_acknowledged_write_is_lost_when_the_primary_is_deleted
    run_test "switchover through spec.patroni.switchover + annotation" test_switchover_through_spec_and_annotation
    run_test "PgBouncer pools with TLS and follows a switchover; exporters report the roles" test_pgbouncer_pools_with_tls_and_follows_a_switchover
    run_test "removing spec.proxy removes the pooler and its user" test_removing_the_proxy_removes_the_pooler_and_its_user
    run_test "no password or verifier in argv, the agent's log, Events or status" test_no_secret_reaches_argv_logs_events_or_status
    run_test "invalid specs get a condition and event; nothing deleted" test_invalid_specs_are_reported_and_nothing_is_deleted
    run_test "scale 3 -> 1 removes instances and claims" test_scale_down_removes_instances_and_their_claims
    run_test "shutdown stops pods and keeps data" test_shutdown_stops_pods_and_keeps_data
    run_test "failover works with the agent scaled to 0" test_failover_works_with_the_agent_stopped
    run_test "deleting the cluster removes what it owned" test_delete_removes_everything_it_owned
    e2e_namespace_done
    summary "e2e cluster"
}

main "$@"
