#!/usr/bin/env python3
"""Write-under-change harness: a client that keeps writing numbered rows while a test breaks
things (deletes the primary, switches over, restarts...), then says which acknowledged writes
were lost and how long writes stopped. Python 3 standard library only; talks to Postgres
through `psql`.

  writer.py start --uri URI --table T --out DIR [--interval 0.1] [--hostaddr IP]
                  [--sslmode require|verify-ca|verify-full] [--sslrootcert FILE]
                  [--connect-timeout 2] [--statement-timeout 5] [--wait-first 30]
      Starts the writer in the background (pid in DIR/writer.pid) and returns once a first
      write is acknowledged (exit 1, writer stopped, if none is within --wait-first seconds).
      Every --interval seconds it inserts the next sequence number,
          insert into T(seq, at) values (N, now())
      creating T if missing; each write psql acknowledges (exit 0) is recorded in
      DIR/acked.tsv (seq, time), each failed one in DIR/failed.tsv (seq, time, error).
      One attempt at a time; a slow attempt delays the next. TLS is required: --sslmode
      (default require) is passed as PGSSLMODE, so a URI without sslmode gets it; --hostaddr
      connects to IP while TLS checks the URI's host name (a Service's DNS name the host
      cannot resolve, with its ClusterIP).
  writer.py stop --out DIR [--timeout 60] [--quiet]
      Stops the writer, reads back every seq in T (retrying until the primary answers, up to
      --timeout seconds) and prints a report: writes attempted and acknowledged, the longest
      gap between consecutive acknowledged writes (and when it was), and the acknowledged
      seqs missing from T (lost writes). Writes it as JSON to DIR/report.json. Exit 0 if no
      write was lost, 1 if some were, 2 if T could not be read back.
  writer.py report --out DIR
      Prints DIR/report.json's report again.
"""

import argparse
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse

TABLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat(timespec="milliseconds")


def with_hostaddr(uri, hostaddr):
    """The URI with hostaddr=IP in its query (libpq: connect to IP, check TLS against host)."""
    if not hostaddr:
        return uri
    if not uri.startswith(("postgres://", "postgresql://")):  # a key=value conninfo string
        return f"{uri} hostaddr={hostaddr}"
    parts = urllib.parse.urlsplit(uri)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "hostaddr"]
    query.append(("hostaddr", hostaddr))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


class Psql:
    def __init__(self, cfg):
        self.uri = with_hostaddr(cfg["uri"], cfg.get("hostaddr"))
        self.env = dict(os.environ)
        self.env.update(
            PGCONNECT_TIMEOUT=str(cfg["connect_timeout"]),
            PGSSLMODE=cfg["sslmode"],
            PGAPPNAME="pgo-writer",
        )
        if cfg.get("sslrootcert"):
            self.env["PGSSLROOTCERT"] = cfg["sslrootcert"]
        self.timeout = cfg["statement_timeout"]

    def run(self, sql):
        """(ok, stdout, first error line) of one psql call, bounded by the statement timeout."""
        try:
            p = subprocess.run(
                ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", self.uri, "-c", sql],
                env=self.env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                timeout=self.timeout,
            )
        except subprocess.TimeoutExpired:
            return False, "", f"no answer within {self.timeout}s"
        # The line that says why, not a NOTICE that came first (create table if not exists).
        lines = [line for line in p.stderr.splitlines() if line.strip()]
        err = next((line for line in lines if "NOTICE:" not in line), lines[-1] if lines else "")
        return p.returncode == 0, p.stdout, err or f"psql exited {p.returncode}"


def paths(out):
    return {k: os.path.join(out, f) for k, f in {
        "pid": "writer.pid", "config": "config.json", "acked": "acked.tsv", "failed": "failed.tsv",
        "state": "state.json", "log": "writer.log", "report": "report.json"}.items()}


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def read_pid(p):
    try:
        with open(p["pid"]) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


