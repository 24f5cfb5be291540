#!/usr/bin/env bash
# Benchmark for issue 7: time from `docker network create` on h1 until the network is usable on h2
# and h3 (present in their dockerd, so `docker run --net NAME` works there), over repeated runs,
# with three Docker 26 testbed hosts, a real Consul and the real javaoverlay daemon on each
# (default settings: scope local, replicator polling Docker every 2 s, Consul watch).
#
#   plugin-server/bench/cluster-create-latency.sh [RUNS]        (root; default 10 runs)
#
# Build first: mvn -B -o -pl plugin-server -am package -DskipTests
# Uses its own testbed (TESTBED_PREFIX=jo-b, TESTBED_ROOT=/var/lib/jo-bench-testbed) so that it
# never tears down another testbed, and removes it at the end. Polls each host's Engine API with
# curl every 10 ms; "create returned" is when the CLI on h1 exits.
set -euo pipefail
RUNS=${1:-10}
HERE="$(cd "$(dirname "$0")/../.." && pwd)"
export TESTBED_PREFIX=${TESTBED_PREFIX:-jo-b} TESTBED_ROOT=${TESTBED_ROOT:-/var/lib/jo-bench-testbed}
TB="$HERE/scripts/testbed"
LOGS=$(mktemp -d /tmp/jo-bench.XXXXXX)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
present() { curl -s -o /dev/null -w '%{http_code}' --unix-socket "$TESTBED_ROOT/$1/run/docker.sock" "http://d/networks/$2" | grep -q 200; }
cleanup() { "$TB" down >/dev/null 2>&1 || true; }
trap cleanup EXIT

"$TB" up 3 --docker 26 --consul >/dev/null 2>&1
for h in h1 h2 h3; do
  setsid "$TB" exec "$h" "$HERE/bin/javaoverlay" daemon --store consul://198.18.0.1:8500 --host-id "$h" \
    --advertise-addr "198.18.0.1${h#h}" >"$LOGS/$h.log" 2>&1 < /dev/null &
done
for h in h1 h2 h3; do
  for _ in $(seq 1 300); do grep -q 'Daemon: ready' "$LOGS/$h.log" 2>/dev/null && break; sleep 0.1; done
done

create_ms=(); usable_ms=(); gone_ms=()
for i in $(seq 1 "$RUNS"); do
  net="bench$i"
  t0=$(now_ms)
  "$TB" docker h1 network create -d javaoverlay --ipam-driver javaoverlay --subnet "198.18.$((130 + i)).0/24" "$net" >/dev/null
  t1=$(now_ms)
  h2=""; h3=""
  while [[ -z "$h2" || -z "$h3" ]]; do
    [[ -z "$h2" ]] && present h2 "$net" && h2=$(now_ms)
    [[ -z "$h3" ]] && present h3 "$net" && h3=$(now_ms)
    (( $(now_ms) - t0 > 60000 )) && { echo "run $i: not replicated within 60 s" >&2; exit 1; }
    sleep 0.01
  done
  last=$(( h2 > h3 ? h2 : h3 ))
  create_ms+=($((t1 - t0))); usable_ms+=($((last - t0)))
  r0=$(now_ms)
  "$TB" docker h1 network rm "$net" >/dev/null
  while present h2 "$net" || present h3 "$net"; do sleep 0.01; done
  gone_ms+=($(( $(now_ms) - r0 )))
  echo "run $i: create returned ${create_ms[-1]} ms, usable on h2 $((h2 - t0)) ms, h3 $((h3 - t0)) ms; removal everywhere ${gone_ms[-1]} ms"
done

pct() {  # pct P values... : nearest-rank percentile
  local p=$1; shift
  local sorted; sorted=($(printf '%s\n' "$@" | sort -n))
  local n=${#sorted[@]} k=$(( (p * ${#sorted[@]} + 99) / 100 ))
  ((k < 1)) && k=1
  echo "${sorted[$((k - 1))]}"
}
echo "runs=$RUNS"
echo "docker network create on h1 (CLI):        p50 $(pct 50 "${create_ms[@]}") ms, p99 $(pct 99 "${create_ms[@]}") ms"
echo "create on h1 -> usable on h2 and h3:      p50 $(pct 50 "${usable_ms[@]}") ms, p99 $(pct 99 "${usable_ms[@]}") ms"
echo "network rm on h1 -> gone on h2 and h3:    p50 $(pct 50 "${gone_ms[@]}") ms, p99 $(pct 99 "${gone_ms[@]}") ms"
echo "plugin logs: $LOGS"
