# shellcheck shell=bash
# Shell helpers shared by the test bed (tests/bed/bed), the image build (images/build.sh), the
# test runner (tests/run-all.sh) and the smoke, e2e and bench suites: logging, timing, waiting,
# timed phases, pass/fail counting, root checks, the bed's paths, apt, locks, processes, mounts.
# Source it with a path relative to the script:
#   # shellcheck source-path=SCRIPTDIR
#   source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# then set LOG_PREFIX (e.g. "[bed]"); LOG_FD=1 sends log() to stdout instead of stderr.
# Sourcing it twice is harmless: it defines functions and constants only.

# ---------------------------------------------------------------- paths
# The repository, the bed's cache and state directories (tests/bed/README.md) and its kubeconfig.
# shellcheck disable=SC2034 # read by the scripts that source this file
{
    PGO_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    BED_CACHE=${PGO_BED_CACHE:-/var/cache/pgo-bed}
    BED_STATE=${PGO_BED_STATE:-/var/lib/pgo-bed}
    BED_KUBECONFIG=$BED_STATE/admin.kubeconfig
}

# use_bed_kubeconfig: KUBECONFIG defaults to the bed's admin kubeconfig.
use_bed_kubeconfig() { export KUBECONFIG=${KUBECONFIG:-$BED_KUBECONFIG}; }

# ---------------------------------------------------------------- logging
LOG_PREFIX=${LOG_PREFIX:-[pgo]}
log() { echo "$LOG_PREFIX $*" >&"${LOG_FD:-2}"; }
warn() { echo "$LOG_PREFIX WARNING: $*" >&2; }
die() { echo "$LOG_PREFIX ERROR: $*" >&2; exit 1; }

# require_root MESSAGE: dies with MESSAGE unless running as root.
require_root() { [[ $(id -u) == 0 ]] || die "$1"; }

# ---------------------------------------------------------------- timing
now() { date +%s.%N; }
# elapsed T0 [DECIMALS]: seconds since T0 (a `now`), with one decimal unless told otherwise.
elapsed() { awk -v a="$1" -v b="$(now)" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, b - a }'; }

# phase NAME CMD...: runs CMD, then logs "NAME 12.3s", plus " (NOTE)" when CMD set PHASE_NOTE
# (e.g. "cached"). Never `phase ... || x` nor `|| rc=$?` inside: in such a context bash
# switches off `set -e` in CMD, and a failing step would carry on.
PHASE_NOTE=""
phase() {
    local name=$1 t0
    shift
    PHASE_NOTE=""
    t0=$(now)
    "$@"
    log "$name $(elapsed "$t0")s${PHASE_NOTE:+ ($PHASE_NOTE)}"
}

# ---------------------------------------------------------------- waiting
# poll SECONDS CMD...: runs CMD (output discarded) every POLL_INTERVAL (0.5) seconds until it
# succeeds; fails, silently, once SECONDS have passed.
poll() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep "${POLL_INTERVAL:-0.5}"
    done
}

# wait_until SECONDS DESCRIPTION CMD...: poll, saying what it gave up on.
wait_until() {
    local timeout=$1 what=$2
    shift 2
    poll "$timeout" "$@" && return 0
    echo "$LOG_PREFIX timed out after ${timeout}s waiting for: $what" >&2
    return 1
}

# output_is VALUE CMD...: CMD succeeds and prints VALUE (e.g. `wait_until 30 "..." output_is 3 cmd`).
output_is() {
    local want=$1 out
    shift
    out=$("$@") && [[ $out == "$want" ]]
}

# output_contains TEXT CMD...: CMD succeeds and its output contains TEXT.
output_contains() {
    local want=$1 out
    shift
    out=$("$@") && [[ $out == *"$want"* ]]
}

# ---------------------------------------------------------------- pass/fail counting
# tally NAME RC: counts a result (a test or a phase); tally_summary SUITE prints the closing
# line "SUITE: N passed, M failed" (after the failed names, if any) and fails if any failed.
TALLY_PASSED=0
TALLY_FAILED=0
TALLY_FAILURES=()
tally() {
    if (($2 == 0)); then
        TALLY_PASSED=$((TALLY_PASSED + 1))
    else
        TALLY_FAILED=$((TALLY_FAILED + 1))
        TALLY_FAILURES+=("$1")
    fi
}
tally_summary() {
    ((TALLY_FAILED == 0)) || log "${2:-failed}: ${TALLY_FAILURES[*]}"
    echo "$1: $TALLY_PASSED passed, $TALLY_FAILED failed"
    ((TALLY_FAILED == 0))
}

# ---------------------------------------------------------------- packages
# apt_install PACKAGE...: installs Debian packages without recommends, waiting for a dpkg lock
# held by someone else; refreshes the package lists only when the first try fails.
apt_install() {
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
    log "installing: $*"
    "${apt[@]}" install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
        { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq --no-install-recommends "$@" >/dev/null; }
}

# ensure_tools CMD:PACKAGE...: installs the packages of the commands that are missing.
ensure_tools() {
    local spec missing=()
    for spec in "$@"; do
        command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
    done
    ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
}

# ---------------------------------------------------------------- locks, processes, mounts
# hold_lock FD FILE SECONDS WHO: takes an exclusive flock on FILE through file descriptor FD
# (kept open by the caller's shell; close it in long-lived children: `FD>&-`).
hold_lock() {
    local fd=$1 file=$2 timeout=$3 who=$4
    mkdir -p "$(dirname "$file")"
    eval "exec $fd>\"\$file\""
    flock -w "$timeout" "$fd" || die "another $who holds $file"
}

# stop_pid PID [SECONDS]: TERM, wait (20 s), then KILL; returns once the process is gone.
stop_pid() {
    local pid=$1 timeout=${2:-20} i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < timeout * 10; i++)); do
        [[ -d /proc/$pid ]] || return 0
        # a zombie child of ours counts as gone
        [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do [[ -d /proc/$pid ]] || return 0; sleep 0.1; done
    warn "pid $pid did not exit"
}

# mounts_under DIR: the mount points below DIR, deepest first.
mounts_under() { awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r; }

# unmount_under DIR: unmounts everything mounted below DIR (lazily where it is busy).
unmount_under() {
    local m
    while IFS= read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || warn "could not unmount $m"
    done < <(mounts_under "$1")
}
