#!/usr/bin/env bash
# tests/bed/s3.sh: a local S3-compatible server (moto, in memory) over HTTPS, for e2e tests of
# pgBackRest S3 repositories. Listens on 10.244.0.1:9000 (reachable from pods) and 127.0.0.1:9000.
#
#   tests/bed/s3.sh start    # install (cached), certs, start in the background, create the bucket
#   tests/bed/s3.sh stop     # stop by pid (the in-memory contents are lost)
#   tests/bed/s3.sh status
#   eval "$(tests/bed/s3.sh env)"   # export S3_ENDPOINT S3_BUCKET S3_REGION S3_KEY S3_KEY_SECRET S3_CA_FILE
#
# pgBackRest 2.45 (Debian bookworm) against it: stanza-create, check, archive-push/-get, full and
# incremental backup (multipart uploads included), info, restore, repo-ls/-put/-get; from the host
# and from a pod. Working option set:
#   repo1-type=s3
#   repo1-s3-endpoint=10.244.0.1:9000     # port in the endpoint, or endpoint 10.244.0.1 + repo1-storage-port=9000
#   repo1-s3-bucket=pgbackrest
#   repo1-s3-region=us-east-1             # not checked by moto, any region signs fine
#   repo1-s3-key=pgobedkey                # not checked by moto; pgBackRest refuses key and secret on the
#   repo1-s3-key-secret=pgobedsecret      # command line: config file or PGBACKREST_REPO1_S3_KEY(_SECRET)
#   repo1-s3-uri-style=path               # required: "host" style wants DNS for pgbackrest.10.244.0.1
#   repo1-storage-ca-file=/var/lib/pgo-bed/s3/ca.crt
#   repo1-path=/any/prefix
# Or by name: repo1-s3-endpoint=s3.pgo-bed.local + repo1-storage-host=10.244.0.1 + repo1-storage-port=9000.
# pgBackRest checks the endpoint only against DNS-type SANs (then the CN), never IP SANs: the server
# certificate names each IP twice, as IP and as DNS SAN.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
LOG_PREFIX="s3:"

CACHE=$BED_CACHE/s3
STATE=$BED_STATE/s3
IP=10.244.0.1
PORT=9000
NAME=s3.pgo-bed.local
BUCKET=pgbackrest
REGION=us-east-1
KEY=pgobedkey          # moto accepts any credentials; these are fixed so tests can hard-code them
SECRET=pgobedsecret
MOTO_VERSION=5.2.5
VENV=$CACHE/venv-moto-$MOTO_VERSION
PY=$VENV/bin/python
PIDFILE=$STATE/moto.pid
LOG=$STATE/moto.log

