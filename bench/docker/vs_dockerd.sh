#!/usr/bin/env bash
# fake-docker against a real dockerd, same containers, same requests (list all, inspect one),
# one run, reported as a ratio. A third server answers with fake-docker's bytes prepared at
# start (docker_canned_server): no engine can be faster, so real/canned is the largest ratio any
# engine could show on the same vCPUs, and what is left of a round trip is the kernel's and the
# client's. Root only: dockerd runs in a network namespace this script makes
# and removes; nothing leaves it. Also lists 10,000 containers in fake-docker alone.
#   bench/docker/vs_dockerd.sh [build-dir] [containers]      (defaults: build/release, 200)
set -euo pipefail
build=${1:-build/release}
n=${2:-200}
bin=$(cd "$build/bin" && pwd)
work=$(mktemp -d /tmp/vs-dockerd-XXXX)
ns=regbench-$$
cleanup() {
  DOCKER_HOST=unix://$work/real.sock docker rm -f $(DOCKER_HOST=unix://$work/real.sock docker ps -aq) >/dev/null 2>&1 || true
  [[ -f $work/dockerd.pid ]] && kill "$(cat "$work/dockerd.pid")" 2>/dev/null && \
    for _ in $(seq 100); do [[ -e /proc/$(cat "$work/dockerd.pid" 2>/dev/null || echo 0) ]] || break; sleep 0.1; done
  [[ -n ${fake_pid:-} ]] && kill "$fake_pid" 2>/dev/null || true
  [[ -n ${big_pid:-} ]] && kill "$big_pid" 2>/dev/null || true
  [[ -n ${canned_pid:-} ]] && kill "$canned_pid" 2>/dev/null || true
  grep -o " $work[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns"
nsenter --net=/var/run/netns/$ns dockerd -H unix://$work/real.sock --data-root $work/data --exec-root $work/exec \
  --pidfile $work/dockerd.pid --storage-driver=overlay2 --ip6tables=false >$work/dockerd.log 2>&1 &
"$bin/fake-docker" --socket $work/fake.sock --api-version 1.41 >$work/fake.log 2>&1 &
fake_pid=$!
for _ in $(seq 300); do
  DOCKER_HOST=unix://$work/real.sock docker version >/dev/null 2>&1 && [[ -S $work/fake.sock ]] && break
  sleep 0.1   # polling for both daemons to listen
done
mkdir -p $work/rootfs/bin && cp /bin/busybox $work/rootfs/bin/ && ln -s busybox $work/rootfs/bin/sleep
tar -C $work/rootfs -cf $work/rootfs.tar . && DOCKER_HOST=unix://$work/real.sock docker import $work/rootfs.tar tiny:1 >/dev/null

echo "creating $n containers (published port, env, labels) in each engine ..."
for sock in real fake; do
  for i in $(seq "$n"); do
    curl -sf --unix-socket $work/$sock.sock -XPOST -H 'Content-Type: application/json' \
      -d '{"Image":"tiny:1","Cmd":["/bin/sleep","1000"],"Env":["SERVICE_NAME=web"],"Labels":{"team":"blue"},"ExposedPorts":{"80/tcp":{}},"HostConfig":{"PortBindings":{"80/tcp":[{"HostPort":""}]}}}' \
      "http://d/v1.41/containers/create?name=c$i" >/dev/null
  done
done

# The canned server answers with what fake-docker answers: the list and one container's inspect.
curl -sf --unix-socket $work/fake.sock 'http://d/v1.41/containers/json?all=1' >$work/list.json
first_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["Id"])' $work/list.json)
curl -sf --unix-socket $work/fake.sock "http://d/v1.41/containers/$first_id/json" >$work/inspect.json
"$bin/docker_canned_server" $work/canned.sock $work/list.json $work/inspect.json >$work/canned.log 2>&1 &
canned_pid=$!
for _ in $(seq 100); do [[ -S $work/canned.sock ]] && break; sleep 0.05; done

