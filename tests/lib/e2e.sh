# shellcheck shell=bash
# The end-to-end suites' runner: run_test, fail, expect_eq, summary, on top of the cluster
# helpers (postgrescluster.sh) and common.sh. Source it; needs KUBECONFIG pointing at the bed.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/postgrescluster.sh"
LOG_PREFIX="[e2e]"

# run_test NAME FUNCTION: runs one test, counts it, never stops the suite.
run_test() {
    local name=$1 fn=$2 t0 rc
    t0=$(now)
    log "=== $name"
    # Not inside `if` nor before `||`: bash ignores `set -e` there, and a failed check must
    # stop the test.
    ( set -euo pipefail; "$fn" )
    rc=$?
    tally "$name" "$rc"
    if ((rc == 0)); then
        log "--- PASS $name ($(elapsed "$t0")s)"
    else
        log "--- FAIL $name ($(elapsed "$t0")s)"
    fi
}

# summary SUITE: the closing line "SUITE: N passed, M failed"; fails if a test failed.
summary() { tally_summary "$1"; }

# e2e_namespace: (re)creates the suite's namespace $NS, after waiting for one left by an earlier
# run that may still be terminating. e2e_namespace_done: deletes it unless E2E_KEEP_NAMESPACE is set.
e2e_namespace() {
    kubectl wait --for=delete "namespace/$NS" --timeout=180s >/dev/null 2>&1 || true
    kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
}
e2e_namespace_done() {
    [[ -n ${E2E_KEEP_NAMESPACE:-} ]] || kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1
}

# test_writer_start DIR [TABLE]: writer_start (postgrescluster.sh) for one test: whatever happens,
# the writer is stopped when the test ends (an EXIT trap of the test's subshell).
# test_writer_verify DIR [ARGS...]: stops it, prints its report; the test fails unless a write
# was acknowledged and none was lost (ARGS go to writer.py stop, e.g. --timeout 120).
test_writer_start() {
    writer_start "$@" || return 1
    # shellcheck disable=SC2064 # DIR is expanded now: the trap runs after the test returned
    trap "writer_stop '$1' --timeout 5 --quiet >/dev/null 2>&1" EXIT
}
test_writer_verify() {
    local dir=$1
    shift
    trap - EXIT
    writer_stop "$dir" "$@" >&2 || fail "writer: $(jq -c '{lost, read_back_error}' "$dir/report.json")"
    (($(jq .acknowledged "$dir/report.json") > 0)) || fail "no write was acknowledged"
}

fail() { log "FAIL: $*"; return 1; }

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
    [[ "$2" == "$3" ]] || fail "$1: got '$2', want '$3'"
}
