#!/usr/bin/env bash
# The plugin's side of a 10-, 25- and 50-host cluster without dockerds (issue 14, "Scale"), as root:
#   bench/scale-sim.sh [PER_HOST] [SECONDS] [HOSTS...]        (default 20 20 10 25 50)
# Build first: mvn -B -o -pl plugin-server -am package -DskipTests (compiles the test classes too).
#
# For each host count N: a fresh daemon in a throw-away namespace (embedded store, real netlink, its
# VTEP on a veth, --resync-interval 5s so the window holds safety-net passes too), then
# io.javaoverlay.server.bench.ScaleSim (plugin-server test sources): 10 local endpoints over the plugin
# socket, N-1 simulated hosts as store records only (heartbeat every second, PER_HOST endpoints each on
# the same network), wait until all are programmed, then SECONDS of churn (one remote endpoint added and
# one removed per second) while the daemon's own metrics (admin socket) count its reconcile passes,
# their time and its store operations. One table row per N. Nothing is asserted.
# Environment: TESTBED_PREFIX (namespace names, default jo), JAVAOVERLAY_JAVA_OPTS (extra JVM flags for the
# daemon, e.g. -Xlog:gc:file=/tmp/gc.log).
set -euo pipefail
per_host="${1:-20}"
seconds="${2:-20}"
shift $(( $# > 2 ? 2 : $# ))
hosts=("$@")
[ ${#hosts[@]} -gt 0 ] || hosts=(10 25 50)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
prefix="${TESTBED_PREFIX:-jo}"
ns="$prefix-ss-host"
peer="$prefix-ss-peer"
target="$root/plugin-server/target"
jar=$(ls "$target"/javaoverlay-plugin-server-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1 || true)
if [ -z "$jar" ] || [ ! -f "$target/test-classes/io/javaoverlay/server/bench/ScaleSim.class" ]; then
  echo "build first: (cd $root && mvn -B -o -pl plugin-server -am package -DskipTests)" >&2
  exit 1
fi
tmp="$(mktemp -d /tmp/jo-scale-sim.XXXXXX)"
pid=""
round=0
stop_daemon() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi
}
cleanup() {
  stop_daemon
  ip netns del "$ns" 2>/dev/null || true
  ip netns del "$peer" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "load average at the start: $(cut -d" " -f1-3 /proc/loadavg); $per_host endpoints per simulated host, $seconds s window"
echo "| hosts | endpoints | remote | all programmed after the writes, ms | passes in window | passes/s | mean pass ms (wall) | daemon CPU ms/s | store ops/s | store ops per pass | store ops/s by kind | network's endpoint list: records / size | hosts/ list: records / size | load (1 min) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|"
for n in "${hosts[@]}"; do
  ip netns del "$ns" 2>/dev/null || true
  ip netns del "$peer" 2>/dev/null || true
  ip netns add "$ns"
  ip netns add "$peer"
  ip -n "$ns" link set lo up
  ip -n "$peer" link set lo up
  ip -n "$ns" link add ss0 type veth peer name ss1 netns "$peer"
  ip -n "$ns" addr add 198.18.200.1/24 dev ss0
  ip -n "$peer" addr add 198.18.200.2/24 dev ss1
  ip -n "$ns" link set ss0 up
  ip -n "$peer" link set ss1 up
  ip -n "$ns" route add 198.18.200.0/21 via 198.18.200.2   # the simulated VTEPs (198.18.201-202.x)
  run="$tmp/run$((++round))-n$n"
  mkdir -p "$run"
  sock="$run/javaoverlay.sock"
  store="file://$run/state"
  ip netns exec "$ns" "$root/bin/javaoverlay" daemon --socket "$sock" --store "$store" --advertise-addr 198.18.200.1 \
    --host-id sim-h000 --admin-socket "$run/admin/admin.sock" --resync-interval 5s --log-level warn >"$run/daemon.log" 2>&1 &
  pid=$!
  until [ -S "$sock" ] && [ -S "$run/admin/admin.sock" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$run/daemon.log" >&2; exit 1; }
    sleep 0.05
  done
  row=$(java -cp "$target/test-classes:$target/lib/*:$jar" io.javaoverlay.server.bench.ScaleSim \
    --socket "$sock" --admin "$run/admin/admin.sock" --store "$store" --pid "$pid" --hosts "$n" --per-host "$per_host" --seconds "$seconds")
  echo "$row $(cut -d' ' -f1 /proc/loadavg) |"
  if grep -qE 'ERROR|Exception' "$run/daemon.log"; then
    echo "daemon log (errors), $n hosts:" >&2; grep -E 'ERROR|Exception' "$run/daemon.log" | head -10 >&2
  fi
  stop_daemon
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
