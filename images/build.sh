#!/usr/bin/env bash
# Builds the project's container images locally, with no registry and no Docker
# engine: debootstrap + chroot for the Postgres image, a hand-assembled root
# filesystem for the agent, umoci to make OCI layouts, ctr to import them.
#
#   images/build.sh postgres [N...]  build localhost/pgo-postgres:N (default 15; cached by package list + recipe)
#                                    15: Debian bookworm, 17: trixie, 18: forky (images/packages/postgres-N.txt)
#   images/build.sh agent      cargo build --release -p pgo-agent, build localhost/pgo-agent:dev
#   images/build.sh import     import every built archive into containerd (namespace k8s.io)
#   images/build.sh all        postgres (the majors in PGO_PG_MAJOR, default 15) + agent (+ import when containerd runs)
#   images/build.sh verify [N...]    run Postgres and the tools of the built Postgres image N (no Kubernetes)
#   images/build.sh list       show the built archives
#
# Environment: PGO_BED_CACHE (default /var/cache/pgo-bed; archives go to $PGO_BED_CACHE/images),
# PGO_IMAGES_FORCE=1 (ignore caches of the final images; the debootstrap base stays cached),
# PGO_IMAGES_MIRROR (Debian mirror URL; default: the one apt on this machine uses for the suite,
# else the one it uses for its own release), PGO_PG_MAJOR (the majors `postgres`, `verify` and
# `all` build when none are named, space-separated; default 15),
# PGO_AGENT_SKIP_CARGO=1 (image the existing target/release/pgo-agent without running cargo),
# CONTAINERD_ADDRESS (default /run/containerd/containerd.sock).
set -euo pipefail
shopt -s inherit_errexit
# shellcheck source-path=SCRIPTDIR source-path=SCRIPTDIR/../tests/lib
source "$(dirname "${BASH_SOURCE[0]}")/../tests/lib/common.sh"
# shellcheck source-path=SCRIPTDIR source-path=SCRIPTDIR/../tests/lib
source "$(dirname "${BASH_SOURCE[0]}")/../tests/lib/containerd.sh"
LOG_PREFIX="[images]"

IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$PGO_REPO
OUT_DIR=$BED_CACHE/images
BASE_DIR=$OUT_DIR/base
WORK_DIR=$OUT_DIR/work
FORCE=${PGO_IMAGES_FORCE:-0}
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
# This machine's own Debian release: its apt sources are the fallback mirror of other suites.
HOST_SUITE=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")

# The Debian suite each PostgreSQL major is built from: the one whose main archive ships it.
# (No suite here ships 16.) select_postgres sets the globals below for one major.
declare -A PG_SUITES=([15]=bookworm [17]=trixie [18]=forky)
# Testing's Release files carry a Valid-Until a week ahead; a mirror that is a snapshot (as the
# one of the test machines) serves them expired and apt refuses them. For testing only, the
# chroot's apt skips that date check (signatures are still checked); the image keeps no trace.
declare -A SUITE_IGNORE_VALID_UNTIL=([forky]=1)
PG_MAJORS_DEFAULT=${PGO_PG_MAJOR:-15}
POSTGRES_REPO=localhost/pgo-postgres
POSTGRES_SETUP=$IMAGES_DIR/postgres/setup.sh
SUITE='' PG_MAJOR='' POSTGRES_TAG='' POSTGRES_PATH='' POSTGRES_PACKAGES=''

select_postgres() {
    local major=$1
    [[ -n ${PG_SUITES[$major]:-} ]] || die "no image recipe for PostgreSQL $major (recipes: $(printf '%s\n' "${!PG_SUITES[@]}" | sort -n | tr '\n' ' '))"
    SUITE=${PG_SUITES[$major]}
    PG_MAJOR=$major
    POSTGRES_TAG=$PG_MAJOR
    POSTGRES_PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    POSTGRES_PACKAGES=$IMAGES_DIR/packages/postgres-$PG_MAJOR.txt
    [[ -f $POSTGRES_PACKAGES ]] || die "no package list $POSTGRES_PACKAGES"
}
AGENT_REPO=localhost/pgo-agent
AGENT_TAG=dev
AGENT_UID=65532

# ---------------------------------------------------------------- helpers
# (log, die, phase, ensure_tools, hold_lock, unmount_under: tests/lib/common.sh)
sha() { sha256sum | cut -c1-64; }

