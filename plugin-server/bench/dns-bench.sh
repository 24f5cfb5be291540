#!/usr/bin/env bash
# Container resolver throughput and latency (UDP, loopback): a local name from the name table and a
# forwarded name relayed to a small upstream the benchmark starts itself. Closed loop per client.
# Usage: plugin-server/bench/dns-bench.sh [SECONDS-PER-RUN] [CLIENTS,...]   (defaults: 5 1,8)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$root"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
nice -n 10 mvn -B -q -o -pl plugin-server -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
CP="plugin-server/target/test-classes:plugin-server/target/classes:$(cat "$cp_file")"
java -cp "$CP" io.javaoverlay.server.dns.bench.DnsBenchmark "$@"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
