#!/usr/bin/env bash
# Benchmark: a full pgBackRest backup and an in-place restore of a ~1 GB database on the bed.
# Prints the database size, the backup's duration and throughput (from the Job's start to its
# completion), and the restore's (from the request until the primary accepts writes).
#   KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig tests/bench/backup.sh [SCALE]
# SCALE is pgbench's scale factor: 68 makes about 1 GB.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "${BASH_SOURCE[0]}")/../lib/postgrescluster.sh"
LOG_PREFIX="[bench]"
use_bed_kubeconfig
REPO=$PGO_REPO
NS=bench-backup
CLUSTER=bench
SCALE=${1:-68}
PGO=${KUBECTL_PGO:-$REPO/target/debug/kubectl-pgo}
# (kc, pc, primary_pod, sql, is_ready, stanza_ready, manual_done, restore_done, ...:
# tests/lib/postgrescluster.sh)
# wait_for SECONDS WHAT CMD...: wait_until, or the benchmark stops.
wait_for() { wait_until "$@" || exit 1; }
secs() { date -d "$1" +%s; }
result() { printf '%-44s %s\n' "$1" "$2"; }
# job_seconds JOB: from the Job's start to its completion.
job_seconds() {
    local job
    job=$(kc get job "$1" -o jsonpath='{.status.startTime} {.status.completionTime}')
    echo $(($(secs "${job#* }") - $(secs "${job% *}")))
}
# mib_per_s BYTES SECONDS
mib_per_s() { awk -v s="$1" -v t="$2" 'BEGIN{printf "%.1f", s/1048576/(t>0?t:1)}'; }

[[ -x $PGO ]] || cargo build -q -p kubectl-pgo --manifest-path "$REPO/Cargo.toml"
kubectl delete namespace "$NS" --wait=true --timeout=180s >/dev/null 2>&1 || true
kubectl create namespace "$NS" >/dev/null
# PGO's hippo example with 4Gi volumes and two pgBackRest processes
apply_hippo bench '[
    {"op": "replace", "path": "/spec/instances/0/dataVolumeClaimSpec/resources/requests/storage", "value": "4Gi"},
    {"op": "replace", "path": "/spec/backups/pgbackrest/repos/0/volume/volumeClaimSpec/resources/requests/storage", "value": "4Gi"},
    {"op": "add", "path": "/spec/backups/pgbackrest/global", "value": {"repo1-retention-full": "2", "process-max": "2"}}]' >/dev/null
wait_for 300 "stanza created" stanza_ready
log "loading pgbench scale $SCALE"
t0=$(now)
kc exec "$(primary_pod)" -c database -- pgbench -i -q -s "$SCALE" --no-vacuum postgres >/dev/null 2>&1
sql "CHECKPOINT" >/dev/null
size=$(sql "SELECT pg_database_size('postgres')")
result "database size" "$((size / 1024 / 1024)) MiB (loaded in $(elapsed "$t0" 0) s)"
digest=$(sql "SELECT count(*) || ' ' || sum(abalance) FROM pgbench_accounts")

"$PGO" -n "$NS" backup bench --repoName repo1 --options=--type=full >/dev/null
id=$(annotation pgbackrest-backup)
wait_for 1800 "backup $id" manual_done "$id"
[[ $(pc '{.status.pgbackrest.manualBackup.succeeded}') == 1 ]] || { echo "backup failed" >&2; exit 1; }
start=$(secs "$(pc '{.status.pgbackrest.manualBackup.startTime}')")
end=$(secs "$(pc '{.status.pgbackrest.manualBackup.completionTime}')")
b=$((end - start))
result "full backup (Job start to completion)" "${b} s, $(mib_per_s "$size" "$b") MiB/s"
repo_size=$(kc exec bench-repo-host-0 -c pgbackrest -- pgbackrest info --output=json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["backup"][-1]["info"]["repository"]["delta"])')
result "backup size in the repository (compressed)" "$((repo_size / 1024 / 1024)) MiB"

t0=$(now)
"$PGO" -n "$NS" restore bench --repoName repo1 --yes >/dev/null
rid=$(annotation pgbackrest-restore)
wait_for 1800 "restore $rid" restore_done "$rid"
wait_for 300 "writable primary" primary_writable
r=$(elapsed "$t0")
jr=$(job_seconds bench-pgbackrest-restore)
result "restore (request to writable primary)" "${r} s"
result "restore Job (pgbackrest restore + recovery)" "${jr} s, $(mib_per_s "$size" "$jr") MiB/s"
[[ $(sql "SELECT count(*) || ' ' || sum(abalance) FROM pgbench_accounts") == "$digest" ]] || { echo "restored data differs" >&2; exit 1; }
result "restored data" "identical ($digest)"

# A clone restores every file into an empty volume: the full cost of a restore.
# PGO's hippo example with a 4Gi volume, restored from bench's repository, no backups of its own
clone=$(hippo_manifest bench-clone '[
    {"op": "replace", "path": "/spec/instances/0/dataVolumeClaimSpec/resources/requests/storage", "value": "4Gi"},
    {"op": "remove", "path": "/spec/backups"},
    {"op": "add", "path": "/spec/dataSource", "value": {"postgresCluster": {"clusterName": "bench", "repoName": "repo1"}}}]')
t0=$(now)
kc apply -f - >/dev/null <<<"$clone"
wait_for 1800 "clone ready" is_ready bench-clone
c=$(elapsed "$t0")
cj=$(job_seconds bench-clone-pgbackrest-restore)
result "clone into an empty volume (apply to ready)" "${c} s"
result "clone restore Job (all files + recovery)" "${cj} s, $(mib_per_s "$size" "$cj") MiB/s"
[[ $(psql_on bench-clone "SELECT count(*) || ' ' || sum(abalance) FROM pgbench_accounts") == "$digest" ]] || { echo "cloned data differs" >&2; exit 1; }
result "cloned data" "identical"
[[ -n ${BENCH_KEEP:-} ]] || kubectl delete namespace "$NS" --wait=false >/dev/null