# ------------------------------------------------------------------------------------ run
def cmd_run(args):
    """The loop (what `start` runs in the background)."""
    p = paths(args.out)
    with open(p["config"]) as f:
        cfg = json.load(f)
    psql = Psql(cfg)
    table = cfg["table"]
    create = f"create table if not exists {table} (seq bigint primary key, at timestamptz not null)"
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    acked = open(p["acked"], "a", buffering=1)
    failed = open(p["failed"], "a", buffering=1)
    # A second writer on the same table (a later test on the same cluster) goes on after the
    # first one's rows: starting at 1 again would fail on the primary key, not on the cluster.
    seq, n_acked, created = 0, 0, False
    ok, out, _ = psql.run(f"select coalesce(max(seq), 0) from {table}")
    if ok and out.strip().isdigit():
        seq, created = int(out.strip()), True
    first = seq
    started = time.time()
    next_at = time.monotonic()
    while not stopping:
        seq += 1
        insert = f"insert into {table}(seq, at) values ({seq}, now())"
        ok, _, err = psql.run(insert if created else f"{create}; {insert}")
        t = time.time()
        if ok:
            created = True
            n_acked += 1
            acked.write(f"{seq}\t{t:.6f}\n")
        else:
            failed.write(f"{seq}\t{t:.6f}\t{err}\n")
        next_at += cfg["interval"]
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            next_at = time.monotonic()  # late: go on at once, do not try to catch up
    with open(p["state"] + ".tmp", "w") as f:
        json.dump({"attempted": seq - first, "acknowledged": n_acked, "started": started,
                   "stopped": time.time()}, f)
    os.replace(p["state"] + ".tmp", p["state"])
    return 0


