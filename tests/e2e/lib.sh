# Shared helpers for the end-to-end tests. Source it; needs KUBECONFIG pointing at the bed.
# shellcheck shell=bash

E2E_PASSED=0
E2E_FAILED=0
E2E_FAILURES=()

log() { echo "[e2e] $*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# wait_until SECONDS DESCRIPTION CMD...: polls CMD every 0.5 s until it succeeds.
wait_until() {
    local timeout=$1 what=$2 deadline
    shift 2
    deadline=$(($(date +%s) + timeout))
    until "$@" >/dev/null 2>&1; do
        if (($(date +%s) >= deadline)); then
            log "timed out after ${timeout}s waiting for: $what"
            return 1
        fi
        sleep 0.5
    done
}

# run_test NAME FUNCTION: runs one test, counts it, never stops the suite.
run_test() {
    local name=$1 fn=$2 t0
    t0=$(now)
    log "=== $name"
    # Not inside `if`: bash ignores `set -e` in a condition, and a failed check must stop the test.
    ( set -euo pipefail; "$fn" )
    if (($? == 0)); then
        E2E_PASSED=$((E2E_PASSED + 1))
        log "--- PASS $name ($(elapsed "$t0")s)"
    else
        E2E_FAILED=$((E2E_FAILED + 1))
        E2E_FAILURES+=("$name")
        log "--- FAIL $name ($(elapsed "$t0")s)"
    fi
}

summary() {
    local suite=$1
    ((E2E_FAILED == 0)) || log "failed: ${E2E_FAILURES[*]}"
    echo "$suite: $E2E_PASSED passed, $E2E_FAILED failed"
    ((E2E_FAILED == 0))
}

fail() { log "FAIL: $*"; return 1; }

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
    [[ "$2" == "$3" ]] || fail "$1: got '$2', want '$3'"
}
