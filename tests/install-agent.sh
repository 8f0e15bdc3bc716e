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

kubectl apply -k "$REPO/manifests/" >/dev/null
kubectl wait --for=condition=Established crd/postgresclusters.postgres-operator.crunchydata.com --timeout=60s >/dev/null
if [[ -n $before_digest && "$before_digest" != "$after_digest" ]]; then
    log "agent image changed; restarting the agent"
    kubectl -n postgres-operator rollout restart deploy/pgo-agent >/dev/null
fi
kubectl -n postgres-operator rollout status deploy/pgo-agent --timeout=180s