# Medians of 5 runs each: others share this machine, and one run can catch a busy moment.
# Two ratios per operation: the round trip (what a client waits) and the engine's own CPU per
# request (server_cpu_us, see the bench).
bench_both() {  # $1: output file; the rest: a command prefix (e.g. taskset)
  local out=$1; shift
  echo "load before: $(uptime)"
  REG_DOCKER_SOCKETS="fake=$work/fake.sock,real=$work/real.sock,canned=$work/canned.sock" \
    REG_DOCKER_PIDS="fake=$fake_pid,real=$(cat $work/dockerd.pid),canned=$canned_pid" \
    "$@" "$bin/docker_api_bench" --benchmark_min_time=0.5 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_out=$out --benchmark_out_format=json >/dev/null
  echo "load after: $(uptime)"
  python3 - "$out" <<'PY'
import json, sys
medians = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
for op in ("list_all", "inspect", "list_all_lean", "inspect_lean"):
    fake, real, canned = medians.get(op + "/fake"), medians.get(op + "/real"), medians.get(op + "/canned")
    if not fake or not real:
        continue
    unit = fake["time_unit"]
    line = f"{op:14} round trip {fake['real_time']:.3g} / {real['real_time']:.3g} {unit} fake/real, real/fake = {real['real_time'] / fake['real_time']:.1f}x"
    if fake.get("server_cpu_us") and real.get("server_cpu_us"):
        line += f"; engine CPU per request {fake['server_cpu_us']:.3g} / {real['server_cpu_us']:.3g} us, real/fake = {real['server_cpu_us'] / fake['server_cpu_us']:.1f}x"
    print(line)
    if canned:
        print(f"{'':14} canned answers: round trip {canned['real_time']:.3g} {unit}, real/canned = "
              f"{real['real_time'] / canned['real_time']:.1f}x (the most any engine could show here)")
PY
}
echo "== client and engines free to run on any vCPU (as deployed)"
bench_both $work/out.json
# On this VM a round trip between processes on different vCPUs costs two cross-vCPU wake-ups
# (IPIs through the hypervisor, ~25 µs of system time on each side when the machine is idle;
# cheap when it is busy and the woken task lands where it is), which swamps a 5 µs answer. With
# the client and both engines (every thread) on one vCPU the wake-up is a context switch, and
# the ratio is the engines' own.
echo "== client, fake-docker, the canned server and dockerd (all threads) on vCPU 0"
for p in "$fake_pid" "$canned_pid" "$(cat $work/dockerd.pid)"; do taskset -a -p -c 0 "$p" >/dev/null; done
bench_both $work/out-pinned.json taskset -c 0
all_cpus=$(cat /sys/devices/system/cpu/online)
for p in "$fake_pid" "$canned_pid" "$(cat $work/dockerd.pid)"; do taskset -a -p -c "$all_cpus" "$p" >/dev/null; done

echo "fake-docker alone with 10,000 containers:"
"$bin/fake-docker" --socket $work/big.sock >$work/big.log 2>&1 &
big_pid=$!
for _ in $(seq 100); do [[ -S $work/big.sock ]] && break; sleep 0.05; done
for i in $(seq 10000); do
  curl -sf --unix-socket $work/big.sock -XPOST -H 'Content-Type: application/json' \
    -d '{"Image":"web:1","ExposedPorts":{"80/tcp":{}},"HostConfig":{"PortBindings":{"80/tcp":[{"HostPort":""}]}}}' \
    "http://d/v1.47/containers/create?name=b$i" >/dev/null
done
REG_DOCKER_SOCKETS="fake10k=$work/big.sock" "$bin/docker_api_bench" --benchmark_min_time=1 --benchmark_filter=list_all
# The same list through curl, whose client side costs little: what the fake itself takes.
best=""
for _ in 1 2 3 4 5; do
  t=$(curl -s -o /dev/null -w '%{time_total}' --unix-socket $work/big.sock 'http://d/v1.47/containers/json?all=1')
  best=$(awk -v a="$t" -v b="${best:-999}" 'BEGIN{print (a<b)?a:b}')
done
echo "list of 10,000 through curl: best of 5 = $(awk -v t="$best" 'BEGIN{printf "%.1f ms", t*1000}')"
