#!/usr/bin/env python3
"""GET /containers/json?all=1 on fake-docker holding N containers, timed with curl as a user would.

usage: bench/docker/list_many.py [--bin-dir build/release/bin] [--containers 10000] [--runs 5]
Starts fake-docker on a socket in a temp dir, creates and starts N containers over one
keep-alive connection, then runs `curl --unix-socket` --runs times and prints each total time and
the best. Everything stays on a unix socket in the temp dir.
"""
import argparse, http.client, json, os, socket, subprocess, sys, tempfile, time


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def call(conn, method, target, body=None):
    conn.request(method, target, body=json.dumps(body) if body is not None else None,
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        sys.exit(f"{method} {target}: {r.status} {data[:200]!r}")
    return data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", default="build/release/bin")
    ap.add_argument("--containers", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="list-many-") as d:
        sock, ready = os.path.join(d, "docker.sock"), os.path.join(d, "ready")
        proc = subprocess.Popen([os.path.join(a.bin_dir, "fake-docker"), "--socket", sock, "--ready-file", ready],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 10
            while not os.path.exists(ready):
                if time.time() > deadline or proc.poll() is not None:
                    sys.exit("fake-docker did not start")
                time.sleep(0.02)
            conn = UnixConnection(sock)
            for i in range(a.containers):
                name = f"app-{i:05d}"
                call(conn, "POST", f"/v1.47/containers/create?name={name}",
                     {"Image": "web", "Env": ["SERVICE_NAME=web"], "ExposedPorts": {"80/tcp": {}},
                      "HostConfig": {"PortBindings": {"80/tcp": [{"HostPort": str(20000 + i)}]}}})
                call(conn, "POST", f"/v1.47/containers/{name}/start")
            times = []
            for _ in range(a.runs):
                out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download}",
                                      "--unix-socket", sock, "http://d/v1.47/containers/json?all=1"],
                                     capture_output=True, text=True, check=True).stdout.split()
                times.append(float(out[0]))
                size = int(out[1])
            print(f"containers {a.containers}, answer {size} bytes")
            print("curl total: " + ", ".join(f"{t * 1000:.1f} ms" for t in times) + f"; best {min(times) * 1000:.1f} ms")
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
