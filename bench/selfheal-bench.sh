#!/usr/bin/env bash
# Self-healing benchmark (issue 10) on three Docker 26 testbed hosts with Consul, the javaoverlay
# daemon on each with its default flags unless told otherwise. Over N trials (default 10) it measures:
#   1. dead host -> peers withdrawn: `testbed vanish h3` until neither h1 nor h2 has an FDB or
#      neighbour entry left for h3's container (h3 is added again between trials);
#   2. store back -> first successful `docker run`: Consul hung (SIGSTOP, or cut off from every host
#      with --outage partition) for --outage-seconds, then `docker run` on h2 retried back to back
#      until one succeeds, timed from the moment Consul is back;
#   3. lost endpoint reclaimed: h1's daemon stopped, a container removed there meanwhile, the daemon
#      started again; from its "ready" until h2 and h3 have dropped the container's entries and its
#      address claim is gone from Consul. The containers are created up front and are older than the
#      grace period (--grace) when removed, so the daemon's first pass may reclaim them.
# Each measurement gives up after --limit seconds and is then counted as a failure (not in the times).
# Part 3 is slow whatever the daemon does: with the plugin down, Docker retries each of the calls of a
# `docker rm` (Leave, DeleteEndpoint, ReleaseAddress) for up to 30 s before giving up (about 45 s).
# p99 over 10 trials is the nearest rank, i.e. the largest time.
#
# Usage (as root, from the repository root; builds the plugin if there is no build):
#   bench/selfheal-bench.sh [--trials N] [--outage pause|partition] [--outage-seconds S]
#                           [--grace S] [--limit S] [--daemon-flags "FLAGS"] [--out FILE]
# --grace is the daemon's endpoint grace in seconds (default 60, the daemon's default; another value
# is passed to it as --endpoint-grace). --daemon-flags are added to every daemon's command line,
# e.g. "--resync-interval 5s". Prints a Markdown table for BENCHMARKS.md; --out also writes it to FILE.
# Uses TESTBED_PREFIX / TESTBED_ROOT like scripts/testbed; every loop is bounded; `testbed down` at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
T="$root/scripts/testbed"
TB_ROOT=${TESTBED_ROOT:-/var/lib/javaoverlay-testbed}
trials=10 outage=pause outage_s=10 grace=60 limit=60 daemon_flags="" out=""
while (($#)); do
  case "$1" in
    --trials) trials=$2; shift 2 ;;
    --outage) outage=$2; shift 2 ;;
    --outage-seconds) outage_s=$2; shift 2 ;;
    --grace) grace=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --daemon-flags) daemon_flags=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
((trials >= 1 && trials <= 50 && outage_s >= 1 && outage_s <= 120 && grace >= 0 && grace <= 600 && limit >= 5 && limit <= 600)) ||
  { echo "trials 1..50, outage-seconds 1..120, grace 0..600, limit 5..600" >&2; exit 2; }
[[ "$outage" == pause || "$outage" == partition ]] || { echo "--outage pause|partition" >&2; exit 2; }

