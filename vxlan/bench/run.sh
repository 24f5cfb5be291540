#!/usr/bin/env bash
# Runs the vxlan benchmarks (not tests). Usage: vxlan/bench/run.sh planner|dataplane [PEERS]|ingress [ROUNDS]
# dataplane needs root, iproute2, ping (iputils-ping) and iperf3; ingress also nft and python3; both work in
# jo-it-* namespaces only.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl vxlan -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CP="vxlan/target/classes:vxlan/target/test-classes:$(cat vxlan/target/bench-classpath.txt)"
case "${1:-planner}" in
  planner)   exec java -cp "$CP" io.javaoverlay.vxlan.bench.PlannerBenchmark ;;
  dataplane) exec java -Djava.util.logging.config.file=/dev/null -cp "$CP" io.javaoverlay.vxlan.bench.DataPlaneBenchmark "${2:-200}" ;;
  ingress)   exec java -Djava.util.logging.config.file=/dev/null -cp "$CP" io.javaoverlay.vxlan.bench.IngressFilterBenchmark "${2:-3}" ;;
  *) echo "usage: $0 planner|dataplane [PEERS]|ingress [ROUNDS]" >&2; exit 2 ;;
esac
