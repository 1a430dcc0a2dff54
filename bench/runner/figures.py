"""The README's performance figures: for each, the command that measures it and how to read its
output. bench/run runs them; each parse() returns the numbers of one run (None when missing).

A figure: key, what (the README's words), how (the command a reader types), targets (what
cmake builds for it), tools (programs it needs on PATH), root (needs network namespaces), reps
(runs, unless told: scripts that already take medians inside run once), cmd(ctx) -> argv,
parse(text) -> dict, ours/anchor (keys of that dict), unit, better ("lower"/"higher"), detail
(keys shown as extra medians)."""
import json
import re


def num(pattern, text, group=1):
    m = re.search(pattern, text, re.M)
    return float(m.group(group)) if m else None


def taskset(cpu):
    return ["taskset", "-c", str(cpu)]


def sync_parse(t):
    return {"sync_s": num(r"start-up sync\s+([\d.]+) s", t), "rss_mib": num(r"peak RSS\s+([\d.]+) MiB", t),
            "cpu_registrator_s": num(r"registrator ([\d.]+) s, fake-docker", t),
            "cpu_fake_docker_s": num(r"fake-docker ([\d.]+) s, fake-consul", t)}


def latency_parse(t):
    return {"p50_ms": num(r"p50 ([\d.]+) ms", t), "p99_ms": num(r"p99 ([\d.]+) ms", t), "max_ms": num(r"max ([\d.]+) ms", t),
            "cpu_fake_docker_us": num(r"fake-docker ([\d.]+) us", t), "cpu_registrator_us": num(r"registrator ([\d.]+) us", t)}


def simulate_parse(t):
    m = re.search(r"^BENCH_JSON (.*)$", t, re.M)
    if not m:
        return {}
    j = json.loads(m.group(1))
    lag = j.get("lag_ms", {})
    usage = {u["role"]: u for u in j.get("usage", [])}
    out = {"converged_ms": j.get("convergence_ms"), "lag_p99_ms": lag.get("p99"), "lag_p50_ms": lag.get("p50"),
           "lost": j.get("lost"), "stale": j.get("stale"), "duplicated": j.get("duplicated")}
    for role, u in usage.items():
        out[f"rss_mib_{role}"] = u.get("max_peak_rss_bytes", 0) / 1048576
        out[f"cpu_s_{role}"] = u.get("cpu_seconds")
    return out


def upstream_parse(t):
    ours, _, theirs = t.partition("== upstream")
    o, u = sync_parse(ours), sync_parse(theirs)
    ol, ul = latency_parse(ours), latency_parse(theirs)
    return {"ours_sync_s": o["sync_s"], "upstream_sync_s": u["sync_s"], "ours_rss_mib": o["rss_mib"],
            "upstream_rss_mib": u["rss_mib"], "ours_cpu_us_per_container": (o["cpu_registrator_s"] or 0) * 100,
            "upstream_cpu_us_per_container": (u["cpu_registrator_s"] or 0) * 100, "ours_lag_p50_ms": ol["p50_ms"],
            "ours_lag_p99_ms": ol["p99_ms"], "upstream_lag_p50_ms": ul["p50_ms"], "upstream_lag_p99_ms": ul["p99_ms"],
            "upstream_registered_of_2000": num(r"registrations seen\s+(\d+)", theirs)}


def dns_parse(t):
    return {"ours_qps": num(r"fake-consul DNS \(1 thread\)\s+(\d+)", t), "nsd_qps": num(r"^NSD .*?\)\s+(\d+)", t)}


def wrk_parse(t):
    return {"ours_rps": num(r"GET /v1/catalog/service/web: fake-consul ([\d.]+) req/s", t),
            "nginx_rps": num(r"nginx ([\d.]+) req/s", t),
            "register_rps": num(r"PUT /v1/agent/service/register .*?: ([\d.]+) req/s", t)}


