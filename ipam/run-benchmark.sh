#!/usr/bin/env bash
# Runs io.javaoverlay.ipam.IpamBenchmark (src/test/java) with the module's test classpath.
#   ipam/run-benchmark.sh --store memory|local|consul [--ops N] [--warmup N] [--levels 1,2,4]
# For --store consul it uses $CONSUL_HTTP_ADDR if set, else starts a throw-away `consul agent -dev`
# (binary from scripts/ensure-consul, via kvstore's ConsulTestAgent) and stops it afterwards.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -o -pl ipam -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="ipam/target/test-classes:ipam/target/classes:kvstore/target/test-classes:kvstore/target/classes:$(cat ipam/target/bench.classpath)"
export JAVAOVERLAY_ROOT="$root"
java -cp "$cp" io.javaoverlay.ipam.IpamBenchmark "$@"
