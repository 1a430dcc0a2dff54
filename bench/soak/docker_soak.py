#!/usr/bin/env python3
"""fake-docker alone under bounded churn of what churn_soak.py does not do; VmRSS per round.

Each round leaves the engine as it found it: the same few containers and networks are created,
connected, given health states, waited on, exited, restarted (daemon) and removed. Phases:
  networks  network create, run a container on it, connect/disconnect another, remove both
  waits     POST /containers/{id}/wait (not-running, next-exit, removed) answered by exit/rm
  health    health_status events on a running container
  restarts  daemon restart (with and without live-restore) with containers running
  events    /events streams opened with since= and hung up
Unix socket only; bounded by --ops per round, --rounds and --seconds.
"""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

from soak_common import UnixHTTPConnection, rss_kib, stop


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/release/bin")
    ap.add_argument("--ops", type=int, default=5000, help="turns per round")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--phases", default="networks,waits,health,restarts,events")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="docker-soak-")
    sock = os.path.join(tmp, "fd.sock")
    err = open(os.path.join(tmp, "fake-docker.err"), "w")
    proc = subprocess.Popen([f"{a.bin}/fake-docker", "--socket", sock, "--ready-file", f"{tmp}/ready"],
                            stdout=subprocess.DEVNULL, stderr=err)
    t0 = time.time()
    try:
        while not os.path.exists(f"{tmp}/ready"):
            if proc.poll() is not None or time.time() - t0 > 20:
                sys.exit("fake-docker did not start")
            time.sleep(0.02)
        conn = [UnixHTTPConnection(sock)]

        def call(method, target, body=None):
            for attempt in range(3):
                try:
                    data = json.dumps(body).encode() if body is not None else None
                    conn[0].request(method, target, body=data,
                                    headers={"Content-Type": "application/json"} if data else {})
                    r = conn[0].getresponse()
                    return r.status, r.read()
                except (ConnectionError, http.client.HTTPException, OSError):
                    conn[0].close()
                    conn[0] = UnixHTTPConnection(sock)
                    if attempt == 2:
                        raise
                    time.sleep(0.05)  # a daemon restart may still be under way

        def run(name, net=None):
            hc = {"NetworkMode": net} if net else {}
            call("POST", f"/containers/create?name={name}", {"Image": "test", "HostConfig": hc})
            call("POST", f"/containers/{name}/start")

        def networks():
            for _ in range(a.ops):
                call("POST", "/networks/create", {"Name": "soaknet"})
                run("onnet", "soaknet")
                run("joiner")
                call("POST", "/networks/soaknet/connect", {"Container": "joiner"})
                call("POST", "/networks/soaknet/disconnect", {"Container": "joiner"})
                call("DELETE", "/containers/onnet?force=1")
                call("DELETE", "/containers/joiner?force=1")
                st, body = call("DELETE", "/networks/soaknet")
                if st != 204:
                    raise SystemExit(f"network rm: {st} {body[:200]}")

        def waits():
            for i in range(a.ops):
                run("waited")
                conds = ["not-running", "next-exit", "removed"]
                socks = []
                for cond in conds:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(sock)
                    s.sendall(f"POST /containers/waited/wait?condition={cond} HTTP/1.1\r\nHost: x\r\n"
                              f"Content-Length: 0\r\n\r\n".encode())
                    socks.append(s)
                time.sleep(0)  # the waits reach the server before the exit below on most turns
                call("POST", "/_fake/containers/waited/exit?code=3")
                call("DELETE", "/containers/waited")
                for s in socks:
                    s.close()

        def health():
            run("healthy")
            for i in range(a.ops):
                call("POST", f"/_fake/containers/healthy/health?status={'healthy' if i % 2 else 'unhealthy'}")
            call("DELETE", "/containers/healthy?force=1")

        def restarts():
            for i in range(a.ops // 50):
                run("r1")
                run("r2")
                call("POST", f"/_fake/restart?live_restore={i % 2}&downtime_ms=0")
                conn[0].close()
                conn[0] = UnixHTTPConnection(sock)
                end = time.time() + 10
                while time.time() < end:  # the daemon is back when it answers a ping
                    try:
                        if call("GET", "/_ping")[0] == 200:
                            break
                    except OSError:
                        time.sleep(0.01)
                call("DELETE", "/containers/r1?force=1")
                call("DELETE", "/containers/r2?force=1")

        def events():
            since = int(time.time()) - 5
            for _ in range(a.ops // 10):
                socks = []
                for _ in range(10):
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(sock)
                    s.sendall(f"GET /events?since={since} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                    socks.append(s)
                run("ev")
                call("DELETE", "/containers/ev?force=1")
                for s in socks:
                    s.close()

        phases = {"networks": networks, "waits": waits, "health": health, "restarts": restarts, "events": events}
        print(json.dumps({"phase": "start", "rss_kib": rss_kib(proc.pid), "load": os.getloadavg()[0]}), flush=True)
        for name in a.phases.split(","):
            for r in range(a.rounds):
                if time.time() - t0 > a.seconds:
                    break
                phases[name]()
                _, body = call("GET", "/containers/json?all=1")
                print(json.dumps({"phase": name, "round": r, "ops": a.ops, "rss_kib": rss_kib(proc.pid),
                                  "containers": len(json.loads(body)), "seconds": round(time.time() - t0, 1),
                                  "load": os.getloadavg()[0]}), flush=True)
    finally:
        if proc.poll() is not None:
            print(f"fake-docker exited with {proc.returncode}; stderr in {tmp}/fake-docker.err", file=sys.stderr)
        stop(proc)


if __name__ == "__main__":
    main()
