#!/usr/bin/env bash
# Runs io.javaoverlay.ipam.IpamBenchmark (src/test/java) with the module's test classpath.
#   ipam/run-benchmark.sh --store memory|local|consul [--ops N] [--warmup N] [--levels 1,2,4]
# For --store consul it starts a throw-away `consul agent -dev` (binary from scripts/ensure-consul)
# on free local ports unless CONSUL_HTTP_ADDR is set, and stops it afterwards.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -o -pl ipam -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="ipam/target/test-classes:ipam/target/classes:kvstore/target/test-classes:kvstore/target/classes:$(cat ipam/target/bench.classpath)"
agent_pid=""
cleanup() { if [[ -n "$agent_pid" ]]; then kill "$agent_pid" 2>/dev/null || true; wait "$agent_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
if [[ " $* " == *" consul "* && -z "${CONSUL_HTTP_ADDR:-}" ]]; then
  consul="$(scripts/ensure-consul)"
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  data="$(mktemp -d)"
  "$consul" agent -dev -bind=127.0.0.1 -client=127.0.0.1 -http-port="$port" -dns-port=-1 -grpc-port=-1 \
      -serf-lan-port=0 -serf-wan-port=0 -server-port=0 -data-dir="$data" >"$data/consul.log" 2>&1 &
  agent_pid=$!
  export CONSUL_HTTP_ADDR="127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -sf "http://$CONSUL_HTTP_ADDR/v1/status/leader" | grep -q : && break; sleep 0.1; done
fi
java -cp "$cp" io.javaoverlay.ipam.IpamBenchmark "$@"
