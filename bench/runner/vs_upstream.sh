#!/usr/bin/env bash
# Ours and upstream's registrator (gliderlabs v7.4.0, through the wrapper bench/upstream/build.sh
# makes, which sets GL_DISABLE_VERSION_CHECK=1) in one run: start-up sync of 10,000 containers
# (wall, peak RSS, CPU) and event -> registration lag at 1,000 starts/s, each against the same
# fakes. Sections "== ours" and "== upstream" hold the benches' own output.
#   bench/runner/vs_upstream.sh BIN_DIR UPSTREAM_WRAPPER
set -uo pipefail
bin=${1:?usage: vs_upstream.sh BIN_DIR UPSTREAM_WRAPPER}
upstream=${2:?usage: vs_upstream.sh BIN_DIR UPSTREAM_WRAPPER}
[[ -x $upstream ]] || { echo "vs_upstream: $upstream missing: build it with bench/upstream/build.sh" >&2; exit 2; }
export REG_BIN_DIR=$bin
status=0
for who in ours upstream; do
  extra=(); [[ $who == upstream ]] && extra=(--registrator "$upstream")
  echo "== $who"
  "$bin/registrator_startup_bench" --containers 10000 "${extra[@]}" || status=1
  # Upstream registering fewer than all 2,000 is a finding (the table shows how many), not a
  # failure of the run; ours must register every one.
  "$bin/registrator_event_latency_bench" --containers 2000 --rate 1000 "${extra[@]}" || [[ $who == upstream ]] || status=1
done
exit $status