def vs_dockerd_parse(t):
    free, _, pinned = t.partition("on vCPU 0")

    def ratio(op, part, which):  # which: "round trip" or "engine CPU" or "canned"
        if which == "canned":
            return num(rf"^{op}\s.*\n\s+canned answers:.*?real/canned = ([\d.]+)x", part)
        pattern = rf"^{op}\s+round trip.*?real/fake = ([\d.]+)x" if which == "round trip" else \
            rf"^{op}\s.*?engine CPU.*?real/fake = ([\d.]+)x"
        return num(pattern, part)
    return {"inspect_x_free": ratio("inspect", free, "round trip"), "inspect_x_pinned": ratio("inspect", pinned, "round trip"),
            "inspect_cpu_x_pinned": ratio("inspect", pinned, "engine CPU"),
            "list_x_pinned": ratio("list_all", pinned, "round trip"), "canned_x_pinned": ratio("inspect", pinned, "canned")}


def bench_json_parse(name):
    def parse(t):
        try:
            data = json.loads(t[t.index("{"):])
        except ValueError:
            return {}
        for b in data.get("benchmarks", []):
            if b.get("name") == name:
                return {"ns": b["cpu_time"] * {"ns": 1, "us": 1e3, "ms": 1e6}[b.get("time_unit", "ns")]}
        return {}
    return parse


SYNC = "registrator_startup_bench"
LATENCY = "registrator_event_latency_bench"

