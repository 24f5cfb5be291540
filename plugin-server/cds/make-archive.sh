#!/usr/bin/env bash
# Creates plugin-server/target/javaoverlay.jsa, an AppCDS (JEP 350) archive of the classes the daemon
# loads while it starts and serves its first requests; bin/javaoverlay uses it when present.
# Regenerate after every build or JDK update (a stale archive is ignored, not harmful).
# Usage: plugin-server/cds/make-archive.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
target="$root/plugin-server/target"
tmp="$(mktemp -d /tmp/jo-cds.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
rm -f "$target/javaoverlay.jsa"
sock="$tmp/cds.sock"
# The advertise interface does not exist on purpose: no data plane in the host namespace while training.
JAVAOVERLAY_READY_TIMEOUT=0 JAVAOVERLAY_JAVA_OPTS="-XX:ArchiveClassesAtExit=$tmp/javaoverlay.jsa -Xlog:cds=off -Xlog:cds+dynamic=off" \
  "$root/bin/javaoverlay" daemon --socket "$sock" --store "file://$tmp/state" --advertise-addr jo-nonexist0 \
  >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  curl -sf --unix-socket "$sock" -X POST http://plugin/Plugin.Activate -o /dev/null 2>/dev/null && break
  sleep 0.1
done
for path in NetworkDriver.GetCapabilities IpamDriver.GetCapabilities IpamDriver.GetDefaultAddressSpaces; do
  curl -s --unix-socket "$sock" -X POST "http://plugin/$path" -o /dev/null
done
curl -s --unix-socket "$sock" -X POST http://plugin/IpamDriver.RequestPool -d '{bad' -o /dev/null
curl -s --unix-socket "$sock" -X POST http://plugin/NetworkDriver.CreateNetwork -d '{"NetworkID":"n"}' -o /dev/null
kill -TERM "$pid"
wait "$pid"
mv "$tmp/javaoverlay.jsa" "$target/javaoverlay.jsa"
echo "wrote $target/javaoverlay.jsa ($(du -h "$target/javaoverlay.jsa" | cut -f1))"
