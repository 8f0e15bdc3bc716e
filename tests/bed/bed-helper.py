#!/usr/bin/env python3
"""pgo test bed helper: hostPath volume provisioner + cluster DNS feeder (stdlib only).

One polling loop (about once a second) against the API server, with the admin client cert:

* provisioner: PVCs of a StorageClass whose provisioner is ``pgo-bed/hostpath`` that are Pending
  (and, for WaitForFirstConsumer, have the scheduler's selected-node annotation) get a hostPath
  PV under --volumes, pre-bound through claimRef, with the requested size as capacity.
  Released PVs of ours with reclaimPolicy Delete are deleted together with their directory.
* DNS feeder: writes one hosts file for dnsmasq (--hostsdir re-reads it on change) with
  <svc>.<ns>.svc[.cluster.local] -> ClusterIP (or the ready endpoint IPs for headless services),
  <hostname>.<svc>.<ns>.svc[.cluster.local] for endpoints with a hostname (StatefulSet pods), and
  <a-b-c-d>.<ns>.pod.cluster.local for pods.
"""
import argparse
import json
import os
import shutil
import signal
import ssl
import sys
import time
import urllib.error
import urllib.request

PROVISIONER = "pgo-bed/hostpath"
SELECTED_NODE = "volume.kubernetes.io/selected-node"


def log(msg):
    print(time.strftime("%Y-%m-%dT%H:%M:%S"), msg, flush=True)


class Api:
    def __init__(self, server, ca, cert, key):
        self.server = server.rstrip("/")
        self.ctx = ssl.create_default_context(cafile=ca)
        self.ctx.load_cert_chain(cert, key)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server + path, data=data, method=method,
                                     headers={"Accept": "application/json",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=10) as resp:
            return json.load(resp)

    def items(self, path):
        return self.call("GET", path).get("items") or []


def parse_quantity(q):
    """Kubernetes quantity -> bytes (only what storage requests use)."""
    units = {"Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4, "Pi": 1024**5,
             "k": 1000, "M": 1000**2, "G": 1000**3, "T": 1000**4, "P": 1000**5}
    for u, m in sorted(units.items(), key=lambda x: -len(x[0])):
        if q.endswith(u):
            return int(float(q[: -len(u)]) * m)
    return int(float(q))


class Provisioner:
    def __init__(self, api, volumes, node):
        self.api, self.volumes, self.node = api, volumes, node
        self.warned = set()
        os.makedirs(volumes, exist_ok=True)

    def sync(self):
        classes = {sc["metadata"]["name"]: sc
                   for sc in self.api.items("/apis/storage.k8s.io/v1/storageclasses")
                   if sc.get("provisioner") == PROVISIONER}
        pvs = {pv["metadata"]["name"]: pv for pv in self.api.items("/api/v1/persistentvolumes")}
        for pvc in self.api.items("/api/v1/persistentvolumeclaims"):
            self.provision(pvc, classes, pvs)
        for pv in pvs.values():
            self.reclaim(pv)
        self.remove_orphans(pvs)

    def provision(self, pvc, classes, pvs):
        meta, spec = pvc["metadata"], pvc.get("spec", {})
        sc = classes.get(spec.get("storageClassName") or "")
        if sc is None or spec.get("volumeName") or meta.get("deletionTimestamp"):
            return
        if pvc.get("status", {}).get("phase") != "Pending":
            return
        if sc.get("volumeBindingMode") == "WaitForFirstConsumer" and \
                SELECTED_NODE not in (meta.get("annotations") or {}):
            return
        name = "pvc-" + meta["uid"]
        if name in pvs:
            return
        key = meta["namespace"] + "/" + meta["name"]
        if spec.get("volumeMode", "Filesystem") != "Filesystem" or spec.get("dataSource"):
            if key not in self.warned:
                log(f"provisioner: {key}: block volumes and data sources are not supported")
                self.warned.add(key)
            return
        size = spec.get("resources", {}).get("requests", {}).get("storage", "1Gi")
        path = os.path.join(self.volumes, name)
        os.makedirs(path, exist_ok=True)
        # hostPath volumes get no fsGroup treatment from the kubelet: let any pod user write.
        os.chmod(path, 0o777)
        pv = {
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": name, "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER},
                         "labels": {"pgo-bed/provisioned": "true"}},
            "spec": {
                "capacity": {"storage": size},
                "accessModes": spec.get("accessModes") or ["ReadWriteOnce"],
                "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy", "Delete"),
                "storageClassName": sc["metadata"]["name"],
                "volumeMode": "Filesystem",
                "hostPath": {"path": path, "type": "Directory"},
                "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                             "namespace": meta["namespace"], "name": meta["name"],
                             "uid": meta["uid"], "resourceVersion": meta["resourceVersion"]},
                "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "kubernetes.io/hostname", "operator": "In", "values": [self.node]}]}]}},
            },
        }
        if sc.get("mountOptions"):
            pv["spec"]["mountOptions"] = sc["mountOptions"]
        try:
            self.api.call("POST", "/api/v1/persistentvolumes", pv)
            log(f"provisioner: created {name} ({size}) for {key}")
        except urllib.error.HTTPError as e:
            if e.code != 409:
                raise

    def reclaim(self, pv):
        meta, spec = pv["metadata"], pv.get("spec", {})
        if (meta.get("annotations") or {}).get("pv.kubernetes.io/provisioned-by") != PROVISIONER:
            return
        if pv.get("status", {}).get("phase") not in ("Released", "Failed"):
            return
        if spec.get("persistentVolumeReclaimPolicy") != "Delete":
            return
        self.remove_dir(spec.get("hostPath", {}).get("path", ""))
        try:
            self.api.call("DELETE", "/api/v1/persistentvolumes/" + meta["name"])
            log(f"provisioner: deleted {meta['name']}")
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise

    def remove_dir(self, path):
        real = os.path.realpath(path)
        if os.path.dirname(real) == os.path.realpath(self.volumes) and os.path.isdir(real):
            shutil.rmtree(real, ignore_errors=True)

    def remove_orphans(self, pvs):
        """Directories whose PV is gone (deleted by hand), once they are a minute old."""
        for entry in os.listdir(self.volumes):
            path = os.path.join(self.volumes, entry)
            if entry.startswith("pvc-") and entry not in pvs and time.time() - os.path.getmtime(path) > 60:
                log(f"provisioner: removing orphaned {path}")
                self.remove_dir(path)


