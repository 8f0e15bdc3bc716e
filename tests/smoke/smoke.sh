#!/usr/bin/env bash
# Smoke test of a running test bed (tests/bed/bed up): pods, exec, logs, PVCs, DNS, Services, Jobs,
# and (when the image localhost/pgo-postgres:15 is in containerd) a real postgres.
# Prints one line per check and ends with "smoke: N passed, M failed"; exits non-zero on failure.
# Everything happens in namespace pgo-smoke, which is deleted at the end. Every wait is bounded.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "${BASH_SOURCE[0]}")/../lib/containerd.sh"

BED=$PGO_REPO/tests/bed/bed
use_bed_kubeconfig
NS=pgo-smoke
BUSYBOX=localhost/pgo-bed-busybox:1
POSTGRES=localhost/pgo-postgres:15
TIMEOUT=${SMOKE_TIMEOUT:-90}   # seconds, for each wait

passed=0 failed=0 skipped=0
k() { kubectl -n "$NS" "$@"; }

ok() { echo "ok   - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1${2:+: $2}"; failed=$((failed + 1)); }
skip() { echo "skip - $1${2:+: $2}"; skipped=$((skipped + 1)); }

# check NAME CMD...: CMD must succeed
check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$(tail -n 3 <<<"$out" | tr '\n' ' ')"; fi
}

# expect NAME WANT CMD...: CMD's output must contain WANT
expect() {
    local name=$1 want=$2 out
    shift 2
    out=$("$@" 2>&1) || true
    if [[ $out == *"$want"* ]]; then ok "$name"; else bad "$name" "wanted '$want', got '$(tail -n 3 <<<"$out" | tr '\n' ' ')'"; fi
}

# (poll SECONDS CMD...: tests/lib/common.sh)
wait_ready() { k wait --for=condition=Ready "pod/$1" --timeout="${TIMEOUT}s" >/dev/null; }
has_image() { [[ -n $(image_digest "$1") ]]; }
in_pod() { local pod=$1; shift; kubectl -n "$NS" exec "$pod" -- "$@"; }
cleanup() {
    kubectl delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1
    poll "$TIMEOUT" sh -c "! kubectl get namespace $NS >/dev/null 2>&1"
}

# ----------------------------------------------------------------------------------------------
echo "smoke: bed at $KUBECONFIG"
if ! kubectl get --raw /readyz >/dev/null 2>&1; then
    bad "API server reachable" "is the bed up? ($BED up)"
    echo "smoke: $passed passed, $failed failed"
    exit 1
fi
ok "API server reachable"
expect "node node1 Ready" True kubectl get node node1 -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'

check "no leftover namespace" cleanup
k create namespace "$NS" >/dev/null 2>&1 || kubectl create namespace "$NS" >/dev/null
poll 30 kubectl -n "$NS" get serviceaccount default || true

# ---- a pod, exec, logs, DNS, services --------------------------------------------------------
k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: shell, labels: {app: shell}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: sh
    image: $BUSYBOX
    command: [sh, -c, 'echo smoke-log-line; mkdir -p /www; echo smoke-web > /www/index.html; exec httpd -f -p 8080 -h /www']
    ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: shell}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: hl}
