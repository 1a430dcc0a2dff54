#!/usr/bin/env bash
# fake-consul's HTTP API under wrk, side by side with nginx in one run on this machine:
#  1. GET /v1/catalog/service/web with 10 instances (keep-alive), against nginx serving the same
#     JSON bytes as a static file (one worker each: fake-consul serves HTTP on one thread);
#  2. PUT /v1/agent/service/register, each request a different service ID (a Lua script).
#
#   bench/consul/wrk_vs_nginx.sh [--bin-dir build/release/bin] [--seconds 5] [--connections 16]
#
# Everything listens on 127.0.0.1 free ports, in a temp dir, and is stopped on exit.
# Needs: wrk, nginx, curl.
set -euo pipefail

bin_dir=build/release/bin
seconds=5
connections=16
while (($#)); do
  case "$1" in
    --bin-dir) bin_dir=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "wrk_vs_nginx: unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in wrk nginx curl "$bin_dir/fake-consul"; do
  command -v "$tool" >/dev/null || [[ -x $tool ]] || { echo "wrk_vs_nginx: missing $tool" >&2; exit 2; }
done
((seconds >= 1 && seconds <= 60)) || { echo "wrk_vs_nginx: --seconds must be 1..60" >&2; exit 2; }
((connections >= 1 && connections <= 256)) || { echo "wrk_vs_nginx: --connections must be 1..256" >&2; exit 2; }

source "$(dirname "$0")/../lib.sh"
bench_setup wrk-vs-nginx
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
# CPU milliseconds (user + system) a process has used so far.
clk_tck=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$clk_tck" '{print ($14 + $15) * 1000 / t}' "/proc/$1/stat"; }
# run_wrk OUT ARGS...: wrk with its own CPU seconds in OUT.cpu ("user sys"). On a shared
# machine the request rate moves with other load; the server's CPU per request does much less.
run_wrk() {
  local out=$1; shift
  local TIMEFORMAT='%U %S'
  { time wrk "$@" >"$out"; } 2>"$out.cpu"
}
# per_request NAME OUT CPU_BEFORE: fake-consul's CPU per request and what that means per core.
per_request() {
  local n; n=$(requests "$2")
  awk -v name="$1" -v n="$n" -v before="$3" -v after="$(cpu_ms "$consul_pid")" -v client="$(cat "$2.cpu")" -v s="$seconds" 'BEGIN {
    us = (after - before) * 1000 / n; split(client, c, " ");
    printf "  %s: fake-consul CPU %.1f us per request (%.0f req/s per core); wrk CPU %.1f s of %d s\n", name, us, 1e6 / us, c[1] + c[2], s }'
}

consul_port=$(free_port)
"$bin_dir/fake-consul" --http 127.0.0.1:$consul_port >"$work/consul.log" 2>&1 &
consul_pid=$!
pids+=($consul_pid)
wait_for fake-consul curl -sf "http://127.0.0.1:$consul_port/v1/status/leader"
for i in $(seq 10); do
  curl -sf -X PUT "http://127.0.0.1:$consul_port/v1/agent/service/register" \
    -d "{\"ID\":\"host$i:web:80\",\"Name\":\"web\",\"Address\":\"172.17.0.$((i + 1))\",\"Port\":80,\"Tags\":[\"a\",\"b\"],\"Meta\":{\"team\":\"blue\"}}" >/dev/null
done
mkdir -p "$work/www/v1/catalog/service"
curl -sf "http://127.0.0.1:$consul_port/v1/catalog/service/web" >"$work/www/v1/catalog/service/web"
echo "catalog answer: $(wc -c <"$work/www/v1/catalog/service/web") bytes, 10 instances"
chmod -R a+rX "$work"  # nginx's worker runs as an unprivileged user

nginx_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
wait_for nginx curl -sf "http://127.0.0.1:$nginx_port/v1/catalog/service/web"

echo "load before: $(uptime | sed 's/.*load average: //')"
cpu_before=$(cpu_ms "$consul_pid")
run_wrk "$work/consul.txt" -t1 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$consul_port/v1/catalog/service/web"
get_line=$(per_request "GET" "$work/consul.txt" "$cpu_before")
run_wrk "$work/nginx.txt" -t1 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$nginx_port/v1/catalog/service/web"
ours=$(rps "$work/consul.txt"); theirs=$(rps "$work/nginx.txt")
echo "GET /v1/catalog/service/web: fake-consul $ours req/s, nginx $theirs req/s: ratio $(awk -v a="$ours" -v b="$theirs" 'BEGIN{printf "%.2f", a/b}')x"
echo "$get_line"

cat >"$work/register.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"ID":"bench:c%d:80","Name":"bench","Address":"172.17.%d.%d","Port":80}', n, math.floor(n / 250) % 250, n % 250 + 1)
  return wrk.format("PUT", "/v1/agent/service/register", {["Content-Type"] = "application/json"}, body)
end
LUA
cpu_before=$(cpu_ms "$consul_pid")
run_wrk "$work/register.txt" -t1 -c"$connections" -d"${seconds}s" -s "$work/register.lua" "http://127.0.0.1:$consul_port"
echo "PUT /v1/agent/service/register (a new ID each): $(rps "$work/register.txt") req/s; non-2xx: $(awk '/Non-2xx/ {print $4}' "$work/register.txt")"
per_request "PUT" "$work/register.txt" "$cpu_before"
echo "services registered: $(curl -sf "http://127.0.0.1:$consul_port/v1/agent/services" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
