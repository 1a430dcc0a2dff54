#!/usr/bin/env bash
# regsim simulate with its arguments, its own report on stdout, then its JSON report on one
# line prefixed "BENCH_JSON " (what bench/run reads).
#   bench/runner/simulate_json.sh BIN_DIR SIMULATE-ARGS...
set -euo pipefail
bin=${1:?usage: simulate_json.sh BIN_DIR SIMULATE-ARGS...}; shift
json=$(mktemp /tmp/simulate-XXXXXX.json)
trap 'rm -f "$json"' EXIT
status=0
"$bin/regsim" simulate --bin-dir "$bin" --json "$json" "$@" || status=$?
echo "BENCH_JSON $(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$json")"
exit $status
