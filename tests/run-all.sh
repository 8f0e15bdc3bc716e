#!/usr/bin/env bash
# Runs every test: static checks and unit tests, then the test bed, then the end-to-end tests.
# This is what CI runs (.ci/run). Prints each phase's time and ends with a summary line.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source-path=SCRIPTDIR/lib
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
LOG_PREFIX=":::"
LOG_FD=1
REPO=$PGO_REPO
cd "$REPO" || exit 1
export KUBECONFIG=$BED_KUBECONFIG
export CARGO_TERM_COLOR=never
RESULTS=$(mktemp -d /tmp/pgo-results.XXXX)
export E2E_RESULTS=$RESULTS

t_all=$(date +%s)
# run_phase NAME CMD...: runs CMD, counts it, prints "::: NAME: ok in 12s" or "FAILED (rc)".
run_phase() {
    local name=$1 t0 rc
    shift
    t0=$(date +%s)
    log "$name"
    "$@"
    rc=$?
    tally "$name" "$rc"
    log "$name: $([[ $rc == 0 ]] && echo ok || echo "FAILED ($rc)") in $(($(date +%s) - t0))s"
    return "$rc"
}

host_tools() {
    # zsh, fish and bash-completion: the completion tests drive the real shells.
    ensure_tools psql:postgresql-client jq:jq tmux:tmux shellcheck:shellcheck zsh:zsh fish:fish
    [[ -f /usr/share/bash-completion/bash_completion ]] || apt_install bash-completion
}

run_phase "host tools" host_tools
run_phase "cargo fmt" cargo fmt --all -- --check
run_phase "shellcheck" tests/lib/shellcheck.sh
run_phase "cargo clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
run_phase "unit tests" cargo test --workspace --quiet
if run_phase "test bed up" tests/bed/bed up; then
    run_phase "postgres images (15, 17, 18)" images/build.sh postgres 15 17 18
    run_phase "install agent" tests/install-agent.sh
    run_phase "no test namespaces left" tests/lib/clean-namespaces.sh
    run_phase "smoke" tests/smoke/smoke.sh
    run_phase "kubectl-pgo e2e" env PGO_BED_KUBECONFIG="$KUBECONFIG" cargo test -p kubectl-pgo --test e2e --quiet -- --test-threads=2
    run_phase "cluster e2e" tests/e2e/cluster.sh
    run_phase "safety e2e" tests/e2e/safety.sh
    run_phase "versions e2e (17)" tests/e2e/versions.sh
    run_phase "chaos" tests/chaos/chaos.sh
    run_phase "backup e2e" bash -c 'cargo build -q -p kubectl-pgo && tests/e2e/backup.sh'
fi
log "total $(($(date +%s) - t_all))s"
tally_summary run-all "failed phases"
