#!/usr/bin/env bash
# Runs `shellcheck -x` on every shell script of the repository: the files named *.sh or *.bash
# and those whose first line is a sh or bash shebang, outside .git/, target/ and completions/
# (generated). Prints the scripts it checked; exits non-zero on any finding.
#   tests/lib/shellcheck.sh [--list]     (--list: only print the scripts)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
LOG_PREFIX="[shellcheck]"
cd "$PGO_REPO"

# shell_scripts: the scripts, one path a line, relative to the repository.
shell_scripts() {
    local f
    while IFS= read -r -d '' f; do
        f=${f#./}
        case $f in
            *.sh | *.bash) echo "$f" ;;
            *) [[ $(head -n1 "$f" 2>/dev/null) =~ ^#!\ *(/usr)?/bin/(env\ +)?(ba)?sh(\ |$) ]] && echo "$f" ;;
        esac
    done < <(find . \( -name .git -o -name target -o -name completions -o -name node_modules \) -prune \
        -o -type f -print0) | sort
    return 0
}

mapfile -t scripts < <(shell_scripts)
((${#scripts[@]})) || die "no shell scripts found under $PGO_REPO"
if [[ ${1:-} == --list ]]; then printf '%s\n' "${scripts[@]}"; exit 0; fi
command -v shellcheck >/dev/null || ensure_tools shellcheck:shellcheck
log "$(shellcheck --version | sed -n 's/^version: //p'), ${#scripts[@]} scripts: ${scripts[*]}"
shellcheck -x "${scripts[@]}"
# `cmd | grep -q` under pipefail fails when grep's early exit kills cmd (tests/bed/PITFALLS.md 4).
if grep -nE '\|[[:space:]]*grep[[:space:]]+(-[A-Za-z]*q|--quiet)' "${scripts[@]}" | grep -v '^[^:]*:[0-9]*:[[:space:]]*#'; then
    die "the lines above pipe into grep -q: capture the output first (output_contains TEXT CMD...)"
fi
log "clean"
