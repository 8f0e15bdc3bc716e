#!/usr/bin/env bash
# Hard failures of the primary, each on its own 2-instance cluster (synchronous_mode on), under
# writes (tests/lib/writer.py, a write every 0.1 s through the primary Service):
#   freeze     every process of the primary's pod stopped (cgroup freezer), thawed once writes
#              go on elsewhere: the old primary must come back as a replica
#   kill9      kill -9 of the primary's postmaster
#   partition  the primary's pod cut off from the API server and every other pod (iptables on
#              the bed's bridge, for that pod's IP only), healed once writes go on elsewhere
#   apiserver  the bed's kube-apiserver stopped for CHAOS_API_DOWN seconds (60): with Patroni's
#              failsafe_mode the primary keeps taking writes; it must stay the primary, and no
#              container of the cluster or the agent may restart
# Prints one table: seconds without an acknowledged write, acknowledged writes lost, split
# brain (two pods acknowledging a write at once, sampled every 0.5 s), recovered (Ready again with a
# streaming replica). Fails if a write was lost, a split brain was seen, or a cluster did not
# recover. The seconds are measurements, not pass/fail.
#   KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig tests/chaos/chaos.sh [SCENARIO...]
# CHAOS_LEASE / CHAOS_SYNC set spec.patroni.leaderLeaseDurationSeconds / syncPeriodSeconds
# (default: the agent's defaults); CHAOS_FAILSAFE=false turns Patroni's failsafe_mode off (to
# see what the apiserver scenario costs without it); CHAOS_API_DOWN the outage's seconds (60). Needs root (the freezer and iptables), as the bed does.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

