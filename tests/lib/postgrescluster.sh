# shellcheck shell=bash
# kubectl helpers for the tests and benchmarks of PostgresClusters on the bed. Set NS (the
# namespace) and CLUSTER (the default cluster) before calling them: they read both when called,
# so a caller's `local CLUSTER=other` applies to everything it calls.
# Needs: kubectl and KUBECONFIG (use_bed_kubeconfig), jq; psql for app_psql.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

L=postgres-operator.crunchydata.com
# shellcheck disable=SC2034 # read by the scripts that source this file
AGENT_NS=postgres-operator
HIPPO_EXAMPLE=$PGO_REPO/examples/hippo.yaml

kc() { kubectl -n "$NS" "$@"; }
# pc JSONPATH [CLUSTER]: a field of the PostgresCluster.
pc() { kc get postgrescluster "${2:-$CLUSTER}" -o jsonpath="$1"; }
# condition TYPE [CLUSTER]: the status of a condition (True, False or empty).
condition() { pc "{.status.conditions[?(@.type==\"$1\")].status}" "${2:-$CLUSTER}"; }
is_ready() { [[ $(condition Ready "${1:-$CLUSTER}") == True ]]; }
stanza_ready() { [[ $(condition PGBackRestReplicaRepoReady "${1:-$CLUSTER}") == True ]]; }
# annotation NAME [CLUSTER]: the value of the annotation postgres-operator.crunchydata.com/NAME.
annotation() { pc "{.metadata.annotations.postgres-operator\.crunchydata\.com/$1}" "${2:-$CLUSTER}"; }

primary_pod() { kc get pod -l "$L/cluster=${1:-$CLUSTER},$L/role=master" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null; }
# primary_moved_from POD: another pod is the primary now.
primary_moved_from() { local p; p=$(primary_pod); [[ -n $p && $p != "$1" ]]; }
pod_ip() { kc get pod "$1" -o jsonpath='{.status.podIP}'; }
# ready_pods [CLUSTER]: how many Postgres pods are Ready.
ready_pods() { kc get pod -l "$L/cluster=${1:-$CLUSTER},$L/data=postgres" -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True; }
# ready_count_is N [CLUSTER]
ready_count_is() { [[ $(ready_pods "${2:-$CLUSTER}") == "$1" ]]; }

# psql_on CLUSTER SQL [DATABASE]: SQL as the superuser, over the primary's local socket.
psql_on() { kc exec "$(primary_pod "$1")" -c database -- psql -X -Atq -d "${3:-postgres}" -c "$2"; }
sql() { psql_on "$CLUSTER" "$1"; }
primary_writable() { [[ $(psql_on "${1:-$CLUSTER}" "SELECT NOT pg_is_in_recovery()") == t ]]; }
# streaming_replicas_are N: the primary streams to N replicas.
streaming_replicas_are() { [[ $(sql "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == "$1" ]]; }

# secret_key KEY [CLUSTER]: a key of the cluster's user Secret (<cluster>-pguser-<cluster>).
secret_key() { local c=${2:-$CLUSTER}; kc get secret "$c-pguser-$c" -o jsonpath="{.data.$1}" | base64 -d; }

# primary_address [CLUSTER]: what the name <cluster>-primary resolves to: the ClusterIP of the
# leader Service <cluster>-ha (the headless <cluster>-primary's only endpoint), as PGO has it.
primary_address() { kc get endpoints "${1:-$CLUSTER}-primary" -o jsonpath='{.subsets[0].addresses[0].ip}'; }

# app_psql SQL: SQL as the cluster's user, from the host, through the primary Service with TLS:
# what an application does with the Secret.
app_psql() {
    local ip
    ip=$(primary_address)
    PGPASSWORD=$(secret_key password) PGCONNECT_TIMEOUT=2 PGSSLMODE=require \
        psql -X -Atq -h "$ip" -p "$(secret_key port)" -U "$(secret_key user)" -d "$(secret_key dbname)" -c "$1"
}

# manual_done ID / restore_done ID [CLUSTER]: the manual backup / the restore named ID finished.
# (One read for both fields: between two reads the status may change, e.g. a reconcile from the
# agent's cache writing the previous backup back for a moment, and id and finished would then
# come from different backups.)
manual_done() { [[ $(pc '{.status.pgbackrest.manualBackup.id}/{.status.pgbackrest.manualBackup.finished}') == "$1/true" ]]; }
restore_done() {
    local c=${2:-$CLUSTER}
    [[ $(pc '{.status.pgbackrest.restore.id}/{.status.pgbackrest.restore.finished}' "$c") == "$1/true" ]]
}

# hippo_manifest NAME [JSON-PATCH]: PGO's hippo example (examples/hippo.yaml) named NAME, with an
# RFC 6902 patch (as `kubectl patch --type=json` takes it) applied; YAML on stdout.
hippo_manifest() {
    local ops
    ops=$(jq -cn --arg name "$1" --argjson patch "${2:-[]}" \
        '[{op: "replace", path: "/metadata/name", value: $name}] + $patch')
    kubectl patch --local -f "$HIPPO_EXAMPLE" --type=json -p "$ops" -o yaml
}

# apply_hippo NAME [JSON-PATCH]: applies hippo_manifest in $NS.
apply_hippo() {
    local manifest
    manifest=$(hippo_manifest "$@") || return 1
    kc apply -f - <<<"$manifest"
}

# writer_start DIR [TABLE] [CLUSTER]: starts tests/lib/writer.py in the background: a write to
# TABLE (default "writer") every 0.1 s through the cluster's primary Service, as the user of its
# Secret (uri key), over TLS checked against the cluster CA (verify-full); records in DIR.
# Returns once a first write is acknowledged. writer_stop DIR: stops it and prints the report
# (writes, the longest gap, lost writes; DIR/report.json); fails if an acknowledged write is lost.
writer_start() {
    local dir=$1 table=${2:-writer} c=${3:-$CLUSTER} uri ip
    mkdir -p "$dir"
    uri=$(secret_key uri "$c") || return 1
    ip=$(primary_address "$c") && [[ -n $ip ]] || return 1
    kc get secret "$c-cluster-cert" -o jsonpath='{.data.ca\.crt}' | base64 -d >"$dir/ca.crt" || return 1
    python3 "$PGO_REPO/tests/lib/writer.py" start --uri "$uri" --hostaddr "$ip" --table "$table" \
        --sslmode verify-full --sslrootcert "$dir/ca.crt" --out "$dir"
}
writer_stop() { python3 "$PGO_REPO/tests/lib/writer.py" stop --out "$@"; }
# writer_acked_since DIR T0 [N]: the writer in DIR had N (1) writes acknowledged after T0 (date +%s.%N).
writer_acked_since() { awk -v t="$2" -v n="${3:-1}" '$2 > t { k++ } END { exit !(k >= n) }' "$1/acked.tsv"; }
# recovery_status POD: what POD's exporter says of ccp_is_in_recovery_status (2 primary, 1 replica).
recovery_status() {
    curl -s --max-time 5 "http://$(pod_ip "$1"):9187/metrics" | awk '/^ccp_is_in_recovery_status/ { print $2 }'
}