FIGURES = [
    dict(key="sync", what="start-up sync, 10,000 running containers, free", targets=[SYNC],
         how="REG_BIN_DIR=build/release/bin build/release/bin/registrator_startup_bench --containers 10000",
         cmd=lambda c: [f"{c.bin}/{SYNC}", "--containers", "10000"], parse=sync_parse, ours="sync_s", unit="s",
         better="lower", target=1.0, detail=["rss_mib", "cpu_registrator_s", "cpu_fake_docker_s"]),
    dict(key="sync-pinned", what="start-up sync, 10,000 containers, every process on one vCPU", targets=[SYNC],
         how="taskset -c 0 (the same command)",
         cmd=lambda c: taskset(0) + [f"{c.bin}/{SYNC}", "--containers", "10000"], parse=sync_parse, ours="sync_s",
         unit="s", better="lower", target=1.0, detail=["cpu_registrator_s", "cpu_fake_docker_s"]),
    dict(key="event", what="event -> registration lag at 1,000 starts/s, free", targets=[LATENCY],
         how="REG_BIN_DIR=build/release/bin build/release/bin/registrator_event_latency_bench --containers 2000 --rate 1000",
         cmd=lambda c: [f"{c.bin}/{LATENCY}", "--containers", "2000", "--rate", "1000"], parse=latency_parse,
         ours="p99_ms", unit="ms p99", better="lower", target=5.0,
         detail=["p50_ms", "max_ms", "cpu_fake_docker_us", "cpu_registrator_us"]),
    dict(key="event-pinned", what="event -> registration lag at 1,000 starts/s, one vCPU", targets=[LATENCY],
         how="taskset -c 0 (the same command)",
         cmd=lambda c: taskset(0) + [f"{c.bin}/{LATENCY}", "--containers", "2000", "--rate", "1000"],
         parse=latency_parse, ours="p99_ms", unit="ms p99", better="lower", target=5.0, detail=["p50_ms", "max_ms"]),
    dict(key="wakeup-floor", what="floor: a round trip to a server that does nothing (idle-VM wake-up cost)",
         targets=["docker_canned_server", "docker_api_bench"], how="bench/runner/wakeup_floor.sh build/release/bin",
         cmd=lambda c: [f"{c.src}/bench/runner/wakeup_floor.sh", c.bin],
         parse=lambda t: {"free_us": num(r"free: ([\d.]+) us", t), "pinned_us": num(r"pinned: ([\d.]+) us", t)},
         ours="free_us", anchor="pinned_us", anchor_name="same, one vCPU", unit="us", better="lower"),
    dict(key="simulate", what="regsim simulate 100 hosts x 100 containers, churn 500/s for 20 s", targets=["regsim"],
         how="build/release/bin/regsim simulate --hosts 100 --containers 100 --churn 500/s --duration 20s --seed 1",
         cmd=lambda c: [f"{c.src}/bench/runner/simulate_json.sh", c.bin, "--hosts", "100", "--containers", "100",
                        "--churn", "500/s", "--duration", "20s", "--seed", "1"],
         parse=simulate_parse, ours="converged_ms", unit="ms to converge", better="lower", target=5000,
         detail=["lag_p50_ms", "lag_p99_ms", "lost", "stale", "duplicated", "rss_mib_registrator", "rss_mib_fake-docker", "rss_mib_fake-consul"]),
    dict(key="hosts1000", what="regsim simulate 1,000 hosts x 20 containers (one fake-docker process), churn 100/s for 10 s",
         targets=["regsim"], reps=1,
         how="build/release/bin/regsim simulate --hosts 1000 --containers 20 --one-docker-process --churn 100/s --duration 10s --seed 1",
         cmd=lambda c: [f"{c.src}/bench/runner/simulate_json.sh", c.bin, "--hosts", "1000", "--containers", "20",
                        "--one-docker-process", "--churn", "100/s", "--duration", "10s", "--seed", "1"],
         parse=simulate_parse, ours="converged_ms", unit="ms to converge", better="lower", target=5000,
         detail=["lag_p50_ms", "lag_p99_ms", "lost", "stale", "duplicated", "rss_mib_registrator", "rss_mib_fake-docker",
                 "rss_mib_fake-consul", "cpu_s_registrator"]),
    dict(key="upstream", what="start-up sync of 10,000 containers, ours vs gliderlabs/registrator v7.4.0 (+ event lag)",
         targets=[SYNC, LATENCY], needs_file="bench/upstream/out/registrator-upstream",
         how="bench/upstream/build.sh bench/upstream/out && bench/runner/vs_upstream.sh build/release/bin bench/upstream/out/registrator-upstream",
         cmd=lambda c: [f"{c.src}/bench/runner/vs_upstream.sh", c.bin, f"{c.src}/bench/upstream/out/registrator-upstream"],
         parse=upstream_parse, ours="ours_sync_s", anchor="upstream_sync_s", anchor_name="upstream", unit="s",
         better="lower", reps=3,
         detail=["ours_rss_mib", "upstream_rss_mib", "ours_cpu_us_per_container", "upstream_cpu_us_per_container",
                 "ours_lag_p50_ms", "ours_lag_p99_ms", "upstream_lag_p50_ms", "upstream_lag_p99_ms",
                 "upstream_registered_of_2000"]),
    dict(key="dns", what="fake-consul DNS vs NSD, 20 services x 2 instances, mixed A/SRV", targets=["fake-consul"],
         tools=["nsd", "dnsperf"], how="bench/dns/dnsperf_vs_nsd.sh --seconds 10",
         cmd=lambda c: [f"{c.src}/bench/dns/dnsperf_vs_nsd.sh", "--bin-dir", c.bin, "--seconds", "10"],
         parse=dns_parse, ours="ours_qps", anchor="nsd_qps", anchor_name="NSD", unit="q/s", better="higher"),
    dict(key="http", what="fake-consul GET /v1/catalog/service/web vs nginx (same bytes, static file)",
         targets=["fake-consul"], tools=["wrk", "nginx"], how="bench/consul/wrk_vs_nginx.sh --seconds 5",
         cmd=lambda c: [f"{c.src}/bench/consul/wrk_vs_nginx.sh", "--bin-dir", c.bin, "--seconds", "5"],
         parse=wrk_parse, ours="ours_rps", anchor="nginx_rps", anchor_name="nginx", unit="req/s", better="higher",
         detail=["register_rps"]),
    dict(key="dockerd", what="fake-docker vs dockerd 20.10, inspect, 200 containers (medians of 5 inside)",
         targets=["fake-docker", "docker_api_bench", "docker_canned_server"], tools=["dockerd", "curl"], root=True,
         reps=1, how="bench/docker/vs_dockerd.sh build/release 200",
         cmd=lambda c: [f"{c.src}/bench/docker/vs_dockerd.sh", c.build, "200"], parse=vs_dockerd_parse,
         ours="inspect_x_pinned", unit="x faster (one vCPU)", better="higher", target=10,
         detail=["inspect_cpu_x_pinned", "inspect_x_free", "list_x_pinned", "canned_x_pinned"]),
    dict(key="watchers", what="10,000 blocking-query watchers released by one registration",
         targets=["consul_watchers_fanout", "fake-consul"],
         how="build/release/bin/consul_watchers_fanout --watchers 10000",
         cmd=lambda c: [f"{c.bin}/consul_watchers_fanout", "--watchers", "10000"],
         parse=lambda t: {"last_ms": num(r"last ([\d.]+) ms", t), "p50_ms": num(r"p50 ([\d.]+) ms", t)},
         ours="last_ms", unit="ms (last answer)", better="lower", target=100, detail=["p50_ms"]),
    dict(key="fanout", what="fake-docker event fan-out, 100 subscribers, 20,000 events at 10,000/s",
         targets=["docker_event_fanout", "fake-docker"],
         how="build/release/bin/docker_event_fanout --subscribers 100 --events 20000 --rate 10000",
         cmd=lambda c: [f"{c.bin}/docker_event_fanout", "--subscribers", "100", "--events", "20000", "--rate", "10000"],
         parse=lambda t: {"events_s": num(r"([\d.]+)/s emitted", t), "p99_ms": num(r"p99 ([\d.]+) ms", t)},
         ours="events_s", unit="events/s", better="higher", target=10000, detail=["p99_ms"]),
    dict(key="list", what="fake-docker listing 10,000 containers (curl, best of 5 inside)", targets=["fake-docker"],
         tools=["curl"], how="python3 bench/docker/list_many.py --containers 10000",
         cmd=lambda c: ["python3", f"{c.src}/bench/docker/list_many.py", "--bin-dir", c.bin, "--containers", "10000"],
         parse=lambda t: {"best_ms": num(r"best ([\d.]+) ms", t)}, ours="best_ms", unit="ms", better="lower", target=20),
    dict(key="dns-micro", what="DNS codec + handler, A query for two instances", targets=["dns_bench"],
         how="build/release/bin/dns_bench",
         cmd=lambda c: [f"{c.bin}/dns_bench", "--benchmark_filter=a_two_instances", "--benchmark_format=json"],
         parse=bench_json_parse("BM_Answer/a_two_instances"), ours="ns", unit="ns", better="lower"),
    dict(key="soak", what="RSS under bounded churn (400,000 operations)", targets=["registrator", "fake-docker", "fake-consul"],
         reps=1, how="python3 bench/soak/churn_soak.py --ops 400000 --containers 20",
         cmd=lambda c: ["python3", f"{c.src}/bench/soak/churn_soak.py", "--bin", c.bin, "--ops", "400000",
                        "--containers", "20", "--seconds", "1800"],
         parse=lambda t: soak_parse(t), ours="registrator_rss_growth_kib", unit="KiB RSS growth, registrator",
         better="lower", detail=["fake_docker_rss_growth_kib", "fake_consul_rss_growth_kib"]),
]


def soak_parse(t):
    samples = [json.loads(line) for line in t.splitlines() if line.startswith("{")]
    if len(samples) < 3:
        return {}
    mid, last = samples[len(samples) // 4], samples[-1]
    out = {}
    for name, k in (("registrator", "registrator_kib"), ("fake_docker", "docker_kib"), ("fake_consul", "consul_kib")):
        if k in last and k in mid:
            out[f"{name}_rss_growth_kib"] = last[k] - mid[k]
    return out