logdir=$(mktemp -d /tmp/jo-selfheal-bench.XXXXXX)
log() { echo "bench: $*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
D() { "$T" docker "$@"; }
CONSUL=198.18.0.1:8500
NET=bench SUBNET=198.18.170.0/24

declare -A plugin_pid
life=0
cleanup() {
  local h
  for h in "${!plugin_pid[@]}"; do kill "${plugin_pid[$h]}" 2>/dev/null || true; done
  "$T" consul-resume >/dev/null 2>&1 || true
  "$T" down >/dev/null 2>&1 || true
  log "logs kept in $logdir"
}
trap cleanup EXIT

if ! ls "$root"/plugin-server/target/javaoverlay-plugin-server-*.jar >/dev/null 2>&1 || [[ ! -d "$root/plugin-server/target/lib" ]]; then
  log "building the plugin (mvn -B -q -o -pl plugin-server -am package -DskipTests)"
  mvn -B -q -o -pl plugin-server -am package -DskipTests >&2
fi

flags=()
((grace != 60)) && flags+=(--endpoint-grace "${grace}s")
# shellcheck disable=SC2206
[[ -n "$daemon_flags" ]] && flags+=($daemon_flags)

start_plugin() {  # host -> waits until the daemon logs "ready"; sets ready_at (ms)
  local h=$1 i lf
  life=$((life + 1)); lf="$logdir/plugin-$h-$life.log"
  rm -f "$TB_ROOT/$h/run/docker/plugins/javaoverlay.sock"
  "$T" exec "$h" "$root/bin/javaoverlay" daemon --store "consul://$CONSUL" --advertise-addr "198.18.0.1${h#h}" \
    --host-id "$h" "${flags[@]}" >"$lf" 2>&1 </dev/null &
  plugin_pid[$h]=$!
  for i in $(seq 1 1200); do   # <= 60 s
    grep -q 'Daemon: ready: serving' "$lf" && { ready_at=$(now_ms); return 0; }
    kill -0 "${plugin_pid[$h]}" 2>/dev/null || break
    sleep 0.05
  done
  log "daemon on $h not ready; log $lf"; tail -20 "$lf" >&2; exit 1
}
stop_plugin() { kill "${plugin_pid[$1]}" 2>/dev/null || true; wait "${plugin_pid[$1]}" 2>/dev/null || true; unset "plugin_pid[$1]"; }

ip_of() { D "$1" inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$2"; }
mac_of() { D "$1" inspect -f "{{(index .NetworkSettings.Networks \"$NET\").MacAddress}}" "$2"; }
# knows HOST MAC IP: 0 while HOST has any FDB entry for MAC or a neighbour entry for IP
# (outputs are captured before grep: with pipefail, `cmd | grep -q` fails when grep exits early)
knows() {
  grep -qi "^$2 " <<<"$("$T" exec "$1" bridge fdb show 2>/dev/null)" && return 0
  [[ -n "$("$T" exec "$1" ip neigh show to "$3" 2>/dev/null)" ]]
}
await_network() {  # host
  local i
  for i in $(seq 1 150); do D "$1" network inspect "$NET" >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "network $NET never reached $1"; exit 1
}
claimed() { grep -qF "/$1\"" <<<"$("$T" exec h1 curl -s -m 5 "http://$CONSUL/v1/kv/javaoverlay/v1/ipam/addrs/${SUBNET/\//_}_?keys")"; }

log "testbed up 3 --docker 26 --consul"
"$T" up 3 --docker 26 --consul >&2
for h in h1 h2 h3; do start_plugin "$h"; done
D h1 network create -d javaoverlay --ipam-driver javaoverlay --subnet "$SUBNET" "$NET" >/dev/null
for h in h2 h3; do await_network "$h"; done
D h1 run -d --name c1 --net "$NET" jo-test sleep 3600 >/dev/null
D h2 run -d --name c2 --net "$NET" jo-test sleep 3600 >/dev/null

# ---- 1. dead host -> peers withdrawn ------------------------------------------------------------
withdraw_ms=() withdraw_fail=0
for i in $(seq 1 "$trials"); do
  D h3 run -d --name c3 --net "$NET" jo-test sleep 3600 >/dev/null
  mac=$(mac_of h3 c3); ip=$(ip_of h3 c3)
  for n in $(seq 1 100); do knows h1 "$mac" "$ip" && knows h2 "$mac" "$ip" && break; sleep 0.2; done
  t0=$(now_ms)
  "$T" vanish h3 2>/dev/null
  unset 'plugin_pid[h3]'
  ok=""
  while (( $(now_ms) - t0 < limit * 1000 )); do
    if ! knows h1 "$mac" "$ip" && ! knows h2 "$mac" "$ip"; then ok=$(( $(now_ms) - t0 )); break; fi
    sleep 0.1
  done
  if [[ -n "$ok" ]]; then withdraw_ms+=("$ok"); log "dead host trial $i: withdrawn after $ok ms"
  else withdraw_fail=$((withdraw_fail + 1)); log "dead host trial $i: not withdrawn within $limit s"; fi
  "$T" add h3 2>/dev/null
  start_plugin h3
  await_network h3
done

# ---- 2. store back -> first successful docker run -----------------------------------------------
return_ms=() return_fail=0
for i in $(seq 1 "$trials"); do
  if [[ "$outage" == pause ]]; then "$T" consul-pause 2>/dev/null
  else for h in h1 h2 h3; do "$T" consul-partition "$h" on 2>/dev/null; done; fi
  sleep "$outage_s"
  if [[ "$outage" == pause ]]; then "$T" consul-resume 2>/dev/null
  else for h in h1 h2 h3; do "$T" consul-partition "$h" off 2>/dev/null; done; fi
  t0=$(now_ms) ok=""
  while (( $(now_ms) - t0 < limit * 1000 )); do
    D h2 rm -f "r$i" >/dev/null 2>&1 || true
    if D h2 run -d --name "r$i" --net "$NET" jo-test sleep 3600 >/dev/null 2>"$logdir/run-$i.err"; then
      ok=$(( $(now_ms) - t0 )); break
    fi
  done
  if [[ -n "$ok" ]]; then return_ms+=("$ok"); log "store return trial $i: first run after $ok ms"
  else return_fail=$((return_fail + 1)); log "store return trial $i: no run within $limit s: $(tail -1 "$logdir/run-$i.err")"; fi
  D h2 rm -f "r$i" >/dev/null 2>&1 || true
done

# ---- 3. lost endpoint reclaimed -----------------------------------------------------------------
for i in $(seq 1 "$trials"); do D h1 run -d --name "v$i" --net "$NET" jo-test sleep 3600 >/dev/null; done
log "waiting $((grace + 2)) s so that the containers are older than the grace period"
sleep $((grace + 2))
reclaim_ms=() reclaim_fail=0
for i in $(seq 1 "$trials"); do
  mac=$(mac_of h1 "v$i"); ip=$(ip_of h1 "v$i")
  stop_plugin h1
  D h1 rm -f "v$i" >/dev/null 2>&1 || true
  start_plugin h1
  t0=$ready_at ok=""
  while (( $(now_ms) - t0 < limit * 1000 )); do
    if ! knows h2 "$mac" "$ip" && ! knows h3 "$mac" "$ip" && ! claimed "$ip"; then ok=$(( $(now_ms) - t0 )); break; fi
    sleep 0.1
  done
  if [[ -n "$ok" ]]; then reclaim_ms+=("$ok"); log "lost endpoint trial $i: reclaimed $ok ms after the daemon was ready"
  else reclaim_fail=$((reclaim_fail + 1)); log "lost endpoint trial $i: not reclaimed within $limit s"; fi
done

# ---- report -------------------------------------------------------------------------------------
rank() {  # p values... -> nearest-rank percentile p of the values
  local p=$1; shift
  (($#)) || { echo "n/a"; return; }
  printf '%s\n' "$@" | sort -n | awk -v p="$p" '{a[NR]=$1} END {r=int((p*NR+99)/100); if (r<1) r=1; print a[r]}'
}
row() {  # label fail values...
  local label=$1 fail=$2; shift 2
  local range=n/a
  (($#)) && range="$(printf '%s\n' "$@" | sort -n | head -1)–$(printf '%s\n' "$@" | sort -n | tail -1)"
  echo "| $label | $(rank 50 "$@") | $(rank 99 "$@") | $range | $# ok, $fail failed (limit $limit s) |"
}
report=$(cat <<EOF
| Measurement ($trials trials, ms) | p50 | p99 | min–max | trials |
|---|---|---|---|---|
$(row "dead host (\`testbed vanish\`) → every peer withdrawn on the other hosts" "$withdraw_fail" "${withdraw_ms[@]}")
$(row "Consul back after ${outage_s} s ($outage) → first successful \`docker run\`" "$return_fail" "${return_ms[@]}")
$(row "daemon ready after a \`docker rm\` it missed → peers dropped and address free" "$reclaim_fail" "${reclaim_ms[@]}")

Daemon flags: ${flags[*]:-(defaults)}. Three Docker 26 hosts, Consul 198.18.0.1:8500, underlay MTU 1400.
EOF
)
echo "$report"
[[ -z "$out" ]] || echo "$report" > "$out"
