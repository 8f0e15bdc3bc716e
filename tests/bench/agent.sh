#!/usr/bin/env bash
# Benchmarks for the agent on the test bed. Prints numbers; asserts nothing.
#   tests/bench/agent.sh            (bed up, agent installed: tests/install-agent.sh)
# Measures: apply -> 2 instances ready; primary delete -> new primary accepts writes; write
# requests per resync of an unchanged cluster; agent RSS and reconcile time with 100 clusters.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../e2e/lib.sh
. "$HERE/../e2e/lib.sh"
export KUBECONFIG=${KUBECONFIG:-/var/lib/pgo-bed/admin.kubeconfig}
NS=bench-agent
SCALE_NS=bench-scale
N=${BENCH_CLUSTERS:-100}
L=postgres-operator.crunchydata.com
AGENT_NS=postgres-operator

kc() { kubectl -n "$NS" "$@"; }
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
app_psql() {
    local ip
    ip=$(kc get svc bench-primary -o jsonpath='{.spec.clusterIP}')
    PGPASSWORD=$(kc get secret bench-pguser-bench -o jsonpath='{.data.password}' | base64 -d) \
        PGCONNECT_TIMEOUT=2 PGSSLMODE=require psql -X -Atq -h "$ip" -U bench -d bench -c "$1"
}

kubectl create ns $NS --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl create ns $SCALE_NS --dry-run=client -o yaml | kubectl apply -f - >/dev/null

# 1. apply -> both instances ready (images already on the node)
t0=$(now)
kc apply -f - >/dev/null <<'EOF'
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata: {name: bench}
spec:
  postgresVersion: 15
  instances:
    - name: i
      replicas: 2
      dataVolumeClaimSpec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
EOF
wait_until 600 "bench Ready" bash -c "[[ \$(kubectl -n $NS get postgrescluster bench -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}') == True ]]"
result "apply of a 2-instance cluster until both ready" "$(elapsed "$t0") s"

# 2. failover
wait_until 60 "writable" app_psql "create table if not exists b (t text)"
for round in 1 2 3; do
    # A fair failover needs a replica that streams; a replica still rejoining cannot be promoted.
    wait_until 120 "a streaming replica" bash -c "[[ \$(kubectl -n $NS exec \$(kubectl -n $NS get pod -l $L/cluster=bench,$L/role=master -o name) -c database -- psql -XAtc \"select count(*) from pg_stat_replication where state = 'streaming'\") == 1 ]]"
    old_ip=$(primary_ip)
    t0=$(now)
    kc delete pod -l "$L/cluster=bench,$L/role=master" --wait=false >/dev/null
    new_primary() { local ip; ip=$(app_psql "insert into b values ('x') returning inet_server_addr()" 2>/dev/null) && [[ -n $ip && ${ip%/*} != "$old_ip" ]]; }
    wait_until 120 "new primary" new_primary
    result "failover $round: primary pod delete until new primary writes" "$(elapsed "$t0") s"
    wait_until 300 "2 ready again" bash -c "[[ \$(kubectl -n $NS get postgrescluster bench -o jsonpath='{.status.instances[0].readyReplicas}') == 2 ]]"
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
rss0=$(agent_rss_kib)
t0=$(now)
for i in $(seq 1 "$N"); do
    cat <<EOF
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata: {name: c$i}
spec:
  postgresVersion: 15
  shutdown: true
  instances:
    - name: i
      dataVolumeClaimSpec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
EOF
done | kubectl -n $SCALE_NS apply -f - >/dev/null
all_reconciled() {
    [[ $(kubectl -n $SCALE_NS get postgresclusters -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].reason}{"\n"}{end}' | grep -c Shutdown) == "$N" ]]
}
wait_until 900 "$N clusters reconciled" all_reconciled
result "reconcile $N new clusters (all objects, status Shutdown)" "$(elapsed "$t0") s"
sleep 5
result "agent RSS before / with $N clusters" "$((rss0 / 1024)) MiB / $(($(agent_rss_kib) / 1024)) MiB"
kubectl delete ns $SCALE_NS $NS --wait=false >/dev/null
