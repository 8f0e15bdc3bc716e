#!/usr/bin/env bash
# Deletes the namespaces earlier test runs left on the bed (kpgo-*, e2e-*, chaos), and waits until
# they are gone: their clusters would compete with this run's for the bed's two cores, and a
# suite must start from an empty namespace.
#   KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig tests/lib/clean-namespaces.sh
# A pod that was terminating when the bed's kubelet stopped can stay Terminating after the
# restart, its containers long gone (tests/bed/PITFALLS.md 30); after two minutes such pods in
# these namespaces are force-deleted, which lets the agent's finalizer and the namespace finish.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
LOG_PREFIX="[clean]"
mapfile -t left < <(kubectl get namespace -o name | grep -E '^namespace/(kpgo-|e2e-|chaos$)')
((${#left[@]})) || exit 0
log "deleting ${left[*]#namespace/}"
kubectl delete "${left[@]}" --wait=false >/dev/null
kubectl wait --for=delete "${left[@]}" --timeout=120s >/dev/null 2>&1 && exit 0
for ns in "${left[@]#namespace/}"; do
    mapfile -t stuck < <(kubectl -n "$ns" get pods -o jsonpath='{range .items[?(@.metadata.deletionTimestamp)]}{.metadata.name}{"\n"}{end}' 2>/dev/null)
    ((${#stuck[@]})) || continue
    log "force-deleting pods stuck terminating in $ns: ${stuck[*]}"
    kubectl -n "$ns" delete pod "${stuck[@]}" --force --grace-period=0 >/dev/null 2>&1
done
kubectl wait --for=delete "${left[@]}" --timeout=240s >/dev/null && exit 0
for ns in "${left[@]#namespace/}"; do
    kubectl get namespace "$ns" -o jsonpath='{.metadata.name}: {.status.conditions[?(@.status=="True")].message}{"\n"}' 2>/dev/null >&2
done
die "test namespaces are still there"
