# shellcheck shell=bash
# containerd helpers for the bed, the image build and the tests: the Kubernetes namespace
# (k8s.io) of the containerd at $CONTAINERD_ADDRESS (default /run/containerd/containerd.sock).
# Source it (after common.sh); a script may set CTR_ADDRESS after sourcing.

CTR_ADDRESS=${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}

ctr_k8s() { ctr --address "$CTR_ADDRESS" -n k8s.io "$@"; }

containerd_running() {
    command -v ctr >/dev/null 2>&1 && ctr --address "$CTR_ADDRESS" version >/dev/null 2>&1
}

# image_digest REF: the manifest digest containerd has for REF; empty if none (or no containerd).
# (Never `ctr ... | grep -q`: grep exits early, ctr gets SIGPIPE, and pipefail fails the pipe.)
image_digest() {
    local list
    list=$(ctr_k8s images ls 2>/dev/null) || return 0
    awk -v r="$1" '$1 == r { print $3 }' <<<"$list"
}
