#!/usr/bin/env bash
# The floor under every round-trip figure on this VM: a keep-alive inspect round trip to
# docker_canned_server, which answers with bytes prepared at start (no engine work at all), with
# the client free to run on any vCPU and then with client and server on one vCPU. The difference
# is what waking a halted vCPU costs; no server can answer faster than the "free" figure here.
#   bench/runner/wakeup_floor.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: wakeup_floor.sh BIN_DIR}
source "$(dirname "$0")/../lib.sh"
bench_setup wakeup-floor
echo '[{"Id":"0123456789ab"}]' >"$work/list.json"
echo '{"Id":"0123456789ab"}' >"$work/inspect.json"
"$bin/docker_canned_server" "$work/canned.sock" "$work/list.json" "$work/inspect.json" >"$work/canned.log" 2>&1 &
pids+=($!)
wait_for "docker_canned_server" test -S "$work/canned.sock"
round_trip() {  # prefix...: the median inspect round trip in us through the lean client
  REG_DOCKER_SOCKETS="canned=$work/canned.sock" "$@" "$bin/docker_api_bench" --benchmark_filter='inspect_lean/canned' \
    --benchmark_min_time=0.5 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_format=json 2>/dev/null |
    python3 -c 'import json,sys; b=[x for x in json.load(sys.stdin)["benchmarks"] if x.get("aggregate_name")=="median"][0]; print("%.1f" % b["real_time"])'
}
echo "free: $(round_trip) us"
taskset -a -p -c 0 "${pids[0]}" >/dev/null
echo "pinned: $(round_trip taskset -c 0) us"
