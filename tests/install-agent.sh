#!/usr/bin/env bash
# Builds the agent image from this checkout, imports it into the bed's containerd, and installs
# the CRD, RBAC and agent Deployment with `kubectl apply -k manifests/`. Idempotent; after a code
# change it rebuilds and restarts the agent.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export KUBECONFIG=${KUBECONFIG:-/var/lib/pgo-bed/admin.kubeconfig}

before=$(ctr -n k8s.io images ls -q "name==localhost/pgo-agent:dev" 2>/dev/null | head -1 || true)
before_digest=$(ctr -n k8s.io images ls "name==localhost/pgo-agent:dev" 2>/dev/null | awk 'NR==2 {print $3}')
"$REPO/images/build.sh" agent
"$REPO/images/build.sh" import
after_digest=$(ctr -n k8s.io images ls "name==localhost/pgo-agent:dev" 2>/dev/null | awk 'NR==2 {print $3}')

kubectl apply -k "$REPO/manifests/" >/dev/null
kubectl wait --for=condition=Established crd/postgresclusters.postgres-operator.crunchydata.com --timeout=60s >/dev/null
if [[ -n $before && "$before_digest" != "$after_digest" ]]; then
    echo "[install] agent image changed; restarting the agent"
    kubectl -n postgres-operator rollout restart deploy/pgo-agent >/dev/null
fi
kubectl -n postgres-operator rollout status deploy/pgo-agent --timeout=180s
