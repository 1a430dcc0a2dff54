#!/usr/bin/env bash
# Side-by-side DNS throughput: fake-consul's DNS (one thread) against NSD (one server process)
# serving the equivalent static zone, measured with dnsperf in one run on this machine.
#
#   bench/dns/dnsperf_vs_nsd.sh [--bin-dir build/release/bin] [--seconds 10] [--services 20]
#
# Prints queries/s and lost queries for both and the ratio ours/NSD. Everything listens on
# 127.0.0.1 free ports, in a temp dir, and is stopped on exit. Needs: nsd, dnsperf, curl.
set -euo pipefail

bin_dir=build/release/bin
seconds=10
services=20
while (($#)); do
  case "$1" in
    --bin-dir) bin_dir=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --services) services=$2; shift 2 ;;
    *) echo "dnsperf_vs_nsd: unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in nsd dnsperf curl "$bin_dir/fake-consul"; do
  command -v "$tool" >/dev/null || { echo "dnsperf_vs_nsd: missing $tool" >&2; exit 2; }
done
((seconds >= 1 && seconds <= 120)) || { echo "dnsperf_vs_nsd: --seconds must be 1..120" >&2; exit 2; }
((services >= 1 && services <= 250)) || { echo "dnsperf_vs_nsd: --services must be 1..250" >&2; exit 2; }

source "$(dirname "$0")/../lib.sh"
bench_setup dnsperf-vs-nsd

# --- fake-consul with N services, two instances each ---
"$bin_dir/fake-consul" --http 127.0.0.1:0 --dns 127.0.0.1:0 --ready-file "$work/consul.ready" \
  >"$work/fake-consul.log" 2>&1 &
pids+=($!)
wait_for fake-consul test -s "$work/consul.ready"
http=$(sed -E 's/.*"http":"([^"]+)".*/\1/' "$work/consul.ready")
consul_dns_port=$(sed -E 's/.*"dns":"[^"]+:([0-9]+)".*/\1/' "$work/consul.ready")

zone="$work/consul.zone"
cat >"$zone" <<ZONE
\$ORIGIN consul.
\$TTL 0
@ IN SOA ns.consul. hostmaster.consul. 1 3600 600 86400 0
@ IN NS ns.consul.
ns IN A 127.0.0.1
ZONE
queries="$work/queries.txt"
: >"$queries"
for ((i = 1; i <= services; i++)); do
  for j in 1 2; do
    ip="10.0.$i.$j"
    port=$((8000 + j))
    curl -sf -X PUT "http://$http/v1/agent/service/register" \
      -d "{\"ID\":\"svc$i-$j\",\"Name\":\"svc$i\",\"Address\":\"$ip\",\"Port\":$port}" >/dev/null
    hex=$(printf '%02x%02x%02x%02x' 10 0 "$i" "$j")
    echo "svc$i.service.dc1 IN A $ip" >>"$zone"
    echo "svc$i.service.dc1 IN SRV 1 1 $port $hex.addr.dc1.consul." >>"$zone"
    echo "$hex.addr.dc1 IN A $ip" >>"$zone"
  done
  echo "svc$i.service.dc1.consul A" >>"$queries"
  echo "svc$i.service.dc1.consul SRV" >>"$queries"
done

# --- NSD: one server process, no rate limiting, its own files ---
nsd_port=$(free_port)
cat >"$work/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1
  port: $nsd_port
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$work"
  database: ""
  zonelistfile: "$work/zone.list"
  xfrdfile: "$work/xfrd.state"
  pidfile: "$work/nsd.pid"
  verbosity: 0
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: consul
  zonefile: consul.zone
CONF
nsd -d -c "$work/nsd.conf" >"$work/nsd.log" 2>&1 &
pids+=($!)
wait_for nsd dig +time=1 +tries=1 -p "$nsd_port" @127.0.0.1 svc1.service.dc1.consul A +short
wait_for fake-consul-dns dig +time=1 +tries=1 -p "$consul_dns_port" @127.0.0.1 svc1.service.dc1.consul A +short

run_dnsperf() {  # run_dnsperf PORT OUTFILE
  dnsperf -s 127.0.0.1 -p "$1" -d "$queries" -l "$seconds" -c 4 -q 64 >"$2" 2>&1
}
field() { sed -nE "s/^ *$1: *([0-9.]+).*/\1/p" "$2" | head -1; }

run_dnsperf "$nsd_port" "$work/nsd.out"
run_dnsperf "$consul_dns_port" "$work/consul.out"

nsd_qps=$(field "Queries per second" "$work/nsd.out")
our_qps=$(field "Queries per second" "$work/consul.out")
nsd_lost=$(field "Queries lost" "$work/nsd.out")
our_lost=$(field "Queries lost" "$work/consul.out")
ratio=$(python3 -c "print(f'{$our_qps / $nsd_qps:.2f}')")
printf '%-28s %12s %8s\n' "server" "queries/s" "lost"
printf '%-28s %12s %8s\n' "NSD $(nsd -v 2>&1 | head -1 | awk '{print $3}') (1 process)" "$nsd_qps" "$nsd_lost"
printf '%-28s %12s %8s\n' "fake-consul DNS (1 thread)" "$our_qps" "$our_lost"
echo "ratio fake-consul/NSD: ${ratio}x  ($services services x 2 instances, mixed A/SRV, ${seconds}s each)"
