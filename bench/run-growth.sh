#!/usr/bin/env bash
# `docker run` cost as a host fills up (issue 14): COUNT containers per host on one javaoverlay network,
# with Docker's own bridge network measured alongside as the reference for Docker's own growth. As root:
#   bench/run-growth.sh [COUNT] [WINDOW]            (default 150 30)
# Two testbed hosts with Docker 20.10 and Consul, a javaoverlay daemon on each. Per step i (alternating,
# so a change in the machine's load hits all three series alike): `docker run -d` on h1 on javaoverlay,
# on h1 on a user-defined bridge network, and on h2 on javaoverlay (so each host ends with COUNT local
# and COUNT remote javaoverlay endpoints). Prints the median (and p90) of the first and last WINDOW runs
# of each series, their ratio, and the daemons' RSS at the end. Nothing is asserted.
# Environment: OVERLAY=1 adds a fourth series, `docker run` on h1 on Docker's own overlay network (on
# its cluster store in Consul), the reference for the plugin in global scope; SCOPE=local runs the plugin in its default scope (dockerd keeps the network in its local
# store and javaoverlay replicates it to h2) instead of global (dockerd writes every endpoint to its
# cluster store in Consul, as for its own overlay); TESTBED_PREFIX / TESTBED_ROOT (your own testbed). The testbed is taken down at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
T="$root/scripts/testbed"
TB_ROOT=${TESTBED_ROOT:-/var/lib/javaoverlay-testbed}
count=${1:-150} win=${2:-30}
((count >= 2 * win && win >= 1)) || { echo "COUNT must be at least 2 x WINDOW" >&2; exit 2; }
logdir=$(mktemp -d /tmp/jo-run-growth.XXXXXX)
log() { echo "growth: $*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
plugin_pids=()
cleanup() {
  local p
  for p in "${plugin_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$T" down >/dev/null 2>&1 || true
  log "logs kept in $logdir"
}
trap cleanup EXIT
if ! ls "$root"/plugin-server/target/javaoverlay-plugin-server-*.jar >/dev/null 2>&1; then
  echo "build first: mvn -B -o -pl plugin-server -am package -DskipTests" >&2; exit 1
fi
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
scope="${SCOPE:-global}"
log "testbed up 2 --docker 20 (+ Consul)"
"$T" up 2 --docker 20 >&2
D() { "$T" docker "$@"; }
sock() { echo "$TB_ROOT/$1/run/docker/plugins/javaoverlay.sock"; }
for h in h1 h2; do
  rm -f "$(sock "$h")"
  "$T" exec "$h" "$root/bin/javaoverlay" daemon --store "consul://198.18.0.1:8500" --scope "$scope" \
    --advertise-addr "198.18.0.1${h#h}" --admin-socket "$logdir/admin-$h/admin.sock" >"$logdir/plugin-$h.log" 2>&1 </dev/null &
  plugin_pids+=($!)
done
for h in h1 h2; do
  for _ in $(seq 1 1200); do grep -q 'Daemon: ready: serving' "$logdir/plugin-$h.log" && break; sleep 0.05; done
  grep -q 'Daemon: ready: serving' "$logdir/plugin-$h.log" || { log "daemon on $h not ready"; tail -20 "$logdir/plugin-$h.log" >&2; exit 1; }
done
D h1 network create -d javaoverlay --ipam-driver javaoverlay --subnet 10.77.0.0/16 jo >/dev/null
D h1 network create -d bridge --subnet 10.79.0.0/16 br >/dev/null
series=(h1-jo h1-br h2-jo)
if [ -n "${OVERLAY:-}" ]; then  # Docker's own overlay on its cluster store, the reference for global scope
  D h1 network create -d overlay --subnet 10.78.0.0/16 ov >/dev/null
  series+=(h1-ov)
fi
for _ in $(seq 1 100); do D h2 network inspect jo >/dev/null 2>&1 && break; sleep 0.1; done
D h1 run --rm --net jo jo-test true; D h1 run --rm --net br jo-test true; D h2 run --rm --net jo jo-test true  # warm-up
[ -n "${OVERLAY:-}" ] && D h1 run --rm --net ov jo-test true

# The plugin's own time per call (its metrics on the admin socket), snapshotted around both windows.
snap() {  # host tag -> "endpoint sum count" lines in $logdir/metrics-host-tag
  curl -s -m 5 --unix-socket "$logdir/admin-$1/admin.sock" http://admin/metrics \
    | sed -n 's/^javaoverlay_plugin_request_duration_seconds_\(sum\|count\){endpoint="\([^"]*\)"} \(.*\)/\2:\1 \3/p' >"$logdir/metrics-$1-$2" || true
}
handler_ms() {  # host tagA tagB -> "Endpoint mean-ms, ..." between two snapshots
  join <(sort "$logdir/metrics-$1-$2") <(sort "$logdir/metrics-$1-$3") 2>/dev/null | awk '
    {d[$1]=$3-$2}
    END {for (k in d) {split(k, p, ":"); if (p[2]=="count" && d[k]>0) printf "%s %.1f, ", p[1], d[p[1] ":sum"]/d[k]*1000}}' \
    | sed 's/, $//'
}
declare -A ms=([h1-jo]="" [h1-br]="" [h2-jo]="" [h1-ov]="")
snap h1 0; snap h2 0
log "$count steps: ${series[*]}"
for i in $(seq 1 "$count"); do
  for s in "${series[@]}"; do
    h=${s%-*} n=${s#*-}
    t0=$(now_ms)
    D "$h" run -d --name "g-$h-$n-$i" --net "$n" jo-test sleep infinity >/dev/null
    ms[$s]+="$(( $(now_ms) - t0 )) "
  done
  ((i % 30)) || log "$i per host, load $(cut -d' ' -f1 /proc/loadavg)"
  if ((i == win || i == count - win)); then snap h1 "$i"; snap h2 "$i"; fi
done

stats() {  # values... -> "median / p90"
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; p=a[int(NR*0.9+0.999)]; print m " / " p}'
}
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
echo "| series | first $win: median / p90 ms | last $win: median / p90 ms | last / first median |"
echo "|---|---|---|---:|"
for s in "${series[@]}"; do
  read -ra v <<<"${ms[$s]}"
  first=("${v[@]:0:win}") last=("${v[@]: -win}")
  case $s in
    *-br) label="Docker bridge network, ${s%-*}" ;;
    *-ov) label="Docker overlay (cluster store), ${s%-*}" ;;
    *) label="javaoverlay, ${s%-*}" ;;
  esac
  echo "| $label | $(stats "${first[@]}") | $(stats "${last[@]}") | $(awk -v a="$(med "${first[@]}")" -v b="$(med "${last[@]}")" 'BEGIN {printf "%.2f", b / a}') |"
done
snap h1 "$count"; snap h2 "$count"
echo
echo "raw (ms, in order): h1-jo: ${ms[h1-jo]}"
echo "raw (ms, in order): h1-br: ${ms[h1-br]}"
echo "raw (ms, in order): h2-jo: ${ms[h2-jo]}"
[ -n "${OVERLAY:-}" ] && echo "raw (ms, in order): h1-ov: ${ms[h1-ov]}"

echo "Plugin time per call (its own metrics), mean ms, first $win / last $win steps:"
for h in h1 h2; do
  echo "- $h: first: $(handler_ms "$h" 0 "$win"); last: $(handler_ms "$h" "$((count - win))" "$count")"
done
echo
for h in h1 h2; do
  jp=""
  for p in $(pgrep -f "advertise-addr 198.18.0.1${h#h}" || true); do [[ $(cat "/proc/$p/comm" 2>/dev/null) == java ]] && jp=$p; done
  echo "plugin on $h: RSS $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$jp/status"), threads $(awk '/Threads/ {print $2}' "/proc/$jp/status"), containers running $(D "$h" ps -q | wc -l)" || true
done
echo "plugin scope: $scope"
echo "load average at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
