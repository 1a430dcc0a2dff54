#!/usr/bin/env python3
"""10,000 blocking-query watchers on one fake-consul, released by one change.

    bench/consul/watchers.py [--bin-dir build/release/bin] [--watchers 10000]

Starts fake-consul on a free loopback port, registers a service, parks N watchers
(GET /v1/health/service/web?index=I&wait=5m, each on its own connection, as `consul watch` or
consul-template do), waits until fake-consul reports them all parked, registers a second instance
and measures how long until every watcher has its answer (the target: 10,000 within 100 ms).
Everything stays on 127.0.0.1; the process is stopped on exit.
"""
import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http(port, method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=body.encode() if body else None)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.headers, r.read()


async def watcher(port, index, parked, released):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /v1/health/service/web?index={index}&wait=5m HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    parked.append(1)
    head = await reader.readuntil(b"\r\n\r\n")
    released.append(time.perf_counter())
    writer.close()
    return head.startswith(b"HTTP/1.1 200")


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", default="build/release/bin")
    ap.add_argument("--watchers", type=int, default=10000)
    args = ap.parse_args()
    if not 1 <= args.watchers <= 15000:
        sys.exit("watchers: --watchers must be 1..15000")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < args.watchers + 100:
        sys.exit(f"watchers: the open-file limit {hard} is too low for {args.watchers} connections")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="watchers-consul-", suffix=".log", delete=False)
    consul = subprocess.Popen([os.path.join(args.bin_dir, "fake-consul"), "--http", f"127.0.0.1:{port}"],
                              stdout=log, stderr=log, preexec_fn=lambda: resource.setrlimit(
                                  resource.RLIMIT_NOFILE, (hard, hard)))
    try:
        for _ in range(100):
            try:
                http(port, "GET", "/v1/status/leader")
                break
            except OSError:
                time.sleep(0.1)
        http(port, "PUT", "/v1/agent/service/register", '{"ID":"a","Name":"web","Port":80}')
        headers, _ = http(port, "GET", "/v1/health/service/web")
        index = int(headers["X-Consul-Index"])

        parked, released = [], []
        tasks = [asyncio.create_task(watcher(port, index, parked, released)) for _ in range(args.watchers)]
        deadline = time.monotonic() + 60
        while True:
            _, state = http(port, "GET", "/_fake/state")
            if json.loads(state).get("ParkedQueries", 0) >= args.watchers:
                break
            if time.monotonic() > deadline:
                sys.exit(f"watchers: only {json.loads(state).get('ParkedQueries')} of {args.watchers} parked in 60 s")
            await asyncio.sleep(0.05)
        def cpu_seconds():
            with open(f"/proc/{consul.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        cpu_before = cpu_seconds()
        changed = time.perf_counter()
        # The change goes through its own thread so the event loop keeps reading answers meanwhile.
        await asyncio.to_thread(http, port, "PUT", "/v1/agent/service/register", '{"ID":"b","Name":"web","Port":81}')
        results = await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
        ok = sum(results)
        cpu_used = cpu_seconds() - cpu_before
        lags = sorted((t - changed) * 1000 for t in released)
        print(f"{args.watchers} watchers parked; one registration released {ok} with 200 "
              f"(first after {lags[0]:.1f} ms, median {lags[len(lags) // 2]:.1f} ms, "
              f"all within {lags[-1]:.1f} ms; target: all within 100 ms); fake-consul used {cpu_used * 1000:.0f} ms of CPU "
              f"meanwhile, the rest is this Python client reading 10,000 sockets")
    finally:
        consul.terminate()
        consul.wait(timeout=10)
        os.unlink(log.name)


asyncio.run(main())
