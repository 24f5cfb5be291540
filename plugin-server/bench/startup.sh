#!/usr/bin/env bash
# Daemon start to socket answering: launches `bin/javaoverlay daemon` N times (default 7) on a temporary
# socket and measures, per run,
#   wall   = exec of the launcher -> first 200 answer to POST /Plugin.Activate seen by a client (curl poll, 5 ms),
#   cpu    = the daemon's CPU time (user + system, all threads) at that moment, from /proc/PID/stat,
#   jersey = exec -> answer to a call that goes through Jersey (IpamDriver.RequestPool; the store is
#            not connected, so it is a JSON 500): the registration calls are answered while Jersey is built,
#   inner  = the daemon's own "socket ready ... (N ms after launch)" log figure.
# The advertise interface does not exist on purpose: the data plane never starts in the host namespace
# (socket readiness does not depend on it). Prints every run, then best and median, and the load average.
# Build first (this also makes the AppCDS archive the launcher uses): mvn -B -o -pl plugin-server -am package -DskipTests
# Without the archive: JAVAOVERLAY_JAVA_OPTS=-XX:SharedArchiveFile=$JAVA_HOME/lib/server/classes.jsa (the JDK's own).
# Usage: plugin-server/bench/startup.sh [RUNS]
set -euo pipefail
runs="${1:-7}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
tmp="$(mktemp -d /tmp/jo-bench.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
hz=$(getconf CLK_TCK)
walls=(); cpus=(); jerseys=(); inners=()
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
  sock="$tmp/run$i/javaoverlay.sock"
  t0=$(date +%s%N)
  "$root/bin/javaoverlay" daemon --socket "$sock" --store "file://$tmp/state$i" --advertise-addr jo-nonexist0 \
      --admin-socket "$tmp/run$i/admin/admin.sock" --ready-timeout 0 >"$tmp/log$i" 2>&1 &
  pid=$!
  until [ -S "$sock" ] && curl -sf --unix-socket "$sock" -X POST http://plugin/Plugin.Activate -o /dev/null 2>/dev/null; do
    sleep 0.005
  done
  t1=$(date +%s%N)
  read -r -a st < "/proc/$pid/stat"
  curl -s --unix-socket "$sock" -X POST -d '{"AddressSpace":"JavaOverlayLocal","Pool":"198.18.0.0/24"}' \
      http://plugin/IpamDriver.RequestPool -o /dev/null
  t2=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" || true
  wall=$(( (t1 - t0) / 1000000 )); cpu=$(( (st[13] + st[14]) * 1000 / hz )); jersey=$(( (t2 - t0) / 1000000 ))
  inner=$(sed -n "s/.*answers Docker (\([0-9]*\) ms after launch).*/\1/p" "$tmp/log$i" | head -1)
  walls+=("$wall"); cpus+=("$cpu"); jerseys+=("$jersey"); inners+=("${inner:-NA}")
  echo "run $i: wall ${wall} ms, cpu ${cpu} ms, jersey ${jersey} ms, inner ${inner:-NA} ms"
done
stats() { sort -n | awk '{a[NR]=$1} END {printf "best %d ms, median %d ms, worst %d ms", a[1], a[int((NR+1)/2)], a[NR]}'; }
echo "wall  : $(printf '%s\n' "${walls[@]}" | stats)"
echo "cpu   : $(printf '%s\n' "${cpus[@]}" | stats)"
echo "jersey: $(printf '%s\n' "${jerseys[@]}" | stats)"
echo "inner : $(printf '%s\n' "${inners[@]}" | grep -v NA | stats)"
echo "java: $(java -version 2>&1 | head -1); cpus: $(nproc); load after: $(cut -d' ' -f1-3 /proc/loadavg)"
