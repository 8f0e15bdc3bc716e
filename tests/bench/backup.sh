#!/usr/bin/env bash
# Benchmark: a full pgBackRest backup and an in-place restore of a ~1 GB database on the bed.
# Prints the database size, the backup's duration and throughput (from the Job's start to its
# completion), and the restore's (from the request until the primary accepts writes).
#   KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig tests/bench/backup.sh [SCALE]
# SCALE is pgbench's scale factor: 68 makes about 1 GB.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export KUBECONFIG=${KUBECONFIG:-/var/lib/pgo-bed/admin.kubeconfig}
NS=bench-backup
SCALE=${1:-68}
L=postgres-operator.crunchydata.com
PGO=${KUBECTL_PGO:-$REPO/target/debug/kubectl-pgo}
kc() { kubectl -n "$NS" "$@"; }
pc() { kc get postgrescluster bench -o jsonpath="$1"; }
primary() { kc get pod -l "$L/cluster=bench,$L/role=master" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null; }
sql() { kc exec "$(primary)" -c database -- psql -X -Atq -d postgres -c "$1"; }
wait_for() { # SECONDS CMD...
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        (($(date +%s) < deadline)) || { echo "timed out: $*" >&2; exit 1; }
        sleep 1
    done
}
secs() { date -d "$1" +%s; }
result() { printf '%-44s %s\n' "$1" "$2"; }

[[ -x $PGO ]] || cargo build -q -p kubectl-pgo --manifest-path "$REPO/Cargo.toml"
kubectl delete namespace "$NS" --wait=true --timeout=180s >/dev/null 2>&1 || true
kubectl create namespace "$NS" >/dev/null
kc apply -f - >/dev/null <<'EOF'
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata:
  name: bench
spec:
  postgresVersion: 15
  instances:
    - name: instance1
      dataVolumeClaimSpec:
        accessModes: ["ReadWriteOnce"]
        resources: {requests: {storage: 4Gi}}
  backups:
    pgbackrest:
      global: {repo1-retention-full: "2", process-max: "2"}
      repos:
      - name: repo1
        volume:
          volumeClaimSpec:
            accessModes: ["ReadWriteOnce"]
            resources: {requests: {storage: 4Gi}}
EOF
ready() { [[ $(pc '{.status.conditions[?(@.type=="PGBackRestReplicaRepoReady")].status}') == True ]]; }
wait_for 300 ready
echo "[bench] loading pgbench scale $SCALE" >&2
t0=$(date +%s.%N)
kc exec "$(primary)" -c database -- pgbench -i -q -s "$SCALE" --no-vacuum postgres >/dev/null 2>&1
sql "CHECKPOINT" >/dev/null
size=$(sql "SELECT pg_database_size('postgres')")
result "database size" "$((size / 1024 / 1024)) MiB (loaded in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.0f", b-a}') s)"
digest=$(sql "SELECT count(*) || ' ' || sum(abalance) FROM pgbench_accounts")

"$PGO" -n "$NS" backup bench --repoName repo1 --options=--type=full >/dev/null
id=$(kc get postgrescluster bench -o jsonpath="{.metadata.annotations.postgres-operator\.crunchydata\.com/pgbackrest-backup}")
done_backup() { [[ $(pc '{.status.pgbackrest.manualBackup.id}') == "$id" && $(pc '{.status.pgbackrest.manualBackup.finished}') == true ]]; }
wait_for 1800 done_backup
[[ $(pc '{.status.pgbackrest.manualBackup.succeeded}') == 1 ]] || { echo "backup failed" >&2; exit 1; }
start=$(secs "$(pc '{.status.pgbackrest.manualBackup.startTime}')")
end=$(secs "$(pc '{.status.pgbackrest.manualBackup.completionTime}')")
b=$((end - start))
result "full backup (Job start to completion)" "${b} s, $(awk -v s="$size" -v t="$b" 'BEGIN{printf "%.1f", s/1048576/(t>0?t:1)}') MiB/s"
repo_size=$(kc exec bench-repo-host-0 -c pgbackrest -- pgbackrest info --output=json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["backup"][-1]["info"]["repository"]["delta"])')
result "backup size in the repository (compressed)" "$((repo_size / 1024 / 1024)) MiB"

t0=$(date +%s.%N)
"$PGO" -n "$NS" restore bench --repoName repo1 --yes >/dev/null
rid=$(kc get postgrescluster bench -o jsonpath="{.metadata.annotations.postgres-operator\.crunchydata\.com/pgbackrest-restore}")
restored() { [[ $(pc '{.status.pgbackrest.restore.id}') == "$rid" && $(pc '{.status.pgbackrest.restore.finished}') == true ]]; }
wait_for 1800 restored
writable() { [[ $(sql "SELECT NOT pg_is_in_recovery()") == t ]]; }
wait_for 300 writable
r=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
job=$(kc get job bench-pgbackrest-restore -o jsonpath='{.status.startTime} {.status.completionTime}')
jr=$(($(secs "${job#* }") - $(secs "${job% *}")))
result "restore (request to writable primary)" "${r} s"
result "restore Job (pgbackrest restore + recovery)" "${jr} s, $(awk -v s="$size" -v t="$jr" 'BEGIN{printf "%.1f", s/1048576/(t>0?t:1)}') MiB/s"
[[ $(sql "SELECT count(*) || ' ' || sum(abalance) FROM pgbench_accounts") == "$digest" ]] || { echo "restored data differs" >&2; exit 1; }
result "restored data" "identical ($digest)"

# A clone restores every file into an empty volume: the full cost of a restore.
t0=$(date +%s.%N)
kc apply -f - >/dev/null <<'EOF'
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata:
  name: bench-clone
spec:
  postgresVersion: 15
  dataSource:
    postgresCluster: {clusterName: bench, repoName: repo1}
  instances:
    - name: instance1
      dataVolumeClaimSpec:
        accessModes: ["ReadWriteOnce"]
        resources: {requests: {storage: 4Gi}}
EOF
clone_ready() { [[ $(kc get postgrescluster bench-clone -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]]; }
wait_for 1800 clone_ready
c=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
job=$(kc get job bench-clone-pgbackrest-restore -o jsonpath='{.status.startTime} {.status.completionTime}')
cj=$(($(secs "${job#* }") - $(secs "${job% *}")))
result "clone into an empty volume (apply to ready)" "${c} s"
result "clone restore Job (all files + recovery)" "${cj} s, $(awk -v s="$size" -v t="$cj" 'BEGIN{printf "%.1f", s/1048576/(t>0?t:1)}') MiB/s"
clone_primary=$(kc get pod -l "$L/cluster=bench-clone,$L/role=master" -o jsonpath='{.items[0].metadata.name}')
[[ $(kc exec "$clone_primary" -c database -- psql -X -Atq -d postgres -c "SELECT count(*) || ' ' || sum(abalance) FROM pgbench_accounts") == "$digest" ]] || { echo "cloned data differs" >&2; exit 1; }
result "cloned data" "identical"
[[ -n ${BENCH_KEEP:-} ]] || kubectl delete namespace "$NS" --wait=false >/dev/null
