# Shared by the side-by-side benchmark scripts: a temp work dir removed on exit together with the
# processes started in it, free loopback ports, and polling for a server to come up.
#   source "$(dirname "$0")/../lib.sh"; bench_setup NAME
# Defines: $work, pids (append started PIDs), free_port, wait_for DESCRIPTION COMMAND...

bench_setup() {
  bench_name=$1
  work=$(mktemp -d "/tmp/$bench_name.XXXXXX")
  pids=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for() {  # wait_for DESCRIPTION COMMAND...: poll up to 10 s
  local what=$1; shift
  for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "$bench_name: $what did not come up" >&2; exit 1
}