# ---------------------------------------------------------------------------------- start
def cmd_start(args):
    if not TABLE_RE.match(args.table):
        sys.exit(f"writer: --table must be a plain (schema.)name, not {args.table!r}")
    os.makedirs(args.out, exist_ok=True)
    p = paths(args.out)
    pid = read_pid(p)
    if pid and alive(pid):
        sys.exit(f"writer: already running in {args.out} (pid {pid})")
    for k in ("pid", "acked", "failed", "state", "report"):
        if os.path.exists(p[k]):
            os.remove(p[k])
    cfg = {k: getattr(args, k) for k in ("uri", "hostaddr", "table", "interval", "sslmode",
                                         "sslrootcert", "connect_timeout", "statement_timeout")}
    if cfg["sslrootcert"]:
        cfg["sslrootcert"] = os.path.abspath(cfg["sslrootcert"])
    with open(p["config"], "w") as f:
        json.dump(cfg, f)
    os.chmod(p["config"], 0o600)  # the URI holds the password
    with open(p["log"], "a") as log:
        child = subprocess.Popen([sys.executable, os.path.abspath(__file__), "run", "--out", args.out],
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    with open(p["pid"], "w") as f:
        f.write(f"{child.pid}\n")
    deadline = time.monotonic() + args.wait_first
    while time.monotonic() < deadline:
        if os.path.exists(p["acked"]) and os.path.getsize(p["acked"]) > 0:
            print(f"writer: started (pid {child.pid}), writing to {args.table} every {args.interval}s; "
                  f"out {args.out}", file=sys.stderr)
            return 0
        if child.poll() is not None:
            break
        time.sleep(0.1)
    last = ""
    if os.path.exists(p["failed"]):
        with open(p["failed"]) as f:
            lines = f.read().splitlines()
        last = lines[-1].split("\t", 2)[-1] if lines else ""
    stop_process(child.pid)
    print(f"writer: no write acknowledged within {args.wait_first}s; last error: {last or '(none)'}",
          file=sys.stderr)
    return 1


def stop_process(pid, timeout=15):
    if not pid or not alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
    try:  # reap it if it is our child (start's failure path)
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


# ----------------------------------------------------------------------------------- stop
def load_tsv(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and parts[0].isdigit():
                    rows.append((int(parts[0]), float(parts[1])))
    return rows


def read_back(psql, table, timeout):
    """The set of seqs in the table, retrying until the primary answers; (set or None, error)."""
    deadline = time.monotonic() + timeout
    while True:
        ok, out, err = psql.run(f"select seq from {table}")
        if ok:
            return {int(x) for x in out.split()}, ""
        if time.monotonic() >= deadline:
            return None, err
        time.sleep(1)


def ranges(nums):
    """[1, 2, 3, 7] -> "1-3, 7"."""
    out, nums = [], sorted(nums)
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ", ".join(out)


def cmd_stop(args):
    p = paths(args.out)
    if not os.path.exists(p["config"]):
        sys.exit(f"writer: nothing started in {args.out}")
    with open(p["config"]) as f:
        cfg = json.load(f)
    stop_process(read_pid(p))
    acked = load_tsv(p["acked"])
    failed = load_tsv(p["failed"])
    state = {}
    if os.path.exists(p["state"]):
        with open(p["state"]) as f:
            state = json.load(f)
    attempted = state.get("attempted") or len(acked) + len(failed)
    present, err = read_back(Psql(cfg), cfg["table"], args.timeout)
    gap = {"seconds": 0.0, "after_seq": None, "before_seq": None, "from": None, "to": None}
    acked.sort()
    for (s0, t0), (s1, t1) in zip(acked, acked[1:]):
        if t1 - t0 > gap["seconds"]:
            gap = {"seconds": round(t1 - t0, 3), "after_seq": s0, "before_seq": s1,
                   "from": iso(t0), "to": iso(t1)}
    # Writes still failing when the writer stopped: the gap runs from the last acknowledged
    # write to the last failed one, or a run that never recovered would look gap-free.
    if acked and failed:
        last_ack_seq, last_ack_t = acked[-1]
        last_failed_t = max(t for _, t in failed)
        if last_failed_t - last_ack_t > gap["seconds"]:
            gap = {"seconds": round(last_failed_t - last_ack_t, 3), "after_seq": last_ack_seq,
                   "before_seq": None, "from": iso(last_ack_t), "to": iso(last_failed_t),
                   "still_failing": True}
    acked_seqs = {s for s, _ in acked}
    report = {
        "table": cfg["table"],
        "interval": cfg["interval"],
        "attempted": attempted,
        "acknowledged": len(acked),
        "failed": len(failed),
        "first_ack": iso(acked[0][1]) if acked else None,
        "last_ack": iso(acked[-1][1]) if acked else None,
        "longest_gap": gap,
        "read_back": present is not None,
        "read_back_error": err or None,
        "rows_in_table": len(present) if present is not None else None,
        "lost": sorted(acked_seqs - present) if present is not None else None,
        # written although psql did not see the acknowledgement (e.g. the connection broke
        # after the commit): not lost, but worth knowing.
        "unacknowledged_present": len({s for s, _ in failed} & present) if present is not None else None,
    }
    with open(p["report"] + ".tmp", "w") as f:
        json.dump(report, f, indent=2)
    os.replace(p["report"] + ".tmp", p["report"])
    if not args.quiet:
        print_report(report)
    if present is None:
        return 2
    return 1 if report["lost"] else 0


def print_report(r):
    g = r["longest_gap"]
    print(f"writer report ({r['table']}, every {r['interval']}s):")
    print(f"  writes attempted:     {r['attempted']}")
    print(f"  acknowledged:         {r['acknowledged']}  (failed or timed out: {r['failed']})")
    if g.get("still_failing"):
        print(f"  longest gap:          {g['seconds']:.3f}s after acknowledged seq {g['after_seq']}, "
              f"still failing when the writer stopped ({g['from']} .. {g['to']})")
    elif g["after_seq"] is not None:
        print(f"  longest gap:          {g['seconds']:.3f}s between acknowledged seq {g['after_seq']} "
              f"and {g['before_seq']} ({g['from']} .. {g['to']})")
    else:
        print("  longest gap:          n/a (fewer than two acknowledged writes)")
    if not r["read_back"]:
        print(f"  read back:            FAILED ({r['read_back_error']}): lost writes unknown")
        return
    lost = r["lost"]
    print(f"  rows in table:        {r['rows_in_table']}  (unacknowledged but present: {r['unacknowledged_present']})")
    print(f"  lost writes:          {len(lost)}" + (f"  (seq {ranges(lost)})" if lost else ""))


def cmd_report(args):
    with open(paths(args.out)["report"]) as f:
        r = json.load(f)
    print_report(r)
    return 1 if r["lost"] else (2 if not r["read_back"] else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start", help="start writing in the background")
    s.add_argument("--uri", required=True, help="libpq connection URI (the user Secret's uri)")
    s.add_argument("--table", required=True)
    s.add_argument("--out", required=True, help="directory for the records and the report")
    s.add_argument("--interval", type=float, default=0.1, help="seconds between writes (0.1)")
    s.add_argument("--hostaddr", help="IP to connect to (TLS still checks the URI's host)")
    s.add_argument("--sslmode", default="require", choices=["require", "verify-ca", "verify-full"])
    s.add_argument("--sslrootcert", help="CA certificate for verify-ca / verify-full")
    s.add_argument("--connect-timeout", type=int, default=2, help="seconds (2)")
    s.add_argument("--statement-timeout", type=float, default=5,
                   help="seconds one psql call may take before it counts as failed (5)")
    s.add_argument("--wait-first", type=float, default=30,
                   help="seconds to wait for a first acknowledged write (30)")
    r = sub.add_parser("run", help=argparse.SUPPRESS)
    r.add_argument("--out", required=True)
    t = sub.add_parser("stop", help="stop, read back, report")
    t.add_argument("--out", required=True)
    t.add_argument("--timeout", type=float, default=60, help="seconds to retry the read-back (60)")
    t.add_argument("--quiet", action="store_true", help="only write report.json")
    rp = sub.add_parser("report", help="print the last report again")
    rp.add_argument("--out", required=True)
    args = ap.parse_args()
    return {"start": cmd_start, "run": cmd_run, "stop": cmd_stop, "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
