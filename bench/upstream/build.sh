#!/usr/bin/env bash
# Builds gliderlabs/registrator v7.4.0 from source for side-by-side measurements, as
# /work/shared/reference/upstream-build.md describes: Debian's Go 1.19 in GOPATH mode, no module
# proxy, sources from bare git directories (the search tool's `fetch`; MIRROR holds them as
# owner+name/repo). Writes OUT/registrator-upstream-bin and the wrapper OUT/registrator-upstream,
# which sets GL_DISABLE_VERSION_CHECK=1 (without it upstream's start-up version check sends a DNS
# query off the machine) and execs the binary. Only ever run the wrapper.
#   bench/upstream/build.sh OUT [MIRROR]      (MIRROR default /work/.mirror)
set -euo pipefail
out=$(mkdir -p "${1:?usage: build.sh OUT [MIRROR]}" && cd "$1" && pwd)
mirror=${2:-/work/.mirror}
command -v go >/dev/null || { echo "build.sh: no go (apt-get install golang-go golang-github-buger-jsonparser-dev golang-github-docker-docker-dev golang-golang-x-net-dev golang-github-miekg-dns-dev)" >&2; exit 2; }
gopath=$out/gopath
rm -rf "$gopath" && mkdir -p "$gopath/src"
put() {  # put OWNER+NAME REV IMPORT-PATH [SUBDIR]: extract a revision (or one folder of it) there
  local git_dir=$mirror/$1/repo dest=$gopath/src/$3
  [[ -d $git_dir ]] || { echo "build.sh: $git_dir missing (fetch github:${1/+//})" >&2; exit 2; }
  mkdir -p "$dest"
  git --git-dir="$git_dir" archive "$2" ${4:+"$4"} 2>/dev/null | tar -x -C "$dest" || true
  [[ -n $(ls -A "$dest") ]] || { echo "build.sh: nothing extracted for $3" >&2; exit 1; }
}
put gliderlabs+registrator 6bfadbc6decd4c5655044e77cd807985ea5360de github.com/gliderlabs/registrator
put fsouza+go-dockerclient v1.2.0 github.com/fsouza/go-dockerclient
put hashicorp+go-cleanhttp v0.5.0 github.com/hashicorp/go-cleanhttp
put cenkalti+backoff v2.0.0 github.com/cenkalti/backoff
put gliderlabs+pkg 36f28d47ec7aae4d25d3d2741ac5af91f7f18680 github.com/gliderlabs/pkg
put coreos+go-etcd v2.0.0 github.com/coreos/go-etcd
put coreos+go-etcd v0.4.6 gopkg.in/coreos/go-etcd.v0
put samuel+go-zookeeper c4fab1ac1bec github.com/samuel/go-zookeeper
# confd's vendor/ holds consul/api of the v1.0.7 era and what it needs.
confd=$out/confd && rm -rf "$confd" && mkdir -p "$confd"
git --git-dir="$mirror/kelseyhightower+confd/repo" archive d73ef600 vendor 2>/dev/null | tar -x -C "$confd" || true
for p in github.com/hashicorp/consul github.com/hashicorp/serf github.com/hashicorp/go-rootcerts github.com/mitchellh/go-homedir; do
  [[ -d $confd/vendor/$p ]] || { echo "build.sh: confd vendor/$p missing" >&2; exit 1; }
  mkdir -p "$gopath/src/$(dirname $p)" && cp -r "$confd/vendor/$p" "$gopath/src/$p"
done
cd "$gopath/src/github.com/gliderlabs/registrator"
env GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0 GOPATH="$gopath:/usr/share/gocode" GOCACHE="$out/gocache" \
  go build -ldflags "-X main.Version=$(cat VERSION)" -o "$out/registrator-upstream-bin" .
cat >"$out/registrator-upstream" <<WRAP
#!/bin/sh
# gliderlabs/registrator v7.4.0, never without GL_DISABLE_VERSION_CHECK=1 (its version check would
# send a DNS query off the machine).
GL_DISABLE_VERSION_CHECK=1 exec "$out/registrator-upstream-bin" "\$@"
WRAP
chmod +x "$out/registrator-upstream"
"$out/registrator-upstream" --version
