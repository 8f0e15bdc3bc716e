#!/usr/bin/env bash
# Runs every test: static checks and unit tests, then the test bed, then the end-to-end tests.
# This is what CI runs (.ci/run). Prints each phase's time and ends with a summary line.
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
export KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig
export CARGO_TERM_COLOR=never
RESULTS=$(mktemp -d /tmp/pgo-results.XXXX)
export E2E_RESULTS=$RESULTS

passed=0 failed=0 failures=()
t_all=$(date +%s)
phase() { # NAME CMD...
    local name=$1 t0 rc
    shift
    t0=$(date +%s)
    echo "::: $name"
    "$@"
    rc=$?
    if ((rc == 0)); then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
    echo "::: $name: $([[ $rc == 0 ]] && echo ok || echo "FAILED ($rc)") in $(($(date +%s) - t0))s"
    return "$rc"
}

host_tools() {
    local missing=()
    command -v psql >/dev/null || missing+=(postgresql-client)
    command -v jq >/dev/null || missing+=(jq)
    command -v tmux >/dev/null || missing+=(tmux)
    # The completion tests drive the real shells.
    command -v zsh >/dev/null || missing+=(zsh)
    command -v fish >/dev/null || missing+=(fish)
    [[ -f /usr/share/bash-completion/bash_completion ]] || missing+=(bash-completion)
    ((${#missing[@]} == 0)) && return 0
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

phase "host tools" host_tools
phase "cargo fmt" cargo fmt --all -- --check
phase "cargo clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
phase "unit tests" cargo test --workspace --quiet
if phase "test bed up" tests/bed/bed up; then
    phase "postgres image" images/build.sh postgres
    phase "install agent" tests/install-agent.sh
    phase "smoke" tests/smoke/smoke.sh
    phase "kubectl-pgo e2e" env PGO_BED_KUBECONFIG="$KUBECONFIG" cargo test -p kubectl-pgo --test e2e --quiet -- --test-threads=2
    phase "cluster e2e" tests/e2e/cluster.sh
    phase "safety e2e" tests/e2e/safety.sh
    phase "backup e2e" bash -c 'cargo build -q -p kubectl-pgo && tests/e2e/backup.sh'
fi
echo "::: total $(($(date +%s) - t_all))s"
((failed == 0)) || echo "failed phases: ${failures[*]}"
echo "run-all: $passed passed, $failed failed"
((failed == 0))