NS=${E2E_NAMESPACE:-chaos}
SCENARIOS=("$@")
((${#SCENARIOS[@]})) || SCENARIOS=(freeze kill9 partition apiserver)
TAG=pgo-chaos
RESULTS=${E2E_RESULTS:-$(mktemp -d /tmp/pgo-chaos.XXXX)}
TABLE=$RESULTS/chaos-table.tsv
: >"$TABLE"

chaos_yaml() {
    local patroni='{"dynamicConfiguration": {"synchronous_mode": true}}'
    [[ -n ${CHAOS_LEASE:-} ]] && patroni=$(jq -c --argjson t "$CHAOS_LEASE" '. + {leaderLeaseDurationSeconds: $t}' <<<"$patroni")
    [[ -n ${CHAOS_SYNC:-} ]] && patroni=$(jq -c --argjson t "$CHAOS_SYNC" '. + {syncPeriodSeconds: $t}' <<<"$patroni")
    [[ -n ${CHAOS_FAILSAFE:-} ]] && patroni=$(jq -c --argjson f "$CHAOS_FAILSAFE" '.dynamicConfiguration.failsafe_mode = $f' <<<"$patroni")
    hippo_manifest "$1" "[{\"op\": \"add\", \"path\": \"/spec/instances/0/replicas\", \"value\": 2},
        {\"op\": \"remove\", \"path\": \"/spec/backups\"},
        {\"op\": \"add\", \"path\": \"/spec/patroni\", \"value\": $patroni}]"
}

# ---------------------------------------------------------------- faults (undone by heal_all)

pod_cgroup() { find "/sys/fs/cgroup/$1/kubepods" -maxdepth 2 -type d -name "pod$2" | head -n 1; }
freeze() {
    local cg
    cg=$(pod_cgroup freezer "$(kc get pod "$1" -o jsonpath='{.metadata.uid}')")
    [[ -n $cg ]] || { log "no freezer cgroup for $1"; return 1; }
    echo "$cg" >>"$RESULTS/frozen"
    echo FROZEN >"$cg/freezer.state"
}
thaw_all() {
    local cg
    [[ -f $RESULTS/frozen ]] || return 0
    while read -r cg; do echo THAWED >"$cg/freezer.state" 2>/dev/null; done <"$RESULTS/frozen"
    rm -f "$RESULTS/frozen"
}
# kill9 POD: kill -9 of the postmaster (a postgres process whose parent is not postgres).
kill9() {
    local cg pid
    cg=$(pod_cgroup pids "$(kc get pod "$1" -o jsonpath='{.metadata.uid}')")
    # shellcheck disable=SC2013 # one pid per line
    for pid in $(cat "$cg"/*/cgroup.procs 2>/dev/null); do
        [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres ]] || continue
        [[ $(cat "/proc/$(awk '{print $4}' "/proc/$pid/stat")/comm" 2>/dev/null) == postgres ]] && continue
        kill -9 "$pid" && return 0
    done
    log "no postmaster found in $1"
    return 1
}
partition_rules() {
    local ip=$1
    printf '%s\n' "FORWARD -s $ip" "FORWARD -d $ip" "INPUT -s $ip" "OUTPUT -d $ip"
}
partition() {
    local ip rule
    ip=$(pod_ip "$1")
    echo "$ip" >>"$RESULTS/partitioned"
    while read -r rule; do
        # shellcheck disable=SC2086 # chain and match, split on purpose
        iptables -I $rule -m comment --comment "$TAG" -j DROP
    done < <(partition_rules "$ip")
}
heal_partitions() {
    local ip rule
    [[ -f $RESULTS/partitioned ]] || return 0
    while read -r ip; do
        while read -r rule; do
            # shellcheck disable=SC2086
            while iptables -D $rule -m comment --comment "$TAG" -j DROP 2>/dev/null; do :; done
        done < <(partition_rules "$ip")
    done <"$RESULTS/partitioned"
    rm -f "$RESULTS/partitioned"
}
# apiserver POD: every client of the API server, Patroni and the agent included, sees
# connections refused. Held for CHAOS_API_DOWN seconds here: writes are expected to go on.
apiserver() {
    restart_counts >"$RESULTS/apiserver-restarts-before" || return 1
    touch "$RESULTS/apiserver-stopped"
    "$PGO_REPO/tests/bed/bed" apiserver stop >&2 || return 1
    date +%s.%N >"$RESULTS/apiserver-down-at"
    sleep "${CHAOS_API_DOWN:-60}"
}
api_back() {
    [[ -f $RESULTS/apiserver-stopped ]] || return 0
    "$PGO_REPO/tests/bed/bed" apiserver start >&2 && rm -f "$RESULTS/apiserver-stopped"
}
# After the outage: writes were acknowledged all through it (past retry_timeout, when a primary
# without failsafe_mode demotes itself), the same primary, and not one container restart.
check_apiserver() {
    local old=$1 before after down from to
    down=$(cat "$RESULTS/apiserver-down-at")
    # (printf: awk's print would write 1.7963e+09)
    from=$(awk -v t="$down" 'BEGIN { printf "%.3f", t + 20 }')
    to=$(awk -v t="$down" -v d="${CHAOS_API_DOWN:-60}" 'BEGIN { printf "%.3f", t + d - 5 }')
    awk -v a="$from" -v b="$to" '$2 > a && $2 < b { k++ } END { exit !(k >= 10) }' "$RESULTS/apiserver/acked.tsv" ||
        fail "no writes were acknowledged from 20 s into the outage to its end"
    before=$(cat "$RESULTS/apiserver-restarts-before")
    after=$(restart_counts)
    expect_eq "the primary after the outage" "$(primary_pod)" "$old"
    expect_eq "container restarts (pod=restarts)" "$after" "$before"
}
# restart_counts: "pod=restarts" of the cluster's pods and of the agent, sorted.
restart_counts() {
    {
        kc get pod -l "$L/cluster=$CLUSTER" -o jsonpath='{range .items[*]}{.metadata.name}={.status.containerStatuses[*].restartCount}{"\n"}{end}'
        kubectl -n "$AGENT_NS" get pod -l app.kubernetes.io/name=pgo-agent -o jsonpath='{range .items[*]}{.metadata.name}={.status.containerStatuses[*].restartCount}{"\n"}{end}'
    } | sort
}
heal_all() { thaw_all; heal_partitions; api_back; }
trap heal_all EXIT

# ---------------------------------------------------------------- split-brain sampler

# sampler_start DIR: every 0.5 s, writes a row on every Postgres pod of $CLUSTER (by IP, from
# the host, 2 s at most each); a line in DIR/split for each sample where two pods acknowledged
# the write: a split brain. A line in DIR/read-write where two pods merely said they were not
# in recovery: an old primary that was frozen answers so for a moment after the thaw, until
# Patroni demotes it; a write there waits for its synchronous standby, which follows the new
# primary, and is never acknowledged, and clients reach it through no Service.
sampler_start() {
    local dir=$1 ips conn
    ips=$(kc get pod -l "$L/cluster=$CLUSTER,$L/data=postgres" -o jsonpath='{.items[*].status.podIP}')
    conn="user=$(secret_key user) dbname=$(secret_key dbname) sslmode=require connect_timeout=1"
    sql "CREATE TABLE IF NOT EXISTS chaos_probe (ip text, at timestamptz)" >/dev/null || return 1
    (
        export PGPASSWORD
        PGPASSWORD=$(secret_key password)
        while [[ ! -f $dir/stop ]]; do
            local acked=0 rw=0 ip
            for ip in $ips; do
                [[ $(timeout 2 psql -X -Atq "host=$ip $conn" -c "select pg_is_in_recovery()" 2>/dev/null) == f ]] || continue
                rw=$((rw + 1))
                timeout 2 psql -X -Atq "host=$ip $conn" -c "INSERT INTO chaos_probe VALUES ('$ip', now())" >/dev/null 2>&1 &&
                    acked=$((acked + 1))
            done
            ((acked > 1)) && date +%s.%N >>"$dir/split"
            ((rw > 1)) && date +%s.%N >>"$dir/read-write"
            sleep 0.5
        done
    ) &
    echo $! >"$dir/sampler.pid"
}
sampler_stop() { touch "$1/stop"; wait "$(cat "$1/sampler.pid")" 2>/dev/null; [[ ! -s $1/split ]]; }

# ---------------------------------------------------------------- one scenario

recovered() {
    is_ready "$CLUSTER" && ready_count_is 2 && streaming_replicas_are 1 &&
        [[ $(kc get pod -l "$L/cluster=$CLUSTER,$L/role=master" -o name | wc -l) == 1 ]]
}
# writes_resumed DIR T0: writes are acknowledged again after T0 (on a new primary, or on OLD
# once Patroni restarted Postgres): five of them, so that one in flight at T0 does not count.
writes_resumed() { writer_acked_since "$1" "$2" 5; }

run_scenario() {
    local scenario=$1 dir old t0 gap lost split=no rec=no
    CLUSTER=c-$scenario
    dir=$RESULTS/$scenario
    mkdir -p "$dir"
    wait_until 300 "$CLUSTER Ready with a streaming replica" recovered
    old=$(primary_pod)
    test_writer_start "$dir" || return 1
    sampler_start "$dir"
    sleep 2
    t0=$(date +%s.%N)
    log "$scenario: $old"
    "$scenario" "$old" || return 1
    # Hold the fault until writes go on (elsewhere, or on the restarted Postgres), then undo it.
    wait_until 120 "writes acknowledged again" writes_resumed "$dir" "$t0" || true
    sleep 3
    heal_all
    local healed
    healed=$(date +%s.%N)
    wait_until 180 "recovered: Ready, one primary, a streaming replica" recovered &&
        wait_until 60 "writes acknowledged after the fault was undone" writes_resumed "$dir" "$healed" && rec=yes
    sampler_stop "$dir" || split=yes
    [[ -s $dir/read-write ]] && log "$scenario: two pods answered read-write in $(wc -l <"$dir/read-write") samples (writes acknowledged by both: $([[ $split == yes ]] && echo yes || echo none))"
    writer_stop "$dir" --timeout 60 >"$dir/report.txt" 2>&1
    gap=$(jq -r '.longest_gap.seconds' "$dir/report.json")
    lost=$(jq -r '.lost | length' "$dir/report.json" 2>/dev/null || echo '?')
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$gap" "$lost" "$split" "$rec" \
        "$old -> $(primary_pod)" >>"$TABLE"
    [[ $lost == 0 && $split == no && $rec == yes ]] ||
        fail "$scenario: lost $lost, split brain $split, recovered $rec"
    if declare -F "check_$scenario" >/dev/null; then "check_$scenario" "$old"; fi
}

print_table() {
    printf '%-10s %10s %6s %12s %10s  %s\n' scenario "no-write s" lost "split brain" recovered primary
    while IFS=$'\t' read -r s g l b r p; do
        printf '%-10s %10s %6s %12s %10s  %s\n' "$s" "$g" "$l" "$b" "$r" "$p"
    done <"$TABLE"
}

e2e_namespace || exit 1
for s in "${SCENARIOS[@]}"; do
    case $s in freeze | kill9 | partition | apiserver) ;; *) echo "unknown scenario $s (freeze, kill9, partition, apiserver)" >&2; exit 2 ;; esac
    chaos_yaml "c-$s" | kc apply -f - >/dev/null
done
for s in "${SCENARIOS[@]}"; do
    run_test "$s" run_scenario "$s"
    heal_all
done
heal_all
log "lease ${CHAOS_LEASE:-default} s, loop ${CHAOS_SYNC:-default} s; synchronous_mode on"
print_table | sed 's/^/  /'
e2e_namespace_done
summary "chaos"
