#!/usr/bin/env bash
# How soon a javaoverlay network created on one host exists on another (Docker 24+, the plugin's default
# --scope local, where javaoverlay replicates networks itself): two testbed hosts with Consul, a daemon
# on each; N times `docker network create` on h1, then `docker network inspect` on h2 again and again,
# 20 ms apart, until it succeeds. Prints the time from the create's return to the first success, per try
# (an upper bound by up to one inspect call).
#
# Usage (as root, from the repository root; builds the plugin if there is no build):
#   bench/replication-latency.sh [--docker 26|28] [--tries N]      (defaults: 28 and 10)
# The testbed's session lock makes other testbed users wait until this script's `testbed down`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
T="$root/scripts/testbed"
docker=28 tries=10
while (($#)); do
  case "$1" in
    --docker) docker=$2; shift 2 ;;
    --tries) tries=$2; shift 2 ;;
    *) echo "usage: $0 [--docker 26|28] [--tries N]" >&2; exit 2 ;;
  esac
done
[[ $docker == 26 || $docker == 28 ]] && ((tries >= 1 && tries <= 50)) || { echo "docker 26 or 28, tries 1..50" >&2; exit 2; }
logdir=$(mktemp -d /tmp/jo-replication.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$T" down >/dev/null 2>&1 || true
  echo "replication: logs kept in $logdir" >&2
}
trap cleanup EXIT
if ! ls "$root"/plugin-server/target/javaoverlay-plugin-server-*.jar >/dev/null 2>&1 || [[ ! -d "$root/plugin-server/target/lib" ]]; then
  mvn -B -q -o -pl plugin-server -am package -DskipTests >&2
fi
"$T" up 2 --docker "$docker" --consul >&2
consul=$("$T" consul-addr)
for h in h1 h2; do
  "$T" exec "$h" "$root/bin/javaoverlay" daemon --store "consul://$consul" --advertise-addr "198.18.0.1${h#h}" \
    >"$logdir/plugin-$h.log" 2>&1 </dev/null &
  pids+=($!)
done
for h in h1 h2; do
  for _ in $(seq 1 600); do grep -q 'Daemon: ready' "$logdir/plugin-$h.log" && break; sleep 0.1; done
  grep -q 'Daemon: ready' "$logdir/plugin-$h.log" || { echo "daemon on $h not ready; $logdir" >&2; exit 1; }
done
D() { "$T" docker "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
for i in $(seq 1 "$tries"); do
  D h1 network create -d javaoverlay --ipam-driver javaoverlay --subnet "10.90.$i.0/24" "net$i" >/dev/null
  t0=$(now_ms) seen=""
  for _ in $(seq 1 500); do   # <= ~10 s
    D h2 network inspect "net$i" >/dev/null 2>&1 && { seen=$(( $(now_ms) - t0 )); break; }
    sleep 0.02
  done
  echo "net$i: on h2 ${seen:+$seen ms}${seen:-never (within 10 s)} after docker network create returned on h1"
done
echo "Docker $docker, load average $(cut -d' ' -f1-3 /proc/loadavg)"
