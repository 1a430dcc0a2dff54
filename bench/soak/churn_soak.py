#!/usr/bin/env python3
"""Bounded container churn against fake-docker + fake-consul + registrator; samples VmRSS.

The same N containers are created, started, stopped (or exited) and removed over and over, so
the live state is bounded; a process whose RSS keeps growing with operations keeps something
per request, per event or per change. Every --drop-every cycles the event streams are cut, and
every --consul-restart-every cycles fake-consul loses its agent state and drops its connections
(an agent restart as the registrator sees it). At each sample the driver waits until the catalog
holds exactly the running containers' services, so a backlog is not mistaken for a leak.

Loopback and unix sockets only; bounded by --ops and --seconds.
"""
import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time

from soak_common import UnixHTTPConnection, rss_kib, stop


class Client:
    def __init__(self, make):
        self.make = make
        self.conn = make()

    def call(self, method, target, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        for attempt in range(3):
            try:
                self.conn.request(method, target, body=data, headers=headers)
                r = self.conn.getresponse()
                payload = r.read()
                return r.status, payload
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = self.make()
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")


def wait_file(path, proc, deadline):
    while time.time() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                text = f.read()
            if text:
                return json.loads(text)
        if proc.poll() is not None:
            sys.exit(f"{proc.args[0]} exited with {proc.returncode}")
        time.sleep(0.02)
    sys.exit(f"timed out waiting for {path}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/release/bin")
    ap.add_argument("--containers", type=int, default=20)
    ap.add_argument("--ops", type=int, default=40000, help="docker operations (create/start/stop/rm count one each)")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--drop-every", type=int, default=5, help="cut event streams every N cycles (0: never)")
    ap.add_argument("--consul-restart-every", type=int, default=7, help="agent restart every N cycles (0: never)")
    ap.add_argument("--registrator-args", default="", help="extra flags, space-separated")
    ap.add_argument("--exit-nonzero", action="store_true", help="end half the containers with exit code 1")
    ap.add_argument("--unique-names", action="store_true",
                    help="a new name per container each cycle (new service IDs), instead of the same N names")
    ap.add_argument("--json", help="write the samples here")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="churn-soak-")
    images = os.path.join(tmp, "images.json")
    with open(images, "w") as f:
        json.dump({"test": {"ExposedPorts": {"80/tcp": {}, "443/tcp": {}}}}, f)
    sock = os.path.join(tmp, "fd.sock")
    procs = []
    log = open(os.path.join(tmp, "registrator.log"), "w")
    try:
        deadline = time.time() + 30
        consul = subprocess.Popen([f"{a.bin}/fake-consul", "--http", "127.0.0.1:0", "--ready-file", f"{tmp}/fc.ready"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(consul)
        docker = subprocess.Popen([f"{a.bin}/fake-docker", "--socket", sock, "--images", images, "--ready-file",
                                   f"{tmp}/fd.ready"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(docker)
        http_addr = wait_file(f"{tmp}/fc.ready", consul, deadline)["http"]
        wait_file(f"{tmp}/fd.ready", docker, deadline)
        host, port = http_addr.rsplit(":", 1)
        env = dict(os.environ, DOCKER_HOST=f"unix://{sock}")
        reg = subprocess.Popen([f"{a.bin}/registrator", "-hostname", "soak", "-ip", "127.0.0.1"] + a.registrator_args.split() +
                               [f"consul://{http_addr}"], env=env, stdout=log, stderr=log)
        procs.append(reg)
        d = Client(lambda: UnixHTTPConnection(sock))
        c = Client(lambda: http.client.HTTPConnection(host, int(port), timeout=10))

        def catalog_count():
            st, body = c.call("GET", "/v1/agent/services")
            return len(json.loads(body)) if st == 200 else -1

        def settle(want, limit=30):
            end = time.time() + limit
            while time.time() < end:
                if catalog_count() == want:
                    return True
                time.sleep(0.05)
            return False

        names = [f"soak{i}" for i in range(a.containers)]
        t0 = time.time()
        ops = 0
        cycle = 0
        samples = []
        next_sample = 0
        step = max(1, a.ops // a.samples)
        while ops < a.ops and time.time() - t0 < a.seconds:
            if ops >= next_sample:
                # measured with every container running, after the registrator caught up
                settled = True
                if cycle > 0:
                    for n in names:
                        d.call("POST", f"/containers/create?name={n}", {"Image": "test", "HostConfig": {"PublishAllPorts": True}})
                        d.call("POST", f"/containers/{n}/start")
                    settled = settle(2 * a.containers)
                    for n in names:
                        d.call("DELETE", f"/containers/{n}?force=1")
                    settle(0)
                s = {"ops": ops, "cycle": cycle, "seconds": round(time.time() - t0, 1), "settled": settled,
                     "registrator_kib": rss_kib(reg.pid), "docker_kib": rss_kib(docker.pid),
                     "consul_kib": rss_kib(consul.pid), "load": os.getloadavg()[0]}
                samples.append(s)
                print(json.dumps(s), flush=True)
                next_sample += step
            cycle += 1
            if a.unique_names:
                names = [f"soak{cycle}x{i}" for i in range(a.containers)]
            for i, n in enumerate(names):
                d.call("POST", f"/containers/create?name={n}", {"Image": "test", "HostConfig": {"PublishAllPorts": True}})
                d.call("POST", f"/containers/{n}/start")
                ops += 2
            for i, n in enumerate(names):
                if a.exit_nonzero and i % 2:
                    d.call("POST", f"/_fake/containers/{n}/exit?code=1")
                else:
                    d.call("POST", f"/containers/{n}/stop?t=0")
                d.call("DELETE", f"/containers/{n}?force=1")
                ops += 2
            if a.drop_every and cycle % a.drop_every == 0:
                d.call("POST", "/_fake/events/drop")
            if a.consul_restart_every and cycle % a.consul_restart_every == 0:
                c.call("POST", "/_fake/lose-state")
                c.call("POST", "/_fake/close-connections")
        s = {"ops": ops, "cycle": cycle, "seconds": round(time.time() - t0, 1), "settled": settle(0),
             "registrator_kib": rss_kib(reg.pid), "docker_kib": rss_kib(docker.pid),
             "consul_kib": rss_kib(consul.pid), "load": os.getloadavg()[0]}
        samples.append(s)
        print(json.dumps(s), flush=True)
        if a.json:
            with open(a.json, "w") as f:
                json.dump(samples, f, indent=1)
        if reg.poll() is not None:
            sys.exit(f"registrator exited with {reg.returncode}")
    finally:
        for p in reversed(procs):
            stop(p)
        log.close()
        print(f"registrator log: {tmp}/registrator.log", file=sys.stderr)


if __name__ == "__main__":
    main()