# One build at a time per cache directory (tests and people may call us concurrently).
take_lock() {
    mkdir -p "$OUT_DIR" "$BASE_DIR" "$WORK_DIR"
    hold_lock 9 "$OUT_DIR/.lock" 1800 build.sh
}

# Unmounts everything mounted below our work directory (proc of a chroot).
unmount_work() { unmount_under "$WORK_DIR"; }
trap unmount_work EXIT

# Removes a work directory, never crossing into a mount.
remove_dir() {
    local d=$1
    [[ -e $d ]] || return 0
    unmount_work
    rm -rf --one-file-system "$d"
}

# apt_mirror SUITE: the URI of the first enabled apt source of this machine that serves
# SUITE (deb822 *.sources first, then one-line *.list). Empty if there is none.
apt_mirror() {
    local suite=$1 f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        uri=$(awk -v s="$suite" '
            BEGIN { RS = ""; FS = "\n" }
            {
                types = ""; uris = ""; suites = ""; enabled = "yes"
                for (i = 1; i <= NF; i++) {
                    line = $i
                    if (line ~ /^[ \t]*#/ || index(line, ":") == 0) continue
                    key = tolower(substr(line, 1, index(line, ":") - 1))
                    val = substr(line, index(line, ":") + 1); gsub(/^[ \t]+|[ \t]+$/, "", val)
                    if (key == "types") types = val
                    else if (key == "uris") uris = val
                    else if (key == "suites") suites = val
                    else if (key == "enabled") enabled = tolower(val)
                }
                if (enabled == "no" || (" " types " ") !~ / deb /) next
                n = split(suites, a, /[ \t]+/)
                for (j = 1; j <= n; j++) if (a[j] == s) { split(uris, u, /[ \t]+/); print u[1]; exit }
            }' "$f")
        [[ -n $uri ]] && { echo "${uri%/}"; return; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        uri=$(awk -v s="$suite" '
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i + 1) == s) { print $i; exit }
            }' "$f")
        [[ -n $uri ]] && { echo "${uri%/}"; return; }
    done
}

# The mirror of SUITE: the apt source of this machine for SUITE, else the one for its own release
# (the same archive serves every suite).
debian_mirror() {
    local m=${PGO_IMAGES_MIRROR:-$(apt_mirror "$SUITE")}
    [[ -n $m || -z $HOST_SUITE ]] || m=$(apt_mirror "$HOST_SUITE")
    [[ -n $m ]] || die "no apt source for $SUITE (or $HOST_SUITE) found in /etc/apt/sources.list*; set PGO_IMAGES_MIRROR"
    echo "${m%/}"
}
security_mirror() {
    local m
    m=$(apt_mirror "$SUITE-security")
    [[ -n $m || -z $HOST_SUITE ]] || m=$(apt_mirror "$HOST_SUITE-security")
    echo "$m"
}

# Writes the chroot's apt sources: the same mirrors this machine uses.
write_apt_sources() {
    local root=$1 mirror security
    mirror=$(debian_mirror)
    security=$(security_mirror)
    rm -f "$root"/etc/apt/sources.list.d/*
    {
        echo "deb $mirror $SUITE main"
        echo "deb $mirror $SUITE-updates main"
        [[ -n $security ]] && echo "deb $security $SUITE-security main"
    } >"$root/etc/apt/sources.list"
}

# ---------------------------------------------------------------- OCI helpers
# manifest_digest LAYOUT TAG
manifest_digest() {
    grep -o "\"digest\":\"sha256:[0-9a-f]*\",\"size\":[0-9]*,\"annotations\":{\"org.opencontainers.image.ref.name\":\"$2\"}" \
        "$1/index.json" | grep -o 'sha256:[0-9a-f]*' | head -n1
}

# export_archive LAYOUT TAG REPO ARCHIVE KEY: writes an OCI archive holding only TAG
# (blobs are hard-linked, never copied), plus ARCHIVE.ref/.digest/.key beside it.
export_archive() {
    local layout=$1 tag=$2 repo=$3 archive=$4 key=$5 exp t
    exp=$WORK_DIR/export
    remove_dir "$exp"
    mkdir -p "$exp"
    cp "$layout/oci-layout" "$layout/index.json" "$exp/"
    cp -al "$layout/blobs" "$exp/blobs"
    for t in $(umoci ls --layout "$exp"); do
        [[ $t == "$tag" ]] || umoci rm --image "$exp:$t"
    done
    umoci gc --layout "$exp"
    tar -C "$exp" -cf "$archive.tmp" .
    mv "$archive.tmp" "$archive"
    echo "$repo:$tag" >"$archive.ref"
    manifest_digest "$exp" "$tag" >"$archive.digest"
    echo "$key" >"$archive.key"
    remove_dir "$exp"
}

is_cached() { # ARCHIVE KEY
    [[ $FORCE != 1 && -f $1 && -f $1.key && "$(cat "$1.key")" == "$2" ]]
}

# ---------------------------------------------------------------- debootstrap base
base_key() {
    printf '%s\n' "$SUITE" minbase "$ARCH" "$(debian_mirror)" | sha | cut -c1-16
}

run_debootstrap() {
    local root=$1 rc=0
    # An older debootstrap has no script for a newer suite (forky); they all use sid's.
    local script=/usr/share/debootstrap/scripts/$SUITE
    [[ -e $script ]] || script=/usr/share/debootstrap/scripts/sid
    debootstrap --variant=minbase --arch="$ARCH" "$SUITE" "$root" "$(debian_mirror)" "$script" \
        >"$WORK_DIR/debootstrap.log" 2>&1 || rc=$?
    if ((rc != 0)); then
        tail -n 30 "$WORK_DIR/debootstrap.log" >&2
        die "debootstrap failed (log: $WORK_DIR/debootstrap.log)"
    fi
}

# Prints the path of a cached `debootstrap --variant=minbase` tarball, making it if needed.
ensure_base() {
    local tarball root
    tarball=$BASE_DIR/$SUITE-minbase-$ARCH-$(base_key).tar
    if [[ ! -f $tarball ]]; then
        ensure_tools debootstrap:debootstrap
        root=$WORK_DIR/debootstrap
        remove_dir "$root"
        phase debootstrap run_debootstrap "$root"
        tar -C "$root" --numeric-owner -cpf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        remove_dir "$root"
    fi
    echo "$tarball"
}

# ---------------------------------------------------------------- postgres image
postgres_key() {
    {
        echo "recipe v1 $POSTGRES_REPO:$POSTGRES_TAG $(base_key) $(debian_mirror) $(security_mirror)"
        cat "$POSTGRES_PACKAGES" "$POSTGRES_SETUP"
        declare -p SUITE_IGNORE_VALID_UNTIL
        declare -f build_postgres postgres_rootfs postgres_config finalize_rootfs write_apt_sources chroot_run
    } | sha
}

# chroot_run ROOT CMD...: runs CMD in ROOT with a clean environment and /proc mounted.
chroot_run() {
    local root=$1 rc=0
    shift
    mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
    chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@" || rc=$?
    umount "$root/proc"
    return "$rc"
}

# Installs the package list into ROOT (an unpacked debootstrap base) with setup.sh.
postgres_rootfs() {
    local root=$1
    write_apt_sources "$root"
    if [[ -n ${SUITE_IGNORE_VALID_UNTIL[$SUITE]:-} ]]; then
        echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99pgo-valid-until"
    fi
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" # start no services
    chmod 0755 "$root/usr/sbin/policy-rc.d"
    mkdir -p "$root/tmp/pgo"
    cp "$POSTGRES_SETUP" "$root/tmp/pgo/setup.sh"
    cp "$POSTGRES_PACKAGES" "$root/tmp/pgo/postgres.txt"
    local rc=0
    chroot_run "$root" /bin/sh /tmp/pgo/setup.sh all /tmp/pgo/postgres.txt >"$WORK_DIR/postgres-apt.log" 2>&1 || rc=$?
    if ((rc != 0)); then
        tail -n 40 "$WORK_DIR/postgres-apt.log" >&2
        die "installing the packages failed (log: $WORK_DIR/postgres-apt.log)"
    fi
    grep -E '^(PostgreSQL|postgres|patroni|pgBackRest|PgBouncer|pgbouncer|postgres_exporter)' "$WORK_DIR/postgres-apt.log" | sed 's/^/[images]   /' || true
    # shellcheck disable=SC2016 # a dpkg-query format, not shell expansions
    chroot "$root" dpkg-query -W -f '${Package}\t${Version}\n' >"$OUT_DIR/pgo-postgres-$POSTGRES_TAG.packages.tsv"
}

# Removes what only the build needed, so the tree is a container root filesystem.
finalize_rootfs() {
    local root=$1
    rm -rf "$root/tmp/pgo" "$root/usr/sbin/policy-rc.d" "$root/etc/apt/apt.conf.d/99pgo-valid-until"
    : >"$root/etc/resolv.conf"      # the runtime mounts its own
    echo localhost >"$root/etc/hostname"
    : >"$root/etc/machine-id"
    find "$root/dev" -mindepth 1 -delete # the runtime mounts /dev
    rm -rf "$root"/var/cache/ldconfig/aux-cache "$root"/var/log/bootstrap.log
}

postgres_config() {
    local image=$1
    umoci config --image "$image" \
        --config.user 26:26 \
        --config.env "PATH=$POSTGRES_PATH" \
        --config.env LANG=C.UTF-8 \
        --config.env "PGDATA=/pgdata/pg$PG_MAJOR" \
        --config.workingdir /var/lib/postgresql \
        --clear=config.entrypoint \
        --config.cmd postgres --config.cmd --version \
        --config.label org.opencontainers.image.title=pgo-postgres \
        --config.label "org.opencontainers.image.description=PostgreSQL $PG_MAJOR, Patroni, pgBackRest, PgBouncer, postgres_exporter (Debian $SUITE)" \
        --author pgo-rs --history.created_by "images/build.sh postgres"
}

build_postgres() {
    local archive key base work layout root
    archive=$OUT_DIR/pgo-postgres-$POSTGRES_TAG.oci.tar
    key=$(postgres_key)
    if is_cached "$archive" "$key"; then
        log "postgres: cached ($archive, key ${key:0:12})"
        return 0
    fi
    ensure_tools umoci:umoci
    base=$(ensure_base)
    work=$WORK_DIR/postgres
    layout=$work/oci
    root=$work/bundle/rootfs
    remove_dir "$work"
    mkdir -p "$work"
    umoci init --layout "$layout"
    umoci new --image "$layout:$POSTGRES_TAG"
    umoci unpack --image "$layout:$POSTGRES_TAG" "$work/bundle" >/dev/null
    phase extract-base tar -C "$root" --numeric-owner -xpf "$base"
    phase apt-install postgres_rootfs "$root"
    finalize_rootfs "$root"
    log "rootfs $(du -sh --one-file-system "$root" | cut -f1)"
    phase repack umoci repack --image "$layout:$POSTGRES_TAG" "$work/bundle"
    postgres_config "$layout:$POSTGRES_TAG"
    phase archive export_archive "$layout" "$POSTGRES_TAG" "$POSTGRES_REPO" "$archive" "$key"
    remove_dir "$work"
    log "postgres: built $POSTGRES_REPO:$POSTGRES_TAG -> $archive ($(du -h "$archive" | cut -f1))"
}

# ---------------------------------------------------------------- agent image
agent_binary() { echo "${CARGO_TARGET_DIR:-$REPO_DIR/target}/release/pgo-agent"; }

# The files ldd lists for BINARY (libraries and the dynamic loader), one path a line.
ldd_paths() {
    ldd "$1" 2>/dev/null | awk '
        $2 == "=>" && $3 ~ /^\// { print $3 }
        $1 ~ /^\// { print $1 }' | sort -u
}

agent_passwd() {
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%s:%s:nonroot:/home/nonroot:/sbin/nologin\n' "$AGENT_UID" "$AGENT_UID"
}
agent_group() {
    printf 'root:x:0:\nnonroot:x:%s:\n' "$AGENT_UID"
}

# agent_base_key LIBS...: changes when a library, the user files or this recipe change.
agent_base_key() {
    {
        echo "agent base v1"
        local f
        for f in "$@"; do echo "$f $(sha <"$f")"; done
        agent_passwd
        agent_group
        [[ -f /etc/ssl/certs/ca-certificates.crt ]] && sha </etc/ssl/certs/ca-certificates.crt
        declare -f agent_base_rootfs agent_passwd agent_group
    } | sha
}

# Fills ROOT with what the binary needs besides itself: libraries, users, /tmp, CA certs.
agent_base_rootfs() {
    local root=$1 f
    shift
    for f in "$@"; do
        mkdir -p "$root$(dirname "$f")"
        cp -L "$f" "$root$f" # a symlink's target, at the path ldd names
    done
    mkdir -p "$root/etc" "$root/usr/local/bin" "$root/home/nonroot" "$root/tmp" "$root/etc/ssl/certs"
    agent_passwd >"$root/etc/passwd"
    agent_group >"$root/etc/group"
    echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
    [[ -f /etc/ssl/certs/ca-certificates.crt ]] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
    chown "$AGENT_UID:$AGENT_UID" "$root/home/nonroot"
    chmod 1777 "$root/tmp"
}

agent_config() {
    umoci config --image "$1" \
        --config.user "$AGENT_UID:$AGENT_UID" \
        --config.env PATH=/usr/local/bin:/usr/bin:/bin \
        --config.env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
        --config.workingdir /home/nonroot \
        --config.entrypoint /usr/local/bin/pgo-agent \
        --config.cmd run \
        --config.label org.opencontainers.image.title=pgo-agent \
        --author pgo-rs --history.created_by "images/build.sh agent"
}

run_cargo() {
    local rc=0
    (cd "$REPO_DIR" && cargo build --release -p pgo-agent) || rc=$?
    ((rc == 0)) || die "cargo build --release -p pgo-agent failed (PGO_AGENT_SKIP_CARGO=1 images the last binary)"
}

build_agent() {
    local bin archive work layout libs base_key key
    bin=$(agent_binary)
    if [[ ${PGO_AGENT_SKIP_CARGO:-0} != 1 ]]; then
        phase cargo run_cargo
    fi
    [[ -x $bin ]] || die "no agent binary at $bin"
    ensure_tools umoci:umoci
    archive=$OUT_DIR/pgo-agent-$AGENT_TAG.oci.tar
    work=$WORK_DIR/agent
    layout=$work/oci
    mapfile -t libs < <(ldd_paths "$bin")
    base_key=$(agent_base_key "${libs[@]}")
    key=$( { echo "$base_key"; sha <"$bin"; declare -f build_agent agent_config export_archive; } | sha)
    if is_cached "$archive" "$key"; then
        log "agent: cached ($archive, key ${key:0:12})"
        return 0
    fi

    # The base layer (libraries, users) is kept as tag "base" of a persistent layout and
    # only rebuilt when its inputs change; a new binary only adds a small layer on top.
    if [[ ! -f $work/base.key || "$(cat "$work/base.key")" != "$base_key" ]] || ! umoci stat --image "$layout:base" >/dev/null 2>&1; then
        remove_dir "$work"
        mkdir -p "$work"
        umoci init --layout "$layout"
        umoci new --image "$layout:base"
        umoci unpack --image "$layout:base" "$work/bundle" >/dev/null
        agent_base_rootfs "$work/bundle/rootfs" "${libs[@]}"
        phase agent-base umoci repack --image "$layout:base" "$work/bundle"
        echo "$base_key" >"$work/base.key"
        log "agent base layer: ${#libs[@]} libraries"
    fi
    remove_dir "$work/bundle"
    umoci unpack --image "$layout:base" "$work/bundle" >/dev/null
    install -m 0755 "$bin" "$work/bundle/rootfs/usr/local/bin/pgo-agent"
    phase agent-layer umoci repack --image "$layout:$AGENT_TAG" "$work/bundle"
    agent_config "$layout:$AGENT_TAG"
    umoci gc --layout "$layout"
    remove_dir "$work/bundle"
    phase archive export_archive "$layout" "$AGENT_TAG" "$AGENT_REPO" "$archive" "$key"
    log "agent: built $AGENT_REPO:$AGENT_TAG -> $archive ($(du -h "$archive" | cut -f1))"
}

# ---------------------------------------------------------------- containerd import
# (ctr_k8s, containerd_running, image_digest: tests/lib/containerd.sh)

import_archive() {
    local archive=$1 ref want have repo
    ref=$(cat "$archive.ref")
    want=$(cat "$archive.digest")
    have=$(image_digest "$ref")
    if [[ -n $want && $have == "$want" ]]; then
        log "import: $ref already at ${want:0:19}"
        return 0
    fi
    repo=${ref%:*}
    ctr_k8s images import --base-name "$repo" "$archive" >/dev/null
    have=$(image_digest "$ref")
    [[ -n $have ]] || die "import of $archive did not create $ref (ctr images ls shows: $(ctr_k8s images ls -q | tr '\n' ' '))"
    [[ -z $want || $have == "$want" ]] || die "$ref is at $have, expected $want"
    log "import: $ref ${have:0:19}"
}

cmd_import() {
    containerd_running || die "containerd is not running (ctr version failed on $CTR_ADDRESS); nothing imported"
    local archive found=0
    for archive in "$OUT_DIR"/*.oci.tar; do
        [[ -f $archive && -f $archive.ref ]] || continue
        found=1
        phase "import $(basename "$archive")" import_archive "$archive"
    done
    ((found)) || die "no image archives in $OUT_DIR; run images/build.sh all first"
    ctr_k8s images ls | awk 'NR == 1 || $1 ~ /^localhost\//'
}

# ---------------------------------------------------------------- verify
# Unpacks the built Postgres image and, as uid 26, runs initdb, postgres, psql and the tools.
cmd_verify() {
    local archive=$OUT_DIR/pgo-postgres-$POSTGRES_TAG.oci.tar v root rc=0
    [[ -f $archive ]] || die "no $archive; run images/build.sh postgres first"
    v=$WORK_DIR/verify
    remove_dir "$v"
    mkdir -p "$v/oci"
    tar -C "$v/oci" -xf "$archive"
    umoci unpack --image "$v/oci:$POSTGRES_TAG" "$v/bundle" >/dev/null
    root=$v/bundle/rootfs
    mount -t proc proc "$root/proc"
    mount -t tmpfs -o mode=0755 tmpfs "$root/dev"
    mknod -m 666 "$root/dev/null" c 1 3
    mknod -m 666 "$root/dev/zero" c 1 5
    mknod -m 666 "$root/dev/urandom" c 1 9
    mknod -m 666 "$root/dev/random" c 1 8
    mkdir -m 1777 "$root/dev/shm"
    ln -s /proc/self/fd "$root/dev/fd"
    # shellcheck disable=SC2016 # the script runs in the image's shell, which expands it
    chroot --userspec=26:26 "$root" /usr/bin/env -i PATH="$POSTGRES_PATH" LANG=C.UTF-8 HOME=/var/lib/postgresql \
        /bin/sh -ec '
            cd /var/lib/postgresql
            id
            initdb -D /tmp/x -A trust -U postgres >/tmp/initdb.log
            postgres -D /tmp/x -k /tmp -p 55432 -c listen_addresses= >/tmp/x.log 2>&1 &
            pid=$!
            i=0; until pg_isready -q -h /tmp -p 55432; do i=$((i + 1)); [ $i -lt 60 ] || exit 1; sleep 0.5; done
            psql -h /tmp -p 55432 -U postgres -Atc "select version()"
            psql -h /tmp -p 55432 -U postgres -Atc "create extension pg_stat_statements; create extension pgcrypto; select count(*) from pg_extension"
            kill -INT $pid; wait $pid || true
            patroni --version
            python3 -c "import patroni.dcs.kubernetes; print(\"patroni.dcs.kubernetes imports\")"
            pgbackrest version
            pgbouncer --version
            prometheus-postgres-exporter --version 2>&1
            test -w /pgdata && test -w /pgwal && test -w /var/run/postgresql && echo "uid 26 can write /pgdata /pgwal /var/run/postgresql"
        ' || rc=$?
    unmount_work
    remove_dir "$v"
    ((rc == 0)) || die "verify failed"
    log "verify: ok"
}

cmd_list() {
    local a
    for a in "$OUT_DIR"/*.oci.tar; do
        [[ -f $a ]] || continue
        printf '%-32s %-28s %6s %s\n' "$(basename "$a")" "$(cat "$a.ref")" "$(du -h "$a" | cut -f1)" "$(cut -c1-19 "$a.digest")"
    done
}

main() {
    require_root "run as root (debootstrap, chroot, umoci unpack and ctr need it)"
    local cmd=${1:-} major majors
    shift || true
    majors=("$@")
    # shellcheck disable=SC2206 # split on purpose: a list of majors
    ((${#majors[@]})) || majors=($PG_MAJORS_DEFAULT)
    case $cmd in
        postgres | verify | all)
            for major in "${majors[@]}"; do select_postgres "$major"; done
            ;;
    esac
    case $cmd in
        postgres)
            take_lock
            for major in "${majors[@]}"; do
                select_postgres "$major"
                phase "postgres-$major-total" build_postgres
            done
            ;;
        agent) take_lock; phase agent-total build_agent ;;
        import) take_lock; cmd_import ;;
        verify)
            take_lock
            for major in "${majors[@]}"; do
                select_postgres "$major"
                cmd_verify
            done
            ;;
        list) cmd_list ;;
        all)
            take_lock
            for major in "${majors[@]}"; do
                select_postgres "$major"
                phase "postgres-$major-total" build_postgres
            done
            phase agent-total build_agent
            if containerd_running; then cmd_import; else log "containerd is not running: images built, not imported"; fi
            ;;
        *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    esac
}

main "$@"
