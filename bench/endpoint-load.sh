#!/usr/bin/env bash
# The daemon's memory and per-operation cost at many endpoints on one host (issue 14), as root:
#   bench/endpoint-load.sh [--consul] [LOCAL] [REMOTE]        (default 500 500)
# Build first: mvn -B -o -pl plugin-server -am package -DskipTests (compiles the test classes too).
#
# Two throw-away namespaces joined by a veth pair (198.18.200.1 <-> .2): the daemon runs in the first
# with the embedded store and real netlink, its VTEP on the veth; the second stands for the other
# host's VTEP. io.javaoverlay.server.bench.EndpointLoad (plugin-server test sources) then drives the
# plugin socket like dockerd: one network, LOCAL x (RequestAddress + CreateEndpoint + Join; Join
# creates the veths), interleaved with REMOTE endpoints written straight into the store under
# another host ID. It prints the daemon's RSS and threads along the way and the latency of the first
# and last 100 of each operation; this script then waits until the kernel has all remote FDB entries.
# --consul: the store is a Consul agent (-dev, scripts/ensure-consul) inside the daemon's namespace
# instead of the embedded store, as on a multi-host cluster (the Consul client's classes and threads).
# Environment: TESTBED_PREFIX (namespace names, default jo), JAVAOVERLAY_JAVA_OPTS (extra JVM flags
# for the daemon, e.g. -XX:NativeMemoryTracking=summary: then the JVM's own breakdown is printed too).
set -euo pipefail
consul=""
if [ "${1:-}" = --consul ]; then consul=1; shift; fi
local_n="${1:-500}"
remote_n="${2:-500}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
prefix="${TESTBED_PREFIX:-jo}"
ns="$prefix-el-host"
peer="$prefix-el-peer"
target="$root/plugin-server/target"
jar=$(ls "$target"/javaoverlay-plugin-server-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1 || true)
if [ -z "$jar" ] || [ ! -d "$target/test-classes/io/javaoverlay/server/bench" ]; then
  echo "build first: (cd $root && mvn -B -o -pl plugin-server -am package -DskipTests)" >&2
  exit 1
fi
tmp="$(mktemp -d /tmp/jo-endpoint-load.XXXXXX)"
pid=""
consul_pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$consul_pid" ]; then kill -TERM "$consul_pid" 2>/dev/null || true; wait "$consul_pid" 2>/dev/null || true; fi
  ip netns del "$ns" 2>/dev/null || true
  ip netns del "$peer" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
ip netns del "$ns" 2>/dev/null || true
ip netns del "$peer" 2>/dev/null || true
ip netns add "$ns"
ip netns add "$peer"
ip -n "$ns" link set lo up
ip -n "$peer" link set lo up
ip -n "$ns" link add el0 type veth peer name el1 netns "$peer"
ip -n "$ns" addr add 198.18.200.1/24 dev el0
ip -n "$peer" addr add 198.18.200.2/24 dev el1
ip -n "$ns" link set el0 up
ip -n "$peer" link set el1 up

sock="$tmp/javaoverlay.sock"
store="file://$tmp/state"
in_ns=()
if [ -n "$consul" ]; then
  consul_bin="$("$root/scripts/ensure-consul")"
  ip netns exec "$ns" "$consul_bin" agent -dev -bind 127.0.0.1 -client 127.0.0.1 -http-port 8500 \
    -data-dir "$tmp/consul" >"$tmp/consul.log" 2>&1 &
  consul_pid=$!
  until ip netns exec "$ns" curl -fsS http://127.0.0.1:8500/v1/status/leader 2>/dev/null | grep -q :; do
    kill -0 "$consul_pid" 2>/dev/null || { cat "$tmp/consul.log" >&2; exit 1; }
    sleep 0.2
  done
  store="consul://127.0.0.1:8500"
  in_ns=(ip netns exec "$ns")
fi
ip netns exec "$ns" "$root/bin/javaoverlay" daemon --socket "$sock" --store "$store" --advertise-addr 198.18.200.1 \
  --host-id bench-h1 --admin-socket "$tmp/admin/admin.sock" --log-level warn >"$tmp/daemon.log" 2>&1 &
pid=$!
until [ -S "$sock" ]; do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/daemon.log" >&2; exit 1; }
  sleep 0.05
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); java: $(java -version 2>&1 | head -1)"
echo "daemon JVM flags: $(tr '\0' ' ' </proc/$pid/cmdline | grep -o -- ' -X[^ ]*' | tr -d '\n')"
"${in_ns[@]}" java -cp "$target/test-classes:$target/lib/*:$jar" io.javaoverlay.server.bench.EndpointLoad \
  --socket "$sock" --store "$store" --pid "$pid" --local "$local_n" --remote "$remote_n" --remote-vtep 198.18.200.2

# The remote endpoints reach the kernel through the daemon's store watch: count the FDB entries
# towards the other VTEP until all are there.
t0=$(date +%s%N)
fdb=0
for _ in $(seq 1 600); do
  fdb=$(bridge -n "$ns" fdb show | grep -c 'dst 198.18.200.2' || true)
  [ "$fdb" -ge "$remote_n" ] && break
  sleep 0.1
done
echo
echo "remote FDB entries in the kernel: $fdb of $remote_n ($(( ($(date +%s%N) - t0) / 1000000 )) ms after the report)"
echo "links in the daemon's namespace: $(ip -n "$ns" -o link show | wc -l)"
echo "daemon threads by name: $(cat /proc/$pid/task/*/comm | sed 's/[-( ]*[0-9)]*$//' | sort | uniq -c | sort -rn | awk '{n=$1; $1=""; printf "%s%s x%d", sep, substr($0,2), n; sep=", "}')"
if grep -q NativeMemoryTracking /proc/$pid/cmdline 2>/dev/null; then
  echo; jcmd "$pid" VM.native_memory summary | grep -E '^(Total|-) |committed=' | grep -E 'Total|^-' | sed 's/^/    /'
fi
if grep -qE 'ERROR|Exception' "$tmp/daemon.log"; then
  echo; echo "daemon log (errors):"; grep -E 'ERROR|Exception' "$tmp/daemon.log" | head -20
fi
