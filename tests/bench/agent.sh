#!/usr/bin/env bash
# Benchmarks for the agent on the test bed. Prints numbers; asserts nothing.
#   tests/bench/agent.sh            (bed up, agent installed: tests/install-agent.sh)
# Measures: apply -> 2 instances ready; primary delete -> new primary accepts writes; write
# requests per resync of an unchanged cluster; agent RSS and reconcile time with 100 clusters.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "${BASH_SOURCE[0]}")/../lib/postgrescluster.sh"
LOG_PREFIX="[bench]"
use_bed_kubeconfig
NS=bench-agent
CLUSTER=bench
SCALE_NS=bench-scale
N=${BENCH_CLUSTERS:-100}

# (kc, pc, is_ready, app_psql, streaming_replicas_are, hippo_manifest: tests/lib/postgrescluster.sh)
result() { printf '%-58s %s\n' "$1" "$2"; }
agent_pod() { kubectl -n $AGENT_NS get pod -l app.kubernetes.io/name=pgo-agent -o jsonpath='{.items[0].metadata.name}'; }
agent_metric() { # NAME
    local ip
    ip=$(kubectl -n $AGENT_NS get pod "$(agent_pod)" -o jsonpath='{.status.podIP}')
    curl -s "http://$ip:8080/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}
agent_rss_kib() {
    local pid
    pid=$(pgrep -f 'pgo-agent run' | head -1)
    awk '/VmRSS/ { print $2 }' "/proc/$pid/status"
}
primary_ip() { kc get pod -l "$L/cluster=bench,$L/role=master" -o jsonpath='{.items[0].status.podIP}'; }
new_primary() { # OLD_IP: a write through the primary Service lands on another server
    local ip
    ip=$(app_psql "insert into b values ('x') returning inet_server_addr()" 2>/dev/null) && [[ -n $ip && ${ip%/*} != "$1" ]]
}
all_reconciled() {
    [[ $(kubectl -n $SCALE_NS get postgresclusters -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].reason}{"\n"}{end}' | grep -c Shutdown) == "$N" ]]
}

kubectl create ns $NS --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl create ns $SCALE_NS --dry-run=client -o yaml | kubectl apply -f - >/dev/null

# 1. apply -> both instances ready (images already on the node)
t0=$(now)
# PGO's hippo example with two instances and no backups
apply_hippo bench '[{"op": "add", "path": "/spec/instances/0/replicas", "value": 2},
    {"op": "remove", "path": "/spec/backups"}]' >/dev/null
wait_until 600 "bench Ready" is_ready
result "apply of a 2-instance cluster until both ready" "$(elapsed "$t0") s"

# 2. failover
wait_until 60 "writable" app_psql "create table if not exists b (t text)"
for round in 1 2 3; do
    # A fair failover needs a replica that streams; a replica still rejoining cannot be promoted.
    wait_until 120 "a streaming replica" streaming_replicas_are 1
    old_ip=$(primary_ip)
    t0=$(now)
    kc delete pod -l "$L/cluster=bench,$L/role=master" --wait=false >/dev/null
    wait_until 120 "new primary" new_primary "$old_ip"
    result "failover $round: primary pod delete until new primary writes" "$(elapsed "$t0") s"
    wait_until 300 "2 ready again" output_is 2 pc '{.status.instances[0].readyReplicas}'
done

# 3. write requests per resync of an unchanged cluster (agent resync shortened to 10 s)
kubectl -n $AGENT_NS set env deploy/pgo-agent PGO_RESYNC_SECONDS=10 >/dev/null
kubectl -n $AGENT_NS rollout status deploy/pgo-agent --timeout=120s >/dev/null
sleep 15 # the new agent's first pass re-applies once (empty cache)
w0=$(agent_metric pgo_agent_write_requests_total)
r0=$(agent_metric 'pgo_agent_reconciles_total{result="ok"}')
sleep 35
w1=$(agent_metric pgo_agent_write_requests_total)
r1=$(agent_metric 'pgo_agent_reconciles_total{result="ok"}')
result "reconciles of an unchanged cluster in 35 s (resync 10 s)" "$((r1 - r0))"
result "write requests during those reconciles" "$((w1 - w0))"
kubectl -n $AGENT_NS set env deploy/pgo-agent PGO_RESYNC_SECONDS- >/dev/null
kubectl -n $AGENT_NS rollout status deploy/pgo-agent --timeout=120s >/dev/null
kc delete postgrescluster bench --wait=false >/dev/null

# 4. N clusters (shut down, so no pods): reconcile time and agent memory
sleep 5
# PGO's hippo example, shut down and without backups, as c1 ... cN (made before the clock starts)
shut=$(hippo_manifest c-NAME '[{"op": "add", "path": "/spec/shutdown", "value": true},
    {"op": "remove", "path": "/spec/backups"}]')
rss0=$(agent_rss_kib)
t0=$(now)
for i in $(seq 1 "$N"); do
    printf '%s\n---\n' "${shut//c-NAME/c$i}"
done | kubectl -n $SCALE_NS apply -f - >/dev/null
wait_until 900 "$N clusters reconciled" all_reconciled
result "reconcile $N new clusters (all objects, status Shutdown)" "$(elapsed "$t0") s"
sleep 5
result "agent RSS before / with $N clusters" "$((rss0 / 1024)) MiB / $(($(agent_rss_kib) / 1024)) MiB"
kubectl delete ns $SCALE_NS $NS --wait=false >/dev/null
