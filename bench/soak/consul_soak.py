#!/usr/bin/env python3
"""fake-consul under bounded churn, one kind of change per phase; VmRSS after each phase.

Each phase leaves the live state as it found it (what it registers it deregisters, what it
writes it deletes, the watchers it parks it hangs up), so RSS that grows phase after phase is
state kept for something that no longer exists. Phases:
  names     register then deregister a service under a new name each time
  ids       the same service name, a new ID each time
  watchers  blocking queries parked on /v1/health/service and the clients gone before any answer
  kv        put then delete a new key each time
  ttl       TTL check updates with a new output each time
  reads     catalog reads with a new query string each time (rendered-answer cache)
  dns       UDP queries for a new name each time

Loopback only; every phase is bounded by --ops and the whole run by --seconds.
"""
import argparse
import http.client
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

from soak_common import rss_kib, stop


class Http:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=10)

    def call(self, method, target, body=None):
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        self.conn.request(method, target, body=data)
        r = self.conn.getresponse()
        return r.status, r.read()


def dns_query(name, qid):
    header = struct.pack(">HHHHHH", qid & 0xFFFF, 0x0100, 1, 0, 0, 0)
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    return header + q + struct.pack(">HH", 1, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/release/bin")
    ap.add_argument("--ops", type=int, default=20000, help="operations per phase round")
    ap.add_argument("--rounds", type=int, default=3, help="each phase runs this many times")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--phases", default="names,ids,watchers,kv,ttl,reads,dns")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="consul-soak-")
    proc = subprocess.Popen([f"{a.bin}/fake-consul", "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0",
                             "--ready-file", f"{tmp}/ready"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    try:
        while not os.path.exists(f"{tmp}/ready") or not open(f"{tmp}/ready").read():
            if proc.poll() is not None or time.time() - t0 > 20:
                sys.exit("fake-consul did not start")
            time.sleep(0.02)
        ready = json.load(open(f"{tmp}/ready"))
        host, port = ready["http"].rsplit(":", 1)
        port = int(port)
        dns_host, dns_port = ready["dns"].rsplit(":", 1)
        c = Http(host, port)
        c.call("PUT", "/v1/agent/service/register", {"ID": "ttl-holder", "Name": "ttl-holder",
                                                     "Check": {"CheckID": "ttl1", "TTL": "1h"}})
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.settimeout(2)
        counter = [0]

        def fresh():
            counter[0] += 1
            return counter[0]

        def over():
            return time.time() - t0 > a.seconds

        def phase_names():
            for _ in range(a.ops // 2):
                n = f"svc-{fresh()}"
                c.call("PUT", "/v1/agent/service/register", {"ID": n, "Name": n, "Port": 80})
                c.call("PUT", f"/v1/agent/service/deregister/{n}")

        def phase_ids():
            for _ in range(a.ops // 2):
                n = f"web-{fresh()}"
                c.call("PUT", "/v1/agent/service/register", {"ID": n, "Name": "web", "Port": 80,
                                                             "Check": {"TTL": "30s"}})
                c.call("PUT", f"/v1/agent/service/deregister/{n}")

        def phase_watchers():
            _, body = c.call("GET", "/_fake/state")
            index = json.loads(body)["Index"]
            batch = 200
            for _ in range(a.ops // batch):
                socks = []
                for _ in range(batch):
                    s = socket.create_connection((host, port), timeout=5)
                    s.sendall(f"GET /v1/health/service/web?index={index + 10**9}&wait=10m HTTP/1.1\r\n"
                              f"Host: x\r\n\r\n".encode())
                    socks.append(s)
                for s in socks:
                    s.close()
            # the server notices the hang-ups asynchronously
            end = time.time() + 10
            while time.time() < end:
                st = json.loads(c.call("GET", "/_fake/state")[1])
                if st["ParkedQueries"] == 0:
                    break
                time.sleep(0.05)
            return {"parked_after": json.loads(c.call("GET", "/_fake/state")[1])["ParkedQueries"]}

        def phase_kv():
            for _ in range(a.ops // 2):
                k = f"soak/key-{fresh()}"
                c.call("PUT", f"/v1/kv/{k}", b"value")
                c.call("DELETE", f"/v1/kv/{k}")

        def phase_ttl():
            for _ in range(a.ops):
                c.call("PUT", f"/v1/agent/check/pass/ttl1?note=output-{fresh()}")

        def phase_reads():
            for _ in range(a.ops):
                c.call("GET", f"/v1/catalog/service/web?x={fresh()}")

        def phase_dns():
            for _ in range(a.ops):
                n = fresh()
                udp.sendto(dns_query(f"n{n}.service.consul", n), (dns_host, int(dns_port)))
                try:
                    udp.recvfrom(4096)
                except socket.timeout:
                    pass

        phases = {"names": phase_names, "ids": phase_ids, "watchers": phase_watchers, "kv": phase_kv,
                  "ttl": phase_ttl, "reads": phase_reads, "dns": phase_dns}
        print(json.dumps({"phase": "start", "rss_kib": rss_kib(proc.pid), "load": os.getloadavg()[0]}), flush=True)
        for name in a.phases.split(","):
            for r in range(a.rounds):
                if over():
                    break
                extra = phases[name]() or {}
                st = json.loads(c.call("GET", "/_fake/state")[1])
                print(json.dumps({"phase": name, "round": r, "ops": a.ops, "rss_kib": rss_kib(proc.pid),
                                  "services": len(st["Services"]), "kv": st["KVEntries"],
                                  "parked": st["ParkedQueries"], "seconds": round(time.time() - t0, 1),
                                  "load": os.getloadavg()[0], **extra}), flush=True)
    finally:
        stop(proc)


if __name__ == "__main__":
    main()