# (log, die, apt_install, hold_lock, stop_pid: tests/lib/common.sh)
# pid alive and still ours (not a reused pid)
running() { [[ -f $PIDFILE ]] && grep -qa moto_server "/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null; }

install() {
  [[ -f $VENV/.complete ]] && return
  log "installing moto[server]==$MOTO_VERSION into $VENV"
  /usr/bin/python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
  rm -rf "$VENV"
  /usr/bin/python3 -m venv "$VENV"
  "$PY" -m pip install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" boto3 >&2
  touch "$VENV/.complete"
}

certs() {
  [[ -f $STATE/server.crt ]] && return
  log "generating CA and server certificate in $STATE"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=pgo-bed S3 CA" \
    -keyout "$STATE/ca.key" -out "$STATE/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$NAME" \
    -keyout "$STATE/server.key" -out "$STATE/server.csr" 2>/dev/null
  # IPs also as DNS names: pgBackRest 2.45 checks only DNS-type SANs (then CN) against the endpoint.
  openssl x509 -req -in "$STATE/server.csr" -CA "$STATE/ca.crt" -CAkey "$STATE/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 3650 -out "$STATE/server.crt.tmp" -extfile <(printf '%s\n' \
      "subjectAltName=DNS:$NAME,IP:$IP,IP:127.0.0.1,DNS:$IP,DNS:127.0.0.1" \
      "extendedKeyUsage=serverAuth") 2>/dev/null
  rm "$STATE/server.csr"
  mv "$STATE/server.crt.tmp" "$STATE/server.crt"
}

# One process, one in-memory moto backend, one HTTPS listener per address.
SERVER_PY='
import socket, sys, threading
from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
port, cert, key, hosts = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
class Handler(MotoRequestHandler):
    # Werkzeug closes every connection ("Connection: close") without a TLS close_notify;
    # pgBackRest then fails reading a PUT response: "TLS error ... unexpected eof while reading".
    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle delay
    def finish(self):
        super().finish()
        try:
            self.connection.settimeout(5)
            self.connection.unwrap()
        except Exception:
            pass
app = DomainDispatcherApplication(create_backend_app)
servers = [make_server(h, port, app, threaded=True, request_handler=Handler,
                       ssl_context=(cert, key)) for h in hosts]
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("moto S3 listening on", ", ".join(f"https://{h}:{port}" for h in hosts), flush=True)
servers[0].serve_forever()
'

# Wait until both listeners answer, then create the bucket unless it exists.
BUCKET_PY='
import sys, time, boto3, botocore.config
ca, bucket, region, key, secret, urls = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
cfg = botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5)
for url in urls:
    s3 = boto3.client("s3", endpoint_url=url, verify=ca, region_name=region, config=cfg,
                      aws_access_key_id=key, aws_secret_access_key=secret)
    for i in range(150):
        try:
            names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
            break
        except Exception as e:
            if i == 149: sys.exit(f"{url}: {e}")
            time.sleep(0.2)
if bucket not in names:
    s3.create_bucket(Bucket=bucket)
    print("created bucket", bucket)
'

start() {
  [[ $(ip -o addr show) == *" $IP/"* ]] || die "$IP is not on this machine: run tests/bed/bed up first"
  mkdir -p "$CACHE" "$STATE"
  hold_lock 9 "$STATE/lock" 600 "s3.sh"
  if running; then
    log "already running (pid $(cat "$PIDFILE"))"
  elif [[ -n $(ss -Hltn "sport = :$PORT") ]]; then
    die "port $PORT is taken but $PIDFILE names no server (state dir removed by 'bed down'?): ss -ltnp"
  else
    install
    certs
    log "starting moto on https://$IP:$PORT and https://127.0.0.1:$PORT (log $LOG)"
    # path-style only: else moto takes "s3" of s3.pgo-bed.local for a bucket name
    S3_IGNORE_SUBDOMAIN_BUCKETNAME=true MOTO_PORT=$PORT setsid "$PY" -c "$SERVER_PY" "$PORT" "$STATE/server.crt" "$STATE/server.key" \
      "$IP" 127.0.0.1 >>"$LOG" 2>&1 </dev/null 9>&- &
    echo $! >"$PIDFILE"
  fi
  "$PY" -c "$BUCKET_PY" "$STATE/ca.crt" "$BUCKET" "$REGION" "$KEY" "$SECRET" \
    "https://$IP:$PORT" "https://127.0.0.1:$PORT" >&2 || { log "not answering; see $LOG"; stop; exit 1; }
  running || die "server exited; see $LOG"
  log "ready"
}

stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    stop_pid "$pid" 5
    log "stopped pid $pid"
  else
    log "not running"
  fi
  rm -f "$PIDFILE"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$PIDFILE"))"; else echo "not running"; exit 1; fi ;;
  env) cat <<EOF ;;
export S3_ENDPOINT=$IP:$PORT
export S3_BUCKET=$BUCKET
export S3_REGION=$REGION
export S3_KEY=$KEY
export S3_KEY_SECRET=$SECRET
export S3_CA_FILE=$STATE/ca.crt
EOF
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
