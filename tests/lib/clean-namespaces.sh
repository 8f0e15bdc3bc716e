#!/usr/bin/env bash
# Deletes the namespaces earlier test runs left on the bed (kpgo-*, e2e-*, chaos), and waits until
# they are gone: their clusters would compete with this run's for the bed's two cores, and a
# suite must start from an empty namespace.
#   KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig tests/lib/clean-namespaces.sh
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
LOG_PREFIX="[clean]"
mapfile -t left < <(kubectl get namespace -o name | grep -E '^namespace/(kpgo-|e2e-|chaos$)')
((${#left[@]})) || exit 0
log "deleting ${left[*]#namespace/}"
kubectl delete "${left[@]}" --wait=false >/dev/null
kubectl wait --for=delete "${left[@]}" --timeout=300s >/dev/null
