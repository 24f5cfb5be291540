#!/usr/bin/env bash
# What one container costs the javaoverlay daemon on its host: CPU per thread (from /proc, user +
# system), reconcile passes and store operations (from the daemon's metrics), per container started
# and removed (`docker run -d` + `docker rm -f`, one after the other).
#
# Two testbed hosts (Docker 20.10 + Consul, the daemons with --scope global), one javaoverlay network
# with a long-lived container on each host; then WARMUP containers on h1 that are not counted, then
# RUNS that are.
#
# Usage (as root, from the repository root; builds the plugin if there is no build):
#   bench/container-cost.sh [--runs N] [--warmup N]      (defaults: 20 and 10)
# Prints the per-container figures. The testbed's session lock makes other testbed users wait.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
T="$root/scripts/testbed"
TB_ROOT=${TESTBED_ROOT:-/var/lib/javaoverlay-testbed}
runs=20 warmup=10
while (($#)); do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--warmup N]" >&2; exit 2 ;;
  esac
done
((runs >= 1 && runs <= 90 && warmup >= 0 && warmup <= 90 && runs + warmup <= 100)) ||
  { echo "runs 1..90, warmup 0..90, together at most 100" >&2; exit 2; }
logdir=$(mktemp -d /tmp/jo-container-cost.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$T" down >/dev/null 2>&1 || true
  echo "cost: logs kept in $logdir" >&2
}
trap cleanup EXIT
if ! ls "$root"/plugin-server/target/javaoverlay-plugin-server-*.jar >/dev/null 2>&1 || [[ ! -d "$root/plugin-server/target/lib" ]]; then
  mvn -B -q -o -pl plugin-server -am package -DskipTests >&2
fi
"$T" up 2 --docker 20 >&2
D() { "$T" docker "$@"; }
for h in h1 h2; do
  "$T" exec "$h" "$root/bin/javaoverlay" daemon --store consul://198.18.0.1:8500 --scope global \
    --advertise-addr "198.18.0.1${h#h}" >"$logdir/plugin-$h.log" 2>&1 </dev/null &
  pids+=($!)   # the launcher execs java: this is the JVM
done
for _ in $(seq 1 600); do   # <= 60 s
  grep -q 'Daemon: ready' "$logdir/plugin-h1.log" && grep -q 'Daemon: ready' "$logdir/plugin-h2.log" && break
  sleep 0.1
done
grep -q 'Daemon: ready' "$logdir/plugin-h1.log" || { echo "daemon on h1 not ready; $logdir" >&2; exit 1; }
pid=${pids[0]}
D h1 network create -d javaoverlay --ipam-driver javaoverlay --subnet 10.77.0.0/24 --ip-range 10.77.0.0/25 jo >/dev/null
D h1 run -d --name keep-1 --net jo jo-test sleep 3600 >/dev/null
D h2 run -d --name keep-2 --net jo jo-test sleep 3600 >/dev/null
# Per thread name (the kernel keeps 15 characters; a pool's threads folded: plugin-worker(1..4) ->
# plugin-worker, the networks' reconcilers -> jo-reconcile-<network>): ticks.
threads() {
  local t s c r
  for t in /proc/"$pid"/task/*; do
    s=$(cat "$t/stat" 2>/dev/null) || continue
    c=${s#*(}; c=${c%%)*}; r=${s##*) }
    # shellcheck disable=SC2086
    set -- $r
    echo "${c// /_} $(( ${12} + ${13} ))"
  done | awk '{n = $1; sub(/\([0-9]*$/, "", n); if (n ~ /^jo-reconcile-[0-9a-f]+$/) n = "jo-reconcile-<network>"; a[n] += $2}
    END {for (k in a) print k, a[k]}' | sort
}
metrics() {
  "$T" exec h1 curl -s -m 5 --unix-socket /run/javaoverlay/admin.sock http://admin/metrics |
    grep -E '^javaoverlay_(reconcile_pass_duration_seconds_count|store_operation_duration_seconds_count)' | sort
}
one() {   # container n: start, then remove
  D h1 run -d --name "c-$1" --net jo --ip "10.77.0.$((150 + $1))" jo-test sleep 3600 >/dev/null
  D h1 rm -f "c-$1" >/dev/null
}
for i in $(seq 1 "$warmup"); do one "$i"; done
threads >"$logdir/threads0"; metrics >"$logdir/metrics0"
t0=$(date +%s%N)
for i in $(seq $((warmup + 1)) $((warmup + runs))); do one "$i"; done
t1=$(date +%s%N)
threads >"$logdir/threads1"; metrics >"$logdir/metrics1"
hz=$(getconf CLK_TCK)
echo "javaoverlay daemon on h1, per container started and removed ($runs after $warmup not counted; $(( (t1 - t0) / 1000000 / runs )) ms each):"
join -a2 "$logdir/threads0" "$logdir/threads1" |
  awk -v n="$runs" -v hz="$hz" '{d = (NF == 3 ? $3 - $2 : $2); all += d; if (d > 0) printf "  %7.1f ms CPU  %s\n", d * 1000 / hz / n, $1}
    END {printf "  %7.1f ms CPU  all threads\n", all * 1000 / hz / n}' | sort -rn
echo "  RSS after the runs: $(awk '/^VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status")"
join "$logdir/metrics0" "$logdir/metrics1" |
  awk -v n="$runs" '{m = $1; sub(/^javaoverlay_/, "", m); sub(/_duration_seconds_count/, "", m); printf "  %7.2f %s\n", ($3 - $2) / n, m}'
