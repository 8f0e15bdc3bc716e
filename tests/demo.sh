#!/usr/bin/env bash
# The main job: a local Kubernetes (the test bed), the agent, and a Postgres cluster you can
# connect to. Safe to run again.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source-path=SCRIPTDIR/lib
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
LOG_PREFIX="[demo]"
LOG_FD=1
REPO=$PGO_REPO
export KUBECONFIG=$BED_KUBECONFIG
NS=${DEMO_NAMESPACE:-demo}

"$REPO/tests/bed/bed" up
"$REPO/images/build.sh" postgres
"$REPO/tests/install-agent.sh"

kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl -n "$NS" apply -f "$REPO/examples/hippo.yaml"
log "waiting for postgrescluster/hippo to be Ready..."
kubectl -n "$NS" wait postgrescluster/hippo --for=condition=Ready --timeout=300s

# hippo-primary is headless, as in PGO: its one endpoint is the leader Service hippo-ha.
ip=$(kubectl -n "$NS" get endpoints hippo-primary -o jsonpath='{.subsets[0].addresses[0].ip}')
cat <<MSG

[demo] ready. Connect (TLS, password from the hippo-pguser-hippo Secret):

  export KUBECONFIG=$KUBECONFIG
  PGPASSWORD=\$(kubectl -n $NS get secret hippo-pguser-hippo -o jsonpath='{.data.password}' | base64 -d) \\
    psql "host=$ip user=hippo dbname=hippo sslmode=require"

  kubectl -n $NS get postgrescluster hippo
MSG
