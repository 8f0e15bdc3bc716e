#!/usr/bin/env bash
# Builds the agent image from this checkout, imports it into the bed's containerd, and installs
# the CRD, RBAC and agent Deployment with `kubectl apply -k manifests/`. Idempotent; after a code
# change it rebuilds and restarts the agent.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source-path=SCRIPTDIR/lib
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source-path=SCRIPTDIR source-path=SCRIPTDIR/lib
source "$(dirname "${BASH_SOURCE[0]}")/lib/containerd.sh"
LOG_PREFIX="[install]"
LOG_FD=1
REPO=$PGO_REPO
use_bed_kubeconfig
AGENT_IMAGE=localhost/pgo-agent:dev

before_digest=$(image_digest "$AGENT_IMAGE")
"$REPO/images/build.sh" agent
"$REPO/images/build.sh" import
after_digest=$(image_digest "$AGENT_IMAGE")

# postgres_env_filter MAJOR...: drops from the rendered manifests every RELATED_IMAGE_POSTGRES_<N>
# (the name line and its value line) whose N is not listed, so the agent refuses versions the
# bed has no image for instead of creating pods that cannot start.
postgres_env_filter() {
    awk -v keep=" $* " '
        skip { skip = 0; next }
        match($0, /- name: RELATED_IMAGE_POSTGRES_[0-9]+$/) {
            n = $0; sub(/.*RELATED_IMAGE_POSTGRES_/, "", n)
            if (index(keep, " " n " ") == 0) { skip = 1; next }
        }
        { print }'
}

# The majors whose image archive is in the cache and was imported (images/build.sh import above).
majors=()
for archive in "$BED_CACHE"/images/pgo-postgres-*.oci.tar; do
    [[ -f $archive ]] || continue
    major=${archive##*/pgo-postgres-}
    major=${major%.oci.tar}
    [[ -n $(image_digest "localhost/pgo-postgres:$major") ]] && majors+=("$major")
done
log "Postgres images for the agent: ${majors[*]:-none} (RELATED_IMAGE_POSTGRES_<N>)"
kubectl kustomize "$REPO/manifests/" | postgres_env_filter "${majors[@]}" | kubectl apply -f - >/dev/null
kubectl wait --for=condition=Established crd/postgresclusters.postgres-operator.crunchydata.com --timeout=60s >/dev/null
if [[ -n $before_digest && "$before_digest" != "$after_digest" ]]; then
    log "agent image changed; restarting the agent"
    kubectl -n postgres-operator rollout restart deploy/pgo-agent >/dev/null
fi
kubectl -n postgres-operator rollout status deploy/pgo-agent --timeout=180s
