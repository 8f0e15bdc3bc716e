#!/bin/sh
# Runs INSIDE the Postgres image's root filesystem (a debootstrap chroot made by
# images/build.sh, or debian:<suite>-slim in images/postgres/Dockerfile), so
# both builds make the same image. Usage:
#   setup.sh all PACKAGE_LIST    (= pre, install PACKAGE_LIST, check, post)
# PACKAGE_LIST is images/packages/postgres-NN.txt: one package per line, '#' comments.
# The major is the one PostgreSQL installed (check fails unless there is exactly one).
set -eu

PG_UID=26
PG_HOME=/var/lib/postgresql

log() { echo "[setup] $*"; }

# Users, config and dpkg filters that must exist before any package is installed.
pre() {
    # PGO's images run Postgres as uid/gid 26; create the user before
    # postgresql-common's postinst would create one with a random system uid.
    # Debian's base-passwd gives gid 26 to "tape": move tape to a free system gid.
    other=$(getent group "$PG_UID" | cut -d: -f1)
    if [ -n "$other" ] && [ "$other" != postgres ]; then
        gid=999
        while getent group "$gid" >/dev/null; do gid=$((gid - 1)); done
        groupmod --gid "$gid" "$other"
        find / -xdev -gid "$PG_UID" -exec chgrp -h "$gid" {} + 2>/dev/null || true
        log "moved group $other from gid $PG_UID to $gid"
    fi
    if ! getent group postgres >/dev/null; then groupadd --gid "$PG_UID" postgres; fi
    if ! getent passwd postgres >/dev/null; then
        useradd --uid "$PG_UID" --gid "$PG_UID" --home-dir "$PG_HOME" --no-create-home \
            --shell /bin/bash --comment "PostgreSQL administrator" postgres
    fi
    [ "$(id -u postgres)" = "$PG_UID" ] || { echo "postgres uid is not $PG_UID" >&2; exit 1; }
    install -d -o "$PG_UID" -g "$PG_UID" -m 0755 "$PG_HOME"

    # No default cluster: the agent/Patroni run initdb themselves.
    install -d /etc/postgresql-common
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf

    # Keep docs, man pages and translations out of the image (as bookworm-slim does).
    # Not /usr/share/postgresql/*/man: postgresql-client's postinst makes them
    # alternatives (update-alternatives fails without them); they are ~2 MB.
    cat >/etc/dpkg/dpkg.cfg.d/pgo-slim <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
    cat >/etc/apt/apt.conf.d/pgo-slim <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
}

install_packages() {
    list=$1
    pkgs=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$list")
    log "installing: $(echo "$pkgs" | tr '\n' ' ')"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086 # unquoted on purpose: one word per package
    apt-get install -y -q --no-install-recommends $pkgs
}

# Fail the build if the image could not do its job.
check() {
    PG_MAJOR=$(ls /usr/lib/postgresql)
    case $PG_MAJOR in
        '' | *[!0-9]*) echo "expected one PostgreSQL major in /usr/lib/postgresql, found: $PG_MAJOR" >&2; exit 1 ;;
    esac
    PATH=/usr/lib/postgresql/$PG_MAJOR/bin:$PATH
    postgres --version
    python3 -c 'import patroni.dcs.kubernetes' # Patroni's k8s DCS: urllib3 only
    patroni --version
    pgbackrest version
    pgbouncer --version | head -n1
    prometheus-postgres-exporter --version 2>&1 | head -n1
    if ls "/var/lib/postgresql/$PG_MAJOR/main" >/dev/null 2>&1 || ls "/etc/postgresql/$PG_MAJOR/main" >/dev/null 2>&1; then
        echo "a default cluster was created" >&2; exit 1
    fi
}

post() {
    # Directories the pods mount volumes on; writable by uid 26 anyway.
    install -d -o "$PG_UID" -g "$PG_UID" -m 2775 /var/run/postgresql
    install -d -o "$PG_UID" -g "$PG_UID" -m 0750 /pgdata /pgwal
    chmod 1777 /tmp
    chown "$PG_UID:$PG_UID" "$PG_HOME"

    # Drop what an image does not need.
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old \
        /var/lib/dpkg/*-old /var/log/apt /var/log/*.log /root/.cache
    find /usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete 2>/dev/null || true
    find /usr/share/doc -mindepth 1 -type d -empty -delete 2>/dev/null || true
    rm -rf /usr/share/man/* /usr/share/info/* /usr/share/groff/* /usr/share/lintian/*
    find /usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
    # Locales: only glibc's built-in C.UTF-8 (/usr/lib/locale/C.utf8) is kept.
    rm -rf /usr/share/i18n/locales /usr/share/i18n/charmaps
    find /usr/lib/locale -mindepth 1 -maxdepth 1 ! -name C.utf8 -exec rm -rf {} + 2>/dev/null || true
    # The snakeoil key made by ssl-cert would be the same in every container.
    rm -f /etc/ssl/private/ssl-cert-snakeoil.key /etc/ssl/certs/ssl-cert-snakeoil.pem
}

case "${1:-}" in
    pre) pre ;;
    install) install_packages "$2" ;;
    check) check ;;
    post) post ;;
    all) pre; install_packages "$2"; check; post ;;
    *) echo "usage: $0 pre|install LIST|check|post|all LIST" >&2; exit 2 ;;
esac