spec:
  clusterIP: None
  selector: {app: member}
  ports: [{port: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: member-0, labels: {app: member}}
spec:
  hostname: member-0
  subdomain: hl
  terminationGracePeriodSeconds: 1
  containers:
  - {name: sh, image: $BUSYBOX, command: [sh, -c, 'exec httpd -f -p 8080 -h /tmp']}
EOF
check "pod runs" wait_ready shell
expect "kubectl exec" hello-from-pod in_pod shell echo hello-from-pod
expect "kubectl logs" smoke-log-line k logs shell
pod_ip=$(kubectl -n "$NS" get pod shell -o jsonpath='{.status.podIP}')
expect "pod IP in 10.244.0.0/24" 10.244.0. echo "$pod_ip"
routes=$(in_pod shell ip route 2>&1)
if [[ $routes != *default* && $routes == *10.244.0.0/16* ]]; then ok "pod has no default route"; else bad "pod has no default route" "$routes"; fi

svc_ip=$(kubectl -n "$NS" get svc web -o jsonpath='{.spec.clusterIP}')
poll 15 "$BED" resolve "web.$NS.svc.cluster.local" || true
expect "DNS from pod: web (search path)" "$svc_ip" in_pod shell nslookup web
expect "DNS from pod: web.$NS.svc" "$svc_ip" in_pod shell nslookup "web.$NS.svc"
expect "DNS from pod: kubernetes.default.svc.cluster.local" 10.0.0.1 in_pod shell nslookup kubernetes.default.svc.cluster.local
expect "DNS from host: bed resolve web.$NS.svc.cluster.local" "$svc_ip" "$BED" resolve "web.$NS.svc.cluster.local"
if out=$(in_pod shell nslookup "nothere.$NS.svc.cluster.local" 2>&1); then
    bad "DNS: unknown name is NXDOMAIN" "$out"
else
    ok "DNS: unknown name is NXDOMAIN"
fi
expect "Service ClusterIP from pod (kube-proxy)" smoke-web in_pod shell timeout 10 wget -q -O - "http://$svc_ip/"
expect "Service by short name from pod (libc resolver, search path)" smoke-web in_pod shell timeout 10 wget -q -O - http://web/
expect "Service ClusterIP from host" smoke-web curl -sS -m 5 "http://$svc_ip/"
check "API server from pod at 10.0.0.1:443" in_pod shell sh -c 'echo | timeout 5 nc 10.0.0.1 443'

check "headless member pod runs" wait_ready member-0
member_ip=$(kubectl -n "$NS" get pod member-0 -o jsonpath='{.status.podIP}')
poll 15 "$BED" resolve "member-0.hl.$NS.svc.cluster.local" || true
expect "DNS: per-pod name member-0.hl.$NS.svc.cluster.local" "$member_ip" in_pod shell nslookup "member-0.hl.$NS.svc.cluster.local"
expect "DNS: headless service hl" "$member_ip" in_pod shell nslookup "hl.$NS.svc.cluster.local"

# ---- a PVC binds and its data survives a pod restart -------------------------------------------
data_pod() {
    k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 64Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: data}
spec:
  terminationGracePeriodSeconds: 1
  securityContext: {runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534}
  containers:
  - {name: sh, image: $BUSYBOX, command: [sh, -c, 'exec sleep 3600'], volumeMounts: [{name: data, mountPath: /data}]}
  volumes:
  - {name: data, persistentVolumeClaim: {claimName: data}}
EOF
}
data_pod
check "pod with PVC runs" wait_ready data
expect "PVC bound" Bound k get pvc data -o 'jsonpath={.status.phase}'
pv=$(kubectl -n "$NS" get pvc data -o jsonpath='{.spec.volumeName}')
expect "PV capacity is the requested 64Mi" 64Mi kubectl get pv "$pv" -o 'jsonpath={.spec.capacity.storage}'
token=smoke-$RANDOM-$RANDOM
check "write to the volume (as a non-root user)" in_pod data sh -c "echo $token > /data/file && sync"
check "delete the pod" k delete pod data --wait=true --timeout="${TIMEOUT}s"
data_pod
check "recreated pod runs" wait_ready data
expect "data survived the pod restart" "$token" in_pod data cat /data/file

# ---- a Job completes ---------------------------------------------------------------------------
k apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: job, image: $BUSYBOX, command: [sh, -c, 'nslookup kubernetes.default.svc.cluster.local >/dev/null && echo job-done']}
EOF
check "Job completes" k wait --for=condition=complete job/job --timeout="${TIMEOUT}s"
expect "Job output" job-done k logs job/job

# ---- postgres -----------------------------------------------------------------------------------
if has_image "$POSTGRES"; then
    k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: postgres}
spec:
  terminationGracePeriodSeconds: 1
  securityContext: {runAsUser: 26, runAsGroup: 26, fsGroup: 26}
  containers:
  - name: postgres
    image: $POSTGRES
    command: [sh, -c, 'initdb -D /pgdata/smoke -A trust -U postgres >/tmp/initdb.log 2>&1 || { cat /tmp/initdb.log; exit 1; }; echo "host all all 10.244.0.0/16 trust" >>/pgdata/smoke/pg_hba.conf; exec postgres -D /pgdata/smoke -c listen_addresses=* -k /tmp']
    readinessProbe:
      exec: {command: [pg_isready, -h, /tmp, -U, postgres]}
      periodSeconds: 2
    volumeMounts: [{name: pgdata, mountPath: /pgdata}]
  volumes:
  - {name: pgdata, emptyDir: {}}
EOF
    check "postgres pod runs (initdb + postgres)" wait_ready postgres
    expect "psql -c 'select 1'" "1 row" in_pod postgres psql -h /tmp -U postgres -c 'select 1'
    pg_ip=$(kubectl -n "$NS" get pod postgres -o jsonpath='{.status.podIP}')
    expect "psql over the pod network" "1 row" in_pod postgres psql -h "$pg_ip" -U postgres -c 'select 1'
else
    skip "postgres" "image $POSTGRES not in containerd (images/build.sh postgres && images/build.sh import)"
fi

# ---- cleanup: namespace gone, PV reclaimed --------------------------------------------------------
check "namespace deleted" cleanup
if [[ -n ${pv:-} ]]; then
    if poll 60 sh -c "! kubectl get pv $pv >/dev/null 2>&1"; then ok "released PV deleted by the provisioner"; else bad "released PV deleted by the provisioner"; fi
fi

((skipped == 0)) || echo "smoke: $skipped skipped"
echo "smoke: $passed passed, $failed failed"
((failed == 0))
