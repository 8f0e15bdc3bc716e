#!/usr/bin/env bash
# Startup and round-trip numbers of the release kubectl-pgo.
#
#   kubectl-pgo/bench.sh                 `version --client` startup (target <= 10 ms)
#   PGO_BED_KUBECONFIG=... kubectl-pgo/bench.sh
#                                        also `show NAME` against the bed (target <= 200 ms median)
#
# Uses hyperfine when installed (apt-get install hyperfine), else a loop timed with date +%s%N.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
cargo build --release -q -p kubectl-pgo
BIN=${CARGO_TARGET_DIR:-$REPO/target}/release/kubectl-pgo
RUNS=${RUNS:-50}

# median_ms CMD...: runs CMD $RUNS times (after 3 warm-ups) and prints the median in ms.
median_ms() {
    local i t0 t1 times=()
    for i in 1 2 3; do "$@" >/dev/null 2>&1; done
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

bench() { # NAME TARGET_MS CMD...
    local name=$1 target=$2
    shift 2
    if command -v hyperfine >/dev/null; then
        local json
        json=$(mktemp)
        hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$json" --style none "$*" >/dev/null
        python3 - "$json" "$name" "$target" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{sys.argv[2]}: median {r['median']*1000:.2f} ms, mean {r['mean']*1000:.2f} ms "
      f"(min {r['min']*1000:.2f}, max {r['max']*1000:.2f}; {len(r['times'])} runs; target <= {sys.argv[3]} ms)")
PY
        rm -f "$json"
    else
        echo "$name: median $(median_ms "$@") ms ($RUNS runs; target <= $target ms)"
    fi
}

bench "version --client" 10 "$BIN" version --client

if [[ -n "${PGO_BED_KUBECONFIG:-}" ]]; then
    NS=kpgo-bench
    K=(--kubeconfig "$PGO_BED_KUBECONFIG")
    kubectl "${K[@]}" create namespace "$NS" >/dev/null 2>&1 || true
    # With an agent running, wait for real pods so `show` includes the exec into Patroni;
    # without one, `show` measures the CR-status path.
    if ! "$BIN" "${K[@]}" -n "$NS" show bench >/dev/null 2>&1; then
        "$BIN" "${K[@]}" -n "$NS" create cluster bench --no-backups --replicas 2 --wait --timeout 3m >/dev/null ||
            echo "(bench cluster not Ready: measuring without Patroni)"
        "$BIN" "${K[@]}" -n "$NS" show bench >/dev/null || { echo "show NAME: skipped (no cluster)"; exit 0; }
    fi
    "$BIN" "${K[@]}" -n "$NS" show bench | sed 's/^/    /'
    bench "show bench (bed)" 200 "$BIN" "${K[@]}" -n "$NS" show bench
    bench "show bench -o json (bed)" 200 "$BIN" "${K[@]}" -n "$NS" show bench -o json
    # `show ha` execs `patronictl list` in the primary: Python and the exec dominate.
    # Right after start-up patronictl may list no members; show ha then falls back to the DCS
    # records, and the label says so.
    if [[ $("$BIN" "${K[@]}" -n "$NS" show ha bench -o json 2>/dev/null) == *'"notes"'* ]]; then
        how="fell back to DCS records"
    else
        how="exec patronictl"
    fi
    bench "show ha bench (bed, $how)" 1000 "$BIN" "${K[@]}" -n "$NS" show ha bench
    "$BIN" "${K[@]}" -n "$NS" delete bench --yes >/dev/null
    kubectl "${K[@]}" delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
else
    echo "show NAME: skipped (set PGO_BED_KUBECONFIG to measure against the test bed)"
fi
