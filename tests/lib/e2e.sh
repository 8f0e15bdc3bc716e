# shellcheck shell=bash
# The end-to-end suites' runner: run_test, fail, expect_eq, summary, on top of the cluster
# helpers (postgrescluster.sh) and common.sh. Source it; needs KUBECONFIG pointing at the bed.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/postgrescluster.sh"
LOG_PREFIX="[e2e]"

# run_test NAME FUNCTION [ARGS...]: runs one test, counts it, never stops the suite.
run_test() {
    local name=$1 fn=$2 t0 rc
    shift 2
    t0=$(now)
    log "=== $name"
    # Not inside `if` nor before `||`: bash ignores `set -e` there, and a failed check must
    # stop the test.
    ( set -euo pipefail; "$fn" "$@" )
    rc=$?
    tally "$name" "$rc"
    if ((rc == 0)); then
        log "--- PASS $name ($(elapsed "$t0")s)"
    else
        log "--- FAIL $name ($(elapsed "$t0")s)"
        dump_state
    fi
}

# dump_state: after a failure, what a reader of the CI log needs to see why: the namespace's
# objects, each cluster's conditions, the latest Events, Patroni's view and the agent's log.
dump_state() {
    {
        echo "----- state of namespace $NS after the failure"
        kc get postgrescluster,sts,pod,pvc -o wide 2>&1
        kc get postgrescluster -o jsonpath='{range .items[*]}{.metadata.name}:{"\n"}{range .status.conditions[*]}  {.type}={.status} {.reason}: {.message}{"\n"}{end}{end}' 2>&1
        kc get events --sort-by=.lastTimestamp 2>&1 | tail -n 25
        local pod
        for pod in $(kc get pod -l "$L/role=master" -o name 2>/dev/null); do
            kc exec "$pod" -c database -- patronictl list 2>&1 | head -n 20
        done
        echo "----- agent log (last 40 lines)"
        kubectl -n "$AGENT_NS" logs deploy/pgo-agent --tail=40 2>&1
        echo "----- end of state"
    } | sed 's/^/  | /' >&2
}

# summary SUITE: the closing line "SUITE: N passed, M failed"; fails if a test failed.
summary() { tally_summary "$1"; }

# e2e_namespace: creates the suite's namespace $NS, empty. One left by an earlier run (kept with
# E2E_KEEP_NAMESPACE, or a run that was killed) is deleted first: its clusters would otherwise
# stand in for the ones the tests create. e2e_namespace_done: deletes it unless
# E2E_KEEP_NAMESPACE is set.
e2e_namespace() {
    if kubectl get namespace "$NS" >/dev/null 2>&1; then
        log "deleting the namespace $NS an earlier run left"
        kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1
        kubectl wait --for=delete "namespace/$NS" --timeout=300s >/dev/null 2>&1 ||
            { log "namespace $NS is still there after 300 s"; return 1; }
    fi
    kubectl create namespace "$NS" >/dev/null
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