class DnsFeeder:
    def __init__(self, api, hosts_dir, tmp_dir, domain):
        self.api, self.domain = api, domain
        self.target = os.path.join(hosts_dir, "cluster")
        self.tmp = os.path.join(tmp_dir, "cluster.tmp")  # outside the hostsdir: dnsmasq reads every file there
        os.makedirs(hosts_dir, exist_ok=True)
        os.makedirs(tmp_dir, exist_ok=True)
        self.last = None

    def names(self, *parts):
        base = ".".join(parts)
        return [f"{base}.svc.{self.domain}", f"{base}.svc"]

    def sync(self):
        endpoints = {(e["metadata"]["namespace"], e["metadata"]["name"]): e
                     for e in self.api.items("/api/v1/endpoints")}
        records = set()
        for svc in self.api.items("/api/v1/services"):
            ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
            spec = svc.get("spec", {})
            if spec.get("type") == "ExternalName":
                continue
            cip = spec.get("clusterIP")
            headless = cip in (None, "", "None")
            if not headless:
                records.add((cip, tuple(self.names(name, ns))))
            for subset in (endpoints.get((ns, name)) or {}).get("subsets") or []:
                for addr in subset.get("addresses") or []:
                    ip = addr.get("ip")
                    if not ip:
                        continue
                    if headless:
                        records.add((ip, tuple(self.names(name, ns))))
                    if addr.get("hostname"):
                        records.add((ip, tuple(self.names(addr["hostname"], name, ns))))
        for pod in self.api.items("/api/v1/pods"):
            ip = pod.get("status", {}).get("podIP")
            if ip and not pod.get("spec", {}).get("hostNetwork"):
                ns = pod["metadata"]["namespace"]
                records.add((ip, (f"{ip.replace('.', '-')}.{ns}.pod.{self.domain}",)))
        text = "".join(f"{ip} {' '.join(names)}\n" for ip, names in sorted(records))
        if text != self.last:
            with open(self.tmp, "w") as f:
                f.write(text)
            os.replace(self.tmp, self.target)
            self.last = text
            log(f"dns: {len(records)} records")


def main():
    ap = argparse.ArgumentParser()
    for a in ("server", "ca", "cert", "key", "volumes", "hosts-dir", "tmp-dir"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--node", default="node1")
    ap.add_argument("--domain", default="cluster.local")
    ap.add_argument("--interval", type=float, default=1.0)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    api = Api(args.server, args.ca, args.cert, args.key)
    workers = [Provisioner(api, args.volumes, args.node),
               DnsFeeder(api, args.hosts_dir, args.tmp_dir, args.domain)]
    log("bed-helper started")
    last_error = {}
    while True:
        for w in workers:
            try:
                w.sync()
                last_error.pop(w, None)
            except Exception as e:  # keep going: the API server may be restarting
                msg = f"{type(w).__name__}: {e}"
                if last_error.get(w) != msg:
                    log("error: " + msg)
                    last_error[w] = msg
        time.sleep(args.interval)


if __name__ == "__main__":
    main()
